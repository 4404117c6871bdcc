"""The refresh engine: measures and stores the figures of many targets at once.

Per KPI, one grouped SQL statement reads the CRM records over the span of the
targets being refreshed (the metric's query: the builder registered for it with
``@metric``, at the end of this file), dates each record
once in its company's time zone and sums its components per owner (sales team,
salesperson, company) and bucket: local months when every period is made of whole
months, else local days (tools/buckets.py). Team and company totals are added up from
the same rows; each target then takes its buckets from running totals. Amounts are
converted only where the record's currency differs from the target's, at the record's
local day. The open pipeline takes one scan per KPI filter, the owners' 12-month
history two buckets per owner (before this month, and this month). Only the targets
whose figures changed are written. The number of queries depends on the KPIs, not on
the number of targets or periods.

The plain parts live in the ``engine`` package (no Odoo model): the per-run state and
the rows (engine/state.py), buckets, cells, rates, figures, news, storing
(engine/store.py), the metric registry (engine/metrics.py), and the scans of a run
(engine/scan.py: the grouped statements, the kept cells and their re-measuring), which
this model drives with the metric queries it builds. Other code calls only the public methods
of this model (names without an underscore): ``refresh``, ``measure_kpi``,
``measure_users``, ``burnup``, ``counted_records``, ``metric_definitions``,
``working_days``, ``kpi_fields``;
``scripts/lint/engine_api.py`` (run by ``scripts/test`` with the linters) says so.
"""

import bisect
import logging
from collections import defaultdict
from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.osv import expression
from odoo.tools import SQL
from odoo.tools.lru import LRU

from ..engine import metrics
from ..engine.buckets import BucketPlan, previous_period
from ..engine.cells import owner_key
from ..engine.figures import HISTORY_DAYS
from ..engine.metrics import OVERLAY_TEAM, Credit, MetricDefinition, MetricQuery, metric
from ..engine.rates import RateTable
from ..engine.scan import Scan
from ..engine.state import (
    CompanyClock,
    OwnerPeriod,
    RefreshState,
    TargetRow,
)
from ..engine.store import FIGURE_NAMES, KpiTerms, plan_store, update_statement

_logger = logging.getLogger(__name__)

DAY = timedelta(days=1)
# which logged moment of a lead dates it, by the field that dates it
LEAD_MOMENTS = {"create_date": 1, "date_conversion": 2, "date_closed": 3, "date_deadline": 4}
# The working days of a calendar over a span, per process (working_days).
WORKING_DAYS = LRU(256)


# a Refresh reading at most this many salespeople's or teams' records uses the
# metrics' indexed probes (_few_owners)
FEW_OWNERS = 20


