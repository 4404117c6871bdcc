"""Objectives on calls, meetings and opportunities: SMART rules, the activity ->
outcome flow, the two objective KPIs, rights and bad input."""

from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, HttpCase, new_test_user, tagged

from .common import SalesObjectivesCase


class ObjectivesCase(SalesObjectivesCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product = cls.env["product.product"].create({"name": "SO Licence", "list_price": 100})
        cls.call = cls.env.ref("mail.mail_activity_data_call")
        cls.meeting = cls.env.ref("mail.mail_activity_data_meeting")
        cls.email = cls.env.ref("mail.mail_activity_data_email")
        # an open opportunity of rep 1 worth 10000, expected to close on March 25
        cls.lead = cls.l7

    def objective(self, **values):
        vals = {
            "lead_id": self.lead.id,
            "user_id": self.rep1.id,
            "objective_type": "sales",
            "statement": "Order of 20 licences signed",
            "product_id": self.product.id,
            "measure": "amount",
            "target_value": 2000,
            "deadline": "2026-03-20",
        }
        vals.update(values)
        return self.env["sales.objective"].create(vals)

    def schedule(self, user, activity_type=None, lead=None, **objective):
        """What the "schedule activity" dialog saves."""
        vals = {
            "res_model_id": self.env["ir.model"]._get_id("crm.lead"),
            "res_id": (lead or self.lead).id,
            "activity_type_id": (activity_type or self.call).id,
            "summary": "Call about the licences",
            "date_deadline": "2026-03-18",
            "user_id": user.id,
        }
        vals.update({f"so_{key}": value for key, value in objective.items()})
        return self.env["mail.activity"].with_user(user).create(vals)

    def schedule_sales_call(self, user, **objective):
        """A call with a SMART sales objective: 4,000 of licences (overridable)."""
        values = {
            "objective_type": "sales",
            "statement": "Order of 20 licences signed",
            "product_id": self.product.id,
            "measure": "amount",
            "target_value": 4000,
            **objective,
        }
        return self.schedule(user, **values)


@tagged("post_install", "-at_install", "sales_objectives", "so_objectives")
@freeze_time("2026-03-16 12:00:00")
class TestSmart(ObjectivesCase):
    def smart(self, objective):
        return (
            objective.smart_specific,
            objective.smart_measurable,
            objective.smart_achievable,
            objective.smart_relevant,
            objective.smart_timebound,
        )

    def test_smart_objective(self):
        objective = self.objective()
        self.assertEqual(self.smart(objective), (True,) * 5)
        self.assertTrue(objective.is_smart)
        self.assertEqual(
            objective.smart_message, "Specific, measurable, achievable, relevant and time-bound."
        )

    def test_ticks_show_the_parts_that_apply_once_each(self):
        """One tick per part, each a closed element (an <i/> read by the browser as an
        opening tag nested every following part in the icon's font: doubled ticks in a
        serif font); a relationship objective is specific, relevant and time-bound."""
        html = str(self.objective().smart_html)
        self.assertEqual(html.count('class="o_sales_objective_smart_part'), 5)
        self.assertEqual(html.count("<i "), html.count("</i>"))
        self.assertNotIn("/>", html)
        relationship = self.objective(
            objective_type="relationship",
            product_id=False,
            statement="Meet the new IT manager",
        )
        html = str(relationship.smart_html)
        self.assertEqual(html.count('class="o_sales_objective_smart_part'), 3)
        for part in ("Specific", "Relevant", "Time-bound"):
            self.assertIn(part, html)
        for part in ("Measurable", "Achievable"):
            self.assertNotIn(part, html)
        self.assertEqual(relationship.smart_message, "Specific, relevant and time-bound.")

    def test_specific(self):
        form = Form(self.env["sales.objective"].with_context(default_lead_id=self.lead.id))
        form.statement = "Order"
        self.assertFalse(form.smart_specific)
        self.assertIn("say in a few words what the call should win", form.smart_message)
        form.statement = "Order of 20 licences"
        self.assertFalse(form.smart_specific)
        self.assertIn("name the product or service", form.smart_message)
        form.product_id = self.product
        self.assertTrue(form.smart_specific)
        form.product_id = self.env["product.product"]
        form.product_categ_id = self.product.categ_id
        self.assertTrue(form.smart_specific)  # a kind of product or service will do
        form.product_categ_id = self.env["product.category"]
        form.objective_type = "relationship"
        self.assertTrue(form.smart_specific)  # a relationship objective names no product

    def test_measurable(self):
        objective = self.objective(target_value=0, state="draft")
        self.assertFalse(objective.smart_measurable)
        self.assertIn("give the value to reach", objective.smart_message)
        objective.measure = "commitment"
        self.assertTrue(objective.smart_measurable)
        objective.write({"measure": "quantity", "target_value": 20})
        self.assertTrue(objective.smart_measurable)

    def test_achievable_is_a_warning(self):
        # more than the opportunity's expected revenue (10000)
        objective = self.objective(target_value=12000)
        self.assertFalse(objective.smart_achievable)
        self.assertIn("more than the opportunity's expected revenue", objective.smart_message)
        self.assertEqual(objective.state, "draft")
        objective.action_open()  # only a warning: it opens
        self.assertEqual(objective.state, "open")
        # rep 1's average won deal of the last 12 months: L11 700, L1 1000 -> 850;
        # 3 x 850 = 2550 (L2, dated March 31, is not in the past yet)
        self.assertTrue(self.objective(target_value=2550).smart_achievable)
        objective = self.objective(target_value=2600)
        self.assertFalse(objective.smart_achievable)
        self.assertIn("3 times your average won deal", objective.smart_message)

    def test_achievable_uses_the_reps_deals_in_the_companys_currency(self):
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

    def test_relevant(self):
        objective = self.objective()
        self.assertTrue(objective.smart_relevant)
        form = Form(self.env["sales.objective"])
        self.assertFalse(form.smart_relevant)
        self.assertIn("link the objective to an opportunity", form.smart_message)

    def test_time_bound(self):
        objective = self.objective(deadline=False)
        self.assertFalse(objective.smart_timebound)
        self.assertIn("set a deadline", objective.smart_message)
        # after the opportunity's expected closing (March 25): time-bound, with a warning
        objective.deadline = "2026-03-30"
        self.assertTrue(objective.smart_timebound)
        self.assertIn("after the opportunity's expected closing", objective.smart_message)

    def test_sales_objective_opens_only_when_specific_measurable_time_bound(self):
        objective = self.objective(product_id=False, target_value=0, deadline=False)
        with self.assertRaisesRegex(ValidationError, "cannot be opened or closed yet") as caught:
            objective.action_open()
        message = str(caught.exception)
        for part in ("name the product or service", "give the value to reach", "set a deadline"):
            self.assertIn(part, message)
        self.assertEqual(objective.state, "draft")
        relationship = self.objective(
            objective_type="relationship",
            product_id=False,
            target_value=0,
            deadline=False,
            measure="commitment",
            statement="Meet the new IT manager",
        )
        relationship.action_open()
        self.assertEqual(relationship.state, "open")
        self.assertFalse(relationship.is_smart)


@tagged("post_install", "-at_install", "sales_objectives", "so_objectives")
@freeze_time("2026-03-16 12:00:00")
class TestActivityFlow(ObjectivesCase):
    def test_schedule_with_objective_then_done_with_outcome(self):
        activity = self.schedule_sales_call(self.rep1)
        objective = activity.sales_objective_id
        self.assertEqual(
            (objective.state, objective.lead_id, objective.user_id, objective.partner_id),
            ("open", self.lead, self.rep1, self.lead.partner_id),
        )
        # the deadline defaults to the activity's date
        self.assertEqual(objective.deadline, self.day("2026-03-18"))
        self.assertEqual(activity.so_statement, "Order of 20 licences signed")
        self.assertFalse(self.lead.so_next_call_without_objective)
        self.assertEqual(self.lead.so_objective_open_count, 1)

        messages = (
            activity.with_user(self.rep1)
            .with_context(sales_objective_outcome={"state": "partly", "result_value": 3000})
            .action_feedback(feedback="They sign 15 now, 5 in June.")
        )
        self.assertFalse(activity.exists())
        self.assertEqual(objective.state, "partly")
        self.assertEqual(objective.result_value, 3000)
        self.assertAlmostEqual(objective.score, 75)
        # the closing moment, set by the server
        self.assertEqual(objective.date_closed, self.moment("2026-03-16 12:00:00"))
        self.assertEqual(objective.outcome_note, "They sign 15 now, 5 in June.")
        # nothing is lost when the activity goes
        self.assertEqual(
            (objective.activity_type_id, objective.activity_summary, objective.activity_date),
            (self.call, "Call about the licences", self.day("2026-03-18")),
        )
        self.assertTrue(objective.done_message_id)
        self.assertEqual(objective.done_message_id.mail_activity_type_id, self.call)
        self.assertTrue(messages)
        # the outcome is in the opportunity's chatter
        logged = self.lead.message_ids.filtered(
            lambda m: "Order of 20 licences signed" in (m.body or "")
        )
        self.assertTrue(logged)
        self.assertIn("Partly achieved", logged[0].body)

    def test_schedule_dialog_of_the_chatter(self):
        """The chatter's "Schedule Activity" dialog (mail.activity.schedule)."""
        wizard = Form(
            self.env["mail.activity.schedule"]
            .with_user(self.rep1)
            .with_context(active_model="crm.lead", active_ids=self.lead.ids)
        )
        wizard.activity_type_id = self.call
        wizard.date_deadline = self.day("2026-03-18")
        wizard.so_objective_type = "sales"
        wizard.so_statement = "Order of 20 licences signed"
        self.assertIn("name the product or service", wizard.so_smart_message)
        wizard.so_product_id = self.product
        wizard.so_target_value = 4000
        # rep 1's average won deal is 850: 4000 is a lot (a warning)
        self.assertIn("3 times your average won deal", wizard.so_smart_message)
        wizard.so_target_value = 2000
        self.assertEqual(wizard.so_deadline, self.day("2026-03-18"))
        self.assertEqual(
            wizard.so_smart_message, "Specific, measurable, achievable, relevant and time-bound."
        )
        wizard.save().action_schedule_activities()
        objective = self.lead.activity_ids.sales_objective_id
        self.assertEqual((objective.state, objective.target_value), ("open", 2000))
        # a call logged at once, with its outcome ("Schedule & Mark as Done")
        wizard = Form(
            self.env["mail.activity.schedule"]
            .with_user(self.rep1)
            .with_context(active_model="crm.lead", active_ids=self.l8.ids)
        )
        wizard.activity_type_id = self.call
        wizard.so_objective_type = "sales"
        wizard.so_statement = "Trial of 2 licences accepted"
        wizard.so_product_id = self.product
        wizard.so_measure = "commitment"
        wizard.so_outcome_state = "missed"
        wizard.save().action_schedule_activities_done()
        logged = self.l8.sales_objective_ids
        self.assertEqual(
            (logged.state, logged.score, logged.activity_type_id), ("missed", 0, self.call)
        )
        self.assertFalse(self.l8.activity_ids)

    def test_done_and_schedule_next_still_offered(self):
        activity = self.schedule(
            self.rep1,
            objective_type="sales",
            statement="Trial of 2 licences accepted",
            product_id=self.product.id,
            measure="commitment",
        )
        objective = activity.sales_objective_id
        action = (
            activity.with_user(self.rep1)
            .with_context(sales_objective_outcome={"state": "achieved"})
            .action_feedback_schedule_next(feedback="Trial starts Monday")
        )
        self.assertEqual(action["res_model"], "mail.activity")
        self.assertEqual((objective.state, objective.score), ("achieved", 100))

    def test_dialog_buttons_pass_the_outcome(self):
        """The "Mark as Done" buttons of the activity dialog send the outcome chosen in
        it (the dialog's outcome fields) in their context."""
        arch = self.env.ref("mail.mail_activity_view_form_popup")._get_combined_arch()
        for button in ("action_done", "action_done_schedule_next"):
            self.assertIn(
                "sales_objective_outcome",
                arch.xpath(f"//button[@name='{button}']")[0].get("context"),
            )
        activity = self.schedule_sales_call(self.rep1, measure="quantity", target_value=20)
        objective = activity.sales_objective_id
        activity.with_user(self.rep1).with_context(
            sales_objective_outcome={"state": "achieved", "result_value": 22}
        ).action_done()
        self.assertEqual(
            (objective.state, objective.result_value, objective.score), ("achieved", 22, 110)
        )

    def test_a_result_a_hundred_times_the_target_is_refused(self):
        """A call aiming at 20 licences, achieved with 1e15 (a typo): refused, the
        call stays to do, the objective open; 2,000 (100 times) is still a result."""
        activity = self.schedule_sales_call(self.rep1, measure="quantity", target_value=20)
        objective = activity.sales_objective_id
        with self.assertRaisesRegex(ValidationError, "more than 100 times the target"):
            activity.with_user(self.rep1).with_context(
                sales_objective_outcome={"state": "achieved", "result_value": 1e15}
            ).action_done()
        self.assertEqual(objective.state, "open")
        self.assertTrue(activity.exists())
        activity.with_user(self.rep1).with_context(
            sales_objective_outcome={"state": "achieved", "result_value": 2000}
        ).action_done()
        self.assertEqual((objective.state, objective.result_value), ("achieved", 2000))

    def test_done_without_outcome_keeps_the_objective_open(self):
        activity = self.schedule_sales_call(self.rep1)
        objective = activity.sales_objective_id
        activity.with_user(self.rep1).action_feedback(feedback="Call back next week")
        self.assertEqual(objective.state, "open")
        self.assertEqual(objective.activity_type_id, self.call)
        self.assertTrue(objective.done_message_id)
        wizard = Form(
            self.env["sales.objective.outcome"].with_context(default_objective_id=objective.id)
        )
        wizard.state = "missed"
        self.assertEqual(wizard.result_value, 0)
        wizard.note = "Went with a competitor"
        wizard.save().action_confirm()
        self.assertEqual(
            (objective.state, objective.outcome_note), ("missed", "Went with a competitor")
        )

    def test_the_outcome_has_no_default(self):
        """Pressing Record without a choice records nothing (it used to record success)."""
        objective = self.objective()
        objective.action_open()
        action = objective.with_user(self.rep1).action_record_outcome()
        wizard = Form(
            self.env[action["res_model"]].with_user(self.rep1).with_context(**action["context"])
        )
        self.assertFalse(wizard.state)
        self.assertEqual(wizard.result_value, 0)
        with self.assertRaisesRegex(AssertionError, "state"):  # the dialog requires it
            wizard.save()
        unanswered = (
            self.env["sales.objective.outcome"]
            .with_user(self.rep1)
            .create({"objective_id": objective.id})
        )
        with self.assertRaisesRegex(UserError, "Choose the outcome"):
            unanswered.action_confirm()
        self.assertEqual(objective.state, "open")

    @freeze_time("2026-04-15 12:00:00")
    def test_the_outcome_matches_its_result(self):
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

    def test_a_relationship_objective_is_achieved_or_missed(self):
        """A yes/no outcome: no "Partly achieved", whatever the path."""
        objective = self.objective(
            objective_type="relationship",
            product_id=False,
            statement="Meet the new IT manager",
        )
        objective.action_open()
        wizard = Form(
            self.env["sales.objective.outcome"]
            .with_user(self.rep1)
            .with_context(default_objective_id=objective.id)
        )
        Wizard = self.env["sales.objective.outcome"]
        self.assertEqual(
            [key for key, _label in Wizard._fields["yes_no_state"].selection],
            ["achieved", "missed"],
        )
        self.assertFalse(wizard.yes_no_state)
        with self.assertRaisesRegex(UserError, "achieved or missed"):
            objective.with_user(self.rep1)._record_outcome("partly")
        activity = self.schedule(
            self.rep1,
            objective_type="relationship",
            statement="Meet the new IT manager",
            measure="commitment",
        )
        with self.assertRaisesRegex(UserError, "achieved or missed"):
            activity.with_user(self.rep1).with_context(
                sales_objective_outcome={"state": "partly"}
            ).action_done()
        self.assertEqual(activity.sales_objective_id.state, "open")
        wizard.yes_no_state = "achieved"
        wizard.save().action_confirm()
        self.assertEqual((objective.state, objective.score), ("achieved", 100))
        # the dialogs of an activity offer the same two answers for it
        for model in ("mail.activity", "mail.activity.schedule"):
            self.assertEqual(
                [key for key, _label in self.env[model]._fields["so_outcome_yes_no"].selection],
                ["achieved", "missed"],
            )

    def test_activity_deleted_before_done(self):
        activity = self.schedule(
            self.rep1,
            objective_type="relationship",
            statement="Meet the new IT manager",
            measure="commitment",
        )
        objective = activity.sales_objective_id
        activity.unlink()
        self.assertTrue(objective.exists())
        self.assertFalse(objective.activity_id)
        self.assertEqual(objective.activity_summary, "Call about the licences")
        self.assertEqual(objective.activity_date, self.day("2026-03-18"))

    def test_changing_or_removing_the_objective_in_the_dialog(self):
        activity = self.schedule_sales_call(self.rep1)
        objective = activity.sales_objective_id
        activity.write({"so_target_value": 5000, "date_deadline": "2026-03-19"})
        self.assertEqual(objective.target_value, 5000)
        self.assertEqual(objective.activity_date, self.day("2026-03-19"))
        activity.so_objective_type = "none"
        self.assertFalse(objective.exists())

    def test_scheduling_an_incomplete_sales_objective_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "name the product or service"):
            self.schedule(
                self.rep1,
                objective_type="sales",
                statement="Order of 20 licences signed",
                measure="amount",
                target_value=4000,
            )
        self.assertFalse(self.lead.activity_ids)

    def test_next_call_without_objective(self):
        self.assertFalse(self.lead.so_next_call_without_objective)
        first = self.schedule(self.rep1)  # no objective
        later = self.schedule(
            self.rep1,
            objective_type="relationship",
            statement="Meet the new IT manager",
            measure="commitment",
        )
        later.date_deadline = "2026-03-25"
        self.assertTrue(self.lead.so_next_call_without_objective)
        Lead = self.env["crm.lead"]
        self.assertIn(self.lead, Lead.search([("so_next_call_without_objective", "=", True)]))
        first.unlink()
        self.lead.invalidate_recordset(["so_next_call_without_objective"])
        self.assertFalse(self.lead.so_next_call_without_objective)
        self.assertNotIn(self.lead, Lead.search([("so_next_call_without_objective", "=", True)]))
        # an e-mail is not a call
        self.schedule(self.rep1, activity_type=self.email)
        self.lead.invalidate_recordset(["so_next_call_without_objective"])
        self.assertFalse(self.lead.so_next_call_without_objective)

    def test_qualification_checklist(self):
        lead = self.lead
        self.assertEqual(lead.so_qualification_score, 0)
        lead.write(
            {
                "so_decision_maker_confirmed": True,
                "so_decision_maker_id": self.p1a.id,
                "so_budget_known": True,
            }
        )
        self.assertEqual(lead.so_qualification_score, 50)
        late = self.env["crm.stage"].create({"name": "SO Late", "so_requires_qualification": True})
        Lead = self.env["crm.lead"]
        domain = [
            ("so_qualification_score", "<", 100),
            ("stage_id.so_requires_qualification", "=", True),
        ]
        self.assertNotIn(lead, Lead.search(domain))
        lead.stage_id = late
        self.assertIn(lead, Lead.search(domain))
        lead.write({"so_timeframe_known": True, "so_demo_done": True})
        self.assertEqual(lead.so_qualification_score, 100)
        self.assertNotIn(lead, Lead.search(domain))


