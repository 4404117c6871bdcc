"""The target form as leaders and managers fill it in: the period it shows is the one
it saves, a target of 0 is not confirmed whatever the path, a value far from the
owner's record is questioned (not refused), and what is refused is said in the
target's own units (figures worked out by hand from common.py)."""

from datetime import timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, HttpCase, new_test_user, tagged

from .common import SalesObjectivesCase

ONCHANGE_LOGGER = "odoo.tests.form.onchange"


@tagged("post_install", "-at_install", "sales_objectives", "so_targets")
@freeze_time("2026-09-15 12:00:00")
class TestTargetPeriodForm(SalesObjectivesCase):
    """Typing a day in a period's form gives the period that contains it, on screen
    and once saved."""

    def test_a_draft_quarter_moved_to_a_month(self):
        target = self._target(
            "won_count", self.team1, period="quarter", date_from="2026-10-01", value=6
        )
        form = Form(target.with_user(self.manager))
        # 20 Nov is in Q4: the quarter still runs from 1 Oct to 31 Dec
        form.date_from = "2026-11-20"
        self.assertEqual((str(form.date_from), str(form.date_to)), ("2026-10-01", "2026-12-31"))
        self.assertEqual(form.period_label, "Q4 2026")
        # a month from the start shown: October
        form.period_type = "month"
        self.assertEqual((str(form.date_from), str(form.date_to)), ("2026-10-01", "2026-10-31"))
        self.assertEqual(form.period_label, "Oct 2026")
        form.save()
        self.assertEqual(
            (target.date_from, target.date_to, target.period_label),
            (self.day("2026-10-01"), self.day("2026-10-31"), "Oct 2026"),
        )
        # and a day typed in the month gives that month
        form = Form(target.with_user(self.manager))
        form.date_from = "2026-11-20"
        self.assertEqual((str(form.date_from), str(form.date_to)), ("2026-11-01", "2026-11-30"))
        form.save()
        self.assertEqual(target.period_label, "Nov 2026")

    def test_a_new_quarter_typed_from_mid_november(self):
        form = Form(self.env["sales.target"].with_user(self.manager))
        form.kpi_id = self.kpi["won_count"]
        form.owner_type = "team"
        form.team_id = self.team1
        form.period_type = "quarter"
        form.date_from = "2026-10-05"
        self.assertEqual(str(form.date_from), "2026-10-01")
        form.date_from = "2026-11-15"
        self.assertEqual((str(form.date_from), str(form.date_to)), ("2026-10-01", "2026-12-31"))
        form.target_value = 6
        target = form.save()
        self.assertEqual(str(form.date_from), "2026-10-01")
        self.assertEqual(
            (target.date_from, target.date_to), (self.day("2026-10-01"), self.day("2026-12-31"))
        )

    def test_custom_dates_are_kept(self):
        form = Form(self.env["sales.target"].with_user(self.manager))
        form.kpi_id = self.kpi["won_count"]
        form.owner_type = "team"
        form.team_id = self.team1
        form.period_type = "custom"
        form.date_from = "2026-11-15"
        form.date_to = "2026-12-10"
        form.target_value = 3
        target = form.save()
        self.assertEqual(
            (target.date_from, target.date_to), (self.day("2026-11-15"), self.day("2026-12-10"))
        )


