"""Figures users can trust and rights that hold: one test per defect found when the
add-on was tried as users would (figures worked out by hand from common.py; users act
with their own rights, as the web client does)."""

from datetime import datetime
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import SalesObjectivesCase

ENGINE_LOGGER = "odoo.addons.sales_objectives.models.sales_kpi_engine"


def broken(*args, **kwargs):
    raise ValueError("simulated failure: relation so_secret does not exist")


@tagged("post_install", "-at_install", "sales_objectives", "so_targets")
class TestFigures(SalesObjectivesCase):
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

    @freeze_time("2026-05-13 12:00:00")
    def test_01_pace_counts_working_days_not_hours(self):
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
    def test_02_only_the_companys_own_public_holidays_count(self):
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

    @freeze_time("2026-04-15 12:00:00")
    def test_03_activities_count_on_leads_and_opportunities_only(self):
        """A call done on the lead L9 counts (prospecting); a call logged on a contact
        does not; a KPI filtered on opportunities leaves L9 out. March, team 1: 3 in
        common.py + L9's call = 4; opportunities only: 3."""
        call = self.env.ref("mail.mail_activity_data_call")
        self._done_activity(self.l9, self.rep1, call, "2026-03-12 10:00")
        partner_call = self._done_activity(self.l9, self.rep1, call, "2026-03-12 11:00")
        partner_call.write({"model": "res.partner", "res_id": self.p1.id})
        everything = self._target("activities_done", self.team1)
        everything.action_refresh()
        self.assertEqual(everything.actual_value, 4)
        opportunities = self.env["sales.kpi"].create(
            {
                "name": "Activities on opportunities",
                "metric": "activities_done",
                "domain": "[('type', '=', 'opportunity')]",
            }
        )
        narrowed = self._target(opportunities, self.team1)
        narrowed.action_refresh()
        self.assertEqual(narrowed.actual_value, 3)
        # "Counted records" shows the same activities, on the lead and the opportunities
        action = everything.with_user(self.leader).action_open_records()
        messages = self.env["mail.message"].search(action["domain"])
        self.assertEqual(len(messages), 4)
        self.assertEqual(set(messages.mapped("model")), {"crm.lead"})
        self.assertIn(self.l9.id, messages.mapped("res_id"))

    def test_04_objectives_are_dated_in_the_companys_time_zone(self):
        """A rep in Los Angeles records an outcome at 03:00 UTC on 1 April: still 31
        March for them, already 05:00 on 1 April in Brussels (company A). It counts in
        April, like the SMART coverage of the same call."""
        self.rep1.tz = "America/Los_Angeles"
        product = self.env["product.product"].create({"name": "SO Chair"})
        with freeze_time("2026-03-20 09:00:00"):
            objective = (
                self.env["sales.objective"]
                .with_user(self.rep1)
                .create(
                    {
                        "lead_id": self.l7.id,
                        "user_id": self.rep1.id,
                        "statement": "Order of 5 chairs signed",
                        "product_id": product.id,
                        "measure": "quantity",
                        "target_value": 5,
                        "deadline": "2026-04-10",
                    }
                )
            )
            objective.action_open()
        with freeze_time("2026-04-01 03:00:00"):
            objective.with_user(self.rep1)._record_outcome("achieved", 5)
        self.assertEqual(objective.date_closed, datetime(2026, 4, 1, 3, 0))
        with freeze_time("2026-04-15 12:00:00"):
            march = self._target("objective_achievement_rate", self.rep1, value=50)
            april = self._target(
                "objective_achievement_rate", self.rep1, value=50, date_from="2026-04-01"
            )
            (march | april).action_refresh()
        self.assertEqual((march.actual_sample, march.actual_value), (0, 0))
        self.assertEqual((april.actual_sample, april.actual_value), (1, 100))

    @freeze_time("2026-04-15 12:00:00")
    def test_05_records_measured_is_a_count(self):
        cases = [
            # three won deals in company A's first quarter: L1, L2, L6
            ("won_revenue", self.company_a, {"period": "quarter", "date_from": "2026-01-01"}, 3),
            ("won_count", self.team1, {}, 2),  # L1, L2
            ("calls_done", self.team1, {}, 2),  # calls on L1 and L4
            ("new_leads", self.team1, {}, 5),
            ("pipeline_created", self.team1, {}, 5),
            ("win_rate", self.team1, {}, 4),  # 2 won + 2 lost
            ("repeat_revenue_share", self.team1, {}, 2),  # the won deals measured
        ]
        for kpi, owner, values, sample in cases:
            target = self._target(kpi, owner, value=50, **values)
            target.action_refresh()
            self.assertEqual(target.actual_sample, sample, kpi)

    @freeze_time("2026-04-15 12:00:00")
    def test_06_a_lead_without_company_counts_once_converted(self):
        """L13: rep 1, team 1 (company A), no company, 1000 USD won on 15 March. It
        counts in company A (its team's), converted from USD: in EUR at 0.8 = 800, so
        rep 1's March in EUR is 500 (L1) + 1600 (L2) + 800 = 2900. Rep 1 also leads
        team B (company B): their company B target does not count it."""
        lead = self._make_lead(
            "L13", self.rep1, self.team1, 1000, "2026-03-10 10:00", won="2026-03-15 10:00"
        )
        self.env.cr.execute("UPDATE crm_lead SET company_id = NULL WHERE id = %s", [lead.id])
        lead.invalidate_recordset()
        self.rep1.company_ids |= self.company_b
        self.team_b.user_id = self.rep1
        in_eur = self._target("won_revenue", self.rep1, currency_id=self.eur.id)
        in_b = self._target("won_revenue", self.rep1, team=self.team_b)
        (in_eur | in_b).action_refresh()
        self.assertAlmostEqual(in_eur.actual_value, 2900)
        self.assertEqual((in_b.actual_value, in_b.actual_sample), (0, 0))
        # the company target of A counts it once too: 1000 + 2000 + 800 (L6) + 1000
        company = self._target("won_revenue", self.company_a)
        company.action_refresh()
        self.assertAlmostEqual(company.actual_value, 4800)

    def test_07_the_users_currency_is_kept(self):
        gbp = self.env.ref("base.GBP")
        gbp.active = True
        target = self._target("won_revenue", self.team1, currency_id=gbp.id)
        self.assertEqual(target.currency_id, gbp)
        target.with_user(self.manager).write({"team_id": self.team2.id})
        self.assertEqual(target.currency_id, gbp)
        target.write({"team_id": self.team_b.id})  # another company: still the user's choice
        self.assertEqual((target.company_id, target.currency_id), (self.company_b, gbp))
        # a target left in the company's currency follows its company
        follows = self._target("won_revenue", self.team1, date_from="2026-04-01")
        self.assertEqual(follows.currency_id, self.usd)
        follows.write({"team_id": self.team_b.id})
        self.assertEqual((follows.company_id, follows.currency_id), (self.company_b, self.eur))
        # in the form: the company's currency first, the user's choice kept after
        form = Form(self.env["sales.target"].with_user(self.manager))
        form.kpi_id = self.kpi["won_revenue"]
        form.owner_type = "team"
        form.team_id = self.team1
        self.assertEqual(form.currency_id, self.usd)
        form.currency_id = gbp
        form.team_id = self.team2
        self.assertEqual(form.currency_id, gbp)
        self.assertEqual(form.save().currency_id, gbp)

    def test_08_funnel_in_company_time_and_over_the_whole_team(self):
        """March in Brussels, team 1's opportunities created or converted: L3, L4 (23:30
        UTC on 28 February: 1 March locally), L5, L7, L10 = 5; rep 2's: L3, L4, L10 = 3.
        Rep 2 reads only their own leads, yet the team row counts the whole team; they
        see no other salesperson's row."""
        funnel = (
            self.env["sales.funnel"]
            .with_user(self.rep2)
            .create({"team_id": self.team1.id, "date_from": "2026-03-01", "date_to": "2026-03-31"})
        )
        funnel.action_compute()
        first = funnel.line_ids.filtered(lambda line: line.sequence == 0)
        self.assertEqual(
            {line.user_id: line.reached for line in first},
            {
                self.env["res.users"]: 5,
                self.rep2: 3,
            },
        )
        led = (
            self.env["sales.funnel"]
            .with_user(self.leader)
            .create({"team_id": self.team1.id, "date_from": "2026-03-01", "date_to": "2026-03-31"})
        )
        led.action_compute()
        first = led.line_ids.filtered(lambda line: line.sequence == 0)
        self.assertEqual(
            {line.user_id: line.reached for line in first},
            {self.env["res.users"]: 5, self.rep1: 2, self.rep2: 3},
        )

    @freeze_time("2026-03-16 12:00:00")
    def test_09_achievable_uses_the_reps_deals_in_the_companys_currency(self):
        """Rep 1's won deals in company A over the last 12 months: L11 700 and L1 1000
        (L2 is dated later): 850 USD. A deal of 100,000 EUR they won in company B must
        not raise that average: 4,000 is more than 3 times 850."""
        self.rep1.company_ids |= self.company_b
        big = self._make_lead(
            "Big B",
            self.rep1,
            self.team_b,
            100000,
            "2026-01-05 10:00",
            won="2026-01-20 10:00",
            company=self.company_b,
        )
        self.assertTrue(big.stage_id.is_won)
        product = self.env["product.product"].create({"name": "SO Licence"})
        objective = (
            self.env["sales.objective"]
            .with_user(self.rep1)
            .create(
                {
                    "lead_id": self.l8.id,
                    "user_id": self.rep1.id,
                    "statement": "Order of 40 licences signed",
                    "product_id": product.id,
                    "measure": "amount",
                    "target_value": 4000,
                    "deadline": "2026-03-30",
                }
            )
        )
        self.assertFalse(objective.smart_achievable)
        self.assertIn("3 times your average won deal", objective.smart_message)
        self.assertIn("850.00", objective.smart_message)

    @freeze_time("2026-04-15 12:00:00")
    def test_10_a_rate_split_does_not_warn(self):
        target = self._target("win_rate", self.team1, value=40)
        wizard = Form(
            self.env["sales.target.split"]
            .with_user(self.leader)
            .with_context(default_target_id=target.id)
        ).save()
        wizard.action_apply()
        self.assertEqual(target.child_ids.mapped("target_value"), [40, 40, 40])
        self.assertFalse(target.split_mismatch)
        # an additive KPI still warns when the parts no longer add up
        deals = self._target("won_count", self.team1, value=9)
        wizard = Form(
            self.env["sales.target.split"]
            .with_user(self.leader)
            .with_context(default_target_id=deals.id)
        ).save()
        wizard.action_apply()
        self.assertFalse(deals.split_mismatch)
        deals.child_ids[0].with_user(self.leader).action_reset_draft()
        deals.child_ids[0].with_user(self.leader).target_value = 1
        self.assertTrue(deals.split_mismatch)


