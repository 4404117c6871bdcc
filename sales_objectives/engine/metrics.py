"""The metric registry: what a base metric is (a MetricDefinition), what its query
builder returns (a MetricQuery), and how the builder is registered (``@metric``).

A metric is one definition plus one query builder, a method of the ``sales.kpi.engine``
model decorated with ``@metric(name, MetricDefinition(...))``: a grep for the metric's
name finds its builder. Another add-on adds a metric the same way, in its own
``_inherit = "sales.kpi.engine"`` (docs/extending.md); the registry of a database holds
the metrics of the add-ons installed in it (it is read from the model's class).
"""

import weakref
from collections import namedtuple
from dataclasses import dataclass, field, fields

from odoo.tools import SQL

# how a metric's sums combine into its actual: a sum, a ratio of two sums, a share (in
# percent) of one sum in another, a rate 100 c0 / (c0 + c1); or, for the metrics of
# distinct customers, their number, their retention from the previous period (percent)
# or the number lost since it
SUM_COMBINES = ("sum", "ratio", "percent", "rate")
DISTINCT_COMBINES = ("distinct", "retention", "churn")


@dataclass(frozen=True, kw_only=True)
class MetricDefinition:
    """How a base metric is measured and combined.

    - ``unit`` and ``direction``: what the KPI shows, and whether lower is better;
    - ``combine``: ``sum`` (the first component), ``ratio`` (c0 / c1), ``percent``
      (100 c0 / c1) or ``rate`` (100 c0 / (c0 + c1)) of the sums measured per owner and
      bucket; ``distinct``, ``retention``, ``churn`` for the metrics of distinct
      customers (their query names them: ``MetricQuery.distinct``);
    - ``money``: indexes of the components that are amounts (converted);
    - ``pipeline``: ``amount`` or ``count`` when the open pipeline projects it;
    - ``customers``: whether a record counts depends on its customer's other records
      (the incremental refresh then re-measures the customer's records too);
    - ``model``: the records counted, which the KPI's filter applies to; ``is_date``:
      they are dated by a date (an invoice date), not a moment in time;
    - ``additive`` (derived unless given): the value grows over the period (pace and
      run-rate apply): the sums and the numbers of distinct customers.
    """

    unit: str
    combine: str = "sum"
    money: tuple = ()
    direction: str = "higher"
    pipeline: str | None = None
    customers: bool = False
    model: str = "crm.lead"
    is_date: bool = False
    additive: bool = field(default=None)

    def __post_init__(self):
        if self.combine not in SUM_COMBINES + DISTINCT_COMBINES:
            raise ValueError(f"unknown combine {self.combine!r}")
        if self.additive is None:
            object.__setattr__(self, "additive", self.combine in ("sum", "distinct"))

    @property
    def distinct(self):
        """The metric counts distinct customers, not sums."""
        return self.combine in DISTINCT_COMBINES

    @property
    def lookback(self):
        """The metric compares the customers with those of the previous period."""
        return self.combine in ("retention", "churn")

    def __getitem__(self, name):
        """``definition["additive"]`` reads ``definition.additive`` (code written when
        definitions were dictionaries)."""
        if name in self._NAMES:
            return getattr(self, name)
        raise KeyError(name)

    def get(self, name, default=None):
        return getattr(self, name) if name in self._NAMES else default


MetricDefinition._NAMES = frozenset(
    [f.name for f in fields(MetricDefinition)] + ["distinct", "lookback"]
)

# The "manual" metric: its actual is typed on each target, nothing is measured.
MANUAL = MetricDefinition(unit="count")

