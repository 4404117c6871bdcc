"""What a refresh knows, as typed records: the targets being refreshed, each company's
clock and currency, the rates, the share of each period elapsed, the changes an
incremental pass re-measures, and what the metric queries share. Built once per
refresh by the engine (one RefreshState per run) and read by its steps and by the
metrics' query builders."""

import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime

from .rates import RateTable


# not frozen: a run builds one row per target, and a frozen dataclass takes three
# times as long to build (treat the rows as read-only: ``replace`` makes a copy)
@dataclass(kw_only=True, slots=True)
class TargetRow:
    """One target as the engine sees it (read with one SQL statement), with the figures
    currently stored on it (``stored``: to write only what changed). A measure asked
    for (``OwnerPeriod``) is a row of no target: a negative id, no stored figures."""

    id: int
    kpi_id: int
    owner_type: str
    team_id: int | None
    user_id: int | None
    company_id: int
    date_from: date
    date_to: date
    currency_id: int
    target_value: float = 0.0
    manual_value: float = 0.0
    stored: tuple | None = None
    # territories: a team target of a parent team (a region) counts the records of its
    # team and of every team below it, named here (empty: its team's only)
    teams: tuple = ()

    def replace(self, **changes):
        """A copy of the row with ``changes``."""
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True, kw_only=True)
class OwnerPeriod:
    """An owner and a period to measure a KPI for, outside any target (the engine's
    ``measure_kpi``): a sales team (``team_id``), a salesperson (``user_id``, in
    ``team_id`` if given) or a company; the figures in ``currency_id``."""

    owner_type: str
    company_id: int
    currency_id: int
    date_from: date
    date_to: date
    team_id: int | None = None
    user_id: int | None = None


# Figures the engine stores on sales.target, and their SQL types.
STORED_FIGURES = [
    ("actual_value", "float8"),
    ("actual_sample", "int4"),
    ("elapsed_ratio", "float8"),
    ("pipeline_value", "float8"),
    ("pipeline_weighted", "float8"),
    ("pipeline_commit", "float8"),
    ("pipeline_best", "float8"),
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


@dataclass(frozen=True)
class CompanyClock:
    """A company as a refresh sees it: its currency, the root whose rates it uses,
    its working calendar and time zone, today's local date and its status thresholds."""

    id: int
    currency_id: int
    root_id: int
    calendar_id: int | None
    tz: str
    today: date
    on_track: float
    at_risk: float
    min_share: float


@dataclass(kw_only=True, slots=True)
class ChangeState:
    """A logged state of a changed record (sales.kpi.change): the owners it counted for
    and the moments that dated it (1-4), before the change or now."""

    kind: str
    record_id: int
    team_id: int | None
    user_id: int | None
    company_id: int | None
    partner_id: int | None
    moments: tuple


@dataclass
class RefreshState:
    """``mode``: ``direct`` measures the targets given from the records of their
    owners; ``full`` measures every open target of their KPIs and keeps the cells;
    ``incremental`` re-measures the cells that ``changes`` touched and adds up the
    targets from the kept cells."""

    now: datetime
    companies: dict[int, CompanyClock]
    rates: RateTable
    mode: str = "direct"
    # target id -> share of the period's working days elapsed
    elapsed: dict[int, float] = field(default_factory=dict)
    # (source kind, key) -> (first day, last day, whole months) of every open target
    periods: dict = field(default_factory=dict)
    # incremental: the changed records' states, and the won deals of their customers
    changes: list = field(default_factory=list)
    customer_changes: list = field(default_factory=list)
    # KPIs counting the customers of the same records (customers served, retention,
    # churn with the same filter): kpi id -> (key, rows, periods) of their shared scan,
    # and key -> the DistinctSets once measured
    distinct_shared: dict = field(default_factory=dict)
    distinct_sets: dict = field(default_factory=dict)
    # what the metric queries share: (teams, users, commit probabilities) as array
    # literals indexed by id (the engine's _owner_maps, read once per run when a query
    # needs them), and whether the run reads the records of a few salespeople or teams
    # only (a Refresh of their targets: queries may then prefer indexed probes)
    owner_maps: tuple | None = None
    few_owners: bool = False
    # set while a scan builds a rescan's queries (a few owners' records over a few
    # buckets, through the indexes): joins may then read per record
    probing: bool = False
    # the run's scans (engine/scan.py), set by the engine once the state is read
    scan: object = None

    def zone_of(self):
        """{company id: time zone}"""
        return {cid: clock.tz for cid, clock in self.companies.items()}

    def currency(self, company_id):
        clock = self.companies.get(company_id)
        return clock.currency_id if clock else None

    def root(self, company_id):
        return self.companies[company_id].root_id

    def today(self, company_id):
        return self.companies[company_id].today
