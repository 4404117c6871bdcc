"""The pure modules of the engine, without a database: numbers, periods, rates,
buckets, figures and the job decorator. Each test states a case worked out by hand.

They are Odoo test cases (``BaseCase``: no cursor is opened), so that Odoo's runner
(``scripts/test --tags so_tools``) and pytest run them alike."""

from datetime import date, datetime
from types import SimpleNamespace
from unittest.mock import patch

from babel import Locale
from psycopg2 import errors

from odoo.tests import BaseCase, tagged

from odoo.addons.sales_objectives.engine.buckets import (
    BucketPlan,
    Series,
    months_only,
    previous_period,
    scaled,
)
from odoo.addons.sales_objectives.engine.figures import (
    LOWER_IS_BETTER_CAP,
    allocate,
    bonus_payout,
    derive,
    has_figure,
)
from odoo.addons.sales_objectives.engine.rates import RateTable
from odoo.addons.sales_objectives.engine.state import STORED_FIGURES, CompanyClock, TargetRow
from odoo.addons.sales_objectives.engine.store import (
    KpiTerms,
    plan_store,
    stored_values,
    update_statement,
)
from odoo.addons.sales_objectives.tools.job import MAX_TRIES, run_again_on_conflict
from odoo.addons.sales_objectives.tools.numbers import NumberFormat
from odoo.addons.sales_objectives.tools.periods import (
    is_aligned,
    local_day_start_utc,
    natural_period_type,
    period_bounds,
    period_label,
    period_words,
)

D = date.fromisoformat


def english_week(week, year):
    return f"Week {week}, {year}"


@tagged("post_install", "-at_install", "sales_objectives", "so_tools")
class TestNumbers(BaseCase):
    """Numbers as Odoo's ``formatLang(..., rounding_method="HALF-UP")`` and
    ``format_amount`` write them, from a language's separators."""

    english = SimpleNamespace(grouping="[3,0]", thousands_sep=",", decimal_point=".")
    dutch = SimpleNamespace(grouping="[3,0]", thousands_sep=".", decimal_point=",")

    @staticmethod
    def currency(symbol, position, decimal_places=2):
        return SimpleNamespace(
            symbol=symbol,
            position=position,
            decimal_places=decimal_places,
            round=lambda value: round(value, decimal_places),
        )

    def test_grouping_and_decimals(self):
        number = NumberFormat(self.english)
        self.assertEqual(number(1234567.891, 2), "1,234,567.89")
        self.assertEqual(number(999, 0), "999")
        self.assertEqual(number(0, 1), "0.0")
        self.assertEqual(NumberFormat(self.dutch)(1234567.891, 2), "1.234.567,89")

    def test_ties_round_half_up(self):
        """One rounding rule: a bar reading "81 %" and a sentence agree (Python's
        own formatting would write 80.5 as "80" and 2.675 as "2.67")."""
        number = NumberFormat(self.english)
        self.assertEqual(number(80.5, 0), "81")
        self.assertEqual(number(79.5, 0), "80")
        self.assertEqual(number(2.675, 2), "2.68")
        self.assertEqual(number(-1234.5, 0), "-1,235")

    def test_amounts(self):
        dollar = self.currency("$", "before")
        euro = self.currency("€", "after")
        self.assertEqual(NumberFormat(self.english).amount(4800, dollar), "$\xa04,800.00")
        self.assertEqual(NumberFormat(self.dutch).amount(1234.5, euro), "1.234,50\xa0€")
        # a minus sign that never breaks from its number
        self.assertEqual(NumberFormat(self.english).amount(-5, dollar), "$\xa0-\ufeff5.00")


