"""The scans of a refresh: a metric query grouped by owner and bucket (cells), the
amounts converted and summed over each target's period (sums), the cells a scheduled
pass keeps and re-measures where the logged changes touched them (measured,
kept_cells, dirty_cells, rescan), and the customers of the metrics of distinct
customers (distinct_sets).

A Scan is made for one run (its RefreshState) by the sales.kpi.engine model, which
builds the metric queries (MetricQuery, engine/metrics.py) and hands them in as
callables: the scan only runs them, on the run's cursor, and reads and writes the kept
cells through sales.kpi.cell and sales.kpi.cell.source.
"""

from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo.tools import SQL

from .buckets import BucketPlan
from .cells import DistinctSets, Measured, ranges

# A refresh of at most this many owners reads only their records; a larger one reads
# every record of the span (filtering on hundreds of owners costs more than it saves).
OWNER_FILTER_MAX = 64


class Scan:
    """The scans of one run: ``env`` (its cursor, the kept cells' models) and
    ``state`` (RefreshState: companies, rates, mode, kept periods, changes)."""

    def __init__(self, env, state):
        self.env = env
        self.cr = env.cr
        self.state = state

    def plan(self, key, rows, is_date=False):
        """The buckets of a source: over every open target in a pass, over ``rows``
        otherwise; local months when all are whole months, else days. The cells a pass
        keeps of a KPI have the current local month (of any company) in days: a
        target's burn-up reads them."""
        known = self.state.periods.get(key)
        periods = [(r.date_from, r.date_to) for r in rows]
        if known:
            periods.append((known[0], known[1]))
        granularity = days = None
        if known and not known[2]:
            granularity = "day"
        elif known and key[0] == "kpi":
            todays = [clock.today for clock in self.state.companies.values()]
            days = (min(todays).replace(day=1), max(todays) + relativedelta(day=31))
        zones = () if is_date else set(self.state.zone_of().values())
        return BucketPlan.for_periods(
            periods, zones, granularity=granularity, is_date=is_date, days=days
        )

    def measured(self, source, signature, query, plan, rows, customers=False):
        """The cells of a source for ``rows``: measured from the owners' records
        (direct), measured for every owner and kept (full pass, or kept cells of
        another signature), or re-measured where the changes touched them and read
        back (incremental)."""
        if self.state.mode == "direct":
            return self.cells(query(plan), plan, rows)
        Cell = self.env["sales.kpi.cell"]
        Source = self.env["sales.kpi.cell.source"]
        signature = f"{signature}|{plan.signature()}"
        if self.state.mode == "full" or Source._signature(source) != signature:
            measured = self.cells(query(plan), plan, rows, all_owners=True)
            Cell._write(
                source, [(t, u, c, plan.labels[b - 1], comps) for t, u, c, b, comps in measured.raw]
            )
            Source._set(source, signature)
            return measured
        mq = query(plan)
        users, teams = self.dirty_cells(mq, plan, customers)
        if users or teams:
            fresh = self.rescan(query, plan, users, teams)
            labels = plan.labels
            dirty_users = {(u, labels[b - 1]) for u, b in users}
            dirty_teams = {(t, labels[b - 1]) for t, b in teams}
            Cell._write(
                source,
                [(t, u, c, labels[b - 1], comps) for t, u, c, b, comps in fresh],
                replaced=lambda t, u, c, b: (u, b) in dirty_users
                or (not u and (t, b) in dirty_teams),
                owners=({t for t, _b in teams}, {u for u, _b in users}),
            )
        return self.kept_cells(source, plan, len(mq.components), rows, sampled=mq.sampled)

    def cells(self, mq, plan, rows, companies=None, all_owners=False):
        """Runs ``mq`` grouped by team, salesperson, company and bucket of ``plan``
        (one statement, plain GROUP BY), for the owners of ``rows`` (every owner when
        ``all_owners``)."""
        kinds = {r.owner_type for r in rows} if not all_owners else {"team", "user", "company"}
        if not all_owners:
            # a refresh of a few targets reads only their owners' records
            self.filter_owners(mq, rows)
        if companies:
            mq.query.add_where(SQL("%s = ANY(%s)", mq.company, sorted(companies)))
        return Measured(plan, len(mq.components), self.grouped(mq, plan), kinds, mq.sampled)

    def _facts(self, mq, plan, columns):
        """(the records of ``mq`` as so_team, so_user, so_company, so_moment and
        ``columns``; the bucket of ``plan`` each falls in, in its company's zone)."""
        inner = mq.query.select(
            SQL("%s AS so_team", mq.team),
            SQL("%s AS so_user", mq.user),
            SQL("%s AS so_company", mq.company),
            SQL("%s AS so_moment", mq.moment),
            *columns,
        )
        return inner, plan.bucket_sql(SQL("so_moment"), SQL("so_company"), self.state.zone_of())

    def grouped(self, mq, plan, outer=None):
        """[(team, user, company, bucket, components...)] of ``mq`` in ``plan``;
        ``outer``: a FROM item that ``mq`` reads laterally (one scan per row of it)."""
        width = len(mq.components)
        inner, bucket = self._facts(
            mq,
            plan,
            [SQL("%s AS %s", c, SQL.identifier(f"so_c{i}")) for i, c in enumerate(mq.components)],
        )
        self.cr.execute(
            SQL(
                "SELECT so_team, so_user, so_company, %s, %s FROM %s (%s) AS so_facts"
                " GROUP BY 1, 2, 3, 4",
                bucket,
                SQL(", ").join(
                    SQL("COALESCE(SUM(%s), 0)", SQL.identifier(f"so_c{i}")) for i in range(width)
                ),
                SQL("%s CROSS JOIN LATERAL", outer) if outer else SQL(),
                # OFFSET 0 keeps the lateral subquery apart: one index scan per outer row
                SQL("%s OFFSET 0", inner) if outer else inner,
            )
        )
        return self.cr.fetchall()

    def filter_owners(self, mq, rows):
        """Narrows ``mq`` to the records of the owners of ``rows`` when they are few (a
        refresh of a few targets)."""
        owners = defaultdict(set)
        for row in rows:
            owners[row.owner_type].add(
                {"team": row.team_id, "user": row.user_id, "company": row.company_id}[
                    row.owner_type
                ]
            )
            owners[row.owner_type].update(row.teams)  # a parent team's sub-teams
        column = {"team": mq.team, "user": mq.user, "company": mq.company}
        if mq.credit:
            # the records' own owners (indexed), and the records credited to them
            column.update(team=mq.credit.team, user=mq.credit.user)
        if sum(len(ids) for ids in owners.values()) <= OWNER_FILTER_MAX:
            conditions = [
                SQL("%s = ANY(%s)", column[kind], sorted(ids)) for kind, ids in owners.items()
            ]
            credited = self.credited(mq, owners.get("user", ()), owners.get("team", ()))
            if credited is not None:
                conditions.append(SQL("%s = ANY(%s)", mq.credit.record, credited))
            mq.query.add_where(SQL("(%s)", SQL(" OR ").join(conditions)))

    def credited(self, mq, users=(), teams=()):
        """SQL: the ids of the records of ``mq`` whose credit is split with ``users``
        or ``teams`` (an array the planner computes once, then reads by primary key);
        None when its records are not split."""
        if not mq.credit or not (users or teams):
            return None
        link = SQL.identifier(mq.credit.link)
        return SQL(
            "ARRAY(SELECT %s FROM sales_credit_split WHERE %s IS NOT NULL"
            " AND (user_id = ANY(%s) OR team_id = ANY(%s)))",
            link,
            link,
            sorted(users),
            sorted(teams),
        )

    def sums(self, query, plan, rows, money, at_today=False, measured=None):
        """{target id: summed components} of the MetricQuery ``query(plan)`` over each
        row's owner and period, amounts converted into each row's currency.

        Amounts are converted at each record's local day (``at_today``: at the local
        today of each row's company, as for the open pipeline). When some must be converted and the
        plan is coarser than days, the records of the companies concerned are read
        again by day."""
        if measured is None:
            measured = self.cells(query(plan), plan, rows)
        money = set(money)
        convert = defaultdict(set)  # company whose amounts must be converted -> rows
        if money:
            for row in rows:
                for key in measured.keys_of(row):
                    if self.state.currency(key[2]) != row.currency_id:
                        convert[key[2]].add(row.id)
        by_day = measured
        if convert and not at_today and plan.granularity != "day":
            day_plan = BucketPlan.for_periods(
                [
                    (r.date_from, r.date_to)
                    for r in rows
                    if any(r.id in ids for ids in convert.values())
                ],
                set(plan.thresholds),
                granularity="day",
                is_date=plan.is_date,
            )
            by_day = self.cells(query(day_plan), day_plan, rows, companies=set(convert))
        result = {}
        ranges = {}  # (plan, first, last) -> buckets: targets share a few periods
        for row in rows:
            keys = measured.keys_of(row)
            if len(keys) == 1 and row.id not in convert.get(keys[0][2], ()):
                # most targets: one owner key, nothing converted
                period = (None, row.date_from, row.date_to)
                found = ranges.get(period)
                if found is None:
                    found = ranges[period] = measured.plan.index_range(*period[1:])
                result[row.id] = measured.series(keys[0]).sum(*found)
                continue
            total = [0.0] * measured.width
            for key in keys:
                company = key[2]
                source = measured
                conversion = None
                if row.id in convert.get(company, ()):
                    source = measured if at_today else by_day
                    conversion = self.conversion(source, money, company, row, at_today)
                i, j = source.plan.index_range(row.date_from, row.date_to)
                part = source.series(key, conversion).sum(i, j)
                total = [a + b for a, b in zip(total, part)]
            result[row.id] = total
        return result

    def conversion(self, source, money, company, row, at_today):
        """(money indexes, factor of a bucket, cache key) converting ``company``'s
        amounts into ``row``'s currency with the rates of ``row``'s company (at that
        company's today when ``at_today``, else at each bucket's day)."""
        rates = self.state.rates
        from_currency = self.state.currency(company)
        root = self.state.root(row.company_id)
        labels = source.plan.labels
        if at_today:
            rate_day = self.state.today(row.company_id)
            factor = rates.factor(from_currency, row.currency_id, root, rate_day)
            return money, lambda bucket: factor, (row.currency_id, root, rate_day)
        return (
            money,
            lambda bucket: rates.factor(from_currency, row.currency_id, root, labels[bucket - 1]),
            (row.currency_id, root),
        )

    def kept_cells(self, source, plan, width, rows, sampled=False):
        """The kept cells of ``source`` (measured in ``plan``) of the owners of
        ``rows``, read in one query (``width`` None: as many components as kept;
        ``sampled``: they end with the records measured per kind of owner)."""
        index = {label: i for i, label in enumerate(plan.labels, start=1)}
        owners = {"team": set(), "user": set(), "company": set()}
        for row in rows:
            owners[row.owner_type].add(
                {"team": row.team_id, "user": row.user_id, "company": row.company_id}[
                    row.owner_type
                ]
            )
            owners[row.owner_type].update(row.teams)  # a parent team's sub-teams
        kept = [
            (t, u, c, index.get(b, 0), *comps)
            for t, u, c, b, comps in self.env["sales.kpi.cell"]._read(
                source, teams=owners["team"], users=owners["user"], companies=owners["company"]
            )
        ]
        if width is None:
            width = max((len(cell) - 4 for cell in kept), default=1)
        return Measured(plan, width, kept, {"team", "user", "company"}, sampled)

    def dirty_cells(self, mq, plan, customers):
        """({(salesperson, bucket)}, {(team, bucket)} of records without salesperson)
        that the logged changes touch, for a source of ``mq``'s kind of record."""
        changes = [c for c in self.state.changes if c.kind == mq.kind]
        if customers:
            changes += [c for c in self.state.customer_changes if c.kind == mq.kind]
        users, teams = set(), set()
        for change in changes:
            moment = change.moments[mq.moment_index - 1]
            if moment is None:
                continue
            clock = self.state.companies.get(change.company_id)
            for bucket in plan.buckets_of(moment, clock.tz if clock else None):
                if change.user_id:
                    users.add((change.user_id, bucket))
                elif change.team_id:
                    teams.add((change.team_id, bucket))
        return users, teams

    def rescan(self, query, plan, users, teams):
        """The cells ``users`` {(salesperson, bucket)} and ``teams`` {(team, bucket)}
        measured again: the records of each owner in the UTC span of its buckets
        (through the index on the owner and the moment), grouped as usual; cells of
        other buckets that the spans cut through are left out."""
        fresh = []
        for kind, pairs in (("user", users), ("team", teams)):
            if not pairs:
                continue
            self.state.probing = True
            try:
                mq = query(plan.widened())
            finally:
                self.state.probing = False
            by_owner = defaultdict(list)
            for owner, bucket in pairs:
                by_owner[owner].append(bucket)
            keys = dict.fromkeys(by_owner)
            if kind == "user" and mq.key_kind == "partner":
                self.cr.execute(
                    SQL("SELECT id, partner_id FROM res_users WHERE id = ANY(%s)", list(keys))
                )
                keys.update(self.cr.fetchall())
            else:
                keys = {owner: owner for owner in keys}
            owner_ids, starts, stops = [], [], []
            for owner, buckets in by_owner.items():
                for first, last in ranges(sorted(buckets)):
                    start, stop = plan.utc_span(first, last)
                    owner_ids.append(keys[owner])
                    starts.append(start)
                    stops.append(stop)
            owner_sql = mq.key if kind == "user" else (mq.credit.team if mq.credit else mq.team)
            # one index range (owner, moment) per dirty owner and span: a BitmapOr of
            # constant ranges, which the planner reads straight from the indexes
            conditions = [
                SQL(
                    "(%s = %s AND %s >= %s AND %s < %s)",
                    owner_sql,
                    owner,
                    mq.moment,
                    start,
                    mq.moment,
                    stop,
                )
                for owner, start, stop in zip(owner_ids, starts, stops)
            ]
            if kind == "user":
                # and the records whose credit is split with them (by id: the rows
                # of other owners or buckets are left out below)
                credited = self.credited(mq, users=by_owner)
                if credited is not None:
                    conditions.append(
                        SQL(
                            "(%s = ANY(%s) AND %s >= %s AND %s < %s)",
                            mq.credit.record,
                            credited,
                            mq.moment,
                            min(starts),
                            mq.moment,
                            max(stops),
                        )
                    )
            mq.query.add_where(SQL("(%s)", SQL(" OR ").join(conditions)))
            if kind == "team":
                mq.query.add_where(SQL("%s IS NULL", mq.user))
            grouped = self.grouped(mq, plan)
            for team, user, company, bucket, *comps in grouped:
                keep = (user, bucket) in users if kind == "user" else (team, bucket) in teams
                if keep and (kind == "user" or not user):
                    fresh.append((team, user, company, bucket, comps))
        return fresh

    def distinct_sets(self, query, periods, rows):
        """DistinctSets of ``kpi`` over ``periods``, for the owners of ``rows``: one
        statement, grouped by owner, bucket and customer."""
        plan = BucketPlan.for_periods(periods, set(self.state.zone_of().values()))
        mq = query(*plan.span())
        if mq.is_date:
            plan = BucketPlan.for_periods(periods, (), is_date=True)
            mq = query(*plan.span())
        self.filter_owners(mq, rows)
        inner, bucket = self._facts(mq, plan, [SQL("%s AS so_customer", mq.distinct)])
        self.cr.execute(
            SQL(
                "SELECT so_team, so_user, so_company, %s, so_customer FROM (%s) AS so_facts"
                " GROUP BY 1, 2, 3, 4, 5",
                bucket,
                inner,
            )
        )
        return DistinctSets(plan, self.cr.fetchall())
