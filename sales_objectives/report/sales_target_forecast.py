"""The forecast: for the targets of the KPIs projected with the open pipeline (won
revenue, won deals), what is won, what is committed (won + the open opportunities due
in the period at or above the company's commit probability, in full), the best case
(commit + the other open opportunities due in the period, weighted) and the gap from
the commit to the target, per board (one KPI and period: a team's salespeople, or a
company's teams): a board's figures add up, never those of different KPIs, currencies,
owner types or periods (sales_figure_grouping.py). A view over sales_target: the engine
measures the pipeline (sales_kpi_engine.py ``_measure_pipeline``); nothing is copied. The
query is made when read (``_table_query``): the metrics projected with the pipeline are
those of the add-ons installed now, a bridge's too."""

from odoo import api, fields, models, tools
from odoo.tools import SQL

from ..models.sales_figure_grouping import KPI_UNIT
from ..models.sales_target import PERIOD_TYPES, STATES
from .sales_target_board import board_id_sql


class SalesTargetForecast(models.Model):
    _name = "sales.target.forecast"
    _inherit = ["sales.target.board.rows"]
    _description = "Sales forecast"
    _auto = False
    _order = "date_from desc, kpi_id, owner_type desc, team_id, user_id"
    _rec_name = "target_id"

    target_id = fields.Many2one("sales.target", string="Target record", readonly=True)
    kpi_id = fields.Many2one("sales.kpi", string="KPI", readonly=True)
    unit = fields.Selection(related="kpi_id.unit")
    period_type = fields.Selection(PERIOD_TYPES, string="Period", readonly=True)
    period_name = fields.Char("Period key", readonly=True)
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
    state = fields.Selection(STATES, readonly=True)
    # summed over one board only: one KPI, currency, owner type and period
    target_value = fields.Float("Target", readonly=True)
    won_value = fields.Float("Won", readonly=True)
    commit_value = fields.Float("Commit", readonly=True)
    best_value = fields.Float("Best case", readonly=True)
    gap_value = fields.Float("Gap to commit", readonly=True, help="Target minus commit.")
    target_label = fields.Char("Target (with unit)", compute="_compute_labels")
    won_label = fields.Char("Won (with unit)", compute="_compute_labels")
    commit_label = fields.Char("Commit (with unit)", compute="_compute_labels")
    best_label = fields.Char("Best case (with unit)", compute="_compute_labels")
    gap_label = fields.Char("Gap to commit (with unit)", compute="_compute_labels")

    @api.model
    def _so_figures(self):
        return dict.fromkeys(
            ["target_value", "won_value", "commit_value", "best_value", "gap_value"], KPI_UNIT
        )

    @api.depends_context("lang")
    @api.depends("target_value", "won_value", "commit_value", "best_value", "gap_value")
    def _compute_labels(self):
        number = self.env["sales.target"]._number_format()
        for row, target in zip(self, self.target_id.sudo(), strict=True):
            fmt = target._format_value
            row.target_label = fmt(row.target_value, number)
            row.won_label = fmt(row.won_value, number)
            row.commit_label = fmt(row.commit_value, number)
            row.best_label = fmt(row.best_value, number)
            # the target's own words for a gap ("… to go"), said of the commit: "ahead
            # by …" once the commit passes the target
            row.gap_label = target._gap_words(number, gap=row.gap_value, ahead=True)

    @property
    def _table_query(self):
        # the metrics of the add-ons installed now, whenever they were installed
        metrics = sorted(
            metric
            for metric, definition in self.env["sales.kpi"]._metric_definitions().items()
            if definition["pipeline"]
        )
        return SQL(
            """
                SELECT t.id, t.id AS target_id, t.kpi_id, t.period_type, t.period_name,
                       t.period_id, t.date_from, t.date_to, t.owner_type, t.team_id,
                       t.user_id, t.company_id, t.currency_id, t.state,
                       %(board)s AS board_id,
                       t.target_value,
                       COALESCE(t.actual_value, 0) AS won_value,
                       COALESCE(t.actual_value, 0) + COALESCE(t.pipeline_commit, 0)
                           AS commit_value,
                       COALESCE(t.actual_value, 0) + COALESCE(t.pipeline_best, 0)
                           AS best_value,
                       t.target_value - COALESCE(t.actual_value, 0)
                           - COALESCE(t.pipeline_commit, 0) AS gap_value
                  FROM sales_target t
                  JOIN sales_kpi k ON k.id = t.kpi_id
             LEFT JOIN crm_team tt ON tt.id = t.team_id
                 WHERE t.active AND t.refreshed_at IS NOT NULL AND k.metric = ANY(%(metrics)s)
            """,
            board=board_id_sql("t", "tt"),
            metrics=metrics,
        )

    def init(self):
        # the database view that releases up to 18.0.1.1.0 made (a _table_query now)
        tools.drop_view_if_exists(self.env.cr, self._table)