@tagged("post_install", "-at_install", "sales_objectives", "so_tools")
class TestPeriods(BaseCase):
    def test_bounds(self):
        # ISO weeks, Monday to Sunday, across a year's end
        self.assertEqual(period_bounds("week", D("2026-12-31")), (D("2026-12-28"), D("2027-01-03")))
        self.assertEqual(
            period_bounds("month", D("2028-02-15")), (D("2028-02-01"), D("2028-02-29"))
        )
        self.assertEqual(
            period_bounds("quarter", D("2026-11-15")), (D("2026-10-01"), D("2026-12-31"))
        )
        self.assertEqual(period_bounds("year", D("2026-06-30")), (D("2026-01-01"), D("2026-12-31")))
        with self.assertRaises(ValueError):
            period_bounds("custom", D("2026-06-30"))

    def test_alignment_and_natural_type(self):
        self.assertTrue(is_aligned("quarter", D("2026-10-01"), D("2026-12-31")))
        self.assertFalse(is_aligned("quarter", D("2026-10-01"), D("2026-11-30")))
        self.assertTrue(is_aligned("custom", D("2026-10-07"), D("2026-10-09")))
        # a contest from 1 October to 31 December is a quarter
        self.assertEqual(natural_period_type(D("2026-10-01"), D("2026-12-31")), "quarter")
        self.assertEqual(natural_period_type(D("2026-12-28"), D("2027-01-03")), "week")
        self.assertEqual(natural_period_type(D("2026-02-01"), D("2026-02-28")), "month")
        self.assertEqual(natural_period_type(D("2026-12-20"), D("2026-12-31")), "custom")

    def test_keys(self):
        """The stored, searched key of a period (never shown)."""
        self.assertEqual(period_label("week", D("2026-12-28"), D("2027-01-03")), "2026-W53")
        self.assertEqual(period_label("month", D("2026-11-01"), D("2026-11-30")), "2026-11")
        self.assertEqual(period_label("quarter", D("2026-10-01"), D("2026-12-31")), "2026-Q4")
        self.assertEqual(period_label("year", D("2026-01-01"), D("2026-12-31")), "2026")
        self.assertEqual(
            period_label("custom", D("2026-12-20"), D("2026-12-31")), "2026-12-20 → 2026-12-31"
        )

    def test_words_in_each_language(self):
        def words(period_type, first, last, lang):
            return period_words(period_type, D(first), D(last), Locale.parse(lang), english_week)

        self.assertEqual(words("month", "2026-12-01", "2026-12-31", "en_US"), "Dec 2026")
        self.assertEqual(words("quarter", "2026-10-01", "2026-12-31", "en_US"), "Q4 2026")
        self.assertEqual(words("year", "2026-01-01", "2026-12-31", "en_US"), "2026")
        self.assertEqual(words("week", "2026-11-30", "2026-12-06", "en_US"), "Week 49, 2026")
        self.assertEqual(words("custom", "2026-12-20", "2026-12-31", "en_US"), "Dec 20 – 31, 2026")
        self.assertEqual(words("custom", "2026-12-20", "2026-12-20", "en_US"), "Dec 20, 2026")
        # dates that are not exactly one period of their type are said as a range
        self.assertEqual(words("month", "2026-12-20", "2026-12-31", "en_US"), "Dec 20 – 31, 2026")
        self.assertEqual(words("quarter", "2026-10-01", "2026-12-31", "nl_NL"), "K4 2026")
        self.assertEqual(words("quarter", "2026-10-01", "2026-12-31", "zh_CN"), "2026年第4季度")
        self.assertEqual(
            words("quarter", "2026-10-01", "2026-12-31", "fa_IR"), "سه\u200cماههٔ چهارم 2026"
        )

    def test_local_day_start_in_utc(self):
        # Brussels is UTC+1 until 2026-03-29 (that day starts before the change) and
        # UTC+2 after
        self.assertEqual(
            local_day_start_utc(D("2026-03-29"), "Europe/Brussels"), datetime(2026, 3, 28, 23)
        )
        self.assertEqual(
            local_day_start_utc(D("2026-03-30"), "Europe/Brussels"), datetime(2026, 3, 29, 22)
        )
        self.assertEqual(local_day_start_utc(D("2026-03-30"), False), datetime(2026, 3, 30))


