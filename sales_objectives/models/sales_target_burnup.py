"""The burn-up of a target: its cumulative actual by day against the pace line (the
target spread over the company's working days) and the target, for the KPIs that add
up over the period.

Read from the cells the scheduled refresh keeps (sales_kpi_cell.py), which are those of
the stored actual: the current month by day, the months before as month totals (the
actual is then known at each month's end). Measured with the engine's day buckets (one
grouped query over the owner's records) only when no cells are kept for the KPI's open
periods yet, or when amounts must be converted and the cells are whole months."""

import bisect
from datetime import timedelta

from odoo import models
from odoo.tools import SQL
from odoo.tools.misc import format_date

from ..tools.buckets import BucketPlan

DAY = timedelta(days=1)


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
        measured = self._so_kept_cells(engine, row, state, definition)
        if measured is None:
            measured = self._so_day_cells(engine, row, state, definition)
        plan = measured.plan
        money = set(definition["money"])
        series = []
        for key in measured.keys_of(row):
            conversion = None
            if money and state.currency(key[2]) != row.currency_id:
                conversion = engine._conversion(measured, money, key[2], row, state, False)
            series.append(measured.series(key, conversion))
        clock = state.companies[row.company_id]
        today = clock.today
        days = [
            target.date_from + timedelta(days=i)
            for i in range((target.date_to - target.date_from).days + 1)
        ]
        ends = plan.ends()
        first, _last = plan.index_range(row.date_from, row.date_to)
        actual = []
        for day in days:
            # the buckets of the period that end with this day
            j = bisect.bisect_right(ends, day + DAY)
            if day > today or j < first or ends[j - 1] != day + DAY:
                actual.append(None)
                continue
            comps = [0.0] * measured.width
            for one in series:
                comps = [a + b for a, b in zip(comps, one.sum(first, j))]
            value, _sample = engine._combine(definition["combine"], comps)
            actual.append(round(value, 2))
        working = sorted(engine._working_days(clock.calendar_id, row.company_id, days[0], days[-1]))
        total = len(working) or len(days)
        pace = []
        for index, day in enumerate(days):
            done = bisect.bisect_right(working, day) if working else index + 1
            pace.append(round(target.target_value * done / total, 2))
        note = ""
        by_day = plan.days[0] if plan.days else None
        if plan.granularity == "month" and (by_day is None or by_day > target.date_from):
            note = self.env._(
                "The refresh keeps month totals before %(day)s: the actual is shown at"
                " each month's end until then.",
                day=format_date(self.env, by_day or plan.end),
            )
        return {
            "labels": [self._so_day_label(day) for day in days],
            "actual": actual,
            "pace": pace,
            "target": target.target_value,
            "unit": target.unit,
            "currency": target.currency_id.symbol if target.unit == "money" else "",
            "note": note,
        }

    def _so_kept_cells(self, engine, row, state, definition):
        """The cells the scheduled refresh keeps of the target's owner, in the plan they
        were measured with; None when they are not kept for the KPI's open periods, or
        when amounts must be converted at each record's day and some bucket of the
        period is longer than a day."""
        kpi = self.kpi_id
        source = f"kpi:{kpi.id}"
        state.periods = engine._open_periods(kpi_ids=kpi.ids)
        plan = engine._plan(("kpi", kpi.id), [row], state, is_date=definition["is_date"])
        signature = engine._kpi_cells_signature(kpi, plan)
        if self.env["sales.kpi.cell.source"].sudo()._signature(source) != signature:
            return None
        measured = engine._kept_cells(source, plan, None, [row])
        if definition["money"] and plan.granularity != "day":
            converted = any(
                state.currency(key[2]) != row.currency_id for key in measured.keys_of(row)
            )
            first, last = plan.index_range(row.date_from, row.date_to)
            ends = plan.ends()
            if converted and any(
                ends[k - 1] - plan.labels[k - 1] != DAY for k in range(first, last + 1)
            ):
                return None
        return measured

    def _so_day_cells(self, engine, row, state, definition):
        """The target's owner's records of the period, summed by local day."""
        plan = BucketPlan.for_periods(
            [(row.date_from, row.date_to)],
            set(state.zone_of().values()),
            granularity="day",
            is_date=definition["is_date"],
        )
        mq = engine._metric_query(self.kpi_id, *plan.span())
        mq = mq._replace(components=[*mq.components, SQL("1")])
        return engine._cells(mq, plan, [row], state)

    def _so_day_label(self, day):
        return format_date(self.env, day, date_format="d MMM")