@tagged("post_install", "-at_install", "sales_objectives", "so_refresh")
class TestRefresh(SalesObjectivesCase):
    @freeze_time("2026-04-15 12:00:00")
    def test_11_refresh_button_keeps_what_it_measured(self):
        """One click, one request: the good KPI is stored, the failing one is named in
        a warning and its error kept; nothing raises (which would roll it all back)."""
        win_rate = self._target("win_rate", self.team1, value=50)
        won = self._target("won_revenue", self.team1, value=1000)
        targets = (win_rate | won).with_user(self.leader)
        with (
            patch.object(self.registry["sales.kpi.engine"], "_query_win_rate", broken),
            mute_logger(ENGINE_LOGGER),
            self.env.cr.savepoint(),  # the request: rolled back if anything raised
        ):
            action = targets.action_refresh()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(action["params"]["type"], "warning")
        self.assertIn("Win rate", action["params"]["message"])
        self.assertEqual(won.with_user(self.leader).actual_value, 3000)
        self.assertTrue(win_rate.with_user(self.leader).refresh_failed)
        self.assertFalse(win_rate.with_user(self.leader).refreshed_at)
        kpi = self.kpi["win_rate"].with_user(self.manager)
        self.assertTrue(kpi.last_failed)
        self.assertIn("simulated failure", kpi.last_error)

    @freeze_time("2026-04-15 12:00:00")
    def test_12_failing_kpis_do_not_starve_the_scheduled_refresh(self):
        failing = self.env["sales.target"]
        for owner in (self.team1, self.team2, self.rep1):
            failing |= self._target("win_rate", owner, value=50)
        others = self._target("won_revenue", self.team1) | self._target("won_count", self.team1)
        self._archive_other_targets(failing | others)
        progress = self.env["ir.cron.progress"].create(
            {"cron_id": self.env.ref("sales_objectives.ir_cron_sales_target_refresh").id}
        )
        Target = self.env["sales.target"].with_context(ir_cron_progress_id=progress.id)
        with (
            patch.object(self.registry["sales.kpi.engine"], "_query_win_rate", broken),
            mute_logger(ENGINE_LOGGER),
        ):
            # a pass takes the KPIs in turn, whole, 3 targets at most per call (or one
            # KPI): the failing KPI is tried once and the pass goes on
            Target._cron_refresh_actuals(batch_size=3)
            Target._cron_refresh_actuals(batch_size=3)
            self.assertEqual(progress.remaining, 0)
            self.assertTrue(all(failing.mapped("refresh_failed")))
            # the next pass starts again, and still reaches the others
            Target._cron_refresh_actuals(batch_size=3)
            Target._cron_refresh_actuals(batch_size=3)
        self.assertEqual(others.mapped("actual_value"), [3000, 2])
        self.assertTrue(all(others.mapped("refreshed_at")))
        self.assertFalse(any(failing.mapped("refreshed_at")))

    def test_13_period_close_in_each_companys_local_date(self):
        """Company B in Auckland (UTC+13 in March): at 12:00 UTC on 31 March it is
        already 1 April there, so its March targets close; company A's (Brussels) wait.
        A target whose final refresh failed stays confirmed and is retried."""
        self.company_b.resource_calendar_id.tz = "Pacific/Auckland"
        with freeze_time("2026-03-20 12:00:00"):
            target_b = self._target("won_revenue", self.team_b, value=100)
            rate_b = self._target("win_rate", self.team_b, value=100)
            target_a = self._target("won_revenue", self.team1, value=100)
            (target_b | rate_b | target_a).action_confirm()
        with (
            freeze_time("2026-03-31 12:00:00"),
            patch.object(self.registry["sales.kpi.engine"], "_query_win_rate", broken),
            mute_logger(ENGINE_LOGGER),
        ):
            self.env["sales.target"]._cron_close_ended()
        self.assertEqual(target_b.state, "closed")
        self.assertEqual(target_b.actual_value, 100)  # LB1
        self.assertEqual(rate_b.state, "confirmed")
        self.assertTrue(rate_b.refresh_failed)
        self.assertEqual(target_a.state, "confirmed")
        with freeze_time("2026-04-01 06:00:00"):
            self.env["sales.target"]._cron_close_ended()
        self.assertEqual((rate_b.state, target_a.state), ("closed", "closed"))
        self.assertFalse(rate_b.refresh_failed)

    @freeze_time("2026-04-15 12:00:00")
    def test_14_refresh_checks_access_and_hides_internal_errors(self):
        mine = self._target("win_rate", self.rep1, value=50)
        others = self._target("won_revenue", self.rep2, value=50)
        with self.assertRaises(AccessError):
            self.env["sales.target"].with_user(self.rep1).browse(others.id).action_refresh()
        self.assertFalse(others.refreshed_at)
        with (
            patch.object(self.registry["sales.kpi.engine"], "_query_win_rate", broken),
            mute_logger(ENGINE_LOGGER),
        ):
            action = mine.with_user(self.rep1).action_refresh()
            message = action["params"]["message"]
            self.assertNotIn("so_secret", message)
            self.assertIn("sales manager", message)
            manager_message = mine.with_user(self.manager).action_refresh()["params"]["message"]
            self.assertIn("so_secret", manager_message)
        with self.assertRaises(AccessError):
            self.kpi["win_rate"].with_user(self.rep1).read(["last_error"])


