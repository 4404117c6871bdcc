"""Pace, projection, coverage, what is still needed, status and lower-is-better
attainment, on frozen dates (figures worked out by hand from common.py)."""

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common import SalesObjectivesCase


@tagged("post_install", "-at_install", "sales_objectives", "so_targets")
class TestPace(SalesObjectivesCase):
    def refreshed(self, kpi, owner, **kwargs):
        target = self._target(kpi, owner, **kwargs)
        target.action_confirm()
        return target

    def uneven_calendar(self):
        """Company A works Monday-Thursday 8 h, Friday 4 h (Brussels)."""
        attendances = []
        for day in range(4):
            attendances += [
                Command.create(
                    {"name": "Morning", "dayofweek": str(day), "hour_from": 8, "hour_to": 12}
                ),
                Command.create(
                    {"name": "Afternoon", "dayofweek": str(day), "hour_from": 13, "hour_to": 17}
                ),
            ]
        attendances.append(
            Command.create({"name": "Friday", "dayofweek": "4", "hour_from": 8, "hour_to": 12})
        )
        calendar = self.env["resource.calendar"].create(
            {
                "name": "Short Fridays",
                "tz": "Europe/Brussels",
                "company_id": self.company_a.id,
                "attendance_ids": [Command.clear()] + attendances,
            }
        )
        self.company_a.resource_calendar_id = calendar
        return calendar

    def holiday(self, company, day):
        """A public holiday (no resource, no calendar) recorded by ``company``."""
        leave = (
            self.env["resource.calendar.leaves"]
            .with_company(company)
            .create(
                {
                    "name": f"Holiday {day}",
                    "date_from": f"{day} 00:00:00",
                    "date_to": f"{day} 20:00:00",
                }
            )
        )
        leave.flush_recordset()  # as the form saves it, in that company
        self.assertEqual(leave.company_id, company)
        return leave

    @freeze_time("2026-03-16 12:00:00")
    def test_won_revenue_pace_projection_and_needs(self):
        """Monday March 16, 2026. March has 22 working days (Mon-Fri), 11 of them up to
        today included: elapsed 0.5.

        Team 1's March won revenue: 3000 (L1, L2). Target 10000: expected to date 5000;
        pace 3000 / 5000 = 60 % -> behind (default thresholds 95 / 80).
        Open pipeline due in March: L7 10000 at 30 % -> weighted 3000; L8 is due in April.
        Projection 3000 + 3000 = 6000. Gap 7000; coverage 10000 / 7000.
        Last 12 months (2025-03-17 .. 2026-03-16): won L11 700, L12 1300, L1 1000 (L2 is
        dated March 31), lost L4 (L5 is dated March 20): win rate 3 / 4 = 75 %, average
        deal 3000 / 3 = 1000; meetings held on team 1's opportunities: 2 -> 2 / 3 per win.
        Beyond the weighted pipeline: 7000 - 3000 = 4000 -> 4 deals -> 4 / 0.75 = 5.33
        -> 6 opportunities; 4 x 2 / 3 = 2.67 -> 3 meetings.
        """
        target = self.refreshed("won_revenue", self.team1, value=10000)
        self.assertAlmostEqual(target.elapsed_ratio, 0.5)
        self.assertAlmostEqual(target.actual_value, 3000)
        self.assertAlmostEqual(target.expected_value, 5000)
        self.assertAlmostEqual(target.attainment, 30)
        self.assertEqual(target.status, "behind")
        self.assertAlmostEqual(target.pipeline_value, 10000)
        self.assertAlmostEqual(target.pipeline_weighted, 3000)
        self.assertAlmostEqual(target.projected_value, 6000)
        self.assertAlmostEqual(target.gap_value, 7000)
        self.assertAlmostEqual(target.coverage_ratio, 10000 / 7000)
        self.assertAlmostEqual(target.history_win_rate, 75)
        self.assertAlmostEqual(target.history_avg_deal, 1000)
        self.assertAlmostEqual(target.history_meetings_per_win, 2 / 3)
        self.assertEqual(target.opportunities_needed, 6)
        self.assertEqual(target.meetings_needed, 3)
        self.assertIn("50 %", target.summary)

    @freeze_time("2026-03-16 12:00:00")
    def test_won_deals_projection(self):
        # 2 won + L7's 0.3 -> 2.3; expected 4 x 0.5 = 2 -> pace 100 % -> on track
        target = self.refreshed("won_count", self.team1, value=4)
        self.assertAlmostEqual(target.projected_value, 2.3)
        self.assertAlmostEqual(target.pipeline_value, 1)
        self.assertEqual(target.status, "on_track")
        # gap 2 - 0.3 weighted = 1.7 deals -> 1.7 / 0.75 = 2.27 -> 3 opportunities
        self.assertEqual(target.opportunities_needed, 3)

    @freeze_time("2026-03-16 12:00:00")
    def test_targets_of_one_owner_share_pipeline_and_history_per_currency(self):
        """Team 1's targets refreshed together: the pipeline and the 12-month history
        are measured once per owner, currency and period, and each target takes its own.
        March in USD: pipeline 10000 (L7), weighted 3000, as the won revenue test above;
        the won-deals target of March shares it and counts L7 once. The first quarter in
        EUR (company A's rate today: 0.8 EUR per USD): L7 again (L8 is due in April),
        8000 and 2400. The win rate is 75 % whatever the currency."""
        usd = self._target("won_revenue", self.team1, value=10000)
        eur = self._target(
            "won_revenue",
            self.team1,
            period="quarter",
            date_from="2026-01-01",
            value=8000,
            currency_id=self.eur.id,
            currency_follows_company=False,
        )
        deals = self._target("won_count", self.team1, value=4)
        (usd | eur | deals).action_confirm()
        self.assertEqual(eur.currency_id, self.eur)
        self.assertAlmostEqual(usd.pipeline_value, 10000)
        self.assertAlmostEqual(usd.pipeline_weighted, 3000)
        self.assertAlmostEqual(eur.pipeline_value, 8000)
        self.assertAlmostEqual(eur.pipeline_weighted, 2400)
        self.assertAlmostEqual(deals.pipeline_value, 1)
        self.assertAlmostEqual(deals.pipeline_weighted, 0.3)
        for target in usd | eur | deals:
            self.assertAlmostEqual(target.history_win_rate, 75)
            self.assertAlmostEqual(target.history_meetings_per_win, 2 / 3)
        self.assertAlmostEqual(usd.history_avg_deal, 1000)
        self.assertEqual(usd.opportunities_needed, 6)
        # the EUR history: each deal at its day's rate (0.5 before March 10)
        self.assertAlmostEqual(eur.history_avg_deal, 500)

    @freeze_time("2026-03-09 23:30:00")
    def test_pipeline_converted_at_the_targets_company_today(self):
        """At 23:30 UTC on March 9 it is already March 10 in Brussels (company A), still
        March 9 in company B (UTC). Company B's USD rate moves from 1.25 to 2.0 on March
        10. Team B's March target in USD converts its open pipeline (1000 EUR at 50 %)
        at company B's today: 1250 USD, weighted 625 (not at another company's today:
        2000)."""
        self.env["res.currency.rate"].create(
            {
                "company_id": self.company_b.id,
                "currency_id": self.usd.id,
                "name": "2026-03-10",
                "rate": 2.0,
            }
        )
        self._make_lead(
            "B open",
            self.rep_b,
            self.team_b,
            1000,
            "2026-03-02 10:00",
            probability=50,
            deadline="2026-03-20",
            company=self.company_b,
        )
        target = self._target(
            "won_revenue",
            self.team_b,
            value=5000,
            currency_id=self.usd.id,
            currency_follows_company=False,
        )
        a_target = self._target("won_revenue", self.team1, value=10000)
        (target | a_target).action_confirm()
        self.assertEqual(target.currency_id, self.usd)
        self.assertAlmostEqual(target.pipeline_value, 1250)
        self.assertAlmostEqual(target.pipeline_weighted, 625)

    @freeze_time("2026-03-16 12:00:00")
    def test_run_rate_projection(self):
        # new leads of team 1 dated in March: 5; run-rate 5 / 0.5 = 10; expected 8 x 0.5 = 4
        target = self.refreshed("new_leads", self.team1, value=8)
        self.assertAlmostEqual(target.projected_value, 10)
        self.assertAlmostEqual(target.expected_value, 4)
        self.assertEqual(target.status, "on_track")

    @freeze_time("2026-03-16 12:00:00")
    def test_status_thresholds_per_company(self):
        # pace of team 1's won revenue against 10000: 60 %
        target = self.refreshed("won_revenue", self.team1, value=10000)
        for on_track, at_risk, status in [
            (60, 50, "on_track"),
            (70, 55, "at_risk"),
            (90, 61, "behind"),
        ]:
            self.company_a.write(
                {"sales_target_on_track": on_track, "sales_target_at_risk": at_risk}
            )
            target.action_refresh()
            self.assertEqual(target.status, status, (on_track, at_risk))
        # the thresholds of company B do not apply to company A's targets
        self.company_b.write({"sales_target_on_track": 10, "sales_target_at_risk": 5})
        target.action_refresh()
        self.assertEqual(target.status, "behind")

    @freeze_time("2026-03-16 12:00:00")
    def test_future_and_past_periods(self):
        future = self.refreshed("won_revenue", self.team1, value=1000, date_from="2026-05-01")
        self.assertEqual((future.elapsed_ratio, future.expected_value), (0.0, 0.0))
        self.assertFalse(future.status)  # too early to judge
        past = self.refreshed("won_revenue", self.team1, value=1000, date_from="2026-02-01")
        self.assertEqual(past.elapsed_ratio, 1.0)
        self.assertEqual(past.actual_value, 0.0)
        self.assertEqual(past.status, "behind")

    @freeze_time("2026-04-15 12:00:00")
    def test_lower_is_better_attainment(self):
        """Team 1's March sales cycle: 56 days (L1 54, L2 58)."""
        cases = [
            # target, attainment = target / actual (capped at 200 %), status
            (60, 100 * 60 / 56, "achieved"),
            (56, 100.0, "achieved"),
            (40, 100 * 40 / 56, "behind"),  # the period has ended
            (150, 200.0, "achieved"),  # capped
        ]
        for value, attainment, status in cases:
            target = self.refreshed("cycle_days", self.team1, value=value)
            self.assertAlmostEqual(target.actual_value, 56)
            self.assertAlmostEqual(target.attainment, attainment, places=4)
            self.assertEqual(target.status, status)
            self.assertAlmostEqual(target.expected_value, value)
            target.action_reset_draft()
            target.unlink()

    @freeze_time("2026-03-16 12:00:00")
    def test_lower_is_better_pace_and_no_data(self):
        # running period: pace = target / actual = 42 / 56 = 75 % -> behind (< 80 %)
        target = self.refreshed("cycle_days", self.team1, value=42)
        self.assertEqual(target.status, "behind")
        target.action_reset_draft()
        target.target_value = 50  # 50 / 56 = 89 % -> at risk
        self.assertEqual(target.status, "at_risk")
        # rep 2 won nothing in March: no cycle measured, no attainment, not judged yet
        none = self.refreshed("cycle_days", self.rep2, value=30)
        self.assertEqual((none.actual_sample, none.attainment), (0, 0.0))
        self.assertFalse(none.status)

    @freeze_time("2026-03-16 12:00:00")
    def test_changing_the_target_updates_the_figures(self):
        target = self.refreshed("won_revenue", self.team1, value=10000)
        target.action_reset_draft()
        target.target_value = 4000
        # no new measure needed: 3000 of 4000, expected 2000 -> on track
        self.assertAlmostEqual(target.attainment, 75)
        self.assertAlmostEqual(target.expected_value, 2000)
        self.assertEqual(target.status, "on_track")

    @freeze_time("2026-03-16 12:00:00")
    def test_elapsed_respects_public_holidays(self):
        # a company-wide day off on Monday March 9: 21 working days, 10 elapsed
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Holiday",
                "calendar_id": self.company_a.resource_calendar_id.id,
                "date_from": "2026-03-08 23:00:00",
                "date_to": "2026-03-09 22:59:59",
                "company_id": self.company_a.id,
            }
        )
        target = self.refreshed("won_revenue", self.team1, value=10000)
        self.assertAlmostEqual(target.elapsed_ratio, 10 / 21)

    @freeze_time("2026-03-16 12:00:00")
    def test_working_days_follow_calendar_changes_at_once(self):
        """The working days are kept per process: a holiday added, moved or removed, or
        a working day dropped from the calendar, counts at the next refresh, even in
        the same transaction."""
        target = self.refreshed("won_revenue", self.team1, value=10000)
        self.assertAlmostEqual(target.elapsed_ratio, 11 / 22)
        holiday = self.env["resource.calendar.leaves"].create(
            {
                "name": "Holiday",
                "calendar_id": self.company_a.resource_calendar_id.id,
                "date_from": "2026-03-08 23:00:00",
                "date_to": "2026-03-09 22:59:59",
                "company_id": self.company_a.id,
            }
        )
        target.action_refresh()
        self.assertAlmostEqual(target.elapsed_ratio, 10 / 21)
        # moved after today
        holiday.write({"date_from": "2026-03-22 23:00:00", "date_to": "2026-03-23 22:59:59"})
        target.action_refresh()
        self.assertAlmostEqual(target.elapsed_ratio, 11 / 21)
        holiday.unlink()
        target.action_refresh()
        self.assertAlmostEqual(target.elapsed_ratio, 11 / 22)
        # no work on Fridays any more: 18 working days in March, 9 up to Monday 16
        self.company_a.resource_calendar_id.attendance_ids.filtered(
            lambda a: a.dayofweek == "4"
        ).unlink()
        target.action_refresh()
        self.assertAlmostEqual(target.elapsed_ratio, 9 / 18)

    @freeze_time("2026-05-13 12:00:00")
    def test_pace_counts_working_days_not_hours(self):
        """May 2026 has 21 working days (Mon-Fri), 9 of them up to Wednesday 13 May
        included: 9 / 21 = 0.4286 (hours would give 64 / 148 = 0.432). ISO week 20
        (11-17 May): 3 of 5 days = 0.6 (hours: 24 / 36 = 0.667)."""
        self.uneven_calendar()
        month = self._target("won_revenue", self.team1, value=2100, date_from="2026-05-01")
        week = self._target(
            "won_revenue", self.team1, value=500, period="week", date_from="2026-05-11"
        )
        (month | week).action_confirm()
        self.assertAlmostEqual(month.elapsed_ratio, 9 / 21)
        self.assertAlmostEqual(month.expected_value, 900)
        self.assertAlmostEqual(week.elapsed_ratio, 3 / 5)

    @freeze_time("2026-05-13 12:00:00")
    def test_only_the_companys_own_public_holidays_count(self):
        """Company B records a holiday on Tuesday 12 May: company A's May keeps its 21
        working days (9 elapsed). Company A's own holiday on Tuesday 5 May removes a
        day: 8 / 20."""
        self.holiday(self.company_b, "2026-05-12")
        target = self._target("won_revenue", self.team1, value=1000, date_from="2026-05-01")
        target.action_confirm()
        self.assertAlmostEqual(target.elapsed_ratio, 9 / 21)
        self.holiday(self.company_a, "2026-05-05")
        target.action_refresh()
        self.assertAlmostEqual(target.elapsed_ratio, 8 / 20)
