"""What the leaderboard and the forecast share: their rows are targets on boards
(sales_target_board.py)."""

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression


class SalesTargetBoardRows(models.AbstractModel):
    """Rows of a view over sales_target grouped on boards (the leaderboard, the
    forecast): their board, period, and whether the period is the current one."""

    _name = "sales.target.board.rows"
    _inherit = ["sales.target.grouping"]
    _description = "Rows of sales targets on boards"

    board_id = fields.Many2one("sales.target.board", string="Board", readonly=True)
    period_id = fields.Many2one("sales.period", string="Target period", readonly=True)
    is_current = fields.Boolean(
        "Current period",
        compute="_compute_is_current",
        search="_search_is_current",
        help="Today, in the company's time zone, is in the period.",
    )

    @api.depends("date_from", "date_to", "company_id")
    def _compute_is_current(self):
        today = self.company_id.sudo()._sales_today()
        for row in self:
            day = today.get(row.company_id.id)
            row.is_current = bool(day and row.date_from <= day <= row.date_to)

    def _search_is_current(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Operation not supported"))
        companies = self.env.user.sudo().company_ids
        current = expression.OR(
            [
                [("company_id", "=", company_id), ("date_from", "<=", day), ("date_to", ">=", day)]
                for company_id, day in companies._sales_today().items()
            ]
        )
        return current if (operator == "=") == value else ["!", *current]
