"""A contest's ranking: one line per participant, measured by the refresh engine."""

from odoo import api, fields, models


class SalesContestLine(models.Model):
    _name = "sales.contest.line"
    _description = "Sales contest ranking"
    _order = "contest_id, has_figure desc, rank, id"

    contest_id = fields.Many2one("sales.contest", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="contest_id.company_id", store=True)
    user_id = fields.Many2one("res.users", string="Participant", required=True)
    actual_value = fields.Float("Actual", aggregator=None)
    has_figure = fields.Boolean(
        "Measured",
        default=True,  # the rankings made before this field were all measured
        help="Whether there was anything to measure for the participant (for a sales "
        "cycle, a won deal; for a win rate, a closed deal).",
    )
    rank = fields.Integer(aggregator=None, help="Empty for a participant without a figure.")
    is_winner = fields.Boolean("Winner", help="Ranked first when the contest closed.")
    is_leading = fields.Boolean(
        "Leading", compute="_compute_is_leading", help="Ranked first while the contest runs."
    )
    value_label = fields.Char("Actual (with unit)", compute="_compute_value_label")
    state_label = fields.Char("Standing", compute="_compute_is_leading")

    @api.depends("rank", "has_figure", "is_winner", "contest_id.state")
    @api.depends_context("lang")
    def _compute_is_leading(self):
        for line in self:
            line.is_leading = (
                line.contest_id.state == "running" and line.has_figure and line.rank == 1
            )
            if line.is_winner:
                line.state_label = self.env._("Winner")
            elif line.is_leading:
                line.state_label = self.env._("Leading")
            else:
                line.state_label = False

    @api.depends_context("lang")
    @api.depends("actual_value", "has_figure", "contest_id.kpi_id")
    def _compute_value_label(self):
        Target = self.env["sales.target"]
        for line in self:
            if not line.has_figure:
                line.value_label = self.env._("No figure")
                continue
            contest = line.contest_id
            probe = Target.new(
                {
                    "kpi_id": contest.kpi_id.id,
                    "currency_id": contest.currency_id.id,
                    "company_id": contest.company_id.id,
                }
            )
            line.value_label = probe._format_value(line.actual_value)