class SalesKpiEngine(models.AbstractModel):
    _name = "sales.kpi.engine"
    _description = "Sales KPI refresh engine"

    # ------------------------------------------------------------------
    # Entry point
    # ------------------------------------------------------------------

    @api.model
    @api.private
    def refresh(self, targets, complete=False, changes=None, periods=None):
        """Measures and stores the figures of ``targets`` (closed ones are skipped).

        A KPI whose measure fails is logged and skipped: its targets keep their last
        figures and are flagged, the error is kept on the KPI; the other KPIs are
        refreshed. ``complete``: ``targets`` are every open target of their KPIs (a
        scheduled full pass), whose cells are kept; ``changes``: an incremental pass
        (sales_kpi_refresh.py) re-measuring only what they touched (``periods``:
        the pass's ``_open_periods()``, read once). Both move the
        KPIs' last refresh and write only the targets whose figures changed. Returns
        the ids of the KPIs that failed.
        """
        self = self.sudo()
        env = self.env
        env.flush_all()
        # grouped reads over many rows: hash them in memory, and do not spend seconds
        # compiling them (for this transaction only)
        env.cr.execute(SQL("SET LOCAL jit = off; SET LOCAL work_mem = '64MB'"))
        if changes is not None:
            env.cr.execute(SQL("SET LOCAL max_parallel_workers_per_gather = 0"))
        rows = self._read_targets(targets.ids)
        if not rows:
            return []
        state = self._load_state(rows)
        if changes is not None:
            state.mode = "incremental"
            state.changes, state.customer_changes = changes
            complete = True
        elif complete:
            state.mode = "full"
        if state.mode != "direct":
            state.periods = periods if periods is not None else self._open_periods()
        # the metric queries share the companies of the teams and users, and their
        # commit probabilities
        if state.owner_maps is None:
            state.owner_maps = self._owner_maps()
        state.few_owners = self._few_owners(rows, state)
        groups = defaultdict(list)
        for row in rows:
            groups[row.kpi_id].append(row)
        kpis = env["sales.kpi"].with_context(active_test=False).browse(list(groups))
        kpis.fetch(self.kpi_fields())
        results, failed = {}, {}
        self._share_distinct(kpis, groups, state)
        self._prepare_run(kpis, state)

        def attempt(kpi_ids, measure):
            """Runs ``measure``; a failure fails ``kpi_ids`` and leaves the others."""
            try:
                with env.cr.savepoint(flush=False):
                    measure()
            except Exception as error:  # one failing KPI must not stop the others
                for kpi_id in kpi_ids:
                    kpi = kpis.browse(kpi_id)
                    _logger.warning(
                        "Sales objectives: refreshing KPI %s (%s) failed, its targets keep "
                        "their last figures: %s",
                        kpi.id,
                        kpi.name,
                        error,
                    )
                    failed[kpi_id] = str(error)

        for kpi_id, group in groups.items():
            kpi = kpis.browse(kpi_id)
            attempt(
                [kpi_id],
                lambda kpi=kpi, group=group: results.update(self._measure_kpi(kpi, group, state)),
            )
        # the open pipeline and the owners' history, for the KPIs that project with it
        pipeline_kpis = kpis.filtered(
            lambda k: k.id not in failed and k._metric_definition().pipeline
        )
        if pipeline_kpis:
            pipeline_rows = [r for k in pipeline_kpis for r in groups[k.id]]
            attempt(
                pipeline_kpis.ids,
                lambda: self._measure_pipeline(pipeline_kpis, groups, results, state),
            )
            if not set(pipeline_kpis.ids) <= set(failed):
                attempt(
                    pipeline_kpis.ids,
                    lambda: self._measure_history(pipeline_rows, results, state),
                )
        measured = [r for r in rows if r.kpi_id not in failed]
        # a scheduled pass writes only the targets whose figures changed (the KPI's last
        # refresh dates the others); a refresh asked for writes every target measured
        self._store(measured, results, state, kpis, write_all=not complete)
        self._record_outcome(rows, failed, state, complete)
        return list(failed)

    @api.model
    def _few_owners(self, rows, state):
        """Whether this refresh reads the records of a few salespeople or teams only (a
        Refresh of their targets): metrics may then prefer indexed probes per record to
        scans of whole tables (``RefreshState.few_owners``)."""
        if state.mode != "direct" or any(row.owner_type == "company" for row in rows):
            return False
        owners = {
            (row.owner_type, owner)
            for row in rows
            for owner in row.teams or (row.user_id or row.team_id,)  # sub-teams too
        }
        return len(owners) <= FEW_OWNERS

    @api.model
    @api.private
    def kpi_fields(self):
        """The fields of the KPIs that their measures read (fetched at once); an add-on
        whose measures read another field of the KPI adds it."""
        return [
            "metric",
            "domain",
            "unit",
            "direction",
            "activity_type_ids",
            "name",
            "count_overlay",
        ]

    def _record_outcome(self, rows, failed, state, complete):
        """KPIs: last refresh (a complete pass) or the error; targets of a failed KPI
        are flagged (they keep their figures)."""
        cr = self.env.cr
        ok_ids = sorted({r.kpi_id for r in rows} - set(failed))
        if ok_ids:
            cr.execute(
                SQL(
                    "UPDATE sales_kpi SET last_error = NULL, last_failed = FALSE %s"
                    " WHERE id = ANY(%s) AND (last_failed OR %s)",
                    SQL(", last_refresh = %s", state.now) if complete else SQL(""),
                    ok_ids,
                    complete,
                )
            )
        for kpi_id, message in failed.items():
            cr.execute(
                SQL(
                    "UPDATE sales_kpi SET last_error = %s, last_failed = TRUE WHERE id = %s",
                    message,
                    kpi_id,
                )
            )
        if failed:
            # tried, not measured: the targets keep their figures and say so
            cr.execute(
                SQL(
                    "UPDATE sales_target SET refresh_attempted_at = %s, refresh_failed = TRUE"
                    " WHERE id = ANY(%s)",
                    state.now,
                    [row.id for row in rows if row.kpi_id in failed],
                )
            )
            self.env["sales.target"].invalidate_model(["refresh_attempted_at", "refresh_failed"])
        self.env["sales.kpi"].invalidate_model(["last_refresh", "last_error", "last_failed"])

    # ------------------------------------------------------------------
    # Reading targets and their context
    # ------------------------------------------------------------------

    def _read_targets(self, ids):
        if not ids:
            return []
        self.env.cr.execute(
            SQL(
                """
                SELECT id, kpi_id, owner_type, team_id, user_id, company_id, date_from, date_to,
                       currency_id, target_value, manual_value, refresh_failed,
                       refreshed_at IS NULL, COALESCE(milestone_reached, 0),
                       COALESCE(stretch_value, 0), COALESCE(bonus_base, 0) > 0, %s
                  FROM sales_target
                 WHERE id = ANY(%s::int4[]) AND state != 'closed'
                 ORDER BY kpi_id, id
                """,
                SQL(", ").join(SQL.identifier(n) for n in FIGURE_NAMES),
                # one array literal: an ARRAY[...] of tens of thousands of parameters
                # takes PostgreSQL longer to parse than the scan
                f"{{{','.join(map(str, ids))}}}",
            )
        )
        return [
            TargetRow(
                id=row[0],
                kpi_id=row[1],
                owner_type=row[2],
                team_id=row[3],
                user_id=row[4],
                company_id=row[5],
                date_from=row[6],
                date_to=row[7],
                currency_id=row[8],
                target_value=row[9],
                manual_value=row[10],
                stored=(row[16:], bool(row[11]), row[12], row[13], row[14], row[15]),
            )
            for row in self.env.cr.fetchall()
        ]

    def _load_state(self, rows, now=None):
        """Companies (currency, root, calendar, time zone, today, thresholds), rates,
        and the share of each target's period elapsed."""
        cr = self.env.cr
        now = now or fields.Datetime.now()
        cr.execute(
            SQL(
                """
                SELECT c.id, c.currency_id, split_part(c.parent_path, '/', 1)::int,
                       c.resource_calendar_id, COALESCE(rc.tz, 'UTC'),
                       c.sales_target_on_track, c.sales_target_at_risk, c.sales_target_min_share
                  FROM res_company c
             LEFT JOIN resource_calendar rc ON rc.id = c.resource_calendar_id
                """
            )
        )
        utc_now = pytz.utc.localize(now)
        companies = {
            cid: CompanyClock(
                id=cid,
                currency_id=cur,
                root_id=root,
                calendar_id=cal,
                tz=tz,
                today=utc_now.astimezone(pytz.timezone(tz)).date(),
                on_track=ot or 0.0,
                at_risk=ar or 0.0,
                min_share=ms or 0.0,
            )
            for cid, cur, root, cal, tz, ot, ar, ms in cr.fetchall()
        }
        currencies = {r.currency_id for r in rows} | {c.currency_id for c in companies.values()}
        cr.execute(
            SQL(
                """
                SELECT r.currency_id, split_part(c.parent_path, '/', 1)::int, r.name, r.rate
                  FROM res_currency_rate r
             LEFT JOIN res_company c ON c.id = r.company_id
                 WHERE r.currency_id = ANY(%s)
                """,
                sorted(currencies),
            )
        )
        state = RefreshState(now=now, companies=companies, rates=RateTable(cr.fetchall()))
        state.scan = Scan(self.env, state)
        if rows:
            state.elapsed = self._elapsed_ratios(rows, state)
            self._roll_up_teams(rows, state)
        return state

    def _elapsed_ratios(self, rows, state):
        """Share of each target's working days (company calendar) up to today included.

        A day is a working day when the company's calendar has any working time that
        day, once the public holidays of that company (or of no company) are removed;
        another company's holidays never count. One calendar computation per company,
        not per target or period."""
        by_company = defaultdict(list)
        for row in rows:
            by_company[row.company_id].append(row)
        ratios = {}
        for company_id, group in by_company.items():
            clock = state.companies[company_id]
            first = min(r.date_from for r in group)
            last = max(r.date_to for r in group)
            days = sorted(self.working_days(clock.calendar_id, company_id, first, last))
            day = clock.today
            for row in group:
                if day < row.date_from:
                    ratios[row.id] = 0.0
                    continue
                if day >= row.date_to:
                    ratios[row.id] = 1.0
                    continue
                lo = bisect.bisect_left(days, row.date_from)
                total = bisect.bisect_right(days, row.date_to) - lo
                if total > 0:
                    ratios[row.id] = (bisect.bisect_right(days, day) - lo) / total
                else:  # no working day at all: calendar days
                    length = (row.date_to - row.date_from).days + 1
                    ratios[row.id] = ((day - row.date_from).days + 1) / length
        return ratios

    @api.model
    @api.private
    def working_days(self, calendar_id, company_id, first, last):
        """The local days from ``first`` to ``last`` with working time in the calendar,
        public holidays of ``company_id`` (or of no company) removed. Kept per process
        while the calendar, its working hours and those holidays stay the same (their
        content, read in one query, is part of the key)."""
        if not calendar_id:
            return frozenset()
        for model in (
            "resource.calendar",
            "resource.calendar.attendance",
            "resource.calendar.leaves",
        ):
            self.env[model].flush_model()
        self.env.cr.execute(
            SQL(
                """SELECT md5(concat_ws('|',
                       (SELECT rc::text FROM resource_calendar rc WHERE rc.id = %(calendar)s),
                       (SELECT string_agg(a::text, ',' ORDER BY a.id)
                          FROM resource_calendar_attendance a WHERE a.calendar_id = %(calendar)s),
                       (SELECT string_agg(l::text, ',' ORDER BY l.id)
                          FROM resource_calendar_leaves l
                         WHERE l.company_id IS NULL OR l.company_id = %(company)s)))""",
                calendar=calendar_id,
                company=company_id,
            )
        )
        key = (self.env.cr.dbname, calendar_id, company_id, first, last, self.env.cr.fetchone()[0])
        days = WORKING_DAYS.get(key)
        if days is None:
            days = WORKING_DAYS[key] = frozenset(
                self._compute_working_days(calendar_id, company_id, first, last)
            )
        return days

    def _compute_working_days(self, calendar_id, company_id, first, last):
        calendar = self.env["resource.calendar"].browse(calendar_id)
        if not calendar.exists():
            return set()
        tz = pytz.timezone(calendar.tz or "UTC")
        start = tz.localize(datetime.combine(first, time.min))
        stop = tz.localize(datetime.combine(last + timedelta(days=1), time.min))
        domain = [("time_type", "=", "leave"), ("company_id", "in", [False, company_id])]
        intervals = calendar._work_intervals_batch(start, stop, domain=domain)[False]
        return {begin.date() for begin, end, _meta in intervals if end > begin}

    # ------------------------------------------------------------------
    # Measuring
    # ------------------------------------------------------------------

    def _measure_kpi(self, kpi, rows, state):
        """{target id: {actual_value, actual_sample}} for ``rows`` of ``kpi``."""
        definition = kpi._metric_definition()
        if kpi.metric == "manual":
            return {
                row.id: {"actual_value": row.manual_value or 0.0, "actual_sample": 1}
                for row in rows
            }
        if definition.distinct:
            return self._measure_distinct(kpi, rows, state, definition)
        plan = state.scan.plan(("kpi", kpi.id), rows, is_date=definition.is_date)

        def query(plan):
            # the last components count the records measured, per kind of owner
            return metrics.with_samples(self._metric_query(kpi, *plan.span(), state))

        measured = state.scan.measured(
            f"kpi:{kpi.id}",
            self._kpi_signature(kpi),
            query,
            plan,
            rows,
            customers=definition.customers,
        )
        comps = state.scan.sums(query, plan, rows, definition.money, measured=measured)
        values = {}
        for row in rows:
            actual, sample = metrics.combine(definition.combine, comps[row.id])
            values[row.id] = {"actual_value": actual, "actual_sample": sample}
        return values

    def _measure_distinct(self, kpi, rows, state, definition):
        """{target id: {actual_value, actual_sample}} of a metric of distinct customers:
        their number (the sample too); or, against the customers of the previous period
        of the same length (the sample), the share in percent who came back
        (``retention``) or the number who did not (``churn``)."""
        combine = definition.combine
        previous = {}
        if definition.lookback:
            previous = {row.id: previous_period(row.date_from, row.date_to) for row in rows}
        periods = [(r.date_from, r.date_to) for r in rows] + list(previous.values())
        shared = state.distinct_shared.get(kpi.id)
        if shared:
            key, all_rows, all_periods = shared
            sets = state.distinct_sets.get(key)
            if sets is None:
                sets = state.distinct_sets[key] = state.scan.distinct_sets(
                    self._distinct_query(kpi, state), all_periods, all_rows
                )
        else:
            sets = state.scan.distinct_sets(self._distinct_query(kpi, state), periods, rows)
        values = {}
        for row in rows:
            current = sets.customers(row, row.date_from, row.date_to)
            if combine == "distinct":
                values[row.id] = {
                    "actual_value": float(len(current)),
                    "actual_sample": len(current),
                }
                continue
            before = sets.customers(row, *previous[row.id])
            if combine == "retention":
                actual = 100.0 * len(before & current) / len(before) if before else 0.0
            else:
                actual = float(len(before - current))
            values[row.id] = {"actual_value": actual, "actual_sample": len(before)}
        return values

    def _distinct_query(self, kpi, state):
        """The metric query of ``kpi`` for records dated in [start, stop), as the
        scan of distinct customers builds it (Scan.distinct_sets)."""
        return lambda start, stop: self._metric_query(kpi, start, stop, state)

    @api.model
    def _prepare_run(self, kpis, state):
        """Brings what the metrics of ``kpis`` keep besides the cells up to date for
        the run ``state`` (its mode, its changes), before any KPI is measured: a KPI
        failing later must not undo it for the others. Nothing here; the bridges add
        theirs."""

    def _share_distinct(self, kpis, groups, state):
        """The KPIs counting the customers of the same records (the same query: customers
        served, retention and churn with one filter) share one scan over all their
        targets' periods (with the previous ones) and owners (``state.distinct_shared``)."""
        by_key = defaultdict(list)
        probe = datetime(2000, 1, 1)
        for kpi in kpis:
            definition = kpi._metric_definition()
            if kpi.metric == "manual" or not definition.distinct:
                continue
            mq = self._metric_query(kpi, probe, probe + timedelta(days=1), state)
            select = mq.query.select(mq.team, mq.user, mq.company, mq.moment, mq.distinct)
            by_key[(select.code, repr(select.params), mq.is_date)].append(kpi)
        for key, same in by_key.items():
            if len(same) < 2:
                continue
            rows, periods = [], set()
            for kpi in same:
                lookback = kpi._metric_definition().lookback
                for row in groups[kpi.id]:
                    rows.append(row)
                    periods.add((row.date_from, row.date_to))
                    if lookback:
                        periods.add(previous_period(row.date_from, row.date_to))
            periods = sorted(periods)
            for kpi in same:
                state.distinct_shared[kpi.id] = (key, rows, periods)

    def _measure_pipeline(self, kpis, groups, results, state):
        """Open pipeline due in each target's period: one scan per KPI filter, the
        amounts at today's rate of the target's company."""
        by_filter = defaultdict(list)
        for kpi in kpis:
            by_filter[kpi._pipeline_key()].append(kpi)
        for domain, same in by_filter.items():
            rows = [r for kpi in same for r in groups[kpi.id]]
            # the targets of the same owner, period and currency share their pipeline
            by_key, shared = {}, {}  # owner key -> its row; target id -> that row's id
            for row in rows:
                key = owner_key(row, period=True)
                if key not in by_key:
                    by_key[key] = row.replace(id=-len(by_key) - 1)
                shared[row.id] = by_key[key].id
            unique = list(by_key.values())
            plan = state.scan.plan(("pipeline", domain), rows, is_date=True)
            kind = {kpi.id: kpi._metric_definition().pipeline for kpi in same}

            def query(plan, kpi=same[0]):
                first, stop = plan.span()
                return self._pipeline_query(kpi, first, stop - timedelta(days=1), state)

            measured = state.scan.measured(
                f"pipeline:{domain}",
                self._pipeline_signature(domain, state),
                query,
                plan,
                unique,
            )
            sums = state.scan.sums(
                query, plan, unique, (0, 1, 4, 5), at_today=True, measured=measured
            )
            for row in rows:
                (
                    amount,
                    weighted,
                    count,
                    weighted_count,
                    commit_amount,
                    commit_weighted,
                    commit_count,
                    commit_weighted_count,
                ) = sums[shared[row.id]]
                if kind[row.kpi_id] == "amount":
                    pipeline, pipeline_weighted = amount, weighted
                    commit, best = commit_amount, commit_amount + weighted - commit_weighted
                else:
                    pipeline, pipeline_weighted = count, weighted_count
                    commit, best = (
                        commit_count,
                        commit_count + weighted_count - commit_weighted_count,
                    )
                results[row.id].update(
                    pipeline_value=pipeline,
                    pipeline_weighted=pipeline_weighted,
                    pipeline_commit=commit,
                    pipeline_best=best,
                )

    def _measure_history(self, rows, results, state):
        """The owner's own record over the last 12 months (up to today, in the
        company's time zone): win rate, average deal, meetings per win. Two buckets per
        owner (before this month, this month: BucketPlan.window); one scan of the closed
        deals, one of the meetings."""
        # one history per owner (and currency), shared by all the owner's targets
        by_owner, shared = {}, {}  # owner key -> its row; target id -> that row's id
        for row in rows:
            key = owner_key(row)
            if key not in by_owner:
                today = state.today(row.company_id)
                by_owner[key] = row.replace(
                    id=-len(by_owner) - 1,
                    date_from=today - timedelta(days=HISTORY_DAYS - 1),
                    date_to=today,
                )
            shared[row.id] = by_owner[key].id
        history_rows = list(by_owner.values())
        plan = BucketPlan.window(
            {
                clock.tz: (clock.today - timedelta(days=HISTORY_DAYS - 1), clock.today)
                for clock in state.companies.values()
            }
        )

        def closed_query(p):
            return self._closed_query(*p.span(), state)

        def meeting_query(p):
            return self._meeting_query(*p.span(), state)

        scan = state.scan
        closed = scan.sums(
            closed_query,
            plan,
            history_rows,
            (0,),
            measured=scan.measured(
                "history:closed", "history|closed", closed_query, plan, history_rows
            ),
        )
        meetings = scan.sums(
            meeting_query,
            plan,
            history_rows,
            (),
            measured=scan.measured(
                "history:meetings", "history|meetings", meeting_query, plan, history_rows
            ),
        )
        figures_of = {}
        for row in history_rows:
            won_amount, won, lost = closed[row.id]
            (held,) = meetings[row.id]
            figures_of[row.id] = {
                "history_win_rate": 100.0 * won / (won + lost) if won + lost else 0.0,
                "history_avg_deal": won_amount / won if won else 0.0,
                "history_meetings_per_win": held / won if won else 0.0,
            }
        for row in rows:
            results[row.id].update(figures_of[shared[row.id]])

    # ------------------------------------------------------------------
    # Kept cells (full and incremental passes)
    # ------------------------------------------------------------------

    def _open_periods(self, kpi_ids=None):
        """{("kpi", kpi id) and ("pipeline", filter): (first day, last day, whole
        months)} over every open target: the buckets a pass keeps do not depend on the
        targets it happens to refresh (``kpi_ids``: of those KPIs only)."""
        return self.open_periods_and_edited(None, kpi_ids)[0]

    @api.private
    def open_periods_and_edited(self, since, kpi_ids=None):
        """(the periods of every open target, ``_open_periods()``: what a pass keeps;
        ids of the open targets never refreshed or edited since ``since``), in one scan
        of the targets; ``since`` None: no ids (a full pass)."""
        edited_ids = (
            SQL(
                "ARRAY_AGG(t.id) FILTER (WHERE t.refreshed_at IS NULL OR t.write_date >= %s)",
                since,
            )
            if since
            else SQL("NULL::int4[]")
        )
        self.env.cr.execute(
            SQL(
                """SELECT t.kpi_id, MIN(t.date_from), MAX(t.date_to),
                          BOOL_AND(EXTRACT(DAY FROM t.date_from) = 1
                                   AND EXTRACT(DAY FROM t.date_to + 1) = 1),
                          %s
                     FROM sales_target t
                    WHERE t.state IN ('draft', 'submitted', 'confirmed') AND t.active%s
                 GROUP BY t.kpi_id""",
                edited_ids,
                SQL(" AND t.kpi_id = ANY(%s)", list(kpi_ids)) if kpi_ids else SQL(),
            )
        )
        periods, edited = {}, set()
        kpis = self.env["sales.kpi"].with_context(active_test=False)
        for kpi_id, first, last, months, ids in self.env.cr.fetchall():
            edited.update(ids or ())
            periods[("kpi", kpi_id)] = (first, last, months)
            kpi = kpis.browse(kpi_id)
            if kpi._metric_definition().pipeline:
                key = ("pipeline", kpi._pipeline_key())
                known = periods.get(key)
                if known:
                    first, last = min(first, known[0]), max(last, known[1])
                    months = months and known[2]
                periods[key] = (first, last, months)
        return periods, edited

    @api.model
    def _kpi_signature(self, kpi):
        overlay = "|overlay" if kpi.count_overlay else ""
        # samples:3 the records measured are counted per kind of owner (cells kept
        # before that are measured again)
        return (
            f"kpi|{kpi.metric}|{kpi._get_filter_domain()}|{sorted(kpi.activity_type_ids.ids)}"
            f"{overlay}|samples:{metrics.SAMPLES}"
        )

    @api.model
    def _kpi_cells_signature(self, kpi, plan):
        """What the kept cells of ``kpi`` measured in ``plan`` are valid for (as
        ``_measured`` records it)."""
        return f"{self._kpi_signature(kpi)}|{plan.signature()}"

    @api.model
    def _pipeline_signature(self, domain, state):
        """What the kept cells of the open pipeline of the KPI filter ``domain`` are
        measured with, their plan's signature left out (``_measured`` adds it)."""
        return f"pipeline|{self._commit_thresholds(state)}|{domain}"

    @api.private
    @api.model
    def pass_state(self, periods):
        """The RefreshState of a pass over every open target, whose periods are
        ``periods`` (``open_periods_and_edited``): the companies' clocks, the kept
        buckets."""
        state = self._load_state([])
        state.periods = periods
        return state

    @api.private
    @api.model
    def kept_signatures(self, kpi, state):
        """{source: signature} that the cells kept of ``kpi`` (and of its open pipeline,
        when it projects with it) must carry to be read by a pass over
        ``state.periods`` (``pass_state``): another signature (a changed KPI, other
        periods, another day for the history) means they must be measured again."""
        definition = kpi._metric_definition()
        plan = state.scan.plan(("kpi", kpi.id), [], is_date=definition.is_date)
        found = {f"kpi:{kpi.id}": self._kpi_cells_signature(kpi, plan)}
        if definition.pipeline:
            domain = kpi._pipeline_key()
            plan = state.scan.plan(("pipeline", domain), [], is_date=True)
            signature = self._pipeline_signature(domain, state)
            found[f"pipeline:{domain}"] = f"{signature}|{plan.signature()}"
        return found

    @api.private
    @api.model
    def distinct_signature(self, kpi):
        """What the figures of a KPI of distinct customers are measured with (they keep
        no cells: they are measured again when it changes)."""
        return f"distinct|{self._kpi_signature(kpi)}"

    @api.private
    @api.model
    def record_sources(self, kpi, state):
        """[(kind, moment index, dated)]: the records whose changes move the figures of
        ``kpi`` (``sales.kpi.change``: their kind and the logged moment that dates
        them); ``dated`` False: a change moves the figures of any period. A KPI that
        projects with the open pipeline reads the opportunities by expected closing,
        and the owner's history (closed deals, meetings) whatever the period."""
        now = fields.Datetime.now()
        mq = self._metric_query(kpi, now, now, state)
        sources = [(mq.kind, mq.moment_index, True)]
        if kpi._metric_definition().pipeline:
            sources += [("lead", 4, True), ("lead", 3, False), ("event", 1, False)]
        return sources

    # ------------------------------------------------------------------
    # Storing
    # ------------------------------------------------------------------

    def _store(self, rows, results, state, kpis, write_all=False):
        """Derives the figures of every measured target and writes, in one statement,
        those that changed (engine/store.py)."""
        terms = {}
        for kpi in kpis:
            definition = kpi._metric_definition()
            terms[kpi.id] = KpiTerms(
                unit=kpi.unit,
                direction=kpi.direction,
                additive=definition.additive,
                pipeline=definition.pipeline,
            )
        plan = plan_store(rows, results, state, terms, write_all=write_all)
        if plan.changed:
            self.env.cr.execute(update_statement(plan.changed, state.now))
            self.env["sales.target"].invalidate_model(
                [*FIGURE_NAMES, "refreshed_at", "refresh_failed"]
            )
            # the open screens showing them read them again
            self.env["sales.target"]._so_announce_figures(
                [target_id for target_id, _values in plan.changed]
            )
        if plan.bonuses:
            self.env["sales.target"]._so_write_payouts(plan.bonuses)
        if plan.events:
            # a refresh asked for announces at once; a scheduled pass queues its news
            self.env["sales.target"]._so_queue_news(plan.events, send=state.mode == "direct")

    # ------------------------------------------------------------------
    # Public API: measures asked for (nothing stored)
    # ------------------------------------------------------------------

    @api.model
    @api.private
    def metric_definitions(self):
        """{metric: MetricDefinition} of every base metric registered (``@metric``) by
        the add-ons installed, and ``manual``."""
        return {name: m.definition for name, m in metrics.registry(type(self)).items()}

    @api.model
    @api.private
    def measure_kpi(self, kpi, owner_periods):
        """[(actual, records measured)] of ``kpi`` for each OwnerPeriod of
        ``owner_periods`` (engine/state.py), in its order; nothing is stored. The
        records changed in this transaction count too."""
        self = self.sudo()
        if not owner_periods:
            return []
        self.env.flush_all()
        rows = [
            TargetRow(
                id=-index,
                kpi_id=kpi.id,
                owner_type=owner.owner_type,
                team_id=owner.team_id,
                user_id=owner.user_id,
                company_id=owner.company_id,
                date_from=owner.date_from,
                date_to=owner.date_to,
                currency_id=owner.currency_id,
            )
            for index, owner in enumerate(owner_periods, start=1)
        ]
        state = self._load_state(rows)
        values = self._measure_kpi(kpi.sudo(), rows, state)
        return [(values[row.id]["actual_value"], values[row.id]["actual_sample"]) for row in rows]

    @api.model
    @api.private
    def measure_users(self, subject, users, date_from, date_to, with_sample=False):
        """{user id: actual} of ``subject``'s KPI (a target, a contest, a plan line:
        anything with a ``kpi_id``, ``team_id``, ``company_id`` and ``currency_id``)
        for each of ``users`` in its team, company and currency over
        ``date_from``-``date_to``; nothing is stored. ``with_sample``: {user id:
        (actual, records measured)}."""
        subject = subject.sudo()
        if not users:
            return {}
        measured = self.measure_kpi(
            subject.kpi_id,
            [
                OwnerPeriod(
                    owner_type="user",
                    team_id=subject.team_id.id,
                    user_id=user.id,
                    company_id=subject.company_id.id,
                    currency_id=subject.currency_id.id,
                    date_from=date_from,
                    date_to=date_to,
                )
                for user in users
            ],
        )
        if with_sample:
            return dict(zip(users.ids, measured))
        return {user_id: actual for user_id, (actual, _sample) in zip(users.ids, measured)}

    # ------------------------------------------------------------------
    # Public API: one target's burn-up and the records behind its actual
    # ------------------------------------------------------------------

    @api.model
    @api.private
    def burnup(self, target):
        """The burn-up of ``target`` (an open target of a KPI that adds up over the
        period, higher is better): {days, actual, pace, by_day_from}, or {} for the
        other targets. ``actual``: the cumulative actual at each day, None after today
        and within a month kept as a total; ``pace``: the target spread over the
        company's working days; ``by_day_from``: when the kept cells hold month totals
        for part of the period, the first day they hold by day (None: none), else
        False.

        Read from the cells the scheduled refresh keeps (sales.kpi.cell), which are
        those of the stored actual: the current month by day, the months before as month
        totals. Measured with day buckets (one grouped query over the owner's records)
        only when no cells are kept for the KPI's open periods yet, or when amounts must
        be converted and the cells are whole months."""
        self = self.sudo()
        target = target.sudo()
        target.ensure_one()
        definition = target.kpi_id._metric_definition()
        if (
            not definition.additive
            or definition.distinct
            or target.kpi_id.metric == "manual"
            or target.kpi_id.direction != "higher"
        ):
            return {}
        (row,) = self._read_targets(target.ids) or [None]
        if row is None:  # a closed target: its period as it was
            return {}
        state = self._load_state([row])
        measured = self._burnup_kept_cells(target.kpi_id, row, state, definition)
        if measured is None:
            measured = self._burnup_day_cells(target.kpi_id, row, state, definition)
        plan = measured.plan
        money = set(definition.money)
        series = []
        for key in measured.keys_of(row):
            conversion = None
            if money and state.currency(key[2]) != row.currency_id:
                conversion = state.scan.conversion(measured, money, key[2], row, False)
            series.append(measured.series(key, conversion))
        clock = state.companies[row.company_id]
        days = [
            row.date_from + timedelta(days=i) for i in range((row.date_to - row.date_from).days + 1)
        ]
        ends = plan.ends()
        first, _last = plan.index_range(row.date_from, row.date_to)
        actual = []
        for day in days:
            # the buckets of the period that end with this day
            j = bisect.bisect_right(ends, day + DAY)
            if day > clock.today or j < first or ends[j - 1] != day + DAY:
                actual.append(None)
                continue
            comps = [0.0] * measured.width
            for one in series:
                comps = [a + b for a, b in zip(comps, one.sum(first, j))]
            value, _sample = metrics.combine(definition.combine, comps)
            actual.append(round(value, 2))
        working = sorted(self.working_days(clock.calendar_id, row.company_id, days[0], days[-1]))
        total = len(working) or len(days)
        pace = []
        for index, day in enumerate(days):
            done = bisect.bisect_right(working, day) if working else index + 1
            pace.append(round((row.target_value or 0.0) * done / total, 2))
        by_day = plan.days[0] if plan.days else None
        months = plan.granularity == "month" and (by_day is None or by_day > row.date_from)
        return {
            "days": days,
            "actual": actual,
            "pace": pace,
            "by_day_from": (by_day or plan.end) if months else False,
        }

    def _burnup_kept_cells(self, kpi, row, state, definition):
        """The cells the scheduled refresh keeps of the target's owner, in the plan they
        were measured with; None when they are not kept for the KPI's open periods, or
        when amounts must be converted at each record's day and some bucket of the
        period is longer than a day."""
        source = f"kpi:{kpi.id}"
        state.periods = self._open_periods(kpi_ids=kpi.ids)
        plan = state.scan.plan(("kpi", kpi.id), [row], is_date=definition.is_date)
        signature = self._kpi_cells_signature(kpi, plan)
        if self.env["sales.kpi.cell.source"]._signature(source) != signature:
            return None
        measured = state.scan.kept_cells(source, plan, None, [row], sampled=True)
        if definition.money and plan.granularity != "day":
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

    def _burnup_day_cells(self, kpi, row, state, definition):
        """The target's owner's records of the period, summed by local day."""
        plan = BucketPlan.for_periods(
            [(row.date_from, row.date_to)],
            set(state.zone_of().values()),
            granularity="day",
            is_date=definition.is_date,
        )
        mq = metrics.with_samples(self._metric_query(kpi, *plan.span(), state))
        return state.scan.cells(mq, plan, [row])

    @api.model
    @api.private
    def counted_records(self, target):
        """(model, ids) of exactly the records counted in ``target``'s actual: dated in
        their company's time zone on the target's days, of the target's owner; for a
        metric of distinct customers, the customers (res.partner) counted; (None, [])
        for a manual KPI."""
        self = self.sudo()
        target = target.sudo()
        target.ensure_one()
        kpi = target.kpi_id
        if kpi.metric == "manual":
            return None, []
        definition = kpi._metric_definition()
        if definition.distinct:
            return "res.partner", self._counted_customers(target, definition)
        state = self._load_state([])
        plan = BucketPlan.for_periods(
            [(target.date_from, target.date_to)], set(state.zone_of().values()), granularity="day"
        )
        mq = self._metric_query(kpi, *plan.span(), state)
        if mq.is_date:
            plan = BucketPlan.for_periods(
                [(target.date_from, target.date_to)], (), granularity="day", is_date=True
            )
        bucket = plan.bucket_sql(mq.moment, mq.company, state.zone_of())
        mq.query.add_where(SQL("%s BETWEEN 1 AND %s", bucket, len(plan.labels)))
        if target.owner_type == "team":
            # a parent team's: those of its sub-teams too (territories)
            owner = SQL("%s = ANY(%s)", mq.team, target.team_id._so_subteams().ids)
        elif target.owner_type == "user":
            owner = SQL(
                "%s = %s AND %s = %s", mq.user, target.user_id.id, mq.company, target.company_id.id
            )
        else:
            owner = SQL("%s = %s", mq.company, target.company_id.id)
        mq.query.add_where(owner)
        self.env.cr.execute(mq.query.select(SQL.identifier(mq.query.table, "id")))
        return mq.model, [r[0] for r in self.env.cr.fetchall()]

    def _counted_customers(self, target, definition):
        """The customers behind the actual of a metric of distinct customers: those
        counted; for a retention rate those who came back, for churn those lost."""
        row = self._read_targets(target.ids)
        if not row:  # a closed target: as it was measured
            row = [
                TargetRow(
                    id=target.id,
                    kpi_id=target.kpi_id.id,
                    owner_type=target.owner_type,
                    team_id=target.team_id.id,
                    user_id=target.user_id.id,
                    company_id=target.company_id.id,
                    date_from=target.date_from,
                    date_to=target.date_to,
                    currency_id=target.currency_id.id,
                )
            ]
        (row,) = row
        state = self._load_state([])
        self._roll_up_teams([row], state)
        periods = [(row.date_from, row.date_to)]
        before = previous_period(row.date_from, row.date_to)
        if definition.lookback:
            periods.append(before)
        sets = state.scan.distinct_sets(self._distinct_query(target.kpi_id, state), periods, [row])
        current = sets.customers(row, row.date_from, row.date_to)
        if definition.combine == "retention":
            current &= sets.customers(row, *before)
        elif definition.combine == "churn":
            current = sets.customers(row, *before) - current
        return sorted(current)

    # ------------------------------------------------------------------
    # Metric queries
    # ------------------------------------------------------------------

    def _metric_query(self, kpi, start, stop, run):
        """The MetricQuery of ``kpi`` for records dated in [start, stop) (UTC; a date
        metric may read a few more days: only the targets' days are summed), built by
        the query builder registered for its metric (``@metric``); ``run``: the
        RefreshState of the run."""
        found = metrics.registry(type(self)).get(kpi.metric)
        if found is None or found.builder is None:
            raise ValueError(f"no measure for metric {kpi.metric!r}")
        return getattr(self, found.builder)(kpi, start, stop, run)

    def _leads(self):
        return self.env["crm.lead"].sudo().with_context(active_test=False)

    def _lead_query(self, kpi, domain, date_fname, components, run, is_date=False):
        """MetricQuery over crm.lead; ``components`` is a function of a column getter."""
        leads = self._leads()
        if kpi:
            domain = expression.AND([kpi._get_filter_domain(), domain])
        query = leads._search(domain)

        def col(fname):
            return leads._field_to_sql(query.table, fname, query)

        credit = Credit(
            SQL.identifier(query.table, "id"), "lead_id", col("team_id"), col("user_id")
        )
        team, user, share, samples = self._credit_join(
            query, credit, bool(kpi and kpi.count_overlay), lateral=run.probing
        )
        return MetricQuery(
            "crm.lead",
            query,
            team,
            user,
            self._lead_company(query, query.table, run),
            col(date_fname) if date_fname else None,
            is_date,
            [SQL("(%s) * %s", comp, share) for comp in components(col, query)],
            "lead",
            LEAD_MOMENTS.get(date_fname, 2),
            col("user_id"),
            "user",
            credit=credit,
            samples=samples,
        )

    @api.model
    def _credit_join(self, query, credit, overlay=False, lateral=False):
        """(team, user, share, samples): the SQL of the sales team, salesperson and
        share (a fraction) of each person credited with the records of ``query`` (one
        row per line of their credit split, ``credit``: a Credit; a record without
        revenue lines counts in full for its own salesperson and team), and of the
        records a row stands for, for its salesperson, team and company (a split
        record is one record for each person credited, and one for each of its teams
        and for its company: its first line in each counts it). ``overlay``: the
        overlay lines count too, for their salesperson only (their team is
        OVERLAY_TEAM: the teams and the company count each record once), as one record
        more unless the salesperson is credited with it already. ``lateral``: the query
        reads a few records (a rescan): each reads its own lines through the index,
        instead of numbering every split line of the database for the hash join."""
        split = "so_credit"
        link = SQL.identifier(credit.link)
        # the lines of every record (numbered once per scan), or of the row's record
        mine = SQL("= %s", credit.record) if lateral else SQL("IS NOT NULL")
        # the split lines, each with whether it is its record's first revenue line of
        # its team (and of all: first by team, then id, so that one sort on the index
        # of the record serves both): a small table, numbered and hashed once per scan
        first = SQL(
            """(ROW_NUMBER() OVER (PARTITION BY %(link)s, kind, team_id ORDER BY id) = 1)::int
                   AS so_team_once,
               (ROW_NUMBER() OVER (PARTITION BY %(link)s, kind ORDER BY team_id, id) = 1)::int
                   AS so_record_once""",
            link=link,
        )
        if overlay:
            # every line, and the record's own row when it has overlay lines only (its
            # revenue is all its salesperson's); an overlay line counts a record for
            # its salesperson unless they have revenue credit on it (its team and
            # record counts are never read: its team is OVERLAY_TEAM)
            lines = SQL(
                """(SELECT id, %(link)s, user_id, team_id, share, kind,
                           %(first)s,
                           CASE WHEN kind = 'overlay' AND BOOL_OR(kind = 'revenue') OVER (
                               PARTITION BY %(link)s, user_id) THEN 0 ELSE 1 END
                               AS so_user_once,
                           BOOL_OR(kind = 'revenue') OVER (PARTITION BY %(link)s) AS so_split
                      FROM sales_credit_split WHERE %(link)s %(mine)s
                     UNION ALL
                    SELECT NULL, %(link)s, NULL, NULL, NULL, 'self', 1, 1, 1, FALSE
                      FROM sales_credit_split WHERE %(link)s %(mine)s
                  GROUP BY %(link)s HAVING BOOL_AND(kind = 'overlay'))""",
                link=link,
                first=first,
                mine=mine,
            )
            condition = SQL("%s = %s", SQL.identifier(split, credit.link), credit.record)
        else:
            lines = SQL(
                """(SELECT id, %(link)s, user_id, team_id, share, kind, %(first)s,
                           1 AS so_user_once, TRUE AS so_split
                      FROM sales_credit_split
                     WHERE %(link)s %(mine)s AND kind = 'revenue')""",
                link=link,
                first=first,
                mine=mine,
            )
            condition = SQL("%s = %s", SQL.identifier(split, credit.link), credit.record)
        if lateral:
            query.add_join("LEFT JOIN", split, SQL("LATERAL %s", lines), SQL("TRUE"))
        else:
            query.add_join("LEFT JOIN", split, lines, condition)

        def column(name):
            return SQL.identifier(split, name)

        line = column("id")
        team = SQL(
            "CASE WHEN %s IS NULL THEN %s WHEN %s = 'overlay' THEN %s ELSE %s END",
            line,
            credit.team,
            column("kind"),
            OVERLAY_TEAM,
            column("team_id"),
        )
        user = SQL("COALESCE(%s, %s)", column("user_id"), credit.user)
        share = SQL("COALESCE(%s / 100.0, 1.0)", column("share"))
        samples = (
            # an overlay line of the record's own salesperson, the record unsplit:
            # their own row counts the record already
            SQL(
                "CASE WHEN %s = 'overlay' AND NOT %s AND %s = %s THEN 0 ELSE COALESCE(%s, 1) END",
                column("kind"),
                column("so_split"),
                column("user_id"),
                credit.user,
                column("so_user_once"),
            ),
            SQL("COALESCE(%s, 1)", column("so_team_once")),
            SQL("COALESCE(%s, 1)", column("so_record_once")),
        )
        return team, user, share, samples

    @api.model
    def _lead_company(self, query, lead, run):
        """SQL: the company the lead ``lead`` (an alias of ``query``) counts in: its own,
        else its sales team's, else its salesperson's, so that a lead without a company
        counts once, and is converted from that company's currency. The teams' and
        users' companies travel as constant arrays indexed by id (no join, no subquery:
        the planner keeps its estimates and its parallel hash aggregation)."""
        teams, users = self._owner_companies(run)
        return SQL(
            "COALESCE(%s, (%s::int4[])[%s], (%s::int4[])[%s])",
            SQL.identifier(lead, "company_id"),
            teams,
            SQL.identifier(lead, "team_id"),
            users,
            SQL.identifier(lead, "user_id"),
        )

    @api.model
    def _owner_companies(self, run):
        """(teams, users): text array literals of the company of each sales team and
        user, indexed by id; read once per run (``run.owner_maps``)."""
        if run.owner_maps is None:
            run.owner_maps = self._owner_maps()
        return run.owner_maps[:2]

    @api.model
    def _owner_maps(self):
        """(teams, users, commit probabilities, sub-teams): array literals of the
        company of each sales team and user, and of each company's commit probability,
        indexed by id; {parent team: its direct sub-teams} (territories); one query."""
        self.env.cr.execute(
            "SELECT 'team', id, company_id::float8 FROM crm_team"
            " UNION ALL SELECT 'user', id, company_id FROM res_users"
            " UNION ALL SELECT 'commit', id, sales_forecast_commit_probability FROM res_company"
            " UNION ALL SELECT 'parent', id, so_parent_id FROM crm_team"
            " WHERE so_parent_id IS NOT NULL"
        )
        values = {"team": {}, "user": {}, "commit": {}, "parent": {}}
        for kind, record_id, value in self.env.cr.fetchall():
            values[kind][record_id] = value
        children = defaultdict(list)
        for team, parent in values["parent"].items():
            children[int(parent)].append(team)

        def literal(by_id, text):
            size = max(by_id, default=0)
            items = ",".join(
                text(by_id[i]) if by_id.get(i) is not None else "NULL" for i in range(1, size + 1)
            )
            return f"{{{items}}}"

        return (
            literal(values["team"], lambda v: str(int(v))),
            literal(values["user"], lambda v: str(int(v))),
            literal(values["commit"], repr),
            dict(children),
        )

    def _roll_up_teams(self, rows, state):
        """Territories: the team targets of a parent team (a region, a country) count
        the records of every team below it too, each record once: their rows name the
        team and its sub-teams (``TargetRow.teams``), whose cells the scans read and
        add up (no scan per level). The hierarchy comes with the owner maps (no
        query of its own)."""
        if not any(row.owner_type == "team" for row in rows):
            return
        if state.owner_maps is None:
            state.owner_maps = self._owner_maps()
        children = state.owner_maps[3]
        found = {}
        for row in rows:
            if row.owner_type != "team" or row.team_id not in children:
                continue
            teams = found.get(row.team_id)
            if teams is None:
                teams, todo = [row.team_id], [row.team_id]
                while todo:
                    for child in children.get(todo.pop(), ()):
                        if child not in teams:  # a cycle is refused, never looped on
                            teams.append(child)
                            todo.append(child)
                teams = found[row.team_id] = tuple(teams)
            row.teams = teams

    @api.model
    def _won_domain(self, start, stop):
        return [
            ("active", "=", True),
            ("stage_id.is_won", "=", True),
            ("date_closed", ">=", start),
            ("date_closed", "<", stop),
        ]

    @api.model
    def _closed_domain(self, start, stop):
        """Won or lost (archived with probability 0), closed in [start, stop)."""
        return [
            ("date_closed", ">=", start),
            ("date_closed", "<", stop),
            "|",
            "&",
            ("active", "=", True),
            ("stage_id.is_won", "=", True),
            "&",
            ("active", "=", False),
            ("probability", "=", 0),
        ]

    @metric("won_revenue", MetricDefinition(unit="money", money=(0,), pipeline="amount"))
    def _query_won_revenue(self, kpi, start, stop, run):
        return self._lead_query(
            kpi,
            self._won_domain(start, stop),
            "date_closed",
            lambda col, q: [col("expected_revenue")],
            run,
        )

    @metric("won_count", MetricDefinition(unit="count", pipeline="count"))
    def _query_won_count(self, kpi, start, stop, run):
        return self._lead_query(
            kpi, self._won_domain(start, stop), "date_closed", lambda col, q: [SQL("1")], run
        )

    @metric("avg_deal_size", MetricDefinition(unit="money", combine="ratio", money=(0,)))
    def _query_avg_deal_size(self, kpi, start, stop, run):
        return self._lead_query(
            kpi,
            self._won_domain(start, stop),
            "date_closed",
            lambda col, q: [col("expected_revenue"), SQL("1")],
            run,
        )

    @metric("cycle_days", MetricDefinition(unit="days", combine="ratio", direction="lower"))
    def _query_cycle_days(self, kpi, start, stop, run):
        return self._lead_query(
            kpi,
            self._won_domain(start, stop),
            "date_closed",
            lambda col, q: [col("day_close"), SQL("1")],
            run,
        )

    @metric("win_rate", MetricDefinition(unit="percent", combine="rate"))
    def _query_win_rate(self, kpi, start, stop, run):
        return self._lead_query(
            kpi,
            self._closed_domain(start, stop),
            "date_closed",
            lambda col, q: [
                SQL("CASE WHEN %s THEN 1 ELSE 0 END", col("active")),
                SQL("CASE WHEN %s THEN 0 ELSE 1 END", col("active")),
            ],
            run,
        )

    @metric("new_leads", MetricDefinition(unit="count"))
    def _query_new_leads(self, kpi, start, stop, run):
        domain = [("create_date", ">=", start), ("create_date", "<", stop)]
        return self._lead_query(kpi, domain, "create_date", lambda col, q: [SQL("1")], run)

    def _opportunity_query(self, kpi, start, stop, components, run):
        """Opportunities by the date they became one (conversion, else creation)."""
        mq = self._lead_query(kpi, [("type", "=", "opportunity")], None, components, run)
        leads = self._leads()
        date = SQL(
            "COALESCE(%s, %s)",
            leads._field_to_sql(mq.query.table, "date_conversion", mq.query),
            leads._field_to_sql(mq.query.table, "create_date", mq.query),
        )
        mq.query.add_where(SQL("%s >= %s AND %s < %s", date, start, date, stop))
        return mq._replace(moment=date)

    @metric("new_opportunities", MetricDefinition(unit="count"))
    def _query_new_opportunities(self, kpi, start, stop, run):
        return self._opportunity_query(kpi, start, stop, lambda col, q: [SQL("1")], run)

    @metric("pipeline_created", MetricDefinition(unit="money", money=(0,)))
    def _query_pipeline_created(self, kpi, start, stop, run):
        return self._opportunity_query(
            kpi, start, stop, lambda col, q: [col("expected_revenue")], run
        )

    @api.model
    def _earlier_win(self, query, col):
        """SQL: the customer (commercial entity) of the lead had won an earlier deal
        in the same company."""
        query.add_join(
            "LEFT JOIN",
            "so_partner",
            "res_partner",
            SQL("%s = %s", SQL.identifier("so_partner", "id"), col("partner_id")),
        )
        return SQL(
            """EXISTS (
                SELECT 1 FROM crm_lead so_prev
                  JOIN crm_stage so_prev_stage
                    ON so_prev_stage.id = so_prev.stage_id AND so_prev_stage.is_won
                  JOIN res_partner so_prev_partner ON so_prev_partner.id = so_prev.partner_id
                 WHERE so_prev.active
                   AND so_prev_partner.commercial_partner_id = so_partner.commercial_partner_id
                   AND so_prev.company_id IS NOT DISTINCT FROM %s
                   AND (so_prev.date_closed, so_prev.id) < (%s, %s))""",
            col("company_id"),
            col("date_closed"),
            col("id"),
        )

    @metric("new_customers", MetricDefinition(unit="count", customers=True))
    def _query_new_customers(self, kpi, start, stop, run):
        def components(col, query):
            query.add_where(SQL("NOT %s", self._earlier_win(query, col)))
            return [SQL("1")]

        domain = self._won_domain(start, stop) + [("partner_id", "!=", False)]
        return self._lead_query(kpi, domain, "date_closed", components, run)

    @metric(
        "repeat_revenue_share",
        MetricDefinition(unit="percent", combine="percent", money=(0, 1), customers=True),
    )
    def _query_repeat_revenue_share(self, kpi, start, stop, run):
        def components(col, query):
            earlier = self._earlier_win(query, col)
            revenue = col("expected_revenue")
            return [SQL("CASE WHEN %s THEN %s ELSE 0 END", earlier, revenue), revenue]

        return self._lead_query(kpi, self._won_domain(start, stop), "date_closed", components, run)

    @metric("activities_done", MetricDefinition(unit="count"))
    def _query_activities_done(self, kpi, start, stop, run):
        return self._activity_query(kpi, start, stop, kpi.activity_type_ids, run)

    def _activity_query(self, kpi, start, stop, activity_types, run):
        """Activities marked done on leads and opportunities (never on other models): the
        messages Odoo keeps for them, credited to their author, in the lead's team and
        company. The KPI's filter on the lead narrows them."""
        messages = self.env["mail.message"].sudo()
        domain = [("model", "=", "crm.lead"), ("date", ">=", start), ("date", "<", stop)]
        if activity_types:
            domain.append(("mail_activity_type_id", "in", activity_types.ids))
        else:
            domain.append(("mail_activity_type_id", "!=", False))
        query = messages._search(domain)
        res_id = messages._field_to_sql(query.table, "res_id", query)
        query.add_join(
            "JOIN", "so_lead", "crm_lead", SQL("%s = %s", SQL.identifier("so_lead", "id"), res_id)
        )
        lead_filter = kpi._get_filter_domain()
        if lead_filter:
            query.add_where(
                SQL(
                    "%s IN %s",
                    SQL.identifier("so_lead", "id"),
                    self._leads()._search(lead_filter).subselect(),
                )
            )
        query.add_join(
            "LEFT JOIN",
            "so_author",
            SQL("(SELECT partner_id, MIN(id) AS user_id FROM res_users GROUP BY partner_id)"),
            SQL(
                "%s = %s",
                SQL.identifier("so_author", "partner_id"),
                messages._field_to_sql(query.table, "author_id", query),
            ),
        )
        return MetricQuery(
            "mail.message",
            query,
            SQL.identifier("so_lead", "team_id"),
            SQL.identifier("so_author", "user_id"),
            self._lead_company(query, "so_lead", run),
            messages._field_to_sql(query.table, "date", query),
            False,
            [SQL("1")],
            "message",
            1,
            messages._field_to_sql(query.table, "author_id", query),
            "partner",
        )

    @metric("objective_achievement_rate", MetricDefinition(unit="percent", combine="percent"))
    def _query_objective_achievement_rate(self, kpi, start, stop, run):
        """Sales objectives achieved / closed (achieved, partly, missed), by the moment
        their outcome was recorded, credited to the objective's owner, team and company."""
        objectives = self.env["sales.objective"].sudo()
        query = objectives._search(
            [
                ("objective_type", "=", "sales"),
                ("state", "in", ("achieved", "partly", "missed")),
                ("date_closed", ">=", start),
                ("date_closed", "<", stop),
            ]
        )

        def col(fname):
            return objectives._field_to_sql(query.table, fname, query)

        lead_filter = kpi._get_filter_domain()
        if lead_filter:
            query.add_where(
                SQL("%s IN %s", col("lead_id"), self._leads()._search(lead_filter).subselect())
            )
        return MetricQuery(
            "sales.objective",
            query,
            col("team_id"),
            col("user_id"),
            col("company_id"),
            col("date_closed"),
            False,
            [SQL("CASE WHEN %s = 'achieved' THEN 1 ELSE 0 END", col("state")), SQL("1")],
            "objective",
            1,
            col("user_id"),
            "user",
        )

    @metric("smart_coverage", MetricDefinition(unit="percent", combine="percent"))
    def _query_smart_coverage(self, kpi, start, stop, run):
        """Done calls and meetings on leads and opportunities (the KPI's activity types,
        if any) that pursued a sales objective meeting the specific, measurable and
        time-bound rules."""
        types = kpi.activity_type_ids or self.env["mail.activity.type"].sudo().search(
            [("category", "in", ("phonecall", "meeting"))]
        )
        mq = self._activity_query(kpi, start, stop, types, run)
        message_id = SQL.identifier(mq.query.table, "id")
        smart = SQL(
            "CASE WHEN EXISTS (SELECT 1 FROM sales_objective so_obj"
            " WHERE so_obj.done_message_id = %s AND so_obj.is_smart"
            " AND so_obj.objective_type = 'sales') THEN 1 ELSE 0 END",
            message_id,
        )
        return mq._replace(components=[smart, SQL("1")])

    def _pipeline_query(self, kpi, first, last, run):
        """Open opportunities expected to close between ``first`` and ``last``."""
        domain = [
            ("active", "=", True),
            ("type", "=", "opportunity"),
            "|",
            ("stage_id", "=", False),
            ("stage_id.is_won", "=", False),
            ("date_deadline", ">=", first),
            ("date_deadline", "<=", last),
        ]

        def components(col, query):
            amount, probability = col("expected_revenue"), col("probability")
            committed = SQL(
                "%s >= COALESCE((%s::float8[])[%s], 100)",
                probability,
                self._commit_thresholds(run),
                self._lead_company(query, query.table, run),
            )
            return [
                amount,
                SQL("%s * %s / 100.0", amount, probability),
                SQL("1"),
                SQL("%s / 100.0", probability),
                # the committed opportunities (forecast): in full, and weighted
                SQL("CASE WHEN %s THEN %s ELSE 0 END", committed, amount),
                SQL("CASE WHEN %s THEN %s * %s / 100.0 ELSE 0 END", committed, amount, probability),
                SQL("CASE WHEN %s THEN 1 ELSE 0 END", committed),
                SQL("CASE WHEN %s THEN %s / 100.0 ELSE 0 END", committed, probability),
            ]

        return self._lead_query(kpi, domain, "date_deadline", components, run, is_date=True)

    @api.model
    def _commit_thresholds(self, run):
        """A float8 array literal of each company's commit probability, indexed by id;
        read once per run (``run.owner_maps``)."""
        if run.owner_maps is None:
            run.owner_maps = self._owner_maps()
        return run.owner_maps[2]

    def _closed_query(self, start, stop, run):
        return self._lead_query(
            None,
            self._closed_domain(start, stop),
            "date_closed",
            lambda col, q: [
                SQL("CASE WHEN %s THEN %s ELSE 0 END", col("active"), col("expected_revenue")),
                SQL("CASE WHEN %s THEN 1 ELSE 0 END", col("active")),
                SQL("CASE WHEN %s THEN 0 ELSE 1 END", col("active")),
            ],
            run,
        )

    def _meeting_query(self, start, stop, run):
        """Meetings held (calendar events linked to an opportunity)."""
        events = self.env["calendar.event"].sudo()
        query = events._search(
            [("opportunity_id", "!=", False), ("start", ">=", start), ("start", "<", stop)]
        )
        query.add_join(
            "JOIN",
            "so_lead",
            "crm_lead",
            SQL(
                "%s = %s",
                SQL.identifier("so_lead", "id"),
                events._field_to_sql(query.table, "opportunity_id", query),
            ),
        )
        return MetricQuery(
            "calendar.event",
            query,
            SQL.identifier("so_lead", "team_id"),
            events._field_to_sql(query.table, "user_id", query),
            self._lead_company(query, "so_lead", run),
            events._field_to_sql(query.table, "start", query),
            False,
            [SQL("1")],
            "event",
            1,
            events._field_to_sql(query.table, "user_id", query),
            "user",
        )
