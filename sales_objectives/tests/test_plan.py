"""Plans, with hand-worked figures: spread over periods (equal, last year's
seasonality, a ramp) with exact sums, the split over salespeople with a new one,
idempotency, a changed plan, suggestions from history, and the rollover."""

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, RecordCapturer, tagged

from odoo.addons.sales_objectives.engine.figures import allocate

from .common import MAIL_CONTEXT, SalesObjectivesCase


@tagged("post_install", "-at_install", "sales_objectives", "so_plans")
@freeze_time("2026-09-15 12:00:00")
class TestPlan(SalesObjectivesCase):
    def plan(self, horizon="quarter", date_from="2026-10-01", lines=(), **values):
        Plan = self.env["sales.target.plan"].with_user(self.manager)
        vals = {
            "team_id": self.team1.id,
            "company_id": self.company_a.id,
            "horizon": horizon,
            "date_from": date_from,
            "granularity": "month",
            "member_ids": [(0, 0, {"user_id": u.id}) for u in (self.rep1, self.rep2, self.rep4)],
            "line_ids": [(0, 0, line) for line in lines],
        }
        vals.update(values)
        return Plan.create(vals)

    def line(self, kpi, total, **values):
        return {"kpi_id": self.kpi[kpi].id, "total_value": total, **values}

    def values(self, plan, owner_type="team"):
        targets = plan.target_ids.filtered(lambda t: t.owner_type == owner_type)
        if owner_type == "team":
            return [t.target_value for t in targets.sorted("date_from")]
        return {(t.user_id, t.date_from.month): t.target_value for t in targets}

    def test_allocate_is_exact(self):
        self.assertEqual(allocate(100, [1, 1, 1], 2), [33.34, 33.33, 33.33])
        self.assertEqual(allocate(10, [1, 1, 1], 0), [4, 3, 3])
        self.assertEqual(sum(allocate(1000, [1.02**i for i in range(12)], 2)), 1000)

    def test_equal_spread_and_split(self):
        plan = self.plan(lines=[self.line("won_revenue", 10000)])
        plan.action_generate()
        # 10,000 over October-December: 3,333.34, 3,333.33, 3,333.33
        self.assertEqual(self.values(plan), [3333.34, 3333.33, 3333.33])
        # each month over 3 salespeople, adding up exactly: October 3,333.34 ->
        # 1,111.12 + 1,111.11 + 1,111.11
        parts = self.values(plan, "user")
        self.assertEqual(parts[(self.rep1, 10)], 1111.12)
        self.assertAlmostEqual(
            sum(v for (_u, month), v in parts.items() if month == 10), 3333.34, places=6
        )
        # drafts, for the team's leader to submit and a sales manager to approve
        self.assertTrue(all(t.state == "draft" for t in plan.target_ids))
        team_oct = plan.target_ids.filtered(
            lambda t: t.owner_type == "team" and t.date_from.month == 10
        )
        self.assertEqual(len(team_oct.child_ids), 3)

    def test_seasonality_from_last_year(self):
        # team 1 won in Q4 2025: L11 700 (November) and L12 1,300 (December)
        plan = self.plan(lines=[self.line("won_revenue", 10000, spread="seasonality")])
        plan.action_generate()
        self.assertEqual(self.values(plan), [0.0, 3500.0, 6500.0])

    def test_a_thin_history_is_not_followed(self):
        """A year from January 2026: team 1 won in 2025 only in November (L11 700) and
        December (L12 1,300): 2 of 12 months. Following them would put the year's
        12,000 into two months: it is spread equally (1,000 a month), and the report
        says why."""
        plan = self.plan(
            horizon="year",
            date_from="2026-01-01",
            lines=[self.line("won_revenue", 12000, spread="seasonality")],
        )
        plan.action_generate()
        self.assertEqual(self.values(plan), [1000.0] * 12)
        self.assertIn("has results in 2 of 12 periods only: spread equally", plan.last_report)

    def test_ramp(self):
        plan = self.plan(lines=[self.line("won_count", 31, spread="ramp", ramp=50)])
        plan.action_generate()
        # weights 1, 1.5, 2.25 (sum 4.75) of 31 deals: 6.53, 9.79, 14.68 -> 6, 9, 14 and
        # the 2 deals left to the largest fractions (.79, .68): 6, 10, 15
        values = self.values(plan)
        self.assertEqual(sum(values), 31)
        self.assertEqual(values, [6.0, 10.0, 15.0])

    def test_new_salesperson_gets_a_ramp_up_share(self):
        plan = self.plan(lines=[self.line("won_count", 30)], new_member_share=50)
        plan.member_ids.filtered(lambda m: m.user_id == self.rep4).is_new = True
        plan.action_generate()
        # per month 10 deals over weights 1, 1, 0.5: 4, 4, 2
        parts = self.values(plan, "user")
        self.assertEqual(
            (parts[(self.rep1, 11)], parts[(self.rep2, 11)], parts[(self.rep4, 11)]), (4, 4, 2)
        )

    def test_split_by_past_results(self):
        # last 12 months to September 30, 2026: rep 1 won L11 700 + L1 1,000 + L2 2,000
        # = 3,700; rep 2 L12 1,300 + L3 4,000 = 5,300; rep 4 nothing: half an average
        # (4,500 x 50 % = 2,250)
        plan = self.plan(lines=[self.line("won_revenue", 33750)], split_method="history")
        plan.action_generate()
        parts = self.values(plan, "user")
        # October: 11,250 x 3,700 / 11,250 = 3,700; 5,300; 2,250
        self.assertEqual(
            (parts[(self.rep1, 10)], parts[(self.rep2, 10)], parts[(self.rep4, 10)]),
            (3700.0, 5300.0, 2250.0),
        )

    def test_generate_twice_changes_nothing_and_reports_locked(self):
        plan = self.plan(lines=[self.line("won_revenue", 9000)])
        plan.action_generate()
        targets = plan.target_ids
        values = {t: (t.target_value, t.write_date) for t in targets}
        plan.action_generate()
        self.assertEqual(plan.target_ids, targets)
        self.assertEqual({t: (t.target_value, t.write_date) for t in targets}, values)
        self.assertIn("0 targets created", plan.last_report)
        self.assertIn("12 already as planned", plan.last_report)
        # a changed plan: the month left a draft is updated, the approved ones are
        # reported
        october = targets.filtered(lambda t: t.owner_type == "team" and t.date_from.month == 10)
        (targets - october).with_user(self.manager).action_confirm()
        plan.line_ids.total_value = 12000
        action = plan.action_generate()
        self.assertEqual(october.target_value, 4000)
        self.assertEqual(action["params"]["type"], "warning")
        self.assertIn("1 drafts updated", plan.last_report)
        self.assertIn("11 submitted or approved targets differ", plan.last_report)

    def test_suggest_from_history(self):
        # Q4 2025: team 1 won 2,000 (L11, L12); last 12 months (Oct 2025-Sep 2026)
        # 9,000; the 12 before: nothing -> no trend: 2,000
        plan = self.plan(lines=[self.line("won_revenue", 0), self.line("win_rate", 0)])
        plan.action_suggest()
        self.assertEqual(plan.line_ids[0].total_value, 2000)
        # win rate over the last 12 months: won L11, L12, L1, L2, L3; lost L4, L5
        self.assertAlmostEqual(plan.line_ids[1].total_value, round(100 * 5 / 7, 2))

    def test_suggest_says_what_it_did_and_why(self):
        """Each line says what was suggested from what, or why it was left as it was
        (the win rate went from 55 to 71.43 without a word)."""
        plan = self.plan(
            lines=[
                self.line("won_revenue", 0),
                self.line("win_rate", 55),
                self.line("calls_done", 12),
                self.line("objective_achievement_rate", 80),
            ]
        )
        action = plan.action_suggest()
        won, rate, calls, objectives = plan.line_ids
        self.assertEqual(
            won.suggestion,
            "$\xa02,000.00: the team's Won revenue in Q4 2025 (no trend: nothing in the 12 "
            "months before the last 12). Was $\xa00.00.",
        )
        self.assertEqual(
            rate.suggestion,
            "71.4 %: the team's Win rate over the last 12 months (10/01/2025 – 09/30/2026). "
            "Was 55.0 %.",
        )
        # no call done in Q4 2025, no objective closed in the last 12 months
        self.assertEqual(
            (calls.total_value, calls.suggestion),
            (12, "Left as it was: the team had no Calls done in Q4 2025 to start from."),
        )
        self.assertEqual(objectives.total_value, 80)
        self.assertIn("Left as it was: the team has no Objective", objectives.suggestion)
        self.assertIn("2 of 4 team totals changed", action["params"]["message"])

    def test_totals_are_checked_as_typed(self):
        with Form(self.env["sales.target.plan"].with_user(self.manager)) as form:
            form.team_id = self.team1
            form.date_from = self.day("2026-10-01")
            with form.line_ids.new() as line:
                line.kpi_id = self.kpi["won_count"]
                with self.assertLogs("odoo.tests.form.onchange", "WARNING") as logs:
                    line.total_value = -5
                self.assertIn("cannot be negative", logs.output[0])
                line.total_value = 30
        with self.assertRaisesRegex(ValidationError, "Won deals.*cannot be negative"):
            self.plan(lines=[self.line("won_count", -5)])
        with self.assertRaisesRegex(ValidationError, "at most 100 %"):
            self.plan(lines=[self.line("win_rate", 120)])
        with self.assertRaisesRegex(ValidationError, "above -100 %"):
            self.plan(lines=[self.line("won_count", 30, spread="ramp", ramp=-100)])
        with Form(self.env["sales.target.plan"].with_user(self.manager)) as form:
            form.team_id = self.team1
            with self.assertLogs("odoo.tests.form.onchange", "WARNING") as logs:
                form.new_member_share = 150
            self.assertIn("between 0 and 100 %", logs.output[0])
            form.new_member_share = 50
        plan = self.plan(lines=[self.line("won_count", 0), self.line("cycle_days", 0)])
        with self.assertRaisesRegex(UserError, "Give the team total of “Won deals”"):
            plan.action_generate()
        self.assertFalse(plan.target_ids)

    def test_the_form_shows_the_horizon_it_covers(self):
        """A year typed from 04/01/2027 is 2027: the form says 01/01/2027 at once."""
        with Form(self.env["sales.target.plan"].with_user(self.manager)) as form:
            form.team_id = self.team1
            form.horizon = "year"
            form.date_from = self.day("2027-04-01")
            self.assertEqual(
                (form.date_from, form.date_to), (self.day("2027-01-01"), self.day("2027-12-31"))
            )
            form.horizon = "quarter"
            form.date_from = self.day("2027-05-20")
            self.assertEqual(
                (form.date_from, form.date_to), (self.day("2027-04-01"), self.day("2027-06-30"))
            )
        plan = self.plan(horizon="year", date_from="2027-04-01")
        self.assertEqual(plan.date_from, self.day("2027-01-01"))
        plan.write({"horizon": "quarter", "date_from": "2027-08-15"})
        self.assertEqual(
            (plan.date_from, plan.date_to), (self.day("2027-07-01"), self.day("2027-09-30"))
        )
        plan.horizon = "year"
        self.assertEqual(plan.date_from, self.day("2027-01-01"))

    def test_a_plan_without_salespeople_says_so(self):
        plan = self.plan(lines=[self.line("won_count", 9)], member_ids=[])
        self.assertIn("No salesperson in the plan", plan.member_warning)
        plan.action_generate()
        self.assertIn("team targets only", plan.last_report)
        self.assertEqual(set(plan.target_ids.mapped("owner_type")), {"team"})
        self.assertFalse(self.plan(date_from="2027-01-01").member_warning)

    def test_the_team_leader_is_not_given_a_quota(self):
        """Choosing the team fills in its salespeople, not its leader (whose quota is
        the team's), as the split over salespeople does."""
        self.team1.member_ids = [Command.link(self.leader.id)]
        form = Form(self.env["sales.target.plan"].with_user(self.manager))
        form.team_id = self.team1
        self.assertEqual(form.save().member_ids.user_id, self.rep1 | self.rep2 | self.rep4)

    def test_rollover(self):
        plan = self.plan(lines=[self.line("won_count", 6)], recurring=True)
        plan.action_generate()
        self.env["sales.target.plan"]._cron_roll_over()
        self.assertFalse(plan.next_plan_id)  # Q4 ends in more than a month
        with freeze_time("2026-12-05 12:00:00"):
            self.env["sales.target.plan"]._cron_roll_over()
            following = plan.next_plan_id
            self.assertEqual(str(following.date_from), "2027-01-01")
            self.assertEqual(self.values(following), [2.0, 2.0, 2.0])
            self.env["sales.target.plan"]._cron_roll_over()
            self.assertEqual(
                self.env["sales.target.plan"].search_count([("team_id", "=", self.team1.id)]), 2
            )

    def test_one_message_per_salesperson_saying_what_was_set(self):
        """Generating a 2-KPI quarter plan makes 6 targets per salesperson: each one gets
        one message listing them (in their language), not one "You have been assigned"
        mail per target; generating again says nothing."""
        self.env["res.lang"]._activate_lang("nl_NL")
        self.rep1.lang = "nl_NL"
        plan = self.plan(
            lines=[self.line("won_revenue", 10000), self.line("won_count", 9)]
        ).with_context(**MAIL_CONTEXT)
        reps = self.rep1 | self.rep2 | self.rep4
        with RecordCapturer(self.env["mail.message"], []) as capture:
            plan.action_generate()
        for rep in reps:
            received = capture.records.filtered(lambda m, rep=rep: rep.partner_id in m.partner_ids)
            self.assertEqual(len(received), 1, rep.name)
            self.assertEqual(received.author_id, self.manager.partner_id)
            self.assertEqual(received.body.count("<li>"), 6)
        self.assertFalse(
            capture.records.filtered(lambda m: "You have been assigned" in (m.subject or ""))
        )
        # rep 1 reads it in Dutch: 1.111,12 (October's won revenue), "okt 2026"
        body = capture.records.filtered(lambda m: self.rep1.partner_id in m.partner_ids).body
        self.assertIn("1.111,12", body)
        self.assertIn("okt", body)
        with RecordCapturer(self.env["mail.message"], []) as capture:
            plan.action_generate()
        self.assertFalse(capture.records.filtered("partner_ids"))

    def test_rights(self):
        plan = self.plan(lines=[self.line("won_count", 6)])
        self.assertEqual(plan.with_user(self.rep1).name, plan.name)
        with self.assertRaises(AccessError):
            plan.with_user(self.leader).action_generate()
        with self.assertRaises(AccessError):
            plan.with_user(self.rep3).read(["name"])
