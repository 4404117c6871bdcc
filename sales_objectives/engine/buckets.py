"""Local time buckets, and the sums of a metric's components per owner over them.

A *bucket plan* cuts a span of local days into buckets: local months (when every
period being refreshed is made of whole months; the kept cells of a pass have the
current month in local days, which a target's burn-up reads), local days (weeks, custom
periods, conversions at each record's date) or one window. Each company time zone has its own
UTC thresholds for the same local buckets, so that PostgreSQL dates every record once,
in its company's time zone, with ``width_bucket`` over a constant array (no time zone
conversion per row). Pure Python, no ORM.
"""

import bisect
import functools
from collections import defaultdict
from datetime import date, datetime, time, timedelta

import pytz
from dateutil.relativedelta import relativedelta

from odoo.tools import SQL


@functools.lru_cache(maxsize=65536)
def _utc(day, tz_name):
    """The naive UTC datetime at which local ``day`` starts in ``tz_name``."""
    tz = pytz.timezone(tz_name or "UTC")
    return tz.localize(datetime.combine(day, time.min)).astimezone(pytz.utc).replace(tzinfo=None)


def months_only(periods):
    """True when every (date_from, date_to) is made of whole local months."""
    return all(first.day == 1 and (last + timedelta(days=1)).day == 1 for first, last in periods)


@functools.lru_cache(maxsize=4096)
def previous_period(first, last):
    """The period of the same length just before ``first``-``last``: as many whole
    months when it is made of whole months (the previous month, quarter or year), else
    as many days."""
    if months_only([(first, last)]):
        months = (last.year - first.year) * 12 + last.month - first.month + 1
        return first - relativedelta(months=months), first - timedelta(days=1)
    length = (last - first).days + 1
    return first - timedelta(days=length), first - timedelta(days=1)