@tagged("post_install", "-at_install", "sales_objectives", "so_objectives")
class TestObjectiveKpis(ObjectivesCase):
    def close(self, day, state, **values):
        with freeze_time(f"{day} 12:00:00"):
            objective = self.objective(deadline=day, **values)
            objective.action_open()
            objective._record_outcome(state)
        return objective

    def test_objective_achievement_rate(self):
        """March: rep 1 closes 3 sales objectives (achieved, partly, missed) and one
        relationship objective (not counted); rep 2 achieves one; rep 1 achieves one in
        April. Rep 1: 1 / 3; team 1: 2 / 4."""
        self.close("2026-03-05", "achieved")
        self.close("2026-03-10", "partly")
        self.close("2026-03-31", "missed")
        self.close("2026-03-12", "achieved", objective_type="relationship", product_id=False)
        self.close("2026-03-20", "achieved", user_id=self.rep2.id, lead_id=self.l10.id)
        self.close("2026-04-02", "achieved")
        with freeze_time("2026-04-15 12:00:00"):
            rep = self._target("objective_achievement_rate", self.rep1, value=50)
            team = self._target("objective_achievement_rate", self.team1, value=50)
            (rep | team).action_refresh()
        self.assertAlmostEqual(rep.actual_value, 100 / 3)
        self.assertEqual(rep.actual_sample, 3)  # records measured: three closed objectives
        self.assertAlmostEqual(team.actual_value, 50)
        records = self.env["sales.objective"].search(rep.action_open_records()["domain"])
        self.assertEqual(len(records), 3)

    def test_smart_coverage(self):
        """Rep 1 marks done in March: two calls with SMART sales objectives, one meeting
        with a relationship objective, one call without objective, and an e-mail (not a
        call); common.py already has a call (March 5) and a meeting (March 6) of rep 1
        without objective. 2 of the 6 calls and meetings had a SMART sales objective."""
        with freeze_time("2026-03-10 09:00:00"):
            done = self.env["mail.activity"]
            done |= self.schedule_sales_call(self.rep1, target_value=2000)
            done |= self.schedule_sales_call(
                self.rep1,
                statement="Trial of 2 licences accepted",
                measure="commitment",
                target_value=0,
                lead=self.l8,
            )
            done |= self.schedule(
                self.rep1,
                activity_type=self.meeting,
                objective_type="relationship",
                statement="Meet the new IT manager",
                measure="commitment",
            )
            done |= self.schedule(self.rep1)
            done |= self.schedule(self.rep1, activity_type=self.email)
            done.with_user(self.rep1).action_feedback(feedback="done")
        with freeze_time("2026-04-15 12:00:00"):
            kpi = self.env["sales.kpi"].create({"name": "SMART calls", "metric": "smart_coverage"})
            rep = self._target(kpi, self.rep1, value=80)
            rep.action_refresh()
        self.assertAlmostEqual(rep.actual_value, 100 / 3)
        self.assertEqual(rep.status, "behind")

    def test_objectives_are_dated_in_the_companys_time_zone(self):
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


