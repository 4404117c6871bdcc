"""What the screens show and let users do, as reps, team leaders and managers see them
(the rules behind the screens; the Chromium tours walk the screens themselves)."""

import ast
import re
from pathlib import Path

from freezegun import freeze_time
from lxml import etree

from odoo import Command, fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, HttpCase, TransactionCase, new_test_user, tagged
from odoo.tools import format_amount, formatLang

from .common import MAIL_CONTEXT, SalesObjectivesCase


@tagged("post_install", "-at_install", "sales_objectives", "so_screens")
class TestScreens(SalesObjectivesCase):
    def arch(self, user, view_type):
        return etree.fromstring(
            self.env["sales.target"]
            .with_user(user)
            .get_views([(False, view_type)])["views"][view_type]["arch"]
        )

    def test_02_settings_take_the_thresholds_as_typed(self):
        """On track 70 / at risk 60 in one save (the company had 95 / 80)."""
        settings = (
            self.env["res.config.settings"]
            .with_company(self.company_a)
            .create({"sales_target_on_track": 70, "sales_target_at_risk": 60})
        )
        settings.execute()
        self.assertEqual(
            (self.company_a.sales_target_on_track, self.company_a.sales_target_at_risk), (70, 60)
        )
        with self.assertRaisesRegex(ValidationError, "on track from 50 % and at risk from 60 %"):
            self.env["res.config.settings"].with_company(self.company_a).create(
                {"sales_target_on_track": 50, "sales_target_at_risk": 60}
            ).execute()

    def test_02b_thresholds_are_checked_as_typed(self):
        """docs/configuration.md says the thresholds are checked as typed: a warning at
        once (and still a refusal on save)."""
        form = Form(self.env["res.config.settings"].with_company(self.company_a))
        with self.assertLogs("odoo.tests.form.onchange", "WARNING") as logged:
            form.sales_target_on_track = 50
        self.assertIn("on track from 50 % and at risk from 80 %", logged.output[0])
        with self.assertNoLogs("odoo.tests.form.onchange", "WARNING"):
            form.sales_target_at_risk = 40
        with self.assertLogs("odoo.tests.form.onchange", "WARNING") as logged:
            form.sales_target_min_share = 120
        self.assertIn("not 120 %", logged.output[0])

    @freeze_time("2026-04-15 12:00:00")
    def test_03_an_equal_split_of_whole_units_differs_by_one_at_most(self):
        """2 won deals over 3 people: 1 (the chosen one), 1, 0."""
        target = self._target("won_count", self.team1, value=2, date_from="2026-05-01")
        wizard = Form(
            self.env["sales.target.split"]
            .with_user(self.leader)
            .with_context(default_target_id=target.id)
        )
        wizard.remainder_user_id = self.rep2
        wizard.save().action_apply()
        parts = {child.user_id: child.target_value for child in target.child_ids}
        self.assertEqual(parts, {self.rep1: 1, self.rep2: 1, self.rep4: 0})

    def test_04_no_button_a_salesperson_may_not_press(self):
        for view_type in ("list", "kanban", "form"):
            arch = self.arch(self.rep1, view_type)
            self.assertEqual(arch.get("create"), "0", view_type)
            self.assertEqual(arch.get("delete"), "0", view_type)
        self.assertFalse(self.arch(self.rep1, "list").xpath("//header/button"))
        # a team leader and a manager keep them: the leader submits, the manager approves
        for user in (self.leader, self.manager):
            self.assertNotEqual(self.arch(user, "list").get("create"), "0")
            self.assertTrue(self.arch(user, "list").xpath("//header/button[@name='action_submit']"))
        approve = "//header/button[@name='action_confirm']"
        self.assertFalse(self.arch(self.leader, "list").xpath(approve))
        self.assertTrue(self.arch(self.manager, "list").xpath(approve))
        # a new target is refused before the form is filled
        with self.assertRaisesRegex(AccessError, "team leaders set targets"):
            Form(self.env["sales.target"].with_user(self.rep1))
        target = self._target("won_revenue", self.team1, date_from="2026-05-01")
        self.assertFalse(target.with_user(self.rep1).can_edit)
        self.assertTrue(target.with_user(self.leader).can_edit)
        self.assertFalse(
            target.with_user(self.leader)
            .browse(self._target("won_revenue", self.team2, date_from="2026-05-01").id)
            .sudo()
            .with_user(self.leader)
            .can_edit
        )

    def test_05_the_form_shows_the_dates_that_will_be_saved(self):
        form = Form(self.env["sales.target"].with_user(self.manager))
        form.kpi_id = self.kpi["won_revenue"]
        form.owner_type = "team"
        form.team_id = self.team1
        form.period_type = "month"
        form.date_from = "2026-03-17"
        self.assertEqual((str(form.date_from), str(form.date_to)), ("2026-03-01", "2026-03-31"))
        form.period_type = "quarter"
        self.assertEqual((str(form.date_from), str(form.date_to)), ("2026-01-01", "2026-03-31"))

    @freeze_time("2026-03-16 12:00:00")
    def test_06_analysis_owners_are_named(self):
        team = self._target("won_revenue", self.team1)
        rep = self._target("won_revenue", self.rep1)
        company = self._target("won_revenue", self.company_a)
        self.assertEqual(
            (team.owner_name, rep.owner_name, company.owner_name),
            (self.team1.name, self.rep1.name, self.company_a.name),
        )
        groups = (
            self.env["sales.target"]
            .with_user(self.manager)
            ._read_group([("id", "in", (team | rep | company).ids)], ["owner_name"], ["__count"])
        )
        self.assertNotIn(False, [name for name, _count in groups])
        action = self.env.ref("sales_objectives.sales_target_action_analysis")
        self.assertIn("search_default_group_kpi", action.context)
        self.assertIn("search_default_filter_user", action.context)

    def test_07_status_waits_for_a_measure_and_for_the_period(self):
        with freeze_time("2026-03-16 12:00:00"):
            new = self._target("won_revenue", self.rep2, value=1000)
            self.assertFalse(new.status)  # never measured
            self.assertFalse(new.value_label.startswith("0"))
        with freeze_time("2026-03-02 12:00:00"):
            # 1 of 22 working days (Monday 2 March: 4.5 %, under 10 %): nobody is behind
            early = self._target("won_count", self.rep2, value=10)
            early.action_confirm()
            self.assertAlmostEqual(early.elapsed_ratio, 1 / 22)
            self.assertFalse(early.status)
            self.assertIn("Too early to judge", early.summary)
            # said as a person would
            self.assertIn("5 % of the period&#39;s working days have passed", early.summary)
        with freeze_time("2026-03-16 12:00:00"):
            # rep 1 won 3000 in March (L1, L2); half of March is gone. A new deal of
            # 20,000 at 50 % due on March 28 joins L7 (10,000 at 30 %) in the pipeline:
            # projection 3000 + 3000 + 10,000 = 16,000.
            self._make_lead(
                "Big March",
                self.rep1,
                self.team1,
                20000,
                "2026-03-10 10:00",
                probability=50,
                deadline="2026-03-28",
            )
            target = self._target("won_revenue", self.rep1, value=8000)
            target.action_confirm()
            # by pace alone 3000 / 4000 = 75 %: behind; on course for 16,000 / 8000 = 200 %
            self.assertAlmostEqual(target.projected_value, 16000)
            self.assertEqual(target.status, "on_track")
            self.assertEqual(target.pace_label, "on course for 200 %")
            self.assertIn("on course for 200 %", target.summary)
            behind = self._target(
                "won_revenue", self.rep1, value=40000, date_from="2026-03-16", period="week"
            )
            behind.action_confirm()
            self.assertEqual(behind.status, "behind")

    @freeze_time("2026-03-16 12:00:00")
    def test_08_the_summary_leaves_out_what_is_unknown_and_speaks_of_the_team(self):
        team = self._target("won_revenue", self.team1, value=10000)
        team.action_confirm()
        self.assertIn("the team&#39;s usual win rate", team.summary)
        self.assertNotIn("your usual", team.summary)
        # rep 2 held no meeting: meetings per win unknown, no "or 0 meetings"
        rep = self._target("won_revenue", self.rep2, value=20000)
        rep.action_confirm()
        self.assertEqual(rep.history_meetings_per_win, 0)
        self.assertNotIn("meetings", rep.summary)
        # the salesperson reads "your"; their leader and manager read their name
        self.assertIn("your usual win rate", rep.with_user(self.rep2).summary)
        for reader in (self.leader, self.manager):
            summary = rep.with_user(reader).summary
            self.assertNotIn("your", summary)
            self.assertIn(f"usual win rate and deal size of {self.rep2.name}", summary)

    @freeze_time("2026-04-15 12:00:00")
    def test_10_an_exceeded_target_says_so(self):
        target = self._target("won_revenue", self.team1, value=1000)
        target.action_confirm()
        self.assertEqual(target.gap_value, -2000)
        self.assertEqual(target.gap_label, "exceeded by $\xa02,000.00")
        # nothing missing: no coverage to give (not "0.0")
        self.assertFalse(target.coverage_label)

    @freeze_time("2026-04-15 12:00:00")
    def test_11_units_everywhere_in_the_users_language(self):
        deals = self._target("won_count", self.team1, value=12)
        rate = self._target("win_rate", self.team1, value=60)
        cycle = self._target("cycle_days", self.team1, value=60)
        (deals | rate | cycle).action_confirm()
        self.assertEqual(deals.value_label, "2 / 12")
        self.assertEqual(rate.value_label, "50.0 % / 60.0 %")
        self.assertEqual(cycle.value_label, "56.0 days / 60.0 days")
        self.assertEqual(deals.period_label, "Mar 2026")
        quarter = self._target("won_count", self.team1, period="quarter", date_from="2026-01-01")
        week = self._target("won_count", self.team1, period="week", date_from="2026-03-16")
        self.assertEqual((quarter.period_label, week.period_label), ("Q1 2026", "Week 12, 2026"))
        self.env["res.lang"]._activate_lang("nl_NL")
        dutch = (deals | rate).with_context(lang="nl_NL")
        self.assertEqual(dutch[1].value_label.split(" / ")[0], "50,0 %")
        self.assertEqual(dutch[0].period_label, "mrt. 2026")

    def test_11b_numbers_are_written_as_odoo_writes_them(self):
        """The labels' number formatter (the language read once) writes every number
        and amount exactly as Odoo's formatLang and format_amount, in our users'
        languages: separators, rounding ties (half up, the one rule of every figure
        shown, as amounts and the web client round), negatives, symbols before and
        after."""
        values = [0, 0.5, 1.5, 2.5, -2.5, 1234.5, -1234567.891, 0.125, 99999.995, 1e9]
        for code in ("en_US", "nl_NL", "fa_IR", "vi_VN", "th_TH", "zh_CN"):
            self.env["res.lang"]._activate_lang(code)
            env = self.env(context=dict(self.env.context, lang=code))
            number = env["sales.target"]._number_format()
            for value in values:
                for digits in (0, 1, 2):
                    self.assertEqual(
                        number(value, digits),
                        formatLang(env, value, digits=digits, rounding_method="HALF-UP"),
                    )
                for currency in (self.usd, self.eur):
                    self.assertEqual(
                        number.amount(value, currency), format_amount(env, value, currency)
                    )

    @freeze_time("2026-04-15 12:00:00")
    def test_12_a_split_confirms_its_parts_and_drafts_say_so(self):
        target = self._target("won_count", self.team1, value=9, date_from="2026-05-01")
        target.action_confirm()
        wizard = Form(
            self.env["sales.target.split"]
            .with_user(self.leader)
            .with_context(default_target_id=target.id)
        ).save()
        self.assertTrue(wizard.confirm_parts)
        action = wizard.action_apply()
        self.assertEqual(action["type"], "ir.actions.act_window_close")
        # submitted by the leader, for a sales manager to approve
        self.assertEqual(set(target.child_ids.mapped("state")), {"submitted"})
        self.assertEqual(target.children_target_sum, 9)
        # drafts (from another split) are submitted in bulk by the leader, approved in
        # bulk by a manager
        other = self._target("won_revenue", self.team1, value=900, date_from="2026-05-01")
        wizard = Form(
            self.env["sales.target.split"]
            .with_user(self.leader)
            .with_context(default_target_id=other.id)
        )
        wizard.confirm_parts = False
        wizard.save().action_apply()
        self.assertEqual(set(other.child_ids.mapped("state")), {"draft"})
        other.child_ids.with_user(self.leader).action_submit()
        self.assertEqual(set(other.child_ids.mapped("state")), {"submitted"})
        other.child_ids.with_user(self.manager).action_confirm()
        self.assertEqual(set(other.child_ids.mapped("state")), {"confirmed"})
        kanban = etree.tostring(self.arch(self.rep1, "kanban")).decode()
        self.assertIn("o_sales_target_draft", kanban)

    @freeze_time("2026-04-15 12:00:00")
    def test_13_a_past_share_split_warns_who_gets_nothing(self):
        target = self._target(
            "won_revenue", self.team1, value=10000, period="quarter", date_from="2026-04-01"
        )
        wizard = Form(
            self.env["sales.target.split"]
            .with_user(self.leader)
            .with_context(default_target_id=target.id)
        )
        wizard.method = "history"
        self.assertIn(self.rep4.name, wizard.zero_warning)
        self.assertIn("would get nothing", wizard.zero_warning)
        self.assertEqual(
            self.env["sales.target.split.line"]._fields["past_result"].string, "Past results"
        )

    @freeze_time("2026-03-16 12:00:00")
    def test_11c_one_rounding_rule_for_every_figure(self):
        """161 of 200 is 80.5 %: 81 % in the sentence as on the bar (half up, as the
        web client's bar rounds), never 80 % here and 81 % there."""
        target = self._target("manual", self.team1, value=200, manual_value=161)
        target.action_confirm()
        self.assertEqual(target.attainment, 80.5)
        self.assertIn("Actual 161 of 200: 81 % of the target.", target.summary)
        self.assertEqual(target.value_label, "161 / 200")
        # a count of 2.5 is written 3, as it rounds everywhere else
        half = self._target("manual", self.team2, value=2.5)
        self.assertEqual(half.target_label, "3")

    @freeze_time("2026-03-16 12:00:00")
    def test_11d_one_more_opportunity(self):
        """Rep 1's March: won 3,000 (L1, L2); L7 10,000 at 30 % due March 25: weighted
        3,000. Last 12 months (to March 16): won L11 700 and L1 1,000, nothing lost:
        win rate 100 %, average deal 850; 2 meetings (L1, L7) for 2 wins: 1 per win.
        Target 6,500: 6,500 - 3,000 - 3,000 = 500 beyond the pipeline -> 0.59 deals
        -> one more opportunity, one meeting."""
        target = self._target("won_revenue", self.rep1, value=6500)
        target.action_confirm()
        self.assertEqual((target.opportunities_needed, target.meetings_needed), (1, 1))
        summary = target.with_user(self.rep1).summary
        self.assertIn(
            "at your usual win rate and deal size, about one more opportunity is needed.", summary
        )
        self.assertIn("That is about one meeting,", summary)
        self.assertNotIn("1 more opportunities", summary)

    @freeze_time("2026-03-16 12:00:00")
    def test_11e_nothing_measured_is_no_figure(self):
        """Rep 4 closed no deal: a win rate or a sales cycle has nothing to measure. No
        figure (not "0.0 %"), no attainment, no gap, no status; the records counted
        open without Odoo's sample records."""
        rate = self._target("win_rate", self.rep4, value=60)
        cycle = self._target("cycle_days", self.rep4, value=30)
        revenue = self._target("won_revenue", self.rep4, value=5000)
        (rate | cycle | revenue).action_confirm()
        for target in (rate, cycle):
            self.assertEqual(target.actual_sample, 0)
            self.assertFalse(target.has_figure)
            self.assertEqual(target.actual_label, "no figure")
            self.assertFalse(target.status)
            self.assertFalse(target.gap_label)
            self.assertFalse(target.projected_label)
            self.assertIn("No figure", target.summary)
        self.assertEqual(rate.value_label, "no figure / 60.0 %")
        self.assertEqual(cycle.value_label, "no figure / 30.0 days")
        # nothing won yet is 0: a figure
        self.assertTrue(revenue.has_figure)
        self.assertEqual(revenue.value_label, "$\xa00.00 / $\xa05,000.00")
        # the history is measured for won revenue and deals only: rep 4 has none
        self.assertFalse(rate.has_pipeline)
        self.assertTrue(revenue.has_pipeline)
        self.assertIn("No deal won in the last 12 months", revenue.history_note)
        # the team card: "no figure", and no bar at 0
        empty = self.env["crm.team"].create(
            {"name": "SO Empty Team", "company_id": self.company_a.id}
        )
        self._target("win_rate", empty, value=50).action_confirm()
        card = str(empty.with_user(self.manager).sales_target_progress)
        self.assertIn("no figure / 50.0 %", card)
        self.assertNotIn("progress-bar", card)
        action = rate.with_user(self.rep4).action_open_records()
        self.assertEqual(action["domain"], [("id", "in", [])])
        self.assertFalse(action["useSampleModel"])
        self.assertIn("No record is counted", action["help"])

    @freeze_time("2026-04-15 12:00:00")
    def test_11f_a_salesperson_reads_the_split_as_a_whole(self):
        """The team target of 60,000 is split 40,000 (rep 1) and 20,000 (rep 2): rep 2,
        who reads only their own target, reads the sums of the split (not rep 1's
        part), and no mismatch; a real mismatch is still said to the leader."""
        team = self._target("won_revenue", self.team1, value=60000, date_from="2026-05-01")
        parts = {}
        for user, value in ((self.rep1, 40000), (self.rep2, 20000)):
            parts[user] = self._target("won_revenue", user, value=value, date_from="2026-05-01")
            parts[user].parent_id = team
        self.env.invalidate_all()  # read as the salesperson reads, from the database
        mine = team.with_user(self.rep2)
        self.assertEqual(mine.child_ids.user_id, self.rep2)
        self.assertEqual(mine.children_target_sum, 60000)
        self.assertFalse(mine.split_mismatch)
        self.env.invalidate_all()
        self.assertFalse(team.with_user(self.leader).split_mismatch)
        parts[self.rep1].with_user(self.leader).target_value = 30000
        for reader in (self.leader, self.manager):
            self.env.invalidate_all()
            self.assertTrue(team.with_user(reader).split_mismatch)
            self.assertEqual(team.with_user(reader).children_target_sum, 50000)

    @freeze_time("2026-03-16 12:00:00")
    def test_11g_labels_under_their_headers(self):
        """Team 1's March: target 10,000, half of March elapsed: expected 5,000. The
        list's "Expected to date" column and the form's label hold the value, not
        "expected $ 5,000.00"."""
        target = self._target("won_revenue", self.team1, value=10000)
        target.action_confirm()
        self.assertEqual(target.expected_label, "$\xa05,000.00")
        # the kanban card says "expected" itself
        kanban = etree.tostring(self.arch(self.manager, "kanban")).decode()
        self.assertIn("expected <field", kanban)
        # gap 7,000, pipeline 10,000: covered 1.4 times
        self.assertEqual(target.coverage_label, "1.4×")

    def test_21_period_and_owner_in_their_own_elements(self):
        """A right-to-left language (Persian) does not scramble "Q4 2026 · Marc"."""
        kanban = self.arch(self.rep1, "kanban")
        self.assertTrue(kanban.xpath("//span[hasclass('o_sales_target_period')]"))
        self.assertTrue(kanban.xpath("//span[hasclass('o_sales_target_owner')]"))

    def test_22_the_creation_message_is_translated(self):
        self.env["res.lang"]._activate_lang("nl_NL")
        self.env["ir.module.module"]._load_module_terms(
            ["sales_objectives"], ["nl_NL"], overwrite=True
        )
        self.manager.lang = "nl_NL"
        target = (
            self.env["sales.target"]
            .with_user(self.manager)
            .with_context(lang="nl_NL", **MAIL_CONTEXT)
            .create(
                {
                    "kpi_id": self.kpi["won_count"].id,
                    "owner_type": "team",
                    "team_id": self.team1.id,
                    "date_from": "2026-06-01",
                    "target_value": 3,
                }
            )
        )
        body = target.message_ids[-1:].body
        self.assertNotIn("Target created", body)
        self.assertNotIn("Sales target created", body)

    @freeze_time("2026-04-15 12:00:00")
    def test_23_include_archived_changes_nothing(self):
        plain = self._target("won_revenue", self.team1)
        kpi = self.env["sales.kpi"].create(
            {
                "name": "Won revenue, archived included",
                "metric": "won_revenue",
                "domain": "[('active', 'in', [True, False])]",
            }
        )
        archived = self._target(kpi, self.team1)
        (plain | archived).action_refresh()
        self.assertEqual(plain.actual_value, archived.actual_value)
        self.assertEqual(archived.actual_value, 3000)