class BucketPlan:
    """Buckets ``labels`` (their first local day) with, per time zone, the UTC moment
    at which each starts and at which the last ends (``len(labels) + 1`` thresholds).

    ``width_bucket(moment, thresholds)`` gives 1 for the first bucket, ``len(labels)``
    for the last, and 0 or ``len(labels) + 1`` outside the plan.
    """

    def __init__(self, granularity, labels, end, zones, is_date=False, days=None):
        self.granularity = granularity
        self.days = days  # (first, last): the local days of a month plan cut by day
        self.labels = labels
        self.end = end  # the day after the last bucket
        self.is_date = is_date
        bounds = [*labels, end]
        if is_date:
            self.thresholds = {None: bounds}
        else:
            self.thresholds = {zone: [_utc(day, zone) for day in bounds] for zone in zones}

    @classmethod
    def for_periods(cls, periods, zones, granularity=None, is_date=False, days=None):
        """The coarsest plan covering ``periods`` [(date_from, date_to)]: months when
        they are all whole months, else days (or ``granularity`` when given). ``days``
        (first, last): in a month plan, the months within them are cut into days."""
        first = min(p[0] for p in periods)
        last = max(p[1] for p in periods)
        granularity = granularity or ("month" if months_only(periods) else "day")
        if granularity == "month":
            first = first.replace(day=1)
            labels, day, cut = [], first, []
            while day <= last:
                following = day + relativedelta(months=1)
                if days and days[0] <= day and following - timedelta(days=1) <= days[1]:
                    labels.extend(day + timedelta(days=i) for i in range((following - day).days))
                    cut.append(day)
                else:
                    labels.append(day)
                day = following
            window = (cut[0], cut[-1] + relativedelta(day=31)) if cut else None
            return cls("month", labels, day, zones, is_date, days=window)
        days = (last - first).days + 1
        labels = [first + timedelta(days=i) for i in range(days)]
        return cls("day", labels, last + timedelta(days=1), zones, is_date)

    @classmethod
    def window(cls, windows):
        """A window per time zone, ``windows`` {zone: (first day, last day)}, in two
        buckets: up to the start of the last day's month, and that month. The cells of a
        record changed this month (a deal won today) are re-measured over this month
        only. The buckets' labels are symbolic (the windows differ per zone): the first
        two days of the calendar."""
        plan = cls("window", [date.min, date.min + timedelta(days=1)], date.max, ())
        plan.thresholds = {}
        for zone, (first, last) in windows.items():
            split = max(first, last.replace(day=1))
            plan.thresholds[zone] = [
                _utc(first, zone),
                _utc(split, zone),
                _utc(last + timedelta(days=1), zone),
            ]
        return plan

    def widened(self):
        """The same buckets, with a span wide open: a query built for it names no
        bounds of its own (re-measuring a few owners' buckets, whose own bounds are
        then the only ones the planner sees)."""
        plan = BucketPlan.__new__(BucketPlan)
        plan.__dict__.update(self.__dict__)
        plan.wide = True
        return plan

    def span(self):
        """[start, stop) in UTC (or dates) covering every bucket in every zone."""
        if getattr(self, "wide", False):
            if self.is_date:
                return date(1900, 1, 1), date(2999, 12, 31)
            return datetime(1900, 1, 1), datetime(2999, 12, 31)
        starts = [t[0] for t in self.thresholds.values()]
        stops = [t[-1] for t in self.thresholds.values()]
        return min(starts), max(stops)

    def bucket_sql(self, moment, company, zone_of):
        """SQL: the bucket of ``moment`` for a record of ``company`` (whose time zone
        ``zone_of`` gives)."""
        if self.is_date or len(self.thresholds) == 1:
            (thresholds,) = self.thresholds.values()
            return SQL("width_bucket(%s, %s)", moment, self._array(thresholds))
        zones = list(self.thresholds)
        by_zone = defaultdict(list)
        for company_id, zone in zone_of.items():
            if zone in self.thresholds:
                by_zone[zone].append(company_id)
        cases = SQL(" ").join(
            SQL(
                "WHEN %s = ANY(%s) THEN %s",
                company,
                by_zone[zone],
                self._array(self.thresholds[zone]),
            )
            for zone in zones[:-1]
        )
        return SQL(
            "width_bucket(%s, CASE %s ELSE %s END)",
            moment,
            cases,
            self._array(self.thresholds[zones[-1]]),
        )

    def _array(self, thresholds):
        """A constant array, sent as one text literal."""
        kind = "date" if self.is_date else "timestamp"
        text = ",".join(str(t) for t in thresholds)
        return SQL("%s::%s[]", f"{{{text}}}", SQL(kind))

    def signature(self):
        """What the cells of this plan depend on: the buckets and the time zones."""
        zones = ",".join(
            f"{zone}:{thresholds[0]}"
            + (f"/{thresholds[1]}" if self.granularity == "window" else "")
            for zone, thresholds in sorted(self.thresholds.items(), key=lambda item: str(item[0]))
        )
        days = f"[{self.days[0]}..{self.days[1]}]" if self.days else ""
        return f"{self.granularity}{days}|{self.labels[0]}|{self.end}|{len(self.labels)}|{zones}"

    def buckets_of(self, moment, zone):
        """The buckets (1-based) that ``moment`` (a UTC datetime, or a date for a date
        plan) falls in, for a record of time zone ``zone`` (every zone when unknown)."""
        if self.is_date:
            day = moment.date() if isinstance(moment, datetime) else moment
            thresholds = [self.thresholds[None]]
        else:
            thresholds = (
                [self.thresholds[zone]] if zone in self.thresholds else self.thresholds.values()
            )
            day = moment
        found = set()
        for bounds in thresholds:
            index = bisect.bisect_right(bounds, day)
            if 1 <= index <= len(self.labels):
                found.add(index)
        return found

    def utc_span(self, first, last):
        """[start, stop) covering buckets ``first``..``last`` in every time zone."""
        return (
            min(t[first - 1] for t in self.thresholds.values()),
            max(t[last] for t in self.thresholds.values()),
        )

    def ends(self):
        """The day after each bucket (its end), in order."""
        return [*self.labels[1:], self.end]

    def index_range(self, date_from, date_to):
        """(i, j): the 1-based buckets from ``date_from`` to ``date_to`` included."""
        if self.granularity == "window":
            return 1, len(self.labels)
        i = bisect.bisect_left(self.labels, date_from) + 1
        j = bisect.bisect_right(self.labels, date_to)
        return i, j


class Series:
    """Running totals of summed components over the buckets of a plan, for one owner
    and company: ``sum(i, j)`` is the total of buckets i..j (1-based) in O(log n), kept
    over the buckets that have records only (most owners have few)."""

    __slots__ = ("cumulative", "keys", "width")

    def __init__(self, by_bucket, size, width):
        self.keys = sorted(by_bucket)
        self.width = width
        self.cumulative = columns = [[0.0] for _ in range(width)]
        for bucket in self.keys:
            comps = by_bucket[bucket]
            for index, column in enumerate(columns):
                column.append(column[-1] + (comps[index] if index < len(comps) else 0.0))

    def sum(self, i, j):
        if j < i:
            return [0.0] * self.width
        low = bisect.bisect_left(self.keys, i)
        high = bisect.bisect_right(self.keys, j)
        return [column[high] - column[low] for column in self.cumulative]


def scaled(by_bucket, money, factor_of):
    """``by_bucket`` with its money components multiplied by ``factor_of(bucket)``."""
    result = {}
    for bucket, comps in by_bucket.items():
        factor = factor_of(bucket)
        result[bucket] = (
            comps
            if factor == 1.0
            else [c * factor if i in money else c for i, c in enumerate(comps)]
        )
    return result