@tagged("post_install", "-at_install", "sales_objectives", "so_objectives")
@freeze_time("2026-03-16 12:00:00")
class TestObjectiveRightsAndBadInput(ObjectivesCase):
    def test_salespeople_manage_their_own_and_read_their_team(self):
        mine = self.objective().with_user(self.rep1)
        mine.write({"target_value": 2500})
        created = (
            self.env["sales.objective"]
            .with_user(self.rep2)
            .create(
                {
                    "lead_id": self.l10.id,
                    "user_id": self.rep2.id,
                    "statement": "Pricing call planned",
                    "objective_type": "relationship",
                    "measure": "commitment",
                }
            )
        )
        # rep 2 reads rep 1's (same team) but cannot change it: the form offers nothing
        self.assertEqual(mine.with_user(self.rep2).statement, "Order of 20 licences signed")
        self.assertTrue(mine.can_edit)
        self.assertFalse(mine.with_user(self.rep2).can_edit)
        self.assertTrue(mine.with_user(self.manager).can_edit)
        with self.assertRaises(AccessError):
            mine.with_user(self.rep2).write({"target_value": 1})
        with self.assertRaises(AccessError):
            self.env["sales.objective"].with_user(self.rep2).create(
                {
                    "lead_id": self.l10.id,
                    "user_id": self.rep1.id,
                    "statement": "On behalf of rep one",
                    "objective_type": "relationship",
                    "measure": "commitment",
                }
            )
        # rep 3 (team 2) sees neither
        with self.assertRaises(AccessError):
            mine.with_user(self.rep3).read(["statement"])
        self.assertFalse(
            self.env["sales.objective"]
            .with_user(self.rep3)
            .search([("id", "in", (mine | created).ids)])
        )
        # the manager changes anything; company B's manager sees nothing of company A
        mine.with_user(self.manager).write({"target_value": 3000})
        with self.assertRaises(AccessError):
            mine.with_user(self.manager_b).read(["statement"])

    def test_bad_input(self):
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self.objective(target_value=-1)
        with self.assertRaisesRegex(ValidationError, "is before the objective was set"):
            self.objective(deadline="2026-03-01")
        objective = self.objective()
        objective.action_cancel()
        with self.assertRaisesRegex(UserError, "cancelled"):
            objective._record_outcome("achieved", 100)
        with self.assertRaisesRegex(UserError, "cancelled objective has no result"):
            objective.result_value = 50
        with self.assertRaises(UserError):  # lead of company B, objective of company A
            self.objective(lead_id=self.lb1.id, company_id=self.company_a.id, user_id=self.rep_b.id)
        open_objective = self.objective()
        open_objective.action_open()
        with self.assertRaisesRegex(UserError, "achieved, partly achieved or missed"):
            open_objective._record_outcome("won")
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            open_objective._record_outcome("partly", -5)

    @freeze_time("2026-04-15 12:00:00")
    def test_objectives_close_only_through_their_outcome(self):
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