# A measurable query: an Odoo Query (FROM/WHERE) plus the SQL expressions of the
# owner columns, of the moment that dates a record (a UTC datetime, or a date when
# ``is_date``), and of the components summed per bucket.
#
# For the incremental refresh: ``kind`` is the kind of record counted (lead, message,
# objective, event, order, invoice: sales.kpi.change), ``moment_index`` which of its
# logged moments dates it (1-4), ``key`` the indexed column of the base table that
# names its salesperson, and ``key_kind`` whether that column holds a user or its
# partner. ``distinct``: for a metric of distinct customers, the SQL expression naming
# the customer (res.partner) of a record; the engine then counts customers, not sums.
# ``credit``: a Credit when the records' credit may be split between salespeople
# (sales.credit.split): ``team``, ``user`` and the components are then those of each
# credited person, and the scans reach a few owners' records through it; ``samples``
# then says how many records a row stands for, for its salesperson, its team and its
# company (a split record is one record for each person credited, and one for each
# team and for the company, whatever its lines). ``sampled``: the components end with
# those three counts (with_samples).
MetricQuery = namedtuple(
    "MetricQuery",
    "model query team user company moment is_date components kind moment_index key key_kind"
    " distinct credit samples sampled",
    defaults=("lead", 3, None, "user", None, None, None, False),
)

# The number of components that count the records measured, per kind of owner.
SAMPLES = 3


def with_samples(mq):
    """``mq`` with the records measured as its last components: per salesperson, team
    and company (engine/cells.py picks each owner's)."""
    one = SQL("1")
    samples = mq.samples or (one, one, one)
    return mq._replace(components=[*mq.components, *samples], sampled=True)


# The credit split of a MetricQuery's records: ``record`` the SQL of a record's id,
# ``link`` the column of sales_credit_split naming it, ``team`` and ``user`` the SQL of
# the record's own sales team and salesperson (indexed columns).
Credit = namedtuple("Credit", "record link team user")

# The team of a line of overlay credit in the cells: it counts for its salesperson
# only, never for a team or the company (not a team id: ids start at 1).
OVERLAY_TEAM = 0


@dataclass(frozen=True)
class Metric:
    """A registered metric: its name, definition and the name of its builder method
    (``builder(kpi, start, stop, run) -> MetricQuery``)."""

    name: str
    definition: MetricDefinition
    builder: str


def metric(name, definition):
    """Registers the decorated method of ``sales.kpi.engine`` as the query builder of
    the base metric ``name`` (a value of ``sales.kpi.metric``), defined by
    ``definition``::

        @metric("margin", MetricDefinition(unit="money", money=(0,), model="sale.order"))
        def _query_margin(self, kpi, start, stop, run):
            return self._order_query(kpi, start, stop, run, ...)

    The builder returns the MetricQuery of ``kpi`` for the records dated in
    [start, stop) (UTC; a date metric may read a few more days: only the targets' days
    are summed); ``run`` is the refresh's RefreshState.
    """
    if not isinstance(definition, MetricDefinition):
        raise TypeError("a metric is registered with a MetricDefinition")

    def register(method):
        method.sales_metric = (name, definition)
        return method

    return register


_REGISTRIES = weakref.WeakKeyDictionary()


def registry(cls):
    """{name: Metric} of the engine class ``cls``: the methods marked by ``@metric`` in
    its classes, the inheriting ones last (an add-on may register a metric again)."""
    # Odoo gives a model's class new bases when an add-on extending it is loaded
    bases, found = _REGISTRIES.get(cls, (None, None))
    if bases != cls.__bases__:
        found = {"manual": Metric("manual", MANUAL, None)}
        for klass in reversed(cls.__mro__):
            for attr, value in vars(klass).items():
                mark = getattr(value, "sales_metric", None)
                if mark is not None:
                    name, definition = mark
                    found[name] = Metric(name, definition, attr)
        _REGISTRIES[cls] = (cls.__bases__, found)
    return found


def combine(how, comps):
    """(actual, sample) from summed components; the last component is the number of
    records measured (the sample)."""
    # sums of shares of records (0.6 of a deal) are summed in floats: 43 deals read
    # 42.99999999999999 (behind a target of 43); shares are in hundredths of a percent
    comps = [round(c, 6) for c in comps]
    sample = round(comps[-1])
    if how == "sum":
        return comps[0], sample
    if how == "ratio":
        return (comps[0] / comps[1] if comps[1] else 0.0), sample
    if how == "percent":
        return (100.0 * comps[0] / comps[1] if comps[1] else 0.0), sample
    if how == "rate":
        total = comps[0] + comps[1]
        return (100.0 * comps[0] / total if total else 0.0), sample
    raise ValueError(how)
