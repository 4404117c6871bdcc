"""The forecast: for the targets of the KPIs projected with the open pipeline (won
revenue, won deals), what is won, what is committed (won + the open opportunities due
in the period at or above the company's commit probability, in full), the best case
(commit + the other open opportunities due in the period, weighted) and the gap from
the commit to the target. A view over sales_target: the engine measures the pipeline
(sales_kpi_engine.py ``_measure_pipeline``); nothing is copied."""

from odoo import api, fields, models, tools

from .sales_target import PERIOD_TYPES


class SalesTargetForecast(models.Model):
    _name = "sales.target.forecast"
    _description = "Sales forecast"
    _auto = False
    _order = "date_from desc, kpi_id, owner_type desc, team_id, user_id"
    _rec_name = "target_id"

    target_id = fields.Many2one("sales.target", string="Target record", readonly=True)
    kpi_id = fields.Many2one("sales.kpi", string="KPI", readonly=True)
    unit = fields.Selection(related="kpi_id.unit")
    period_type = fields.Selection(PERIOD_TYPES, string="Period", readonly=True)
    period_name = fields.Char("Period name", readonly=True)
    date_from = fields.Date("From", readonly=True)
    date_to = fields.Date("To", readonly=True)
    owner_type = fields.Selection(
        [("team", "Sales team"), ("user", "Salesperson"), ("company", "Company")],
        string="Owner",
        readonly=True,
    )
    team_id = fields.Many2one("crm.team", string="Sales team", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    company_id = fields.Many2one("res.company", string="Company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    state = fields.Selection(
        [("draft", "Draft"), ("confirmed", "Confirmed"), ("closed", "Closed")], readonly=True
    )
    # no sums: one KPI's figures share its unit, but teams and salespeople overlap
    target_value = fields.Float("Target", readonly=True, aggregator=None)
    won_value = fields.Float("Won", readonly=True, aggregator=None)
    commit_value = fields.Float("Commit", readonly=True, aggregator=None)
    best_value = fields.Float("Best case", readonly=True, aggregator=None)
    gap_value = fields.Float(
        "Gap to commit", readonly=True, aggregator=None, help="Target minus commit."
    )
    target_label = fields.Char("Target (with unit)", compute="_compute_labels")
    won_label = fields.Char("Won (with unit)", compute="_compute_labels")
    commit_label = fields.Char("Commit (with unit)", compute="_compute_labels")
    best_label = fields.Char("Best case (with unit)", compute="_compute_labels")
    gap_label = fields.Char("Gap to commit (with unit)", compute="_compute_labels")

    @api.depends_context("lang")
    @api.depends("target_value", "won_value", "commit_value", "best_value", "gap_value")
    def _compute_labels(self):
        for row, target in zip(self, self.target_id.sudo()):
            fmt = target._format_value
            row.target_label = fmt(row.target_value)
            row.won_label = fmt(row.won_value)
            row.commit_label = fmt(row.commit_value)
            row.best_label = fmt(row.best_value)
            row.gap_label = fmt(row.gap_value)

    def init(self):
        metrics = sorted(
            metric
            for metric, definition in self.env["sales.kpi"]._metric_definitions().items()
            if definition["pipeline"]
        )
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            f"""
            CREATE VIEW {self._table} AS (
                SELECT t.id, t.id AS target_id, t.kpi_id, t.period_type, t.period_name,
                       t.date_from, t.date_to, t.owner_type, t.team_id, t.user_id,
                       t.company_id, t.currency_id, t.state,
                       t.target_value,
                       COALESCE(t.actual_value, 0) AS won_value,
                       COALESCE(t.actual_value, 0) + COALESCE(t.pipeline_commit, 0)
                           AS commit_value,
                       COALESCE(t.actual_value, 0) + COALESCE(t.pipeline_best, 0) AS best_value,
                       t.target_value - COALESCE(t.actual_value, 0)
                           - COALESCE(t.pipeline_commit, 0) AS gap_value
                  FROM sales_target t
                  JOIN sales_kpi k ON k.id = t.kpi_id
                 WHERE t.active AND t.refreshed_at IS NOT NULL AND k.metric = ANY(%s)
            )
            """,
            [metrics],
        )