@tagged("post_install", "-at_install", "sales_objectives", "so_objectives")
@freeze_time("2026-03-16 12:00:00")
class TestObjectiveHistory(ObjectivesCase):
    """A closed objective is history: its outcome counts in the achievement rate and
    the digest. Only a sales manager deletes it, with a reason posted on the
    opportunity; nobody else, by any path (the opportunity's tab, the API, the
    opportunity's deletion or merge, a cancel, a reopen, an edit)."""

    def closed(self, state="achieved", **values):
        objective = self.objective(**values)
        objective.action_open()
        objective._record_outcome(state, 2000 if state == "achieved" else 0)
        return objective

    def delete_with_reason(self, user, objectives, reason):
        wizard = Form(
            self.env["sales.objective.delete"]
            .with_user(user)
            .with_context(active_model="sales.objective", active_ids=objectives.ids)
        )
        wizard.reason = reason
        return wizard.save().action_confirm()

    def test_salesperson_cannot_delete_a_closed_objective_by_any_path(self):
        objective = self.closed()
        lead = self.lead.with_user(self.rep1)
        with self.assertRaisesRegex(UserError, "only a sales manager can delete it"):
            objective.with_user(self.rep1).unlink()
        # the trash icon of the opportunity's Objectives tab: a write of the one2many
        with self.assertRaisesRegex(UserError, "only a sales manager can delete it"):
            lead.write({"sales_objective_ids": [Command.delete(objective.id)]})
        # deleting the opportunity would take its closed objectives with it: Odoo lets
        # only sales managers delete opportunities, and where a company lets salespeople
        # do it too, not one with closed objectives
        with self.assertRaises(AccessError):
            lead.unlink()
        deleters = self.env["res.groups"].create({"name": "SO lead deleters"})
        self.env["ir.model.access"].create(
            {
                "name": "SO delete leads",
                "model_id": self.env["ir.model"]._get_id("crm.lead"),
                "group_id": deleters.id,
                "perm_read": True,
                "perm_unlink": True,
            }
        )
        self.rep1.groups_id = [Command.link(deleters.id)]
        with self.assertRaisesRegex(UserError, "archive it"):
            lead.unlink()
        # closing it another way, reopening it, changing it
        with self.assertRaisesRegex(UserError, "keeps its outcome"):
            objective.with_user(self.rep1).action_cancel()
        with self.assertRaisesRegex(UserError, "keeps its outcome"):
            objective.with_user(self.rep1).write({"state": "cancelled"})
        with self.assertRaisesRegex(UserError, "keeps its outcome"):
            objective.with_user(self.rep1).write({"target_value": 100})
        with self.assertRaisesRegex(AccessError, "sales manager"):
            objective.with_user(self.rep1).action_reset()
        # nor with the wizard, which is the sales managers'
        with self.assertRaises(AccessError):
            self.delete_with_reason(self.rep1, objective, "Mine")
        with self.assertRaises(AccessError):
            self.delete_with_reason(self.leader, objective, "My team's")
        self.assertTrue(objective.exists())
        self.assertEqual(
            (objective.state, objective.target_value, objective.result_value),
            ("achieved", 2000, 2000),
        )
        self.assertTrue(self.lead.exists())

    def test_manager_deletes_a_closed_objective_only_with_a_reason(self):
        achieved, missed = self.closed(), self.closed("missed")
        with self.assertRaisesRegex(UserError, "give the reason"):
            achieved.with_user(self.manager).unlink()
        with self.assertRaisesRegex(UserError, "give the reason"):
            self.lead.with_user(self.manager).write(
                {"sales_objective_ids": [Command.delete(achieved.id)]}
            )
        wizard = Form(
            self.env["sales.objective.delete"]
            .with_user(self.manager)
            .with_context(active_model="sales.objective", active_ids=achieved.ids)
        )
        with self.assertRaises(AssertionError):  # the reason is required
            wizard.save()
        self.delete_with_reason(self.manager, achieved | missed, "Entered twice by mistake")
        self.assertFalse((achieved | missed).exists())
        note = self.lead.message_ids.filtered(
            lambda m: "Entered twice by mistake" in (m.body or "")
        )
        self.assertEqual(len(note), 1)
        self.assertIn("Order of 20 licences signed", note.body)
        self.assertEqual(note.author_id, self.manager.partner_id)

    def test_manager_reopens_a_closed_objective(self):
        objective = self.closed()
        objective.with_user(self.manager).action_reset()
        self.assertEqual((objective.state, objective.result_value), ("open", 0))

    def test_open_objectives_are_not_history(self):
        # a draft, open or cancelled objective has no outcome: its owner deletes it
        draft = self.objective()
        opened = self.objective()
        opened.action_open()
        cancelled = self.objective()
        cancelled.action_cancel()
        (draft | opened | cancelled).with_user(self.rep1).unlink()
        self.assertFalse((draft | opened | cancelled).exists())
        # an opportunity without closed objectives is deleted as usual (by a sales
        # manager), with its open objectives
        opened = self.objective(lead_id=self.l8.id)
        self.l8.with_user(self.manager).unlink()
        self.assertFalse(opened.exists())

    def test_manager_deletes_an_opportunity_with_its_history(self):
        objective = self.closed()
        self.lead.with_user(self.manager).unlink()
        self.assertFalse(objective.exists())

    def test_merged_opportunities_keep_their_objectives(self):
        # L8 (60 %) is surer than L7 (30 %): L7 is merged into L8
        objective = self.closed()
        merged = (self.lead | self.l8).with_user(self.rep1).merge_opportunity()
        self.assertEqual(merged, self.l8)
        self.assertFalse(self.lead.exists())
        self.assertTrue(objective.exists())
        self.assertEqual(objective.lead_id, self.l8)
        self.assertEqual(objective.state, "achieved")

    def test_the_done_call_of_a_closed_objective_stays(self):
        activity = self.schedule_sales_call(self.rep1)
        objective = activity.sales_objective_id
        activity.with_user(self.rep1).with_context(
            sales_objective_outcome={"state": "achieved", "result_value": 4000}
        ).action_done()
        message = objective.done_message_id
        self.assertTrue(message)
        with self.assertRaisesRegex(UserError, "only a sales manager"):
            message.with_user(self.rep1).unlink()
        self.assertTrue(message.exists())


