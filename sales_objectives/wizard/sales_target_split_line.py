"""A salesperson's part of a team target being split (sales_target_split.py)."""

from odoo import api, fields, models


class SalesTargetSplitLine(models.TransientModel):
    _name = "sales.target.split.line"
    _description = "Salesperson's part of a team target"

    split_id = fields.Many2one("sales.target.split", required=True, ondelete="cascade")
    user_id = fields.Many2one("res.users", string="Salesperson", required=True)
    weight = fields.Float(default=1.0)
    past_result = fields.Float(
        "Past results",
        related="weight",
        help="The salesperson's actual of this KPI over the past period: their share of "
        "the team target follows it.",
    )
    share = fields.Float("Share (%)", compute="_compute_value")
    value = fields.Float("Target", compute="_compute_value")
    value_label = fields.Char("Target (with unit)", compute="_compute_value")
    past_result_label = fields.Char("Past results (with unit)", compute="_compute_value")

    @api.depends(
        "weight",
        "user_id",
        "split_id.method",
        "split_id.line_ids.weight",
        "split_id.line_ids.user_id",
        "split_id.remainder_user_id",
    )
    @api.depends_context("lang")
    def _compute_value(self):
        for line in self:
            split = line.split_id
            fmt = split.target_id._format_value if split.target_id else str
            line.past_result_label = fmt(line.past_result)
            if not line.user_id:
                # a line without a salesperson (a Tab off the last cell adds one) gets
                # no part and counts in nobody's share: it is not saved
                line.share = line.value = 0.0
                line.value_label = False
                continue
            weights = sum(split._lines().mapped("weight"))
            line.share = 100.0 * line.weight / weights if weights else 0.0
            line.value = split._allocate().get(line.id, 0.0) if split else 0.0
            line.value_label = fmt(line.value)
