"""The refresh engine: measures the actuals of many targets at once.

Per KPI (and company time zone), one grouped SQL statement reads the CRM records over
the whole span of the targets being refreshed, bucketed by owner (sales team,
salesperson, company) and local day; amounts are converted to each target's currency
at the record's date; prefix sums per owner then give any target's range (week,
month, quarter, year, custom) as a difference of two sums. Ratios are computed from
summed components, never by averaging averages. The number of queries depends on the
KPIs and companies involved, not on the number of targets or periods.
"""

import bisect
import itertools
import logging
from collections import defaultdict, namedtuple
from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.osv import expression
from odoo.tools import SQL

from ..tools import figures
from ..tools.periods import local_day_start_utc
from ..tools.rates import RateTable

_logger = logging.getLogger(__name__)

HISTORY_DAYS = 365

# A measurable query: an Odoo Query (FROM/WHERE) plus the SQL expressions of the
# owner columns, of the moment that dates a record (a UTC datetime, or a date when
# ``is_date``), and of the components summed per bucket.
MetricQuery = namedtuple("MetricQuery", "model query team user company moment is_date components")

# One target as the engine sees it (read with one SQL statement).
TargetRow = namedtuple(
    "TargetRow",
    "id kpi_id owner_type team_id user_id company_id date_from date_to currency_id "
    "target_value manual_value",
)

# Figures the engine stores on sales.target, and their SQL types.
STORED_FIGURES = [
    ("actual_value", "float8"),
    ("actual_sample", "int4"),
    ("elapsed_ratio", "float8"),
    ("pipeline_value", "float8"),
    ("pipeline_weighted", "float8"),
    ("history_win_rate", "float8"),
    ("history_avg_deal", "float8"),
    ("history_meetings_per_win", "float8"),
    ("attainment", "float8"),
    ("expected_value", "float8"),
    ("projected_value", "float8"),
    ("gap_value", "float8"),
    ("coverage_ratio", "float8"),
    ("opportunities_needed", "int4"),
    ("meetings_needed", "int4"),
    ("status", "varchar"),
]


class Series:
    """Daily sums of components for one owner, with prefix sums for range queries."""

    __slots__ = ("cumulative", "days", "width")

    def __init__(self, by_day, width):
        self.days = sorted(by_day)
        self.width = width
        # one running total per component, with a leading 0
        columns = zip(*(by_day[day] for day in self.days)) if self.days else [()] * width
        self.cumulative = [[0.0, *itertools.accumulate(column)] for column in columns]

    def sum(self, date_from, date_to):
        i = bisect.bisect_left(self.days, date_from)
        j = bisect.bisect_right(self.days, date_to)
        return [column[j] - column[i] for column in self.cumulative]


class SeriesSet(dict):
    """{(owner key, currency key): Series}, knowing its number of components."""

    def __init__(self, width):
        super().__init__()
        self.width = width
        self.is_date = False


