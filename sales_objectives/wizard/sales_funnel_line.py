"""A step of a salesperson's funnel (sales_funnel.py)."""

from odoo import api, fields, models


class SalesFunnelLine(models.TransientModel):
    _name = "sales.funnel.line"
    _description = "Sales funnel step"
    _order = "user_id nulls first, sequence"

    funnel_id = fields.Many2one("sales.funnel", required=True, ondelete="cascade")
    user_id = fields.Many2one("res.users", string="Salesperson")
    row_label = fields.Char("Salesperson or team", compute="_compute_row_label")
    stage_id = fields.Many2one("crm.stage", string="Stage")
    stage_name = fields.Char("Step")
    sequence = fields.Integer()
    reached = fields.Integer("Opportunities reaching it")
    has_conversion = fields.Boolean()
    conversion = fields.Float("From the previous step (%)")
    has_team_conversion = fields.Boolean()
    team_conversion = fields.Float("Team (%)")
    hint = fields.Char()

    @api.depends("user_id")
    @api.depends_context("lang")
    def _compute_row_label(self):
        for line in self:
            line.row_label = line.user_id.name or self.env._("Team")
