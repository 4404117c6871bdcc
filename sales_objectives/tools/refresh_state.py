"""What a refresh knows, as typed records: the targets being refreshed, each company's
clock and currency, the rates, the share of each period elapsed, and the owners'
12-month history. Built once per refresh by the engine and read by its steps."""

from collections import namedtuple
from dataclasses import dataclass, field
from datetime import date, datetime

from .rates import RateTable

# One target as the engine sees it (read with one SQL statement), with the figures
# currently stored on it (to write only what changed).
TargetRow = namedtuple(
    "TargetRow",
    "id kpi_id owner_type team_id user_id company_id date_from date_to currency_id "
    "target_value manual_value stored",
)

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


# A logged state of a changed record (sales.kpi.change): the owners it counted for and
# the moments that dated it, before the change or now.
ChangeState = namedtuple(
    "ChangeState", "kind record_id team_id user_id company_id partner_id moments"
)


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

    def zone(self, company_id):
        return self.companies[company_id].tz

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
