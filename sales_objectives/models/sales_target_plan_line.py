"""A plan's KPI line: the team's total over the plan's horizon, spread over its periods
and salespeople (sales_target_plan.py)."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import get_lang

from ..tools.numbers import NumberFormat


class SalesTargetPlanLine(models.Model):
    _name = "sales.target.plan.line"
    _description = "Sales target plan KPI"

    plan_id = fields.Many2one("sales.target.plan", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="plan_id.company_id")
    team_id = fields.Many2one(related="plan_id.team_id")
    currency_id = fields.Many2one(related="plan_id.currency_id")
    kpi_id = fields.Many2one(
        "sales.kpi",
        string="KPI",
        required=True,
        domain="[('metric', '!=', 'manual'), '|', ('company_id', '=', False),"
        " ('company_id', '=', company_id)]",
    )
    unit = fields.Selection(related="kpi_id.unit")
    unit_label = fields.Char("In", compute="_compute_unit_label")
    is_additive = fields.Boolean(compute="_compute_is_additive")
    total_value = fields.Float(
        "Team total",
        help="For amounts and counts, the team's total over the horizon, spread over the "
        "periods and the salespeople; for a rate or an average, the value of every target.",
    )
    spread = fields.Selection(
        [
            ("equal", "Equally"),
            ("seasonality", "Like last year"),
            ("ramp", "Growing each period"),
        ],
        string="Over the periods",
        required=True,
        default="equal",
    )
    ramp = fields.Float("Growth per period (%)", default=2.0)
    suggestion = fields.Char(
        "Suggested from",
        readonly=True,
        copy=False,
        help="What Suggest from history proposed and from what, or why it left the total "
        "as it was.",
    )

    _sql_constraints = [
        ("kpi_unique", "UNIQUE(plan_id, kpi_id)", "A plan has one line per KPI."),
    ]

    def _total_problem(self):
        """What is wrong with the team total as typed, in words (or False)."""
        self.ensure_one()
        if self.total_value < 0:
            return self.env._(
                "The team total of “%(kpi)s” cannot be negative (%(value)s).",
                kpi=self.kpi_id.name or "",
                value=self._format_value(self.total_value),
            )
        if self.unit == "percent" and self.total_value > 100:
            return self.env._(
                "“%(kpi)s” is a share: its target is at most 100 %%, not %(value)s.",
                kpi=self.kpi_id.name,
                value=self._format_value(self.total_value),
            )
        if self.spread == "ramp" and self.ramp <= -100:
            return self.env._(
                "The growth per period of “%(kpi)s” is above -100 %% (%(value)s %% leaves "
                "nothing for the later periods).",
                kpi=self.kpi_id.name or "",
                value=NumberFormat(get_lang(self.env))(self.ramp, 2),
            )
        return False

    @api.constrains("total_value", "kpi_id", "spread", "ramp")
    def _check_total_value(self):
        for line in self:
            problem = line._total_problem()
            if problem:
                raise ValidationError(problem)

    @api.onchange("total_value", "kpi_id", "spread", "ramp")
    def _onchange_total_value(self):
        problem = self._total_problem()
        if problem:
            return {"warning": {"title": self.env._("Check the team total"), "message": problem}}
        return None

    def _format_value(self, value):
        """``value`` in the line's unit, as its targets will write it."""
        self.ensure_one()
        probe = self.env["sales.target"].new(
            {
                "kpi_id": self.kpi_id.id,
                "company_id": self.company_id.id,
                "currency_id": self.currency_id.id,
            }
        )
        return probe._format_value(value)

    @api.depends("kpi_id.unit", "currency_id")
    @api.depends_context("lang")
    def _compute_unit_label(self):
        units = dict(self.env["sales.kpi"]._fields["unit"]._description_selection(self.env))
        for line in self:
            if line.unit == "money":
                line.unit_label = line.currency_id.name
            elif line.unit == "percent":
                line.unit_label = "%"
            else:
                line.unit_label = units.get(line.unit) or False

    @api.depends("kpi_id")
    def _compute_is_additive(self):
        for line in self:
            line.is_additive = bool(line.kpi_id) and line.kpi_id._metric_definition()["additive"]

    def _digits(self):
        self.ensure_one()
        if self.unit == "money":
            return self.currency_id.decimal_places
        if self.unit == "count":
            return 0
        return 2