@tagged("post_install", "-at_install", "sales_objectives", "so_targets")
@freeze_time("2026-04-15 12:00:00")
class TestIntegrity(SalesObjectivesCase):
    def closed_team_target(self):
        target = self._target("won_revenue", self.team1, value=500)
        target.action_confirm()
        target.with_user(self.leader).action_close()
        self.assertEqual((target.state, target.actual_value), ("closed", 3000))
        return target

    def test_15_a_team_leader_cannot_move_a_target_out_of_their_teams(self):
        target = self._target("won_revenue", self.team1, value=500, date_from="2026-05-01")
        with self.assertRaises(AccessError):
            target.with_user(self.leader).write({"team_id": self.team2.id})
        self.assertEqual(target.team_id, self.team1)
        # within their teams it stays possible; a manager moves it anywhere
        target.with_user(self.manager).write({"team_id": self.team2.id})
        self.assertEqual(target.team_id, self.team2)

    def test_16_only_managers_reopen_whatever_the_path(self):
        target = self.closed_team_target()
        leader_target = target.with_user(self.leader)
        with self.assertRaises(AccessError):
            leader_target.write({"state": "confirmed"})
        with self.assertRaises(AccessError):
            leader_target.action_reopen()
        with self.assertRaises(AccessError):
            leader_target.write({"state": "draft"})
        self.assertEqual(target.state, "closed")
        target.with_user(self.manager).write({"state": "confirmed"})
        self.assertEqual(target.state, "confirmed")
        # closing goes through the end of the period, whatever the path
        running = self._target("won_revenue", self.team1, value=500, date_from="2026-04-01")
        running.action_confirm()
        with self.assertRaisesRegex(UserError, "has not ended yet"):
            running.with_user(self.leader).write({"state": "closed"})
        with self.assertRaisesRegex(UserError, "draft or confirmed"):
            self.env["sales.target"].with_user(self.leader).create(
                {
                    "kpi_id": self.kpi["won_count"].id,
                    "owner_type": "team",
                    "team_id": self.team1.id,
                    "date_from": "2026-02-01",
                    "target_value": 1,
                    "state": "closed",
                }
            )

    def test_17_nobody_but_the_engine_writes_the_figures(self):
        target = self.closed_team_target()
        with self.assertRaisesRegex(UserError, "measured from the CRM"):
            target.with_user(self.leader).write({"actual_value": 5000})
        with self.assertRaisesRegex(UserError, "measured from the CRM"):
            target.with_user(self.manager).write({"attainment": 1000, "status": "achieved"})
        self.assertEqual((target.actual_value, target.status), (3000, "achieved"))
        self.assertAlmostEqual(target.attainment, 600)
        # a closed target is read-only, even for what is not a figure
        with self.assertRaises(AccessError):
            target.with_user(self.leader).write({"note": "<p>changed</p>"})
        with self.assertRaisesRegex(UserError, "reopen it"):
            target.with_user(self.manager).write({"target_value": 10})
        draft = self._target("won_count", self.team1, value=5, date_from="2026-05-01")
        for values in ({"actual_value": 9}, {"status": "achieved"}, {"refreshed_at": "2026-04-01"}):
            with self.assertRaisesRegex(UserError, "measured from the CRM"):
                draft.with_user(self.leader).write(values)
        with self.assertRaisesRegex(UserError, "measured from the CRM"):
            self.env["sales.target"].with_user(self.leader).create(
                {
                    "kpi_id": self.kpi["won_count"].id,
                    "owner_type": "team",
                    "team_id": self.team1.id,
                    "date_from": "2026-06-01",
                    "target_value": 1,
                    "actual_value": 3,
                }
            )

    def test_18_objectives_close_only_through_their_outcome(self):
        """Rep 1 has closed 5 sales objectives, 2 achieved: 40 %. Creating one already
        achieved, or writing its state, is refused: the rate stays 40 %."""
        product = self.env["product.product"].create({"name": "SO Desk"})
        Objective = self.env["sales.objective"].with_user(self.rep1)
        values = {
            "lead_id": self.l7.id,
            "user_id": self.rep1.id,
            "statement": "Order of 3 desks signed",
            "product_id": product.id,
            "measure": "quantity",
            "target_value": 3,
            "deadline": "2026-04-30",
        }
        for state, result in [
            ("achieved", 3),
            ("achieved", 4),
            ("partly", 1),
            ("missed", 0),
            ("missed", 0),
        ]:
            objective = Objective.create(values)
            objective.action_open()
            objective._record_outcome(state, result)
        for forged in (
            {"state": "achieved"},
            {"state": "achieved", "date_closed": "2026-04-02 10:00:00"},
        ):
            with self.assertRaises(UserError):
                Objective.create(dict(values, **forged))
        sneaky = Objective.create(values)
        with self.assertRaises(UserError):
            sneaky.write({"state": "achieved"})
        with self.assertRaises(UserError):
            sneaky.write({"date_closed": "2026-04-02 10:00:00"})
        rate = self._target(
            "objective_achievement_rate", self.rep1, value=50, date_from="2026-04-01"
        )
        rate.action_refresh()
        self.assertEqual((rate.actual_value, rate.actual_sample), (40, 5))

    def test_19_the_outcome_matches_its_result(self):
        product = self.env["product.product"].create({"name": "SO Lamp"})
        objective = (
            self.env["sales.objective"]
            .with_user(self.rep1)
            .create(
                {
                    "lead_id": self.l7.id,
                    "user_id": self.rep1.id,
                    "statement": "Order of lamps signed",
                    "product_id": product.id,
                    "measure": "amount",
                    "target_value": 2000,
                    "deadline": "2026-04-30",
                }
            )
        )
        objective.action_open()
        form = Form(
            self.env["sales.objective.outcome"]
            .with_user(self.rep1)
            .with_context(default_objective_id=objective.id)
        )
        self.assertEqual((form.state, form.result_value), (False, 0))  # no outcome in advance
        form.state = "achieved"
        self.assertEqual(form.result_value, 2000)
        form.state = "partly"
        self.assertEqual(form.result_value, 0)  # the result starts again
        form.result_value = 2000
        wizard = form.save()
        with self.assertRaisesRegex(ValidationError, "reaches the target"):
            wizard.action_confirm()
        wizard.result_value = 1500
        wizard.action_confirm()
        self.assertEqual((objective.state, objective.score), ("partly", 75))
        other = objective.copy({"state": "open"})
        with self.assertRaisesRegex(ValidationError, "choose “Partly achieved”"):
            other.with_user(self.rep1)._record_outcome("achieved", 1500)

    def test_kpi_filter_on_the_user_is_explained(self):
        with self.assertRaisesRegex(ValidationError, "may not depend on the user"):
            self.env["sales.kpi"].with_user(self.manager).create(
                {"name": "Mine", "metric": "won_count", "domain": "[('user_id', '=', uid)]"}
            )