@tagged("post_install", "-at_install", "sales_objectives", "so_objectives", "so_screens")
@freeze_time("2026-03-16 12:00:00")
class TestObjectiveScreens(SalesObjectivesCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product = cls.env["product.product"].create({"name": "SO Screen Licence"})
        cls.call = cls.env.ref("mail.mail_activity_data_call")

    def dialog(self, lead=None):
        return Form(
            self.env["mail.activity.schedule"]
            .with_user(self.rep1)
            .with_context(active_model="crm.lead", active_ids=(lead or self.l7).ids)
        )

    def test_01_an_incomplete_objective_is_refused_before_anything_is_saved(self):
        form = self.dialog()
        form.activity_type_id = self.call
        form.date_deadline = self.day("2026-03-18")
        form.so_objective_type = "sales"
        form.so_statement = "Order of 20 licences signed"
        form.so_target_value = 4000
        with self.assertRaisesRegex(ValidationError, "name the product or service"):
            form.save()
        self.assertFalse(self.l7.activity_ids)
        form.so_product_id = self.product
        form.save().action_schedule_activities()
        self.assertEqual(self.l7.activity_ids.sales_objective_id.state, "open")

    def test_15_an_overdue_call_gets_an_objective_for_today(self):
        form = self.dialog()
        form.activity_type_id = self.call
        form.date_deadline = self.day("2026-03-10")
        self.assertEqual(form.so_deadline, self.day("2026-03-16"))
        activity = self.env["mail.activity"].create(
            {
                "res_model_id": self.env["ir.model"]._get_id("crm.lead"),
                "res_id": self.l7.id,
                "activity_type_id": self.call.id,
                "date_deadline": "2026-03-10",
                "user_id": self.rep1.id,
            }
        )
        self.assertEqual(activity.so_deadline, self.day("2026-03-16"))

    def test_16_a_relationship_objective_measures_nothing(self):
        form = self.dialog()
        form.activity_type_id = self.call
        form.so_objective_type = "relationship"
        form.so_statement = "Meet the new IT manager"
        self.assertEqual(form.so_measure, "commitment")
        form.save().action_schedule_activities()
        objective = self.l7.activity_ids.sales_objective_id
        self.assertEqual((objective.measure, objective.target_value), ("commitment", 0))
        self.assertNotIn("Measurable", objective.smart_message)
        objective._record_outcome("achieved")
        logged = self.l7.message_ids.filtered(lambda m: "Meet the new IT manager" in (m.body or ""))
        self.assertTrue(logged)
        self.assertNotIn("Result", logged[0].body)
        # even written directly as an amount
        objective.write({"objective_type": "relationship", "measure": "amount"})
        self.assertEqual(objective.measure, "commitment")

    def test_17_the_result_is_labelled_with_its_unit(self):
        activity = self.env["mail.activity"].create(
            {
                "res_model_id": self.env["ir.model"]._get_id("crm.lead"),
                "res_id": self.l7.id,
                "activity_type_id": self.call.id,
                "user_id": self.rep1.id,
                "so_objective_type": "sales",
                "so_statement": "Order of 20 licences signed",
                "so_product_id": self.product.id,
                "so_measure": "amount",
                "so_target_value": 4000,
            }
        )
        self.assertEqual(activity.so_result_label, "Result (amount, $)")
        activity.so_measure = "quantity"
        self.assertEqual(activity.so_result_label, "Result (quantity)")

    def test_18_the_missing_objective_marker_says_so(self):
        arch = self.env["crm.lead"].get_views([(False, "kanban")])["views"]["kanban"]["arch"]
        self.assertIn("No objective", arch)
        self.assertIn("o_sales_objective_missing", arch)

    def test_19_smart_parts_are_read_only_ticks(self):
        objective = self.env["sales.objective"].create(
            {
                "lead_id": self.l7.id,
                "user_id": self.rep1.id,
                "statement": "Order of 20 licences",
                "measure": "amount",
                "target_value": 0,
                "deadline": "2026-03-20",
            }
        )
        html = str(objective.smart_html)
        self.assertEqual(html.count("fa-check"), 3)  # achievable, relevant, time-bound
        self.assertEqual(html.count("fa-times"), 2)  # specific (product), measurable
        arch = self.env["sales.objective"].get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertNotIn("boolean_toggle", arch)

    def test_24_values_in_their_unit_as_the_chatter_writes_them(self):
        """A quantity of 10 reads "10" (not "10.00"), an amount "$ 22,000.00" (not
        "22,000.00"), in the lists as in the chatter; a result only once recorded."""
        Objective = self.env["sales.objective"].with_user(self.rep1)
        values = {
            "lead_id": self.l7.id,
            "user_id": self.rep1.id,
            "statement": "Order of ten chairs signed",
            "product_id": self.product.id,
            "deadline": "2026-03-20",
        }
        chairs = Objective.create(dict(values, measure="quantity", target_value=10))
        desks = Objective.create(dict(values, measure="amount", target_value=22000))
        self.assertEqual((chairs.target_label, chairs.result_label), ("10", False))
        self.assertEqual((desks.target_label, desks.result_label), ("$\xa022,000.00", False))
        chairs._record_outcome("partly", 4)
        desks._record_outcome("partly", 2500.5)
        self.assertEqual((chairs.target_label, chairs.result_label), ("10", "4"))
        self.assertEqual(desks.result_label, "$\xa02,500.50")
        self.assertIn("Result 4 of 10", chairs._outcome_html())
        self.assertIn("Result $\xa02,500.50 of $\xa022,000.00", desks._outcome_html())
        # a quantity keeps the decimals it has
        self.assertEqual(chairs._format(2.5), "2.50")
        # the lists show the labels, not the bare numbers
        for model, view in (("crm.lead", "form"), ("sales.objective", "list")):
            arch = self.env[model].get_views([(False, view)])["views"][view]["arch"]
            self.assertIn('name="target_label"', arch)
            self.assertNotIn('<field name="target_value"/>', arch)

    def test_20_demo_objectives_name_their_product(self):
        for xmlid, word in (
            ("sales_objectives.sales_objective_demo_tables_call", "Table"),
            ("sales_objectives.sales_objective_demo_chairs_achieved", "Chair"),
            ("sales_objectives.sales_objective_demo_desks_missed", "Desk"),
        ):
            objective = self.env.ref(xmlid, raise_if_not_found=False)
            if objective:  # with demo data
                self.assertIn(word, objective.product_id.name, xmlid)


@tagged("post_install", "-at_install", "sales_objectives", "so_screens", "so_tours")
class TestRoleTours(HttpCase):
    """The screens walked in Chromium by a salesperson and by a team leader."""

    def month_start(self):
        return fields.Date.context_today(self.env.user).replace(day=1)

    def test_salesperson_tour(self):
        rep = new_test_user(
            self.env, login="so_rep_tour", groups="sales_team.group_sale_salesman", name="Rep Tour"
        )
        team = self.env["crm.team"].create(
            {"name": "SO Rep Tour Team", "member_ids": [Command.set(rep.ids)]}
        )
        self.env["product.product"].create({"name": "SO Rep Tour Licence"})
        lead = self.env["crm.lead"].create(
            {
                "name": "SO Rep Tour Deal",
                "type": "opportunity",
                "user_id": rep.id,
                "team_id": team.id,
                "expected_revenue": 10000,
            }
        )
        self.env["mail.activity"].create(
            {
                "res_model_id": self.env["ir.model"]._get_id("crm.lead"),
                "res_id": lead.id,
                "activity_type_id": self.env.ref("mail.mail_activity_data_call").id,
                "summary": "Intro call",
                "date_deadline": fields.Date.today(),
                "user_id": rep.id,
            }
        )
        kpi = self.env["sales.kpi"].create({"name": "SO Rep Tour Target", "metric": "won_count"})
        target = self.env["sales.target"].create(
            {
                "kpi_id": kpi.id,
                "owner_type": "user",
                "user_id": rep.id,
                "team_id": team.id,
                "date_from": self.month_start(),
                "target_value": 4,
            }
        )
        target.action_confirm()
        self.start_tour("/odoo/crm", "sales_objectives_rep_tour", login="so_rep_tour")
        objective = lead.sales_objective_ids
        self.assertEqual((objective.state, objective.result_value), ("partly", 1500))

    def test_team_leader_tour(self):
        leader = new_test_user(
            self.env,
            login="so_leader_tour",
            groups="sales_team.group_sale_salesman",
            name="Leader Tour",
        )
        reps = self.env["res.users"]
        for letter in "ABC":
            reps |= new_test_user(
                self.env,
                login=f"so_leader_tour_rep_{letter.lower()}",
                groups="sales_team.group_sale_salesman",
                name=f"SO Leader Tour Rep {letter}",
            )
        team = self.env["crm.team"].create(
            {
                "name": "SO Leader Tour Team",
                "user_id": leader.id,
                "member_ids": [Command.set(reps.ids)],
            }
        )
        kpi = self.env["sales.kpi"].create({"name": "SO Leader Tour Deals", "metric": "won_count"})
        # the team's target, the leader's own quota: set and approved by a sales manager
        self.env["sales.target"].create(
            {
                "kpi_id": kpi.id,
                "owner_type": "team",
                "team_id": team.id,
                "period_type": "month",
                "date_from": fields.Date.context_today(self.env.user).replace(day=1),
                "target_value": 2,
                "state": "confirmed",
            }
        )
        self.start_tour(
            "/odoo/action-sales_objectives.sales_target_action_team",
            "sales_objectives_leader_tour",
            login="so_leader_tour",
        )
        target = self.env["sales.target"].search(
            [("team_id", "=", team.id), ("owner_type", "=", "team")]
        )
        self.assertEqual(target.state, "confirmed")
        self.assertEqual(sorted(target.child_ids.mapped("target_value")), [0, 1, 1])
        # the part of 0 would be achieved at once: it stays a draft; the others wait
        # for a sales manager
        self.assertEqual(
            sorted(target.child_ids.mapped(lambda t: (t.target_value, t.state))),
            [(0, "draft"), (1, "submitted"), (1, "submitted")],
        )

    def test_manager_tour(self):
        new_test_user(
            self.env,
            login="so_manager_tour",
            groups="sales_team.group_sale_manager",
            name="Manager Tour",
        )
        reps = self.env["res.users"]
        for letter in "AB":
            reps |= new_test_user(
                self.env,
                login=f"so_manager_tour_rep_{letter.lower()}",
                groups="sales_team.group_sale_salesman",
                name=f"SO Manager Tour Rep {letter}",
            )
        team = self.env["crm.team"].create(
            {"name": "SO Manager Tour Team", "member_ids": [Command.set(reps.ids)]}
        )
        self.env["sales.kpi"].create({"name": "SO Manager Tour Revenue", "metric": "won_revenue"})
        self.env["sales.kpi"].create({"name": "SO Manager Tour Deals", "metric": "won_count"})
        self.start_tour(
            "/odoo/action-sales_objectives.sales_target_plan_action",
            "sales_objectives_manager_tour",
            login="so_manager_tour",
        )
        plan = self.env["sales.target.plan"].search([("team_id", "=", team.id)])
        # 2 KPIs, 12 months: the team and 2 reps, approved with the plan
        self.assertEqual(len(plan.target_ids), 2 * 12 * 3)
        self.assertEqual(plan.state, "approved")
        self.assertEqual(set(plan.target_ids.mapped("state")), {"confirmed"})
        revenue = plan.target_ids.filtered(lambda t: t.kpi_id.metric == "won_revenue")
        self.assertAlmostEqual(
            sum(revenue.filtered(lambda t: t.owner_type == "team").mapped("target_value")),
            120000,
        )


@tagged("post_install", "-at_install", "sales_objectives", "so_docs")
class TestReadmeScreenshots(TransactionCase):
    """Every screenshot the README shows is taken by scripts/screenshots (as a named
    demo user), and the script takes no picture the README does not show. The guides
    in docs/ show some of them again, each as the login it names too."""

    def test_screenshot_script_covers_the_readme(self):
        root = Path(__file__).resolve().parents[2]
        readme, script = root / "README.md", root / "scripts" / "screenshots.py"
        if not (readme.exists() and script.exists()):
            self.skipTest("not run from the repository (an installed package)")
        shots = next(
            node.value
            for node in ast.parse(script.read_text()).body
            if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "SHOTS"
        )
        taken = {}
        for shot in shots.elts:
            name, login = (ast.literal_eval(element) for element in shot.elts[:2])
            taken[name] = login
        picture = re.compile(r"\((?:docs/)?images/([\w.-]+\.png)\)")
        shown = set(picture.findall(readme.read_text()))
        self.assertTrue(shown)
        self.assertEqual(shown, set(taken), "README images and scripts/screenshots.py differ")
        for page in [readme, *sorted((root / "docs").glob("*.md"))]:
            text = page.read_text()
            for match in picture.finditer(text):
                name = match.group(1)
                self.assertIn(name, taken, f"{page.name} shows a picture no script takes")
                self.assertTrue((root / "docs" / "images" / name).exists(), name)
                # the login the picture was taken as is named just before it
                named = re.findall(r"[Ll]ogin `(\w+)`", text[: match.start()][-1500:])
                self.assertEqual(named[-1:], [taken[name]], f"{page.name}, {name}")