@tagged("post_install", "-at_install", "sales_objectives", "so_targets")
@freeze_time("2026-04-15 12:00:00")
class TestNothingToReach(SalesObjectivesCase):
    """A submitted or approved target of 0 (higher is better) would be achieved before
    anything is done: refused whatever the path; a split leaves such parts as drafts, a
    plan with such targets is not submitted."""

    def test_every_path_to_a_confirmed_zero_is_refused(self):
        zero = self._target("won_revenue", self.rep1, value=0, date_from="2026-05-01")
        message = "cannot be submitted or approved with a target of \\$\xa00.00"
        # the buttons
        with self.assertRaisesRegex(ValidationError, message):
            zero.with_user(self.leader).action_submit()
        with self.assertRaisesRegex(ValidationError, message):
            zero.with_user(self.manager).action_confirm()
        # a write of the state
        with self.assertRaisesRegex(ValidationError, message):
            zero.with_user(self.manager).write({"state": "confirmed"})
        # a target created approved
        with self.assertRaisesRegex(ValidationError, "approved with a target of 0"):
            self.env["sales.target"].with_user(self.manager).create(
                {
                    "kpi_id": self.kpi["won_count"].id,
                    "owner_type": "user",
                    "user_id": self.rep2.id,
                    "team_id": self.team1.id,
                    "date_from": "2026-05-01",
                    "target_value": 0,
                    "state": "confirmed",
                }
            )
        # a rate of 0 % is reached by nothing too
        rate = self._target("win_rate", self.rep1, value=0, date_from="2026-05-01")
        with self.assertRaisesRegex(ValidationError, "target of 0.0 %"):
            rate.action_confirm()
        self.assertEqual((zero.state, rate.state), ("draft", "draft"))
        # once it has a value to reach, it is confirmed
        zero.with_user(self.leader).write({"target_value": 500})
        zero.with_user(self.manager).action_confirm()
        self.assertEqual(zero.state, "confirmed")
        # lower is better: 0 days is not reached by nothing (nor refused)
        cycle = self._target("cycle_days", self.rep1, value=0, date_from="2026-05-01")
        cycle.action_confirm()
        self.assertEqual(cycle.state, "confirmed")

    @freeze_time("2026-03-16 12:00:00")
    def test_a_draft_of_zero_is_not_achieved(self):
        """Team 1 won 3000 in March (L1, L2). A draft of 0 (a typo) has nothing to
        reach: the actual is shown, but no attainment, no status, never "achieved";
        once a value is typed, it is judged."""
        zero = self._target("won_revenue", self.team1, value=0)
        zero.with_user(self.leader).action_refresh()
        target = zero.with_user(self.leader)
        self.assertEqual(target.actual_value, 3000)
        self.assertFalse(target.has_figure)
        self.assertFalse(target.status)
        self.assertIn("nothing to reach", target.summary)
        self.assertNotIn("reached.", target.summary)
        self.assertEqual(target.actual_label, "$\xa03,000.00")
        self.assertFalse(target.gap_label)
        # the team's target is its leader's quota: a manager sets it
        zero.with_user(self.manager).write({"target_value": 2000})
        target.action_refresh()
        self.assertTrue(target.has_figure)
        self.assertEqual(target.status, "achieved")
        self.assertAlmostEqual(target.attainment, 150)

    def test_a_split_leaves_the_part_of_zero_as_a_draft(self):
        """2 deals over 3 people: 1 (rep 2, who gets the remainder), 1, 0. The part of
        0 stays a draft (it would be achieved at once); the leader submits the others."""
        target = self._target("won_count", self.team1, value=2, date_from="2026-05-01")
        target.action_confirm()
        wizard = Form(
            self.env["sales.target.split"]
            .with_user(self.leader)
            .with_context(default_target_id=target.id)
        )
        wizard.remainder_user_id = self.rep2
        action = wizard.save().action_apply()
        parts = {child.user_id: (child.target_value, child.state) for child in target.child_ids}
        self.assertEqual(
            parts,
            {
                self.rep1: (1, "submitted"),
                self.rep2: (1, "submitted"),
                self.rep4: (0, "draft"),
            },
        )
        # the leader is told, and the team target's chatter keeps it
        self.assertEqual(action["params"]["type"], "warning")
        self.assertIn(self.rep4.name, action["params"]["message"])
        self.assertEqual(action["params"]["next"]["type"], "ir.actions.act_window_close")
        self.assertIn("stay drafts", target.message_ids[0].body)
        # the parts still add up to the team target
        self.assertFalse(target.with_user(self.leader).split_mismatch)

    @freeze_time("2026-09-15 12:00:00")
    def test_a_plan_leaves_targets_of_zero_as_drafts(self):
        """Won deals, 2 over October to December, equally: 1, 1, 0 (the largest
        remainders go first); each month over rep 1, 2 and 4: October 1 -> 1, 0, 0."""
        plan = (
            self.env["sales.target.plan"]
            .with_user(self.manager)
            .create(
                {
                    "team_id": self.team1.id,
                    "company_id": self.company_a.id,
                    "horizon": "quarter",
                    "date_from": "2026-10-01",
                    "granularity": "month",
                    "member_ids": [
                        Command.create({"user_id": user.id})
                        for user in (self.rep1, self.rep2, self.rep4)
                    ],
                    "line_ids": [
                        Command.create({"kpi_id": self.kpi["won_count"].id, "total_value": 2})
                    ],
                }
            )
        )
        action = plan.action_generate()
        targets = plan.target_ids
        self.assertEqual(len(targets), 12)  # 3 months: the team and 3 salespeople
        self.assertEqual(set(targets.mapped("state")), {"draft"})
        # the team: October 1, November 1, December 0; rep 1 gets October's and
        # November's deal: 4 targets to reach, 8 of 0, said
        zero = targets.filtered(lambda t: t.target_value == 0)
        self.assertEqual(len(zero), 8)
        self.assertIn("8 targets of 0 would be achieved", plan.last_report)
        self.assertIn("12 targets created as drafts", plan.last_report)
        self.assertEqual(action["params"]["type"], "warning")
        # the plan is not submitted while they are there
        with self.assertRaisesRegex(UserError, "give them a value or delete them"):
            plan.with_user(self.leader).action_submit()
        self.assertEqual(plan.state, "draft")