@tagged("post_install", "-at_install", "sales_objectives", "so_tools")
class TestRates(BaseCase):
    """Odoo 18's ``res.currency._get_rates`` for many dates at once: the latest rate
    on or before the day, a company's own rates winning over shared ones, the earliest
    rate before the first one, 1.0 without any."""

    USD, EUR, GBP = 1, 2, 3
    COMPANY, OTHER = 10, 20

    def setUp(self):
        super().setUp()
        self.table = RateTable(
            [
                (self.EUR, None, D("2020-01-01"), 0.9),
                (self.EUR, self.COMPANY, D("2026-03-10"), 0.8),
                (self.EUR, self.COMPANY, D("2020-01-01"), 0.5),
                (self.GBP, None, D("2026-01-01"), 0.7),
            ]
        )

    def test_rates(self):
        rate = self.table.rate
        self.assertEqual(rate(self.EUR, self.COMPANY, D("2026-03-09")), 0.5)
        self.assertEqual(rate(self.EUR, self.COMPANY, D("2026-03-10")), 0.8)
        self.assertEqual(rate(self.EUR, self.OTHER, D("2026-03-10")), 0.9)  # shared
        self.assertEqual(rate(self.EUR, self.COMPANY, D("2019-06-01")), 0.5)  # earliest
        self.assertEqual(rate(self.GBP, self.COMPANY, D("2025-12-31")), 0.7)  # earliest
        self.assertEqual(rate(self.USD, self.COMPANY, D("2026-03-10")), 1.0)  # none

    def test_factors(self):
        factor = self.table.factor
        # 100 EUR in USD on March 10 in the company: 100 / 0.8
        self.assertAlmostEqual(100 * factor(self.EUR, self.USD, self.COMPANY, D("2026-03-10")), 125)
        self.assertAlmostEqual(factor(self.EUR, self.GBP, self.COMPANY, D("2026-03-10")), 0.7 / 0.8)
        self.assertEqual(factor(self.EUR, self.EUR, self.COMPANY, D("2026-03-10")), 1.0)
        self.assertEqual(factor(False, self.EUR, self.COMPANY, D("2026-03-10")), 1.0)


@tagged("post_install", "-at_install", "sales_objectives", "so_tools")
class TestBuckets(BaseCase):
    def test_whole_months_and_previous_periods(self):
        self.assertTrue(months_only([(D("2026-01-01"), D("2026-03-31"))]))
        self.assertFalse(months_only([(D("2026-01-01"), D("2026-03-31")), (D("2026-03-16"),) * 2]))
        # the previous month, quarter or year; else as many days
        self.assertEqual(
            previous_period(D("2026-03-01"), D("2026-03-31")), (D("2026-02-01"), D("2026-02-28"))
        )
        self.assertEqual(
            previous_period(D("2026-01-01"), D("2026-03-31")), (D("2025-10-01"), D("2025-12-31"))
        )
        self.assertEqual(
            previous_period(D("2026-12-20"), D("2026-12-31")), (D("2026-12-08"), D("2026-12-19"))
        )

    def test_a_month_plan_dates_each_record_in_its_time_zone(self):
        plan = BucketPlan.for_periods(
            [(D("2026-01-01"), D("2026-03-31"))], ["Europe/Brussels", "UTC"]
        )
        self.assertEqual(plan.granularity, "month")
        self.assertEqual(plan.labels, [D("2026-01-01"), D("2026-02-01"), D("2026-03-01")])
        self.assertEqual(plan.end, D("2026-04-01"))
        self.assertEqual(plan.thresholds["Europe/Brussels"][0], datetime(2025, 12, 31, 23))
        self.assertEqual(plan.thresholds["Europe/Brussels"][-1], datetime(2026, 3, 31, 22))
        self.assertEqual(plan.thresholds["UTC"][-1], datetime(2026, 4, 1))
        # won at 23:30 UTC on March 31: April 1 in Brussels (outside), March in UTC
        won = datetime(2026, 3, 31, 23, 30)
        self.assertEqual(plan.buckets_of(won, "Europe/Brussels"), set())
        self.assertEqual(plan.buckets_of(won, "UTC"), {3})
        self.assertEqual(plan.span(), (datetime(2025, 12, 31, 23), datetime(2026, 4, 1)))
        self.assertEqual(plan.index_range(D("2026-02-01"), D("2026-03-31")), (2, 3))
        self.assertEqual(plan.ends(), [D("2026-02-01"), D("2026-03-01"), D("2026-04-01")])

    def test_other_periods_are_cut_in_days(self):
        plan = BucketPlan.for_periods([(D("2026-03-16"), D("2026-03-22"))], ["UTC"])
        self.assertEqual(plan.granularity, "day")
        self.assertEqual(len(plan.labels), 7)
        self.assertEqual(plan.index_range(D("2026-03-18"), D("2026-03-19")), (3, 4))

    def test_the_current_month_kept_by_day(self):
        """A pass keeps the current month in days (the burn-up reads them), the months
        before as totals."""
        plan = BucketPlan.for_periods(
            [(D("2026-01-01"), D("2026-03-31"))], ["UTC"], days=(D("2026-03-01"), D("2026-03-31"))
        )
        self.assertEqual(plan.labels[:3], [D("2026-01-01"), D("2026-02-01"), D("2026-03-01")])
        self.assertEqual(len(plan.labels), 2 + 31)
        self.assertEqual(plan.days, (D("2026-03-01"), D("2026-03-31")))
        self.assertEqual(plan.index_range(D("2026-01-01"), D("2026-03-31")), (1, 33))

    def test_window(self):
        """Two buckets per time zone: up to this month, and this month."""
        plan = BucketPlan.window({"UTC": (D("2025-03-01"), D("2026-03-20"))})
        self.assertEqual(
            plan.thresholds["UTC"],
            [datetime(2025, 3, 1), datetime(2026, 3, 1), datetime(2026, 3, 21)],
        )
        self.assertEqual(plan.buckets_of(datetime(2026, 3, 5), "UTC"), {2})
        self.assertEqual(plan.index_range(D("2026-03-01"), D("2026-03-31")), (1, 2))

    def test_series_and_scaling(self):
        # components (amount, count) in buckets 2 and 5 of 6
        series = Series({2: [100.0, 1.0], 5: [50.0, 2.0]}, 6, 2)
        self.assertEqual(series.sum(1, 6), [150.0, 3.0])
        self.assertEqual(series.sum(3, 5), [50.0, 2.0])
        self.assertEqual(series.sum(3, 4), [0.0, 0.0])
        self.assertEqual(series.sum(4, 3), [0.0, 0.0])
        # the money component (0) converted at each bucket's factor, counts kept
        self.assertEqual(
            scaled({2: [100.0, 1.0], 5: [50.0, 2.0]}, {0}, {2: 2.0, 5: 1.0}.get),
            {2: [200.0, 1.0], 5: [50.0, 2.0]},
        )


