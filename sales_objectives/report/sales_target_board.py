"""Boards: the targets of one KPI and one period compared side by side, the salespeople
of one team, the teams of one parent team (a region's countries), or the company's
top teams (and the company target). The leaderboard
ranks the rows of a board, the forecast adds up a board; grouped by board, a kanban
shows each board as a column and a list opens each board as a group, headed "Won revenue
· Q4 2026 · Direct Sales" in the reader's language.

A board is named by one of its targets (the row of the lowest id on the screen: the
leaderboard's and the forecast's views compute it with a window over the same rows they
show), so this model is a view over sales_target: a board's record reads the KPI,
period and team of the target it is named by.

The board stays a view in the database (``init``), not a ``_table_query`` like the
leaderboard and the forecast: their rows are grouped and ordered by their board, and
Odoo orders a many2one by joining its model's table by name. It reads no metric: what a
bridge adds reaches it as it is."""

from odoo import api, fields, models, tools
from odoo.tools import SQL

from ..models.sales_target import PERIOD_TYPES

OWNER_TYPES = [("user", "Salesperson"), ("team", "Sales team"), ("company", "Company")]


def board_team_sql(alias="t", team_alias="tt"):
    """The team a row of sales_target ``alias`` is compared within: a salesperson's
    team; a team's parent team (``team_alias``, its crm_team row), so that a region's
    countries compare with each other and never with the region that adds them up; no
    team for the company's top teams and the company's own targets."""
    return SQL(
        """CASE WHEN %(t)s.owner_type = 'user' THEN %(t)s.team_id
                WHEN %(t)s.owner_type = 'team' THEN %(tt)s.so_parent_id END""",
        t=SQL.identifier(alias),
        tt=SQL.identifier(team_alias),
    )


def board_id_sql(alias="t", team_alias="tt"):
    """The board of each row of a view over sales_target ``alias`` (joined to its team
    as ``team_alias``): the lowest target id among the rows of the same KPI, period,
    owner type, company and team compared within (``board_team_sql``). A window: it
    must be selected with the rows it ranges over."""
    return SQL(
        """MIN(%(t)s.id) OVER (
               PARTITION BY %(t)s.kpi_id, %(t)s.period_type, %(t)s.date_from, %(t)s.date_to,
                            %(t)s.owner_type, %(t)s.company_id, %(team)s)""",
        t=SQL.identifier(alias),
        team=board_team_sql(alias, team_alias),
    )


class SalesTargetBoard(models.Model):
    _name = "sales.target.board"
    _description = "Sales target board"
    _auto = False
    # the current periods that end last first, the longest of those first (a year, its
    # quarter, its month); then the KPIs in their order, salespeople before teams
    _order = "date_to desc, date_from, kpi_id, owner_type desc, team_id, company_id, id"

    kpi_id = fields.Many2one("sales.kpi", string="KPI", readonly=True)
    period_id = fields.Many2one("sales.period", string="Target period", readonly=True)
    period_type = fields.Selection(PERIOD_TYPES, string="Period", readonly=True)
    date_from = fields.Date("From", readonly=True)
    date_to = fields.Date("To", readonly=True)
    owner_type = fields.Selection(OWNER_TYPES, string="Compares", readonly=True)
    team_id = fields.Many2one(
        "crm.team",
        string="Sales team",
        readonly=True,
        help="The team whose salespeople compare, or the parent team whose teams compare.",
    )
    company_id = fields.Many2one("res.company", string="Company", readonly=True)

    @api.depends("kpi_id", "period_id", "owner_type", "team_id", "company_id")
    @api.depends_context("lang")
    def _compute_display_name(self):
        for board in self:
            board.display_name = board._so_name(board.kpi_id.display_name)

    def _so_name(self, kpi_name):
        """ "Won revenue · Q4 2026 · Direct Sales", with ``kpi_name`` for the KPI."""
        self.ensure_one()
        if self.owner_type == "team" and self.team_id:
            among = self.env._("Teams of %(team)s", team=self.team_id.name)
        else:
            among = {
                "user": self.team_id.name,
                "team": self.env._("Sales teams of %(company)s", company=self.company_id.name),
                "company": self.company_id.name,
            }.get(self.owner_type)
        parts = [kpi_name, self.period_id.display_name, among]
        return " · ".join(part for part in parts if part)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE VIEW %s AS (
                    SELECT t.id, t.kpi_id, t.period_id, t.period_type, t.date_from,
                           t.date_to, t.owner_type, t.company_id, %s AS team_id
                      FROM sales_target t
                 LEFT JOIN crm_team tt ON tt.id = t.team_id
                )
                """,
                SQL.identifier(self._table),
                board_team_sql("t", "tt"),
            )
        )
