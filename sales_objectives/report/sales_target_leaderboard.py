"""The leaderboard: approved ("confirmed") and closed targets of salespeople and teams, ranked by
attainment on their board (one KPI and period: salespeople within their team, and within
their company; teams among the teams of their parent team, the top teams within their
company, and within their company), with the gap, the pipeline coverage and the
trend versus the same owner's target of the previous period. A view over sales_target:
no copy of any figure, one query whatever the number of rows (``_table_query``: the
query is made when read, so that what the add-ons installed later add reaches it)."""

from odoo import api, fields, models, tools
from odoo.tools import SQL

from ..models.sales_figure_grouping import KPI_UNIT
from ..models.sales_target import PERIOD_TYPES, STATUSES, live_owner_sql
from .sales_target_board import board_id_sql, board_team_sql

# what partitions every window of the leaderboard's query (its boards are finer)
PARTITION = ("kpi_id", "owner_type", "company_id", "period_type", "date_from", "date_to")


class SalesTargetLeaderboard(models.Model):
    _name = "sales.target.leaderboard"
    _inherit = ["sales.target.board.rows"]
    _description = "Sales targets leaderboard"
    _auto = False
    _order = "kpi_id, date_from desc, owner_type desc, team_id, rank nulls last, user_id"
    _rec_name = "target_id"

    target_id = fields.Many2one("sales.target", string="Target record", readonly=True)
    kpi_id = fields.Many2one("sales.kpi", string="KPI", readonly=True)
    period_type = fields.Selection(PERIOD_TYPES, string="Period", readonly=True)
    period_name = fields.Char("Period key", readonly=True)
    date_from = fields.Date("From", readonly=True)
    date_to = fields.Date("To", readonly=True)
    owner_type = fields.Selection(
        [("team", "Sales team"), ("user", "Salesperson")], string="Ranked", readonly=True
    )
    team_id = fields.Many2one("crm.team", string="Sales team", readonly=True)
    territory_id = fields.Many2one(
        "crm.team",
        string="Territory",
        readonly=True,
        help="The parent team (a region, a country) of the sales team.",
    )
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    company_id = fields.Many2one("res.company", string="Company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    unit = fields.Selection(related="kpi_id.unit")
    status = fields.Selection(STATUSES, readonly=True)
    # ranks and attainments are never summed; the figures in the KPI's unit only over
    # one board (sales_figure_grouping.py)
    rank = fields.Integer(
        "Rank",
        readonly=True,
        aggregator=None,
        help="Rank in the team; a team's among the teams of its parent team (the company's "
        "top teams among themselves).",
    )
    company_rank = fields.Integer("Rank in the company", readonly=True, aggregator=None)
    participants = fields.Integer("Out of", readonly=True, aggregator=None)
    attainment = fields.Float("Attainment (%)", readonly=True, aggregator=None)
    actual_value = fields.Float("Actual", readonly=True)
    target_value = fields.Float("Target", readonly=True)
    gap_value = fields.Float("Gap", readonly=True)
    coverage_ratio = fields.Float("Pipeline coverage (×)", readonly=True, aggregator=None)
    previous_attainment = fields.Float(
        "Previous period (%)",
        readonly=True,
        aggregator=None,
        help="Attainment of the same owner's target for the previous period.",
    )
    trend = fields.Float(
        "Trend (points)",
        readonly=True,
        aggregator=None,
        help="Attainment now minus attainment in the previous period, in points.",
    )
    has_previous = fields.Boolean("Has a previous period", readonly=True)
    has_figure = fields.Boolean(
        "Has a figure",
        readonly=True,
        help="Something was measured: a rate without any deal, a sales cycle without a "
        "won deal has no figure (not 0), no rank, and comes after everyone ranked.",
    )
    value_label = fields.Char(related="target_id.value_label", string="Actual / target")
    gap_label = fields.Char(related="target_id.gap_label", string="Gap (with unit)")
    # the target form's coverage: only for the KPIs projected with the pipeline (not a
    # rate, an average or a cycle), and only while something is missing
    coverage_label = fields.Char(related="target_id.coverage_label", string="Coverage")
    figures_as_of = fields.Datetime(related="target_id.figures_as_of", string="Refreshed on")

    @api.model
    def _so_figures(self):
        return dict.fromkeys(["actual_value", "target_value", "gap_value"], KPI_UNIT)

    @property
    def _table_query(self):
        # the same owner's target of the period just before, through the index of the
        # live targets (the latest period first): an output of the outer query, read
        # only for the rows asked for, after the filters (PostgreSQL drops it when
        # nobody reads it, as when counting each board's rows)
        previous = SQL(
            """(SELECT p.attainment FROM sales_target p
                 WHERE p.kpi_id = r.kpi_id AND p.owner_type = r.owner_type
                   AND p.company_id = r.company_id AND p.active
                   AND p.date_from < r.date_from AND p.date_to = r.date_from - 1
                   AND %(owner_p)s = %(owner_r)s
                   AND COALESCE(p.team_id, 0) = COALESCE(r.team_id, 0)
                   AND COALESCE(p.user_id, 0) = COALESCE(r.user_id, 0)
                   AND p.period_type = r.period_type AND p.state IN ('confirmed', 'closed')
                 ORDER BY p.date_from DESC LIMIT 1)""",
            owner_p=SQL(live_owner_sql("p")),
            owner_r=SQL(live_owner_sql("r")),
        )
        return SQL(
            """
            SELECT r.*, %(previous)s AS previous_attainment,
                   r.attainment - %(previous)s AS trend,
                   r.attainment IS NOT NULL AND %(previous)s IS NOT NULL AS has_previous
              FROM (
                SELECT t.id, t.id AS target_id, t.kpi_id, t.period_type, t.period_name,
                       t.period_id, t.date_from, t.date_to, t.owner_type, t.team_id,
                       t.user_id, t.company_id, t.currency_id, t.status,
                       tt.so_parent_id AS territory_id,
                       %(board)s AS board_id,
                       t.attainment, t.attainment IS NOT NULL AS has_figure,
                       t.actual_value, t.target_value, t.gap_value, t.coverage_ratio,
                       CASE WHEN t.attainment IS NOT NULL
                            THEN RANK() OVER ranked_in_team END AS rank,
                       CASE WHEN t.attainment IS NOT NULL
                            THEN RANK() OVER ranked_in_company END AS company_rank,
                       COUNT(*) OVER in_team AS participants
                  FROM sales_target t
             LEFT JOIN crm_team tt ON tt.id = t.team_id
                 WHERE t.active AND t.state IN ('confirmed', 'closed')
                   AND t.owner_type IN ('team', 'user')
                WINDOW in_team AS (
                           PARTITION BY t.kpi_id, t.owner_type, t.company_id, t.period_type,
                                        t.date_from, t.date_to, %(compared_within)s),
                       ranked_in_team AS (in_team ORDER BY t.attainment DESC NULLS LAST),
                       ranked_in_company AS (
                           PARTITION BY t.kpi_id, t.owner_type, t.company_id, t.period_type,
                                        t.date_from, t.date_to
                           ORDER BY t.attainment DESC NULLS LAST)
              ) r
            """,
            previous=previous,
            board=board_id_sql("t", "tt"),
            compared_within=board_team_sql("t", "tt"),
        )

    def _fetch_query(self, query, fields):
        """Rows read by id (Odoo's ``fetch``: a field not read with the search) would
        rank every open target of the database first: a filter on the row ids cannot
        pass below the ranking's windows. Their boards' KPI, owner type, company and
        period can (they partition every window): the read asks for those too."""
        if self.ids:
            keys = SQL(
                "(%s)", SQL(", ").join(SQL.identifier(self._table, key) for key in PARTITION)
            )
            self.env.cr.execute(
                SQL(
                    "SELECT DISTINCT %s FROM sales_target WHERE id = ANY(%s)",
                    SQL(", ").join(SQL.identifier(key) for key in PARTITION),
                    list(self.ids),
                )
            )
            partitions = self.env.cr.fetchall()
            if partitions:
                query.add_where(SQL("%s IN %s", keys, tuple(partitions)))
        return super()._fetch_query(query, fields)

    def init(self):
        # the database view that releases up to 18.0.1.1.0 made (a _table_query now)
        tools.drop_view_if_exists(self.env.cr, self._table)