@tagged("post_install", "-at_install", "sales_objectives", "so_tools")
class TestFigures(BaseCase):
    def figures(self, **values):
        base = {
            "target": 10000.0,
            "unit": "amount",
            "direction": "higher",
            "additive": True,
            "pipeline_kind": False,
            "actual": 0.0,
            "sample": 0,
            "elapsed": 0.5,
            "ended": False,
        }
        return derive(**dict(base, **values))

    def test_a_figure_exists_once_something_is_measured(self):
        self.assertTrue(has_figure(additive=True, direction="higher", sample=0))
        self.assertFalse(has_figure(additive=False, direction="higher", sample=0))
        self.assertFalse(has_figure(additive=True, direction="lower", sample=0))
        self.assertTrue(has_figure(additive=False, direction="lower", sample=3))

    def test_pace_of_an_amount(self):
        # half the period gone, 4,000 of 10,000: expected 5,000, run-rate 8,000 (80 %)
        figures = self.figures(actual=4000.0, sample=4)
        self.assertEqual(figures["attainment"], 40.0)
        self.assertEqual(figures["expected_value"], 5000.0)
        self.assertEqual(figures["projected_value"], 8000.0)
        self.assertEqual(figures["gap_value"], 6000.0)
        self.assertEqual(figures["status"], "at_risk")
        self.assertEqual(self.figures(actual=3900.0, sample=4)["status"], "behind")
        self.assertEqual(self.figures(actual=4750.0, sample=4)["status"], "on_track")
        self.assertEqual(self.figures(actual=10000.0, sample=9)["status"], "achieved")

    def test_too_early_and_ended(self):
        self.assertIs(self.figures(actual=0.0, elapsed=0.09)["status"], False)
        self.assertEqual(self.figures(actual=0.0, elapsed=0.10)["status"], "behind")
        self.assertEqual(self.figures(actual=9999.0, elapsed=1.0, ended=True)["status"], "behind")

    def test_the_pipeline_and_what_is_still_needed(self):
        """Won revenue: actual + the weighted pipeline; the gap left after it, in
        opportunities (win rate 25 %, average deal 1,000) and meetings (2 per win)."""
        figures = self.figures(
            pipeline_kind="amount",
            actual=4000.0,
            sample=4,
            pipeline_value=3000.0,
            pipeline_weighted=1000.0,
            win_rate=25.0,
            avg_deal=1000.0,
            meetings_per_win=2.0,
        )
        self.assertEqual(figures["projected_value"], 5000.0)
        self.assertEqual(figures["coverage_ratio"], 0.5)  # 3,000 for a gap of 6,000
        # 5,000 left after the pipeline: 5 deals, 20 opportunities, 10 meetings
        self.assertEqual(figures["opportunities_needed"], 20)
        self.assertEqual(figures["meetings_needed"], 10)

    def test_lower_is_better(self):
        # a sales cycle of 30 days for a target of 20: 66.7 %; of 5 days: capped
        common = {"target": 20.0, "unit": "days", "direction": "lower", "additive": False}
        self.assertAlmostEqual(self.figures(actual=30.0, sample=2, **common)["attainment"], 200 / 3)
        self.assertEqual(
            self.figures(actual=5.0, sample=2, **common)["attainment"], LOWER_IS_BETTER_CAP
        )
        self.assertEqual(self.figures(actual=20.0, sample=2, **common)["status"], "achieved")
        self.assertEqual(self.figures(actual=30.0, sample=2, **common)["gap_value"], 10.0)

    def test_nothing_to_measure_is_no_figure(self):
        """A win rate with no deal closed: no attainment, no gap, no status; never 0."""
        figures = self.figures(target=50.0, unit="percent", additive=False, actual=0.0)
        self.assertIsNone(figures["attainment"])
        self.assertEqual(figures["gap_value"], 0.0)
        self.assertIs(figures["status"], False)

    def test_bonus_payout(self):
        """1,000 at 100 %, floor 80 %, accelerator 2, cap 1,500."""
        payout = [bonus_payout(a, 1000.0, 80.0, 2.0, 1500.0) for a in (79.99, 80, 110, 125, 140)]
        self.assertEqual(payout, [0.0, 800.0, 1200.0, 1500.0, 1500.0])
        self.assertEqual(bonus_payout(None, 1000.0, 0.0, 2.0, 0.0), 0.0)
        self.assertEqual(bonus_payout(150.0, 1000.0, 80.0, 2.0, 0.0), 2000.0)  # no cap

    def test_allocate_whole_units(self):
        """The largest remainder: the parts add up exactly, first in order on a tie."""
        self.assertEqual(allocate(2, [1, 1, 1], 0), [1, 1, 0])
        self.assertEqual(allocate(100, [1, 1, 1], 2), [33.34, 33.33, 33.33])
        self.assertEqual(allocate(10, [3, 1], 0), [8, 2])  # 7.5 and 2.5: the first on a tie
        self.assertEqual(allocate(5, [0, 0], 0), [3, 2])  # no weight: equal parts
        self.assertEqual(allocate(5, [], 0), [])


