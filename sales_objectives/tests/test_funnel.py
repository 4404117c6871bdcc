"""The funnel per salesperson on a small hand-built pipeline (crm's own stages New,
Qualified, Proposition, Won), from the stage history Odoo tracks."""

from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import ValidationError
from odoo.tests import Form, HttpCase, TransactionCase, new_test_user, tagged

from .common import SalesObjectivesCase


@tagged("post_install", "-at_install", "sales_objectives", "so_funnel")
class TestFunnel(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rep_a = new_test_user(
            cls.env,
            login="so_funnel_a",
            groups="sales_team.group_sale_salesman",
            name="Alice Funnel",
        )
        cls.rep_b = new_test_user(
            cls.env, login="so_funnel_b", groups="sales_team.group_sale_salesman", name="Bob Funnel"
        )
        cls.team = cls.env["crm.team"].create(
            {"name": "SO Funnel team", "member_ids": [Command.set((cls.rep_a | cls.rep_b).ids)]}
        )
        cls.new, cls.qualified, cls.proposition, cls.won = (
            cls.env.ref(f"crm.stage_lead{i}") for i in (1, 2, 3, 4)
        )
        path = [cls.qualified, cls.proposition]
        # Alice: one won, two lost in Proposition, one open in Proposition, one open in
        # Qualified, one lost in New. Bob: three won, one open in Qualified.
        for rep, stages, lost in [
            (cls.rep_a, path + [cls.won], False),
            (cls.rep_a, path, True),
            (cls.rep_a, path, False),
            (cls.rep_a, path, True),
            (cls.rep_a, path[:1], False),
            (cls.rep_a, [], True),
            (cls.rep_b, path + [cls.won], False),
            (cls.rep_b, path + [cls.won], False),
            (cls.rep_b, path + [cls.won], False),
            (cls.rep_b, path[:1], False),
        ]:
            lead = cls.env["crm.lead"].create(
                {
                    "name": f"Funnel {rep.name}",
                    "type": "opportunity",
                    "user_id": rep.id,
                    "team_id": cls.team.id,
                    "stage_id": cls.new.id,
                }
            )
            for stage in stages:
                lead.stage_id = stage  # tracked: Odoo keeps the stage history
            if lost:
                lead.action_set_lost()
        cls.env.flush_all()

    def funnel(self):
        today = fields.Date.context_today(self.env["sales.funnel"])
        funnel = self.env["sales.funnel"].create(
            {
                "team_id": self.team.id,
                "date_from": today - timedelta(days=1),
                "date_to": today + timedelta(days=1),
            }
        )
        funnel.action_compute()
        return funnel

    def table(self, funnel, user):
        lines = funnel.line_ids.filtered(lambda line: line.user_id == user)
        return {
            line.stage_id: (line.reached, round(line.conversion, 1), round(line.team_conversion, 1))
            for line in lines
            if line.stage_id in (self.new, self.qualified, self.proposition, self.won)
        }

    def test_reached_and_conversions(self):
        funnel = self.funnel()
        team = self.env["res.users"]
        self.assertEqual(
            self.table(funnel, team),
            {
                self.new: (10, 0.0, 0.0),
                self.qualified: (9, 90.0, 90.0),
                self.proposition: (7, 77.8, 77.8),
                self.won: (4, 57.1, 57.1),
            },
        )
        self.assertEqual(
            self.table(funnel, self.rep_a),
            {
                self.new: (6, 0.0, 0.0),
                self.qualified: (5, 83.3, 90.0),
                self.proposition: (4, 80.0, 77.8),
                self.won: (1, 25.0, 57.1),
            },
        )
        self.assertEqual(
            self.table(funnel, self.rep_b),
            {
                self.new: (4, 0.0, 0.0),
                self.qualified: (4, 100.0, 90.0),
                self.proposition: (3, 75.0, 77.8),
                self.won: (3, 100.0, 57.1),
            },
        )

    def test_hint_where_a_salesperson_converts_far_less(self):
        funnel = self.funnel()
        hinted = funnel.line_ids.filtered("hint")
        # Alice turns 25 % of Proposition into wins, the team 57 %: less than half
        self.assertEqual((hinted.user_id, hinted.stage_id), (self.rep_a, self.won))
        self.assertIn("Alice Funnel", hinted.hint)
        self.assertIn("25 %", hinted.hint)
        self.assertIn("57 %", hinted.hint)
        self.assertIn("work on closing", hinted.hint)
        self.assertIn("work on closing", funnel.hints)

    def test_the_period_selects_the_opportunities(self):
        funnel = self.funnel()
        funnel.write({"date_from": "2020-01-01", "date_to": "2020-12-31"})
        funnel.action_compute()
        self.assertEqual(set(funnel.line_ids.mapped("reached")), {0})
        # nothing to compare: the hint says so, not that everyone converts well
        self.assertEqual(funnel.hints, "No opportunity of the team was created in this period.")
        self.assertFalse(funnel.line_ids.filtered("has_conversion"))

    def test_reversed_dates_are_refused(self):
        with self.assertRaisesRegex(ValidationError, "12/31/2026.*01/01/2026"):
            self.env["sales.funnel"].create(
                {"team_id": self.team.id, "date_from": "2026-12-31", "date_to": "2026-01-01"}
            )
        form = Form(self.env["sales.funnel"])
        form.team_id = self.team
        form.date_from = fields.Date.to_date("2026-12-31")
        with self.assertLogs("odoo.tests.form.onchange", "WARNING"):
            form.date_to = fields.Date.to_date("2026-01-01")

    def test_rows_say_whose_and_first_steps_have_no_conversion(self):
        funnel = self.funnel()
        team_rows = funnel.line_ids.filtered(lambda line: not line.user_id)
        self.assertEqual(set(team_rows.mapped("row_label")), {"Team"})
        alice = funnel.line_ids.filtered(lambda line: line.user_id == self.rep_a)
        self.assertEqual(set(alice.mapped("row_label")), {"Alice Funnel"})
        # nothing converts into the first step: no conversion shown there (not 0.00)
        for rows in (team_rows, alice):
            first = rows.filtered(lambda line: line.sequence == 0)
            self.assertFalse(first.has_conversion)
            self.assertTrue(
                all(rows.filtered(lambda line: line.sequence > 0).mapped("has_conversion"))
            )


@tagged("post_install", "-at_install", "sales_objectives", "so_funnel")
class TestTeamFunnel(SalesObjectivesCase):
    """The funnel of common.py's team 1, as its salespeople and its leader compute it."""

    def first_step(self, user):
        """Team 1's funnel of March, computed by ``user``: how many opportunities reached
        its first step, per row (the team's row has no salesperson)."""
        funnel = (
            self.env["sales.funnel"]
            .with_user(user)
            .create({"team_id": self.team1.id, "date_from": "2026-03-01", "date_to": "2026-03-31"})
        )
        funnel.action_compute()
        first = funnel.line_ids.filtered(lambda line: line.sequence == 0)
        return {line.user_id: line.reached for line in first}

    def test_funnel_in_company_time_and_over_the_whole_team(self):
        """March in Brussels, team 1's opportunities created or converted: L3, L4 (23:30
        UTC on 28 February: 1 March locally), L5, L7, L10 = 5; rep 2's: L3, L4, L10 = 3.
        Rep 2 reads only their own leads, yet the team row counts the whole team; they
        see no other salesperson's row."""
        self.assertEqual(
            self.first_step(self.rep2),
            {
                self.env["res.users"]: 5,
                self.rep2: 3,
            },
        )
        self.assertEqual(
            self.first_step(self.leader),
            {self.env["res.users"]: 5, self.rep1: 2, self.rep2: 3},
        )


@tagged("post_install", "-at_install", "sales_objectives", "so_funnel", "so_tours")
class TestFunnelTour(HttpCase):
    def test_funnel_screen(self):
        """In Chromium: reversed dates refused, rows labelled, no conversion into the
        first step."""
        new_test_user(
            self.env, login="so_rules_funnel", groups="sales_team.group_sale_salesman_all_leads"
        )
        rep = new_test_user(
            self.env, login="so_rules_funnel_rep", groups="sales_team.group_sale_salesman"
        )
        team = self.env["crm.team"].create(
            {"name": "SO Rules Funnel Team", "member_ids": [Command.set(rep.ids)]}
        )
        new, qualified = self.env.ref("crm.stage_lead1"), self.env.ref("crm.stage_lead2")
        for index in range(3):
            lead = self.env["crm.lead"].create(
                {
                    "name": f"SO Rules Funnel {index}",
                    "type": "opportunity",
                    "user_id": rep.id,
                    "team_id": team.id,
                    "stage_id": new.id,
                }
            )
            if index:
                lead.stage_id = qualified
        self.start_tour(
            "/odoo/action-sales_objectives.sales_funnel_action",
            "sales_objectives_rules_funnel_tour",
            login="so_rules_funnel",
        )