@tagged("post_install", "-at_install", "sales_objectives", "so_objectives", "so_tours")
class TestObjectiveTour(HttpCase):
    def test_call_objective_tour(self):
        """A salesperson's flow in Chromium: schedule a call with a SMART objective on an
        opportunity, mark it done with its outcome, see the outcome on the opportunity."""
        rep = new_test_user(
            self.env,
            login="so_tour_rep",
            groups="sales_team.group_sale_salesman",
            name="Tour Rep",
        )
        self.env["product.product"].create({"name": "SO Tour Licence"})
        lead = self.env["crm.lead"].create(
            {
                "name": "SO Tour Opportunity",
                "type": "opportunity",
                "user_id": rep.id,
                "expected_revenue": 10000,
            }
        )
        self.start_tour("/odoo/crm", "sales_objectives_call_objective_tour", login="so_tour_rep")
        objective = lead.sales_objective_ids
        self.assertEqual(len(objective), 1)
        self.assertEqual(
            (objective.state, objective.result_value, objective.product_id.name),
            ("achieved", 4500, "SO Tour Licence"),
        )
        self.assertEqual(objective.outcome_note, "They signed for 22 licences.")
        self.assertEqual(objective.activity_type_id, self.env.ref("mail.mail_activity_data_call"))

    def test_objective_screens(self):
        """A sales manager in Chromium: single SMART ticks, no outcome chosen in advance,
        Delete with a reason on a closed objective (the reason lands on the
        opportunity), no trash icon on the Objectives tab, and a relationship call
        marked done as achieved or missed only."""
        manager = new_test_user(
            self.env,
            login="so_rules_objectives",
            groups="sales_team.group_sale_manager",
            name="SO Rules Manager",
        )
        product = self.env["product.product"].create({"name": "SO Rules Chair"})
        lead = self.env["crm.lead"].create(
            {
                "name": "SO Rules Objectives Deal",
                "type": "opportunity",
                "user_id": manager.id,
                "expected_revenue": 10000,
            }
        )
        today = fields.Date.context_today(lead)
        objective = self.env["sales.objective"].create(
            {
                "lead_id": lead.id,
                "user_id": manager.id,
                "statement": "Order of 12 chairs signed",
                "product_id": product.id,
                "measure": "amount",
                "target_value": 1200,
                "deadline": today + timedelta(days=7),
            }
        )
        objective.action_open()
        self.env["mail.activity"].create(
            {
                "res_model_id": self.env["ir.model"]._get_id("crm.lead"),
                "res_id": lead.id,
                "activity_type_id": self.env.ref("mail.mail_activity_data_call").id,
                "summary": "Meet the buyer call",
                "date_deadline": today,
                "user_id": manager.id,
                "so_objective_type": "relationship",
                "so_statement": "Meet the buyer",
            }
        )
        self.start_tour(
            "/odoo/action-sales_objectives.sales_objective_action",
            "sales_objectives_rules_objective_tour",
            login="so_rules_objectives",
        )
        self.assertFalse(objective.exists())
        self.assertEqual(lead.sales_objective_ids.mapped("state"), ["achieved"])

    def test_done_without_outcome_and_twice(self):
        """A salesperson marks a call done without choosing an outcome: the call is
        done, its objective stays open (recorded later). Another call, achieved, is
        marked done with a double click: done once, no error."""
        rep = new_test_user(
            self.env,
            login="so_done_twice",
            groups="sales_team.group_sale_salesman",
            name="SO Done Twice Rep",
        )
        lead = self.env["crm.lead"].create(
            {
                "name": "SO Done Twice Deal",
                "type": "opportunity",
                "user_id": rep.id,
                "expected_revenue": 10000,
            }
        )
        today = fields.Date.context_today(lead)
        Activity = self.env["mail.activity"]
        for summary, statement in (
            ("First call", "Meet the buyer"),
            ("Second call", "Meet the director"),
        ):
            Activity.create(
                {
                    "res_model_id": self.env["ir.model"]._get_id("crm.lead"),
                    "res_id": lead.id,
                    "activity_type_id": self.env.ref("mail.mail_activity_data_call").id,
                    "summary": summary,
                    "date_deadline": today,
                    "user_id": rep.id,
                    "so_objective_type": "relationship",
                    "so_statement": statement,
                }
            )
        self.start_tour(
            f"/odoo/crm/{lead.id}", "sales_objectives_done_twice_tour", login="so_done_twice"
        )
        objectives = lead.sales_objective_ids.sorted("statement")
        self.assertEqual(objectives.mapped("statement"), ["Meet the buyer", "Meet the director"])
        self.assertEqual(objectives.mapped("state"), ["open", "achieved"])
        self.assertFalse(lead.activity_ids)
