"""The burn-up of a target: its cumulative actual by day against the pace line (the
target spread over the company's working days) and the target, for the KPIs that add
up over the period. The engine computes it (``sales.kpi.engine.burnup``); the target
says it."""

from odoo import models
from odoo.tools.misc import format_date


class SalesTarget(models.Model):
    _inherit = "sales.target"  # pylint: disable=consider-merging-classes-inherited

    def so_burnup_data(self):
        """{labels, actual, pace, target, unit, currency, note} of the target, or {}
        when its KPI does not add up over the period (rates, averages, lower is
        better). ``actual`` is None for the days after today and those whose
        cumulative is not known (within a month kept as a total)."""
        self.ensure_one()
        self.check_access("read")
        target = self.sudo()
        burnup = self.env["sales.kpi.engine"].burnup(target)
        if not burnup:
            return {}
        note = ""
        if burnup["by_day_from"] is not False:
            note = self.env._(
                "The refresh keeps month totals before %(day)s: the actual is shown at"
                " each month's end until then.",
                day=format_date(self.env, burnup["by_day_from"]),
            )
        return {
            "labels": [self._so_day_label(day) for day in burnup["days"]],
            "actual": burnup["actual"],
            "pace": burnup["pace"],
            "target": target.target_value,
            "unit": target.unit,
            "currency": target.currency_id.symbol if target.unit == "money" else "",
            "note": note,
        }

    def _so_day_label(self, day):
        return format_date(self.env, day, date_format="d MMM")