class SalesKpiEngine(models.AbstractModel):
    _name = "sales.kpi.engine"
    _description = "Sales KPI refresh engine"

    # ------------------------------------------------------------------
    # Entry point
    # ------------------------------------------------------------------

    @api.model
    def refresh(self, targets):
        """Measures and stores the figures of ``targets`` (closed ones are skipped).

        A KPI whose measure fails is logged and skipped: its targets keep their last
        values and the error is kept on the KPI; the other KPIs are refreshed.
        Returns the ids of the KPIs that failed.
        """
        self = self.sudo()
        env = self.env
        env.flush_all()
        # grouped reads over many rows: hash them in memory, and do not spend seconds
        # compiling them (for this transaction only)
        env.cr.execute(SQL("SET LOCAL jit = off; SET LOCAL work_mem = '64MB'"))
        rows = self._read_targets(targets.ids)
        if not rows:
            return []
        context = self._load_context(rows)
        now = fields.Datetime.now()
        results = {}
        failed = {}
        groups = defaultdict(list)
        for row in rows:
            groups[row.kpi_id].append(row)
        kpis = env["sales.kpi"].with_context(active_test=False).browse(list(groups))
        kpis.fetch(["metric", "domain", "unit", "direction", "activity_type_ids", "name"])
        # the owners' 12-month history is measured once, for every target whose KPI
        # has a pipeline (won revenue, won deals)
        context["history"] = {}
        context["pipeline_rows"] = [
            row
            for kpi_id, group in groups.items()
            if kpis.browse(kpi_id)._metric_definition()["pipeline"]
            for row in group
        ]
        for kpi_id, group in groups.items():
            kpi = kpis.browse(kpi_id)
            try:
                with env.cr.savepoint(flush=False):
                    results.update(self._measure_kpi(kpi, group, context))
            except Exception as error:  # one failing KPI must not stop the others
                _logger.warning(
                    "Sales objectives: refreshing KPI %s (%s) failed, its targets keep "
                    "their last values: %s",
                    kpi.id,
                    kpi.name,
                    error,
                )
                failed[kpi_id] = str(error)
        self._store(rows, results, context, now)
        ok_ids = [k for k in {r.kpi_id for r in rows} if k not in failed]
        if ok_ids:
            env.cr.execute(
                SQL(
                    "UPDATE sales_kpi SET last_refresh = %s, last_error = NULL WHERE id = ANY(%s)",
                    now,
                    ok_ids,
                )
            )
        for kpi_id, message in failed.items():
            env.cr.execute(
                SQL("UPDATE sales_kpi SET last_error = %s WHERE id = %s", message, kpi_id)
            )
        env["sales.kpi"].invalidate_model(["last_refresh", "last_error"])
        return list(failed)

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
                       currency_id, target_value, manual_value
                  FROM sales_target
                 WHERE id = ANY(%s) AND state != 'closed'
                 ORDER BY kpi_id, id
                """,
                list(ids),
            )
        )
        return [TargetRow(*row) for row in self.env.cr.fetchall()]

    def _load_context(self, rows):
        """Companies (currency, root, calendar, time zone, thresholds) and rates."""
        cr = self.env.cr
        cr.execute(
            SQL(
                """
                SELECT c.id, c.currency_id, split_part(c.parent_path, '/', 1)::int,
                       c.resource_calendar_id, COALESCE(rc.tz, 'UTC'),
                       c.sales_target_on_track, c.sales_target_at_risk
                  FROM res_company c
             LEFT JOIN resource_calendar rc ON rc.id = c.resource_calendar_id
                """
            )
        )
        companies = {
            cid: dict(currency=cur, root=root, calendar=cal, tz=tz, on_track=ot, at_risk=ar)
            for cid, cur, root, cal, tz, ot, ar in cr.fetchall()
        }
        context = {
            "companies": companies,
            "tz": {cid: info["tz"] for cid, info in companies.items()},
            "today": {},
        }
        now = fields.Datetime.now()
        for cid, info in companies.items():
            local = pytz.utc.localize(now).astimezone(pytz.timezone(info["tz"]))
            context["today"][cid] = local.date()
        currencies = {r.currency_id for r in rows} | {c["currency"] for c in companies.values()}
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
        context["rates"] = RateTable(cr.fetchall())
        context["elapsed"] = self._elapsed_ratios(rows, companies, context["today"])
        return context

    def _elapsed_ratios(self, rows, companies, today):
        """Share of each target's working time (company calendar) up to today included.
        One calendar computation per company calendar, not per target or period."""
        by_calendar = defaultdict(list)
        for row in rows:
            by_calendar[companies[row.company_id]["calendar"]].append(row)
        ratios = {}
        for calendar_id, group in by_calendar.items():
            calendar = self.env["resource.calendar"].browse(calendar_id)
            first = min(r.date_from for r in group)
            last = max(r.date_to for r in group)
            hours = defaultdict(float)
            if calendar:
                tz = pytz.timezone(calendar.tz or "UTC")
                start = tz.localize(datetime.combine(first, time.min))
                stop = tz.localize(datetime.combine(last + timedelta(days=1), time.min))
                for begin, end, _meta in calendar._work_intervals_batch(start, stop)[False]:
                    hours[begin.date()] += (end - begin).total_seconds() / 3600.0
            series = Series({d: (h,) for d, h in hours.items()}, 1)
            for row in group:
                day = today[row.company_id]
                if day < row.date_from:
                    ratios[row.id] = 0.0
                    continue
                if day >= row.date_to:
                    ratios[row.id] = 1.0
                    continue
                total = series.sum(row.date_from, row.date_to)[0]
                if total > 0:
                    ratios[row.id] = series.sum(row.date_from, day)[0] / total
                else:  # no working time at all: calendar days
                    length = (row.date_to - row.date_from).days + 1
                    ratios[row.id] = ((day - row.date_from).days + 1) / length
        return ratios

    # ------------------------------------------------------------------
    # Measuring one KPI for its targets
    # ------------------------------------------------------------------

    def _span(self, rows, context):
        """[start, stop) in UTC covering the periods of ``rows``, in their companies'
        time zones."""
        bounds = {}
        for row in rows:
            zone = context["tz"][row.company_id]
            first, last = bounds.get(zone, (row.date_from, row.date_to))
            bounds[zone] = (min(first, row.date_from), max(last, row.date_to))
        start = min(local_day_start_utc(first, zone) for zone, (first, _l) in bounds.items())
        stop = max(
            local_day_start_utc(last + timedelta(days=1), zone)
            for zone, (_f, last) in bounds.items()
        )
        return start, stop

    def _measure_kpi(self, kpi, rows, context):
        definition = kpi._metric_definition()
        values = {}
        if kpi.metric == "manual":
            for row in rows:
                values[row.id] = {"actual_value": row.manual_value or 0.0, "actual_sample": 1}
        else:
            mq = self._metric_query(kpi, *self._span(rows, context))
            series = self._series(mq, rows, definition["money"], context)
            for row in rows:
                comps = self._range(series, row, bool(definition["money"]), context)
                actual, sample = self._combine(definition["combine"], comps)
                values[row.id] = {"actual_value": actual, "actual_sample": sample}
        if definition["pipeline"]:
            self._measure_pipeline(kpi, rows, definition, values, context)
        return values

    @api.model
    def _combine(self, combine, comps):
        """(actual, sample) from summed components."""
        if combine == "sum":
            return comps[0], int(bool(comps[0]))
        if combine == "ratio":
            return (comps[0] / comps[1] if comps[1] else 0.0), round(comps[1])
        if combine == "percent":
            return (100.0 * comps[0] / comps[1] if comps[1] else 0.0), int(bool(comps[1]))
        if combine == "rate":
            total = comps[0] + comps[1]
            return (100.0 * comps[0] / total if total else 0.0), round(total)
        raise ValueError(combine)

    def _measure_pipeline(self, kpi, rows, definition, values, context):
        """Open pipeline due in each target's period, and the owner's history over the
        last 12 months (win rate, average deal, meetings per win)."""
        first = min(r.date_from for r in rows)
        last = max(r.date_to for r in rows)
        mq = self._pipeline_query(kpi, first, last)
        today = max(context["today"].values())
        series = self._series(mq, rows, (0, 1), context, conversion_day=today)
        history = context.setdefault("history", {})
        if any(row.id not in history for row in rows):
            history.update(self._history(context.get("pipeline_rows") or rows, context))
        for row in rows:
            amount, weighted, count, weighted_count = self._range(series, row, True, context)
            if definition["pipeline"] == "amount":
                pipeline, pipeline_weighted = amount, weighted
            else:
                pipeline, pipeline_weighted = count, weighted_count
            values[row.id].update(
                pipeline_value=pipeline, pipeline_weighted=pipeline_weighted, **history[row.id]
            )

    def _history(self, rows, context):
        """The owner's own record over the last 12 months (up to today, in the
        company's time zone), for each target."""
        history_rows = [
            r._replace(
                date_from=context["today"][r.company_id] - timedelta(days=HISTORY_DAYS - 1),
                date_to=context["today"][r.company_id],
            )
            for r in rows
        ]
        start, stop = self._span(history_rows, context)
        closed = self._series(self._closed_query(start, stop), history_rows, (0,), context)
        meetings = self._series(self._meeting_query(start, stop), history_rows, (), context)
        result = {}
        for row in history_rows:
            won_amount, won, lost = self._range(closed, row, True, context)
            (held,) = self._range(meetings, row, False, context)
            result[row.id] = {
                "history_win_rate": 100.0 * won / (won + lost) if won + lost else 0.0,
                "history_avg_deal": won_amount / won if won else 0.0,
                "history_meetings_per_win": held / won if won else 0.0,
            }
        return result

    # ------------------------------------------------------------------
    # Buckets and series
    # ------------------------------------------------------------------

    @api.model
    def _owner_keys(self, row):
        if row.owner_type == "team":
            return [("team", row.team_id)]
        if row.owner_type == "user":
            return [("user", row.user_id, row.company_id), ("user", row.user_id, None)]
        return [("company", row.company_id)]

    def _series(self, mq, rows, money, context, conversion_day=None):
        """Runs the bucket query of ``mq`` and returns {(zone, owner key, currency key):
        Series} for the owners, time zones and currencies that ``rows`` need.

        One statement for every time zone: the records are read once, dated on the
        local day of each time zone involved, and GROUPING SETS bucket them by (team,
        company, day), (salesperson, company, day) and (company, day) for each zone,
        only for the owner types needed, so that each result row belongs to exactly
        one owner and zone."""
        companies = context["companies"]
        rates = context["rates"]
        zones = [None] if mq.is_date else sorted({context["tz"][r.company_id] for r in rows})
        needs = defaultdict(set)
        kinds = defaultdict(set)
        for row in rows:
            zone = None if mq.is_date else context["tz"][row.company_id]
            conv = (row.currency_id, companies[row.company_id]["root"]) if money else None
            for key in self._owner_keys(row):
                needs[(zone, key)].add(conv)
                kinds[zone].add(key[0])
        # only the records of these owners: a refresh of a few targets reads few rows
        owners = defaultdict(set)
        for _zone, key in needs:
            owners[key[0]].add(key[1])
        column = {"team": mq.team, "user": mq.user, "company": mq.company}
        condition = SQL(" OR ").join(
            SQL("%s = ANY(%s)", column[kind], sorted(ids)) for kind, ids in owners.items()
        )
        mq.query.add_where(SQL("(%s)", condition))
        width = len(mq.components)
        days = [mq.moment if zone is None else self._local_day(zone, mq.moment) for zone in zones]
        inner = mq.query.select(
            SQL("%s AS so_team", mq.team),
            SQL("%s AS so_user", mq.user),
            SQL("%s AS so_company", mq.company),
            *[SQL("%s AS %s", day, SQL.identifier(f"so_day{i}")) for i, day in enumerate(days)],
            *[SQL("%s AS %s", c, SQL.identifier(f"so_c{i}")) for i, c in enumerate(mq.components)],
        )
        sets = []
        for i, zone in enumerate(zones):
            day = SQL.identifier(f"so_day{i}")
            if "team" in kinds[zone]:
                sets.append(SQL("(so_team, so_company, %s)", day))
            if "user" in kinds[zone]:
                sets.append(SQL("(so_user, so_company, %s)", day))
            if "company" in kinds[zone]:
                sets.append(SQL("(so_company, %s)", day))
        any_team = any("team" in k for k in kinds.values())
        any_user = any("user" in k for k in kinds.values())
        self.env.cr.execute(
            SQL(
                "SELECT %s, %s, %s, %s, %s, so_company, %s, %s FROM (%s) AS so_facts"
                " GROUP BY GROUPING SETS (%s)",
                SQL("GROUPING(so_team)") if any_team else SQL("1"),
                SQL("GROUPING(so_user)") if any_user else SQL("1"),
                SQL(", ").join(
                    SQL("GROUPING(%s)", SQL.identifier(f"so_day{i}")) for i in range(len(zones))
                ),
                SQL("so_team") if any_team else SQL("NULL"),
                SQL("so_user") if any_user else SQL("NULL"),
                SQL(", ").join(SQL.identifier(f"so_day{i}") for i in range(len(zones))),
                SQL(", ").join(
                    SQL("COALESCE(SUM(%s), 0)", SQL.identifier(f"so_c{i}")) for i in range(width)
                ),
                inner,
                SQL(", ").join(sets),
            )
        )
        n_zones = len(zones)
        flags_end, ids_end, days_end = 2 + n_zones, 5 + n_zones, 5 + 2 * n_zones
        currency_of = {cid: info["currency"] for cid, info in companies.items()}
        money_index = set(money)
        acc = defaultdict(dict)
        for row in self.env.cr.fetchall():
            index = row[2:flags_end].index(0) if n_zones > 1 else 0
            zone, day = zones[index], row[ids_end + index]
            if not row[0]:
                key = (zone, ("team", row[flags_end]))
            elif not row[1]:
                key = (zone, ("user", row[flags_end + 1], row[flags_end + 2]))
            else:
                key = (zone, ("company", row[flags_end + 2]))
            convs = needs.get(key)
            if not convs:
                continue
            comps = row[days_end:]
            for conv in convs:
                values = comps
                if conv is not None:
                    factor = rates.factor(
                        currency_of.get(row[flags_end + 2]), conv[0], conv[1], conversion_day or day
                    )
                    if factor != 1.0:
                        values = [
                            c * factor if i in money_index else c for i, c in enumerate(comps)
                        ]
                bucket = acc[key + (conv,)]
                current = bucket.get(day)
                bucket[day] = (
                    values if current is None else [a + b for a, b in zip(current, values)]
                )
        result = SeriesSet(width)
        result.is_date = mq.is_date
        for key, by_day in acc.items():
            result[key] = Series(by_day, width)
        return result

    @api.model
    def _range(self, series, row, money, context):
        """Summed components of ``row``'s owner over ``row``'s period."""
        zone = None if series.is_date else context["tz"][row.company_id]
        conv = (row.currency_id, context["companies"][row.company_id]["root"]) if money else None
        total = None
        for key in self._owner_keys(row):
            found = series.get((zone, key, conv))
            if found is None:
                continue
            part = found.sum(row.date_from, row.date_to)
            total = part if total is None else [a + b for a, b in zip(total, part)]
        return total if total is not None else [0.0] * series.width

    # ------------------------------------------------------------------
    # Storing
    # ------------------------------------------------------------------

    def _store(self, rows, results, context, now):
        """Writes measured and derived figures of every measured target in one statement."""
        if not results:
            return
        companies = context["companies"]
        kpis = (
            self.env["sales.kpi"].with_context(active_test=False).browse({r.kpi_id for r in rows})
        )
        definitions = {kpi.id: kpi._metric_definition() for kpi in kpis}
        units = {kpi.id: (kpi.unit, kpi.direction) for kpi in kpis}
        columns = {name: [] for name, _type in STORED_FIGURES}
        ids = []
        for row in rows:
            measured = results.get(row.id)
            if measured is None:
                continue
            definition = definitions[row.kpi_id]
            company = companies[row.company_id]
            measured.setdefault("elapsed_ratio", context["elapsed"][row.id])
            derived = figures.derive(
                target=row.target_value or 0.0,
                unit=units[row.kpi_id][0],
                direction=units[row.kpi_id][1],
                additive=definition["additive"],
                pipeline_kind=definition["pipeline"],
                actual=measured["actual_value"],
                sample=measured["actual_sample"],
                elapsed=measured["elapsed_ratio"],
                ended=context["today"][row.company_id] > row.date_to,
                pipeline_value=measured.get("pipeline_value", 0.0),
                pipeline_weighted=measured.get("pipeline_weighted", 0.0),
                win_rate=measured.get("history_win_rate", 0.0),
                avg_deal=measured.get("history_avg_deal", 0.0),
                meetings_per_win=measured.get("history_meetings_per_win", 0.0),
                on_track=company["on_track"] or 0.0,
                at_risk=company["at_risk"] or 0.0,
            )
            measured.update(derived)
            ids.append(row.id)
            for name, _type in STORED_FIGURES:
                columns[name].append(measured.get(name, 0.0 if _type != "varchar" else None))
        assignments = SQL(", ").join(
            SQL("%s = v.%s", SQL.identifier(name), SQL.identifier(name))
            for name, _type in STORED_FIGURES
        )
        arrays = SQL(", ").join(
            SQL("%s::%s[]", columns[name], SQL(sql_type)) for name, sql_type in STORED_FIGURES
        )
        names = SQL(", ").join(SQL.identifier(name) for name, _type in STORED_FIGURES)
        self.env.cr.execute(
            SQL(
                """
                UPDATE sales_target t
                   SET %s, refreshed_at = %s
                  FROM unnest(%s::int4[], %s) AS v(id, %s)
                 WHERE t.id = v.id
                """,
                assignments,
                now,
                ids,
                arrays,
                names,
            )
        )
        self.env["sales.target"].invalidate_model(
            [name for name, _type in STORED_FIGURES] + ["refreshed_at"]
        )

    # ------------------------------------------------------------------
    # Metric queries
    # ------------------------------------------------------------------

    def _metric_query(self, kpi, start, stop):
        """The MetricQuery of ``kpi`` for records dated in [start, stop) (UTC; a date
        metric may read a few more days: only the targets' days are summed)."""
        method = getattr(self, f"_query_{kpi.metric}", None)
        if method is None:
            raise ValueError(f"no measure for metric {kpi.metric!r}")
        return method(kpi, start, stop)

    def _leads(self):
        return self.env["crm.lead"].sudo().with_context(active_test=False)

    def _lead_query(self, kpi, domain, date_fname, components, is_date=False):
        """MetricQuery over crm.lead; ``components`` is a function of a column getter."""
        leads = self._leads()
        if kpi:
            domain = expression.AND([kpi._get_filter_domain(), domain])
        query = leads._search(domain)

        def col(fname):
            return leads._field_to_sql(query.table, fname, query)

        return MetricQuery(
            "crm.lead",
            query,
            col("team_id"),
            col("user_id"),
            col("company_id"),
            col(date_fname) if date_fname else None,
            is_date,
            components(col, query),
        )

    @api.model
    def _local_day(self, tz, column):
        return SQL("(timezone(%s, timezone('UTC', %s)))::date", tz, column)

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

    def _query_won_revenue(self, kpi, start, stop):
        return self._lead_query(
            kpi,
            self._won_domain(start, stop),
            "date_closed",
            lambda col, q: [col("expected_revenue")],
        )

    def _query_won_count(self, kpi, start, stop):
        return self._lead_query(
            kpi, self._won_domain(start, stop), "date_closed", lambda col, q: [SQL("1")]
        )

    def _query_avg_deal_size(self, kpi, start, stop):
        return self._lead_query(
            kpi,
            self._won_domain(start, stop),
            "date_closed",
            lambda col, q: [col("expected_revenue"), SQL("1")],
        )

    def _query_cycle_days(self, kpi, start, stop):
        return self._lead_query(
            kpi,
            self._won_domain(start, stop),
            "date_closed",
            lambda col, q: [col("day_close"), SQL("1")],
        )

    def _query_win_rate(self, kpi, start, stop):
        return self._lead_query(
            kpi,
            self._closed_domain(start, stop),
            "date_closed",
            lambda col, q: [
                SQL("CASE WHEN %s THEN 1 ELSE 0 END", col("active")),
                SQL("CASE WHEN %s THEN 0 ELSE 1 END", col("active")),
            ],
        )

    def _query_new_leads(self, kpi, start, stop):
        domain = [("create_date", ">=", start), ("create_date", "<", stop)]
        return self._lead_query(kpi, domain, "create_date", lambda col, q: [SQL("1")])

    def _opportunity_query(self, kpi, start, stop, components):
        """Opportunities by the date they became one (conversion, else creation)."""
        mq = self._lead_query(kpi, [("type", "=", "opportunity")], None, components)
        leads = self._leads()
        date = SQL(
            "COALESCE(%s, %s)",
            leads._field_to_sql(mq.query.table, "date_conversion", mq.query),
            leads._field_to_sql(mq.query.table, "create_date", mq.query),
        )
        mq.query.add_where(SQL("%s >= %s AND %s < %s", date, start, date, stop))
        return mq._replace(moment=date)

    def _query_new_opportunities(self, kpi, start, stop):
        return self._opportunity_query(kpi, start, stop, lambda col, q: [SQL("1")])

    def _query_pipeline_created(self, kpi, start, stop):
        return self._opportunity_query(kpi, start, stop, lambda col, q: [col("expected_revenue")])

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

    def _query_new_customers(self, kpi, start, stop):
        def components(col, query):
            query.add_where(SQL("NOT %s", self._earlier_win(query, col)))
            return [SQL("1")]

        domain = self._won_domain(start, stop) + [("partner_id", "!=", False)]
        return self._lead_query(kpi, domain, "date_closed", components)

    def _query_repeat_revenue_share(self, kpi, start, stop):
        def components(col, query):
            earlier = self._earlier_win(query, col)
            revenue = col("expected_revenue")
            return [SQL("CASE WHEN %s THEN %s ELSE 0 END", earlier, revenue), revenue]

        return self._lead_query(kpi, self._won_domain(start, stop), "date_closed", components)

    def _query_activities_done(self, kpi, start, stop):
        return self._activity_query(kpi, start, stop, kpi.activity_type_ids)

    def _activity_query(self, kpi, start, stop, activity_types):
        """Activities marked done on opportunities: the messages Odoo keeps for them,
        credited to their author, in the opportunity's team and company."""
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
            SQL.identifier("so_lead", "company_id"),
            messages._field_to_sql(query.table, "date", query),
            False,
            [SQL("1")],
        )

    def _query_objective_achievement_rate(self, kpi, start, stop):
        """Sales objectives achieved / closed (achieved, partly, missed), by closing day,
        credited to the objective's owner, team and company."""
        objectives = self.env["sales.objective"].sudo()
        # a local day is within a day of the UTC one: read one more on each side
        first, last = (start - timedelta(days=1)).date(), (stop + timedelta(days=1)).date()
        query = objectives._search(
            [
                ("objective_type", "=", "sales"),
                ("state", "in", ("achieved", "partly", "missed")),
                ("date_closed", ">=", first),
                ("date_closed", "<=", last),
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
            True,
            [SQL("CASE WHEN %s = 'achieved' THEN 1 ELSE 0 END", col("state")), SQL("1")],
        )

    def _query_smart_coverage(self, kpi, start, stop):
        """Done calls and meetings on opportunities (the KPI's activity types, if any) that
        pursued a sales objective meeting the specific, measurable and time-bound rules."""
        types = kpi.activity_type_ids or self.env["mail.activity.type"].sudo().search(
            [("category", "in", ("phonecall", "meeting"))]
        )
        mq = self._activity_query(kpi, start, stop, types)
        message_id = SQL.identifier(mq.query.table, "id")
        smart = SQL(
            "CASE WHEN EXISTS (SELECT 1 FROM sales_objective so_obj"
            " WHERE so_obj.done_message_id = %s AND so_obj.is_smart"
            " AND so_obj.objective_type = 'sales') THEN 1 ELSE 0 END",
            message_id,
        )
        return mq._replace(components=[smart, SQL("1")])

    def _pipeline_query(self, kpi, first, last):
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
        return self._lead_query(
            kpi,
            domain,
            "date_deadline",
            lambda col, q: [
                col("expected_revenue"),
                SQL("%s * %s / 100.0", col("expected_revenue"), col("probability")),
                SQL("1"),
                SQL("%s / 100.0", col("probability")),
            ],
            is_date=True,
        )

    def _closed_query(self, start, stop):
        return self._lead_query(
            None,
            self._closed_domain(start, stop),
            "date_closed",
            lambda col, q: [
                SQL("CASE WHEN %s THEN %s ELSE 0 END", col("active"), col("expected_revenue")),
                SQL("CASE WHEN %s THEN 1 ELSE 0 END", col("active")),
                SQL("CASE WHEN %s THEN 0 ELSE 1 END", col("active")),
            ],
        )

    def _meeting_query(self, start, stop):
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
            SQL.identifier("so_lead", "company_id"),
            events._field_to_sql(query.table, "start", query),
            False,
            [SQL("1")],
        )

    # ------------------------------------------------------------------
    # Ad-hoc measures
    # ------------------------------------------------------------------

    def _measure_users(self, target, users, date_from, date_to):
        """{user id: actual} of ``target``'s KPI for each of ``users`` (in the target's
        team, company and currency) over ``date_from``-``date_to``; nothing is stored."""
        self = self.sudo()
        target = target.sudo()
        if not users:
            return {}
        rows = [
            TargetRow(
                -index,
                target.kpi_id.id,
                "user",
                target.team_id.id,
                user.id,
                target.company_id.id,
                date_from,
                date_to,
                target.currency_id.id,
                0.0,
                0.0,
            )
            for index, user in enumerate(users, start=1)
        ]
        context = self._load_context(rows)
        values = self._measure_kpi(target.kpi_id, rows, context)
        return {row.user_id: values[row.id]["actual_value"] for row in rows}

    # ------------------------------------------------------------------
    # The records behind one target's actual
    # ------------------------------------------------------------------

    def _counted_record_ids(self, target):
        """(model, ids) of exactly the records counted in ``target``'s actual."""
        self = self.sudo()
        target.ensure_one()
        kpi = target.kpi_id
        if kpi.metric == "manual":
            return None, []
        tz = target.company_id.resource_calendar_id.tz or "UTC"
        start = local_day_start_utc(target.date_from, tz)
        stop = local_day_start_utc(target.date_to + timedelta(days=1), tz)
        mq = self._metric_query(kpi, start, stop)
        day = mq.moment if mq.is_date else self._local_day(tz, mq.moment)
        mq.query.add_where(SQL("%s BETWEEN %s AND %s", day, target.date_from, target.date_to))
        if target.owner_type == "team":
            owner = SQL("%s = %s", mq.team, target.team_id.id)
        elif target.owner_type == "user":
            owner = SQL(
                "%s = %s AND (%s = %s OR %s IS NULL)",
                mq.user,
                target.user_id.id,
                mq.company,
                target.company_id.id,
                mq.company,
            )
        else:
            owner = SQL("%s = %s", mq.company, target.company_id.id)
        mq.query.add_where(owner)
        self.env.cr.execute(mq.query.select(SQL.identifier(mq.query.table, "id")))
        return mq.model, [row[0] for row in self.env.cr.fetchall()]
