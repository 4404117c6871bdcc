"""Currency conversion for many dates at once, with the semantics of Odoo 18.0's
``res.currency._get_rates``: for a company, the latest rate on or before the date,
rates of the company (its root) winning over shared ones; before the first rate,
the earliest one; without any rate, 1.0."""

import bisect
from collections import defaultdict


class RateTable:
    def __init__(self, rows):
        """``rows``: (currency_id, company_id or None, date, rate), in any order."""
        series = defaultdict(list)
        for currency_id, company_id, day, rate in rows:
            series[(currency_id, company_id)].append((day, rate))
        self._days = {}
        self._rates = {}
        for key, points in series.items():
            points.sort()
            self._days[key] = [p[0] for p in points]
            self._rates[key] = [p[1] for p in points]
        self._cache = {}

    def rate(self, currency_id, root_company_id, day):
        key = (currency_id, root_company_id, day)
        if key in self._cache:
            return self._cache[key]
        result = None
        for owner in (root_company_id, None):
            days = self._days.get((currency_id, owner))
            if days:
                i = bisect.bisect_right(days, day)
                if i:
                    result = self._rates[(currency_id, owner)][i - 1]
                    break
        if result is None:
            for owner in (root_company_id, None):
                if self._rates.get((currency_id, owner)):
                    result = self._rates[(currency_id, owner)][0]
                    break
        self._cache[key] = result = result or 1.0
        return result

    def factor(self, from_currency_id, to_currency_id, root_company_id, day):
        """Multiply an amount in ``from_currency_id`` by this to get ``to_currency_id``."""
        if from_currency_id == to_currency_id or not from_currency_id:
            return 1.0
        return self.rate(to_currency_id, root_company_id, day) / self.rate(
            from_currency_id, root_company_id, day
        )