@tagged("post_install", "-at_install", "sales_objectives", "so_targets")
@freeze_time("2026-04-15 12:00:00")
class TestValueFarFromHistory(SalesObjectivesCase):
    """A value far from the owner's record over the 12 months before the period is
    questioned as it is typed (a warning), not refused.

    Rep 1's won revenue from 1 May 2025 to 30 April 2026 (365 days): L11 700
    (November), L1 1,000 and L2 2,000 (March) = 3,700; for May (31 days):
    3,700 x 31 / 365 = 314.25. Their win rate over the same months: won L11, L1, L2,
    lost L5 = 75 %."""

    def form(self, kpi, user):
        form = Form(self.env["sales.target"].with_user(self.leader))
        form.kpi_id = self.kpi[kpi]
        form.owner_type = "user"
        form.team_id = self.team1
        form.user_id = user
        form.period_type = "month"
        form.date_from = "2026-05-01"
        return form

    def test_the_salespersons_team_and_a_past_period(self):
        """Rep 1 is in team 1 only: choosing him fills the team. A period that has
        already ended is questioned (not refused)."""
        form = Form(self.env["sales.target"].with_user(self.leader))
        form.kpi_id = self.kpi["won_revenue"]
        form.owner_type = "user"
        form.user_id = self.rep1
        self.assertEqual(form.team_id, self.team1)
        form.period_type = "month"
        with self.assertLogs(ONCHANGE_LOGGER, "WARNING") as logged:
            form.date_from = "2025-01-10"
        self.assertIn("This period ended on 01/31/2025", "".join(logged.output))

    def test_a_digit_too_many_is_questioned(self):
        form = self.form("won_revenue", self.rep1)
        form.target_value = 1_000_000_000_000_000
        self.assertIn("far from the record of", form.value_warning)
        self.assertIn("$\xa0314.25", form.value_warning)
        # a tenth of it is questioned too; close to it is not
        form.target_value = 30
        self.assertTrue(form.value_warning)
        form.target_value = 600
        self.assertFalse(form.value_warning)
        # a warning, not a refusal; still said on the saved draft, not once submitted
        form.target_value = 1_000_000_000_000_000
        target = form.save()
        self.assertEqual(target.target_value, 1_000_000_000_000_000)
        self.assertIn("far from the record of", target.with_user(self.leader).value_warning)
        target.with_user(self.leader).action_submit()
        self.assertFalse(target.with_user(self.leader).value_warning)

    def test_a_count_below_one_a_period(self):
        """Rep 1 won 3 deals over the 12 months: about 0.3 a month, not "about 0"."""
        form = self.form("won_count", self.rep1)
        form.target_value = 100_000
        self.assertIn("about 0.3 over a period as long", form.value_warning)

    def test_a_rate_against_the_record(self):
        form = self.form("win_rate", self.rep1)
        form.target_value = 5
        self.assertIn("75.0 %", form.value_warning)
        form.target_value = 60
        self.assertFalse(form.value_warning)

    def test_no_record_no_warning(self):
        # rep 4 has no deal at all: nothing to compare with
        form = self.form("won_revenue", self.rep4)
        form.target_value = 1_000_000_000
        self.assertFalse(form.value_warning)