@tagged("post_install", "-at_install", "sales_objectives", "so_tools")
class TestStore(BaseCase):
    """A target of 1,000 won revenue for March, half elapsed on 16 March: 600 won is on
    track (600 of 500 expected); stored as it was, it is not written again."""

    terms = {1: KpiTerms(unit="money", direction="higher", additive=True, pipeline=None)}

    def setUp(self):
        super().setUp()
        clock = CompanyClock(
            id=1,
            currency_id=1,
            root_id=1,
            calendar_id=None,
            tz="UTC",
            today=D("2026-03-16"),
            on_track=95.0,
            at_risk=80.0,
            min_share=10.0,
        )
        self.state = SimpleNamespace(companies={1: clock}, elapsed={7: 0.5})

    def row(self, stored):
        return TargetRow(
            id=7,
            kpi_id=1,
            owner_type="user",
            team_id=1,
            user_id=2,
            company_id=1,
            date_from=D("2026-03-01"),
            date_to=D("2026-03-31"),
            currency_id=1,
            target_value=1000.0,
            stored=stored,
        )

    def measure(self, actual=600.0):
        return {7: {"actual_value": actual, "actual_sample": 2}}

    def test_a_first_measure_is_written_and_announces_nothing(self):
        never = (None, False, True, 0, 0.0, False)
        plan = plan_store([self.row(never)], self.measure(), self.state, self.terms)
        ((target_id, values),) = plan.changed
        self.assertEqual(target_id, 7)
        self.assertEqual(len(values), len(STORED_FIGURES))
        figures = dict(zip([name for name, _type in STORED_FIGURES], values))
        self.assertEqual(figures["actual_value"], 600.0)
        self.assertEqual(figures["status"], "on_track")
        self.assertEqual(figures["attainment"], 60.0)
        # 50 % reached, but a first measure only says where the target stands
        self.assertEqual(plan.events, {7: {"milestone": 50, "silent": True}})
        self.assertEqual(plan.bonuses, [])

    def test_the_same_figures_are_not_written_again(self):
        first = plan_store(
            [self.row((None, False, True, 0, 0.0, True))], self.measure(), self.state, self.terms
        )
        stored = first.changed[0][1]
        again = plan_store(
            [self.row((stored, False, False, 50, 0.0, True))],
            self.measure(),
            self.state,
            self.terms,
        )
        self.assertEqual((again.changed, again.events, again.bonuses), ([], {}, []))
        # all of them when asked; a bonus is paid again with its figures
        forced = plan_store(
            [self.row((stored, False, False, 50, 0.0, True))],
            self.measure(),
            self.state,
            self.terms,
            write_all=True,
        )
        self.assertEqual(forced.bonuses, [7])
        # 950 passes 90 %: announced
        more = plan_store(
            [self.row((stored, False, False, 50, 0.0, False))],
            self.measure(950.0),
            self.state,
            self.terms,
        )
        self.assertEqual(more.events, {7: {"milestone": 90, "silent": False}})

    def test_no_figure_is_null(self):
        values = stored_values({"actual_value": 0.0, "actual_sample": 0, "attainment": None})
        figures = dict(zip([name for name, _type in STORED_FIGURES], values))
        self.assertIsNone(figures["attainment"])
        self.assertEqual(figures["gap_value"], 0.0)
        self.assertIsNone(figures["status"])

    def test_one_update_with_one_array_per_column(self):
        values = stored_values({"actual_value": 1.5, "actual_sample": 1, "status": "behind"})
        query = update_statement([(7, values), (8, values)], D("2026-03-16"))
        # the moment, the ids, then one text array per stored figure
        self.assertEqual(len(query.params), 2 + len(STORED_FIGURES))
        self.assertEqual(query.params[1], "{7,8}")
        self.assertEqual(query.params[2], "{1.5,1.5}")
        self.assertEqual(query.params[-1], '{"behind","behind"}')
        # a few rows: through the primary key
        self.assertIn("enable_hashjoin = off", query.code)


