"""The cells of a metric query: its components summed per sales team, salesperson,
company and bucket of a plan (engine/buckets.py), as running totals per owner
(Measured), or the customers per owner and bucket for the metrics of distinct
customers (DistinctSets). Plain classes, filled from the rows of one grouped query or
from the cells a pass keeps (sales.kpi.cell)."""

from collections import defaultdict

from .buckets import Series, scaled
from .metrics import OVERLAY_TEAM, SAMPLES


def ranges(numbers):
    """Consecutive runs of sorted ``numbers``: [(first, last)]."""
    runs = []
    for number in numbers:
        if runs and number == runs[-1][1] + 1:
            runs[-1][1] = number
        else:
            runs.append([number, number])
    return [tuple(run) for run in runs]


def owner_key(row, period=False):
    """What a target's owner-level figures depend on: its owner, company and currency
    (and its period): targets with the same key share them."""
    key = (row.owner_type, row.team_id, row.user_id, row.company_id, row.currency_id)
    return (*key, row.date_from, row.date_to) if period else key


class Measured:
    """The cells of one metric query (components summed per team, salesperson,
    company and bucket of a plan), as running totals per owner and company."""

    def __init__(self, plan, width, rows, kinds, sampled=False):
        """``rows``: (team, user, company, bucket, components...) of ``width``
        components; ``sampled``: the last SAMPLES components count the records measured
        for the salesperson, the team and the company (with_samples): each owner's
        cells end with its own count."""
        self.plan = plan
        self.width = width - SAMPLES + 1 if sampled else width
        size = len(plan.labels)
        self.size = size
        self.cells = cells = defaultdict(dict)  # (kind, owner, company) -> {bucket: comps}
        self.team_companies = defaultdict(set)
        self.raw = raw = []  # (team, user, company, bucket, comps) in the plan
        by_team, by_user, by_company = ("team" in kinds, "user" in kinds, "company" in kinds)

        def add(key, bucket, comps):
            by_bucket = cells[key]
            current = by_bucket.get(bucket)
            by_bucket[bucket] = (
                comps if current is None else [a + b for a, b in zip(current, comps)]
            )

        for team, user, company, bucket, *comps in rows:
            if not bucket or not 1 <= bucket <= size:
                continue
            raw.append((team, user, company, bucket, comps))
            if sampled:
                comps, (of_user, of_team, of_company) = comps[:-SAMPLES], comps[-SAMPLES:]
                own = {"team": [*comps, of_team], "user": [*comps, of_user]}
                own["company"] = [*comps, of_company]
            else:
                own = {"team": comps, "user": comps, "company": comps}
            if team and by_team:
                add(("team", team, company), bucket, own["team"])
                self.team_companies[team].add(company)
            if user and by_user:
                add(("user", user, company), bucket, own["user"])
            if company and by_company and team != OVERLAY_TEAM:
                add(("company", company, company), bucket, own["company"])
        self._series = {}

    def series(self, key, convert=None):
        """Running totals of ``key``'s cells; ``convert`` = (money indexes, factor of a
        bucket, cache key) converts the amounts bucket by bucket."""
        cache = (key, convert[2] if convert else None)
        found = self._series.get(cache)
        if found is None:
            cells = self.cells.get(key, {})
            if convert:
                cells = scaled(cells, convert[0], convert[1])
            found = self._series[cache] = Series(cells, self.size, self.width)
        return found

    def keys_of(self, row):
        """The cell keys of ``row``'s owner: a team's records in any company (a parent
        team's: those of its sub-teams too, ``row.teams``), a salesperson's and a
        company's in the target's company."""
        if row.owner_type == "team":
            return [
                ("team", team, c)
                for team in row.teams or (row.team_id,)
                for c in sorted(self.team_companies.get(team, ()))
            ]
        if row.owner_type == "user":
            return [("user", row.user_id, row.company_id)]
        return [("company", row.company_id, row.company_id)]


class DistinctSets:
    """The customers of one metric query per owner, company and bucket of a plan: the
    customers of a target are the union over its buckets (a customer ordering in two
    months of a quarter counts once)."""

    def __init__(self, plan, rows):
        self.plan = plan
        self.sets = defaultdict(lambda: defaultdict(set))  # key -> {bucket: customers}
        self.team_companies = defaultdict(set)
        size = len(plan.labels)
        for team, user, company, bucket, customer in rows:
            if not bucket or not 1 <= bucket <= size or not customer:
                continue
            if team:
                self.sets[("team", team, company)][bucket].add(customer)
                self.team_companies[team].add(company)
            if user:
                self.sets[("user", user, company)][bucket].add(customer)
            if company and team != OVERLAY_TEAM:
                self.sets[("company", company, company)][bucket].add(customer)

    def customers(self, row, date_from, date_to):
        """The customers of ``row``'s owner from ``date_from`` to ``date_to``."""
        i, j = self.plan.index_range(date_from, date_to)
        found = set()
        for key in Measured.keys_of(self, row):
            by_bucket = self.sets.get(key, {})
            for bucket in range(i, j + 1):
                found |= by_bucket.get(bucket, set())
        return found