@tagged("post_install", "-at_install", "sales_objectives", "so_targets")
@freeze_time("2026-04-15 12:00:00")
class TestRefusalsInTheTargetsUnits(SalesObjectivesCase):
    def test_stretch_below_the_target_in_the_targets_units(self):
        with self.assertRaisesRegex(ValidationError, r"\(5\) must be above the target \(10\)"):
            self._target("won_count", self.team1, value=10, stretch_value=5)
        with self.assertRaisesRegex(
            ValidationError, "\\(\\$\xa0500.00\\) must be above the target \\(\\$\xa01,000.00\\)"
        ):
            self._target("won_revenue", self.team1, value=1000, stretch_value=500)
        with self.assertRaisesRegex(
            ValidationError, r"\(40.0 days\) must be below the target \(30.0 days\)"
        ):
            self._target("cycle_days", self.team1, value=30, stretch_value=40)


@tagged("post_install", "-at_install", "sales_objectives", "so_targets", "so_tours")
class TestTargetFormTours(HttpCase):
    """The target form walked in Chromium: the dates on screen are those saved."""

    def _q4_2030_target(self, kpi, team):
        """A draft team target of 6 on ``kpi`` for Q4 2030."""
        return self.env["sales.target"].create(
            {
                "kpi_id": kpi.id,
                "owner_type": "team",
                "team_id": team.id,
                "period_type": "quarter",
                "date_from": "2030-10-01",
                "target_value": 6,
            }
        )

    def test_period_form_tour(self):
        new_test_user(
            self.env,
            login="so_form_tour",
            groups="sales_team.group_sale_manager",
            name="Form Tour Manager",
        )
        rep = new_test_user(
            self.env, login="so_form_tour_rep", groups="sales_team.group_sale_salesman"
        )
        team = self.env["crm.team"].create(
            {"name": "SO Form Tour Team", "member_ids": [Command.set(rep.ids)]}
        )
        kpi = self.env["sales.kpi"].create({"name": "SO Form Tour Deals", "metric": "won_count"})
        target = self._q4_2030_target(kpi, team)
        self.start_tour(
            f"/odoo/action-sales_objectives.sales_target_action/{target.id}",
            "sales_objectives_period_form_tour",
            login="so_form_tour",
        )
        self.assertEqual((str(target.date_from), str(target.date_to)), ("2030-10-01", "2030-10-31"))
        created = self.env["sales.target"].search(
            [("kpi_id", "=", kpi.id), ("id", "!=", target.id)]
        )
        self.assertEqual(
            (str(created.date_from), str(created.date_to)), ("2030-10-01", "2030-12-31")
        )

    def test_persian_digits_tour(self):
        """A target typed in Persian digits is saved as the number: a count (Odoo's
        float field) and an amount (its monetary field); a word typed first is refused
        in both (Odoo's monetary parser read «abc» as 0: walk F)."""
        new_test_user(
            self.env, login="so_digits", groups="sales_team.group_sale_manager", name="SO Digits"
        )
        team = self.env["crm.team"].create({"name": "SO Digits Team"})
        for metric in ("won_count", "won_revenue"):
            kpi = self.env["sales.kpi"].create({"name": f"SO Digits {metric}", "metric": metric})
            target = self._q4_2030_target(kpi, team)
            self.start_tour(
                f"/odoo/action-sales_objectives.sales_target_action/{target.id}",
                "sales_objectives_persian_digits_tour",
                login="so_digits",
            )
            self.assertEqual(target.target_value, 12500, metric)

    def test_percent_rtl_tour(self):
        """In Persian, the attainment reads «116 %» the same way in the kanban and in
        the list (the list writes its number columns left to right)."""
        self.env["res.lang"]._activate_lang("fa_IR")
        rep, _targets = self._figures_setup()
        rep.lang = "fa_IR"
        self.start_tour(
            "/odoo/action-sales_objectives.sales_target_action_my",
            "sales_objectives_percent_rtl_tour",
            login="so_fig_rep",
        )

    def _figures_setup(self):
        """This month (today's, in the company's time zone): a team target of 2,000
        won revenue and its salesperson's part of 2,000, both exceeded by a deal of
        3,000 won today; a win rate target for a salesperson who closed no deal."""
        rep = new_test_user(
            self.env, login="so_fig_rep", groups="sales_team.group_sale_salesman", name="SO Fig Rep"
        )
        idle = new_test_user(
            self.env,
            login="so_fig_rep_b",
            groups="sales_team.group_sale_salesman",
            name="SO Fig Rep B",
        )
        company = self.env.company
        team = self.env["crm.team"].create(
            {
                "name": "SO Fig Team",
                "company_id": company.id,
                "member_ids": [Command.set((rep | idle).ids)],
            }
        )
        won = self.env["crm.stage"].create({"name": "SO Fig Won", "is_won": True, "sequence": 99})
        lead = self.env["crm.lead"].create(
            {
                "name": "SO Fig Deal",
                "type": "opportunity",
                "user_id": rep.id,
                "team_id": team.id,
                "company_id": company.id,
                "expected_revenue": 3000,
            }
        )
        lead.stage_id = won
        revenue = self.env["sales.kpi"].create({"name": "SO Fig Revenue", "metric": "won_revenue"})
        rate = self.env["sales.kpi"].create({"name": "SO Fig Win rate", "metric": "win_rate"})
        month = company._sales_today()[company.id].replace(day=1)
        Target = self.env["sales.target"]
        common = {"period_type": "month", "date_from": month, "company_id": company.id}
        team_target = Target.create(
            {
                **common,
                "kpi_id": revenue.id,
                "owner_type": "team",
                "team_id": team.id,
                "target_value": 2000,
            }
        )
        targets = team_target | Target.create(
            [
                {
                    **common,
                    "kpi_id": revenue.id,
                    "owner_type": "user",
                    "team_id": team.id,
                    "user_id": rep.id,
                    "target_value": 2000,
                    "parent_id": team_target.id,
                },
                {
                    **common,
                    "kpi_id": rate.id,
                    "owner_type": "user",
                    "team_id": team.id,
                    "user_id": idle.id,
                    "target_value": 60,
                },
            ]
        )
        targets.action_confirm()
        return rep, targets

    def _manager(self):
        return new_test_user(
            self.env,
            login="so_fig_manager",
            groups="sales_team.group_sale_manager",
            name="SO Fig Manager",
        )

    def test_figures_tour(self):
        self._manager()
        _rep, targets = self._figures_setup()
        self.assertEqual(targets.mapped("status")[:2], ["achieved", "achieved"])
        self.assertEqual(targets[2].actual_sample, 0)  # no deal closed
        self.start_tour(
            "/odoo/action-sales_objectives.sales_target_action",
            "sales_objectives_target_figures_tour",
            login="so_fig_manager",
        )

    def test_children_tour(self):
        self._manager()
        _rep, targets = self._figures_setup()
        self.start_tour(
            f"/odoo/action-sales_objectives.sales_target_action/{targets[0].id}",
            "sales_objectives_target_children_tour",
            login="so_fig_manager",
        )

    def test_units_tour(self):
        self._manager()
        rep, targets = self._figures_setup()
        rate = targets[2]
        # a rate target with a bonus: its units in the form of a salesperson's target
        rate.action_reset_draft()
        rate.write({"user_id": rep.id, "bonus_base": 500, "bonus_accelerator": 2})
        self.start_tour(
            f"/odoo/action-sales_objectives.sales_target_action/{rate.id}",
            "sales_objectives_target_units_tour",
            login="so_fig_manager",
        )
        self.start_tour(
            "/odoo/action-sales_objectives.sales_target_plan_action/new",
            "sales_objectives_plan_units_tour",
            login="so_fig_manager",
        )

    def test_figure_graph_tour(self):
        """Two salespeople's attainments on the targets analysis graph: side by side,
        never stacked into a total."""
        self._manager()
        self._figures_setup()
        self.start_tour(
            "/odoo/action-sales_objectives.sales_target_action_analysis",
            "sales_objectives_figure_graph_tour",
            login="so_fig_manager",
        )

    def test_value_warning_tour(self):
        """SO Fig Rep won 3,000 forty days ago: about 247 over this month's 30 days
        (3,000 x 30 / 365); 50,000,000 is questioned, 300 is not."""
        self._manager()
        rep, targets = self._figures_setup()
        targets.action_reset_draft()
        targets.unlink()
        company = self.env.company
        today = company._sales_today()[company.id]
        lead = self.env["crm.lead"].search([("name", "=", "SO Fig Deal")])
        lead.date_closed = fields.Datetime.to_datetime(today) - timedelta(days=40)
        self.start_tour(
            "/odoo/action-sales_objectives.sales_target_action/new",
            "sales_objectives_value_warning_tour",
            login="so_fig_manager",
        )
        target = self.env["sales.target"].search([("user_id", "=", rep.id)])
        self.assertEqual(target.target_value, 300)

    def test_read_only_for_the_salesperson_tour(self):
        """Their own draft target: the rep reads it, only the leader or a manager may
        change it, so the form offers nothing to type in."""
        rep, targets = self._figures_setup()
        mine = targets.filtered(lambda t: t.user_id == rep)
        mine.action_reset_draft()
        self.assertFalse(mine.with_user(rep).can_edit)
        self.start_tour(
            f"/odoo/action-sales_objectives.sales_target_action_my/{mine.id}",
            "sales_objectives_target_readonly_tour",
            login="so_fig_rep",
        )

    def _burnup_target(self, lang="en_US"):
        """The salesperson's part, 20,000 this month, of which 3,000 won today."""
        rep, targets = self._figures_setup()
        rep.lang = lang
        mine = targets.filtered(lambda t: t.user_id == rep)
        mine.write({"state": "draft"})
        mine.write({"target_value": 20000})
        mine.action_confirm()
        return mine

    def test_burnup_axis_tour(self):
        """In Dutch: thousands with a dot."""
        self.env["res.lang"]._activate_lang("nl_NL")
        target = self._burnup_target("nl_NL")
        self.start_tour(
            f"/odoo/action-sales_objectives.sales_target_action_my/{target.id}",
            "sales_objectives_burnup_axis_tour",
            login="so_fig_rep",
        )

    def test_burnup_note_tour(self):
        target = self._burnup_target()
        self.start_tour(
            f"/odoo/action-sales_objectives.sales_target_action_my/{target.id}",
            "sales_objectives_burnup_note_tour",
            login="so_fig_rep",
        )


