"""The burn-up of a target: its cumulative actual by day against the pace line (the
target spread over the company's working days) and the target, for the KPIs that add
up over the period. Measured with the engine's day buckets for the target's owner: one
grouped query over that owner's records."""

import bisect
from datetime import timedelta

from odoo import models
from odoo.tools import SQL
from odoo.tools.misc import format_date

from ..tools.buckets import BucketPlan


class SalesTarget(models.Model):
    _inherit = "sales.target"  # pylint: disable=consider-merging-classes-inherited

    def so_burnup_data(self):
        """{labels, actual, pace, target, unit, currency} of the target, or {} when
        its KPI does not add up over the period (rates, averages, lower is better)."""
        self.ensure_one()
        self.check_access("read")
        target = self.sudo()
        definition = target.kpi_id._metric_definition()
        if (
            not definition["additive"]
            or definition["distinct"]
            or target.kpi_id.metric == "manual"
            or target.direction != "higher"
        ):
            return {}
        engine = self.env["sales.kpi.engine"].sudo()
        (row,) = engine._read_targets(target.ids) or [None]
        if row is None:  # a closed target: its period as it was
            return {}
        state = engine._load_state([row])
        days = [
            target.date_from + timedelta(days=i)
            for i in range((target.date_to - target.date_from).days + 1)
        ]
        plan = BucketPlan.for_periods(
            [(row.date_from, row.date_to)],
            set(state.zone_of().values()),
            granularity="day",
            is_date=definition["is_date"],
        )

        def query(day_plan):
            mq = engine._metric_query(target.kpi_id, *day_plan.span())
            return mq._replace(components=[*mq.components, SQL("1")])

        daily = []
        for day in days:
            daily.append(row._replace(id=-len(daily) - 1, date_from=day, date_to=day))
        measured = engine._cells(query(plan), plan, [row], state)
        sums = engine._sums(query, plan, daily, definition["money"], state, measured=measured)
        actual, running = [], 0.0
        for day_row in daily:
            comps = sums[day_row.id]
            value, _sample = engine._combine(definition["combine"], comps)
            running += value
            actual.append(round(running, 2))
        clock = state.companies[row.company_id]
        working = sorted(engine._working_days(clock.calendar_id, row.company_id, days[0], days[-1]))
        total = len(working) or len(days)
        pace = []
        for day in days:
            done = bisect.bisect_right(working, day) if working else days.index(day) + 1
            pace.append(round(target.target_value * done / total, 2))
        today = clock.today
        return {
            "labels": [self._so_day_label(day) for day in days],
            "actual": [v if day <= today else None for v, day in zip(actual, days)],
            "pace": pace,
            "target": target.target_value,
            "unit": target.unit,
            "currency": target.currency_id.symbol if target.unit == "money" else "",
        }

    def _so_day_label(self, day):
        return format_date(self.env, day, date_format="d MMM")
