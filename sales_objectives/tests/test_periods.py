"""One period label for every screen: in each language's own words and one digit system
(CLDR's forms: "Q4 2026", "2026年第4季度", "K4 2026", "سه‌ماههٔ چهارم 2026"), ISO weeks in
the add-on's words, custom ranges as a range; the same on targets, plans and the
group headers of targets, the leaderboard and the forecast (a period record, named in
the reader's language, in calendar order), whatever the way targets come."""

from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged

from ..tools import periods
from .common import SalesObjectivesCase

# the words, worked out from CLDR by hand: Persian writes "the fourth three-month" and
# Latin digits; Chinese "year 2026, 4th quarter"; Dutch "K" for kwartaal
FA_Q4 = "سه\u200cماهه\u0654 چهارم 2026"
FA_Q1 = "سه\u200cماهه\u0654 اول 2026"
PERSIAN_DIGITS = set("۰۱۲۳۴۵۶۷۸۹")
EXPECTED = {
    # (period type, from, to): {language: words}
    ("month", date(2026, 12, 1), date(2026, 12, 31)): {
        "en_US": "Dec 2026",
        "fa_IR": "دسامبر 2026",
        "zh_CN": "2026年12月",
        "nl_NL": "dec. 2026",
    },
    ("quarter", date(2026, 10, 1), date(2026, 12, 31)): {
        "en_US": "Q4 2026",
        "fa_IR": FA_Q4,
        "zh_CN": "2026年第4季度",
        "nl_NL": "K4 2026",
    },
    ("year", date(2026, 1, 1), date(2026, 12, 31)): {
        "en_US": "2026",
        "fa_IR": "2026",
        "zh_CN": "2026年",
        "nl_NL": "2026",
    },
    ("custom", date(2026, 12, 20), date(2026, 12, 31)): {
        "en_US": "Dec 20 \u2013 31, 2026",
        "fa_IR": "20 تا 31 دسامبر 2026",
        "zh_CN": "2026年12月20日至31日",
        "nl_NL": "20\u201331 dec. 2026",
    },
}
LANGS = ("en_US", "fa_IR", "zh_CN", "nl_NL")