@tagged("post_install", "-at_install", "sales_objectives", "so_targets")
class TestWhoSetsTargets(SalesObjectivesCase):
    """A team leader sets his own team's targets; another team's, or the company's, are
    refused in plain words, whatever the path (a new target, a target moved)."""

    def test_a_leaders_new_target_is_his_teams(self):
        """The leader of T1 opens a new target: T1 is filled in; a company target
        has no team."""
        form = Form(self.env["sales.target"].with_user(self.leader))
        self.assertEqual(form.team_id, self.team1)
        form.owner_type = "company"
        self.assertFalse(form.team_id)
        # a sales manager who leads no team chooses it
        manager_form = Form(self.env["sales.target"].with_user(self.manager))
        self.assertFalse(manager_form.team_id)

    def test_a_leader_sets_his_own_teams_only(self):
        Target = self.env["sales.target"].with_user(self.leader)
        vals = {
            "kpi_id": self.kpi["won_count"].id,
            "owner_type": "team",
            "date_from": "2026-05-01",
            "target_value": 5,
        }
        with self.assertRaisesRegex(AccessError, "Only the leader of the sales team “SO Team 2”"):
            Target.create({**vals, "team_id": self.team2.id})
        with self.assertRaisesRegex(AccessError, "Only a sales manager can set the company"):
            Target.create({**vals, "owner_type": "company", "company_id": self.company_a.id})
        # his team's own target is his quota: a sales manager sets it
        with self.assertRaisesRegex(AccessError, "your own quota"):
            Target.create({**vals, "team_id": self.team1.id})
        mine = Target.create(
            {**vals, "owner_type": "user", "team_id": self.team1.id, "user_id": self.rep2.id}
        )
        self.assertEqual(mine.owner_name, self.rep2.name)
        self.team2.member_ids = [Command.link(self.rep2.id)]
        with self.assertRaisesRegex(AccessError, "Only the leader of the sales team “SO Team 2”"):
            mine.write({"team_id": self.team2.id})
        self.assertEqual(mine.team_id, self.team1)
        # a salesperson sets none
        with self.assertRaisesRegex(AccessError, "Only the leader of the sales team “SO Team 1”"):
            self.env["sales.target"].with_user(self.rep1).create({**vals, "team_id": self.team1.id})
        # nor changes his own target, confirmed or not: told who does, not to reset it
        own = Target.create(
            {**vals, "owner_type": "user", "team_id": self.team1.id, "user_id": self.rep1.id}
        )
        own.with_user(self.manager).action_confirm()
        with self.assertRaisesRegex(AccessError, "Only the leader of the sales team “SO Team 1”"):
            own.with_user(self.rep1).write({"target_value": 200})
        self.assertEqual(own.target_value, 5)


@tagged("post_install", "-at_install", "sales_objectives", "so_targets")
class TestTargetCurrency(SalesObjectivesCase):
    """A target is measured in its company's currency unless the user chose another."""

    def test_the_users_currency_is_kept(self):
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