class FakeEnvironment:
    """What the decorator touches of an environment, counting the resets."""

    def __init__(self):
        self.resets = 0
        self.cr = SimpleNamespace(rollback=lambda: None)
        self.registry = SimpleNamespace(reset_changes=lambda: None)

    def flush_all(self):
        pass

    def reset(self):
        self.resets += 1


class FakeJob:
    _name = "sales.target"

    def __init__(self, conflicts):
        self.env = FakeEnvironment()
        self.calls = 0
        self.conflicts = conflicts

    @run_again_on_conflict
    def _cron_job(self, value):
        self.calls += 1
        if self.calls <= self.conflicts:
            raise errors.SerializationFailure("could not serialize access")
        return value


@tagged("post_install", "-at_install", "sales_objectives", "so_tools")
@patch("odoo.addons.sales_objectives.tools.job.time.sleep", lambda seconds: None)
class TestJob(BaseCase):
    def test_a_conflicting_job_runs_again(self):
        job = FakeJob(conflicts=2)
        self.assertEqual(job._cron_job("done"), "done")
        self.assertEqual((job.calls, job.env.resets), (3, 2))

    def test_it_gives_up_after_max_tries(self):
        job = FakeJob(conflicts=MAX_TRIES)
        with self.assertRaises(errors.SerializationFailure):
            job._cron_job("done")
        self.assertEqual(job.calls, MAX_TRIES)