@tagged("post_install", "-at_install", "sales_objectives", "so_periods")
class TestPeriodWords(SalesObjectivesCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for code in LANGS:
            cls.env["res.lang"]._activate_lang(code)
        cls.Period = cls.env["sales.period"]

    def test_01_the_words_of_each_period_in_each_language(self):
        for (kind, start, end), words in EXPECTED.items():
            for lang, expected in words.items():
                with self.subTest(kind=kind, lang=lang):
                    said = self.Period.with_context(lang=lang)._say(kind, start, end)
                    self.assertEqual(said, expected)
                    self.assertFalse(PERSIAN_DIGITS & set(said), "one digit system")

    def test_02_iso_weeks_in_the_add_ons_words(self):
        # Monday 30 November 2026 starts ISO week 49; 28 December 2026 starts week 53
        self.assertEqual(
            self.Period._say("week", date(2026, 11, 30), date(2026, 12, 6)), "Week 49, 2026"
        )
        self.assertEqual(
            self.Period._say("week", date(2026, 12, 28), date(2027, 1, 3)), "Week 53, 2026"
        )
        self.assertEqual(
            self.Period.with_context(lang="nl_NL")._say(
                "week", date(2026, 11, 30), date(2026, 12, 6)
            ),
            "Week 49, 2026",
        )

    def test_03_dates_that_are_not_one_period_are_a_range(self):
        # a "quarter" from 15 November is no quarter: said as the range it is
        said = periods.period_words(
            "quarter", date(2026, 11, 15), date(2027, 2, 14), "en_US", lambda w, y: ""
        )
        self.assertEqual(said, "Nov 15, 2026 \u2013 Feb 14, 2027")

    def test_03b_any_dates_in_their_natural_words(self):
        """A contest's dates, say: a quarter when they are one, else a range."""
        say = self.Period.with_context(lang="zh_CN")._say_dates
        self.assertEqual(say(date(2026, 10, 1), date(2026, 12, 31)), "2026年第4季度")
        self.assertEqual(say(date(2026, 12, 20), date(2026, 12, 31)), "2026年12月20日至31日")
        self.assertEqual(
            self.Period._say_dates(date(2026, 11, 30), date(2026, 12, 6)), "Week 49, 2026"
        )

    def test_04_targets_say_their_period_in_the_readers_language(self):
        quarter = self._target("won_revenue", self.rep1, period="quarter", date_from="2026-10-01")
        month = self._target("won_revenue", self.rep2, date_from="2026-12-01")
        for lang in LANGS:
            expected_q = EXPECTED["quarter", date(2026, 10, 1), date(2026, 12, 31)][lang]
            expected_m = EXPECTED["month", date(2026, 12, 1), date(2026, 12, 31)][lang]
            with self.subTest(lang=lang):
                q, m = (quarter | month).with_user(self.manager).with_context(lang=lang)
                self.assertEqual((q.period_label, m.period_label), (expected_q, expected_m))
                self.assertTrue(q.display_name.endswith(f" · {expected_q}"), q.display_name)
                # the period record: the same words
                self.assertEqual(q.period_id.display_name, expected_q)
        # the stored key stays language-neutral (searched, never shown)
        self.assertEqual((quarter.period_name, month.period_name), ("2026-Q4", "2026-12"))

    def test_05_targets_of_a_period_share_its_record(self):
        one = self._target("won_revenue", self.rep1, date_from="2026-12-01")
        two = self._target("won_count", self.rep2, date_from="2026-12-15")  # snaps to Dec 1
        custom = self._target(
            "won_count", self.rep1, period="custom", date_from="2026-12-20", date_to="2026-12-31"
        )
        self.assertEqual(one.period_id, two.period_id)
        self.assertEqual(
            (one.period_id.period_type, one.period_id.date_from, one.period_id.date_to),
            ("month", date(2026, 12, 1), date(2026, 12, 31)),
        )
        self.assertNotEqual(custom.period_id, one.period_id)
        self.assertEqual(self.Period.search_count([("code", "=", "2026-12")]), 1)
        # recording the same periods again (another transaction's targets) adds none
        keys = {("month", date(2026, 12, 1), date(2026, 12, 31))}
        self.assertEqual(self.Period._ids_for(keys), self.Period._ids_for(keys))
        self.assertEqual(self.Period.search_count([("code", "=", "2026-12")]), 1)
        # moving a draft target to another period moves it to that period's record
        one.date_from = "2027-01-01"
        self.assertEqual(one.period_id.code, "2027-01")

    def test_06_targets_made_before_the_periods_get_theirs(self):
        """As on an upgrade from a release without periods: the targets' period is
        worked out from their dates."""
        target = self._target("won_revenue", self.rep1, period="quarter", date_from="2026-10-01")
        self.env.flush_all()
        self.env.cr.execute("UPDATE sales_target SET period_id = NULL WHERE id = %s", [target.id])
        target.invalidate_recordset(["period_id"])
        self.assertFalse(target.period_id)
        self.env.add_to_compute(target._fields["period_id"], target)
        self.env.flush_all()
        target.invalidate_recordset(["period_id"])
        self.assertEqual(target.period_id.code, "2026-Q4")

    def test_07_a_form_being_filled_records_no_period(self):
        """A new target in a form finds its period only if it is recorded already: typing
        dates creates nothing."""
        before = self.Period.search_count([])
        draft = self.env["sales.target"].new(
            {"period_type": "custom", "date_from": "2031-05-02", "date_to": "2031-05-09"}
        )
        self.assertFalse(draft.period_id)
        self.assertEqual(self.Period.search_count([]), before)

    def test_08_salespeople_read_periods_and_nobody_writes_them(self):
        target = self._target("won_revenue", self.rep1, date_from="2026-12-01")
        period = target.period_id.with_user(self.rep1)
        self.assertEqual(period.display_name, "Dec 2026")
        for user in (self.rep1, self.manager):
            with self.assertRaises(AccessError):
                self.Period.with_user(user).create(
                    {
                        "code": "x",
                        "period_type": "month",
                        "date_from": "2030-01-01",
                        "date_to": "2030-01-31",
                    }
                )
            with self.assertRaises(AccessError):
                period.with_user(user).write({"code": "y"})

    def test_09_a_period_is_found_by_its_words(self):
        target = self._target("won_revenue", self.rep1)  # March 2026
        found = self.Period.with_context(lang="nl_NL").name_search("mrt. 2026")
        self.assertEqual([pid for pid, _name in found], target.period_id.ids)
        self.assertEqual(
            self.env["sales.target"]
            .with_user(self.manager)
            .with_context(lang="nl_NL")
            .search([("period_id", "ilike", "mrt")]),
            target,
        )

    @freeze_time("2026-03-16 12:00:00")
    def test_10_plan_names_say_their_horizon(self):
        Plan = self.env["sales.target.plan"].with_user(self.manager)
        plan = Plan.with_context(lang="zh_CN").create(
            {"team_id": self.team1.id, "horizon": "quarter", "date_from": "2026-11-10"}
        )
        self.assertEqual(plan.name, "SO Team 1 · 2026年第4季度")
        plan = Plan.create({"team_id": self.team1.id, "horizon": "year", "date_from": "2026-03-01"})
        self.assertEqual(plan.name, "SO Team 1 · 2026")


@tagged("post_install", "-at_install", "sales_objectives", "so_periods")
@freeze_time("2026-03-16 12:00:00")
class TestPeriodHeaders(SalesObjectivesCase):
    """Group headers as the web client gets them (web_read_group), for a team leader:
    the period in their language, in calendar order."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for code in LANGS:
            cls.env["res.lang"]._activate_lang(code)
        cls.targets = cls.env["sales.target"]
        for owner, kind, start in [
            (cls.rep1, "month", "2026-02-01"),
            (cls.rep1, "month", "2026-03-01"),
            (cls.rep1, "quarter", "2026-01-01"),
            (cls.rep2, "month", "2026-03-01"),
        ]:
            cls.targets |= cls._target("manual", owner, period=kind, date_from=start, value=10)
        cls.targets.action_confirm()

    def headers(self, model, lang, field="period_id"):
        groups = (
            self.env[model]
            .with_user(self.leader)
            .with_context(lang=lang)
            .web_read_group([("kpi_id", "=", self.kpi["manual"].id)], [], [field])["groups"]
        )
        return [(group[field][1], group[f"{field}_count"]) for group in groups]

    def test_headers_in_each_language_in_calendar_order(self):
        # the quarter and March end on the same day: the longer first; then February
        expected = {
            "en_US": [("Q1 2026", 1), ("Mar 2026", 2), ("Feb 2026", 1)],
            "fa_IR": [(FA_Q1, 1), ("مارس 2026", 2), ("فوریه 2026", 1)],
            "zh_CN": [("2026年第1季度", 1), ("2026年3月", 2), ("2026年2月", 1)],
            "nl_NL": [("K1 2026", 1), ("mrt. 2026", 2), ("feb. 2026", 1)],
        }
        for lang, headers in expected.items():
            for model in ("sales.target", "sales.target.leaderboard"):
                with self.subTest(lang=lang, model=model):
                    self.assertEqual(self.headers(model, lang), headers)

    def test_read_group_gives_the_period_records(self):
        Target = self.env["sales.target"].with_user(self.leader).with_context(lang="zh_CN")
        groups = Target._read_group(
            [("id", "in", self.targets.ids)], ["period_id"], ["__count"], order="period_id"
        )
        self.assertEqual(
            [(period.display_name, count) for period, count in groups],
            [("2026年第1季度", 1), ("2026年3月", 2), ("2026年2月", 1)],
        )
