"""Quotas that are approved: a team leader submits, a sales manager approves or sends
back with a reason, and nobody submits, approves, sends back, resets or sets the
figures of their own quota (their salesperson target, the target of a team they lead)
unless the company allows self-approval. Whatever the path: the buttons, a write of the
state, a target created in the state, a write of the owner. A submitted target counts
nowhere (leaderboard, bonus, team card) until approved. Plans follow the same flow with
their targets; a Chromium tour walks submit -> send back -> approve on the screens."""

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import RecordCapturer

from .common import MAIL_CONTEXT, SalesObjectivesCase


def second_manager(case):
    """Another sales manager of company A: who approves a manager's own quota."""
    return new_test_user(
        case.env,
        login="so_manager2",
        groups="sales_team.group_sale_manager",
        company_id=case.company_a.id,
        company_ids=[Command.set(case.company_a.ids)],
        tz="Europe/Brussels",
    )


@tagged("post_install", "-at_install", "sales_objectives", "so_approval")
@freeze_time("2026-03-16 12:00:00")
class TestApproval(SalesObjectivesCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager2 = second_manager(cls)
        # the first manager leads team 2 and sells in it: two quotas of his own
        cls.team2.user_id = cls.manager
        cls.t_rep1 = cls._target("won_revenue", cls.rep1, value=3000)
        cls.t_team1 = cls._target("won_revenue", cls.team1, value=9000)
        cls.t_own_user = cls._target("won_revenue", cls.manager, value=2000, team=cls.team2)
        cls.t_own_team = cls._target("won_revenue", cls.team2, value=5000)

    def send_back(self, targets, user, reason):
        wizard = (
            self.env["sales.target.send.back"]
            .with_user(user)
            .with_context(**MAIL_CONTEXT)
            .create({"target_ids": [Command.set(targets.ids)], "reason": reason})
        )
        return wizard.action_send_back()

    # ------------------------------------------------------------------
    # The flow
    # ------------------------------------------------------------------

    def test_submit_send_back_resubmit_approve(self):
        """The leader submits; a manager sends it back with a reason (posted, and told
        to the salesperson and the leader); the leader changes it and submits again;
        another manager approves it; only then is it locked and counted."""
        target = self.t_rep1.with_context(**MAIL_CONTEXT)
        target.with_user(self.leader).action_submit()
        self.assertEqual(target.state, "submitted")
        self.assertEqual(target.submitted_by_id, self.leader)
        # submitted: locked like an approved target, for the leader
        with self.assertRaisesRegex(UserError, "no longer a draft"):
            target.with_user(self.leader).write({"target_value": 3500})
        with RecordCapturer(self.env["mail.message"], []) as capture:
            self.send_back(target, self.manager, "Too low against last March: aim for 3,500.")
        self.assertEqual(target.state, "draft")
        posted = capture.records.filtered(lambda m: m.model == "sales.target" and m.body)
        self.assertTrue(any("aim for 3,500" in m.body for m in posted))
        for user in (self.rep1, self.leader):
            told = capture.records.filtered(lambda m, user=user: user.partner_id in m.partner_ids)
            self.assertEqual(len(told), 1, user.login)
            self.assertIn("aim for 3,500", told.body)
            self.assertEqual(told.author_id, self.manager.partner_id)
        target.with_user(self.leader).write({"target_value": 3500})
        target.with_user(self.leader).action_submit()
        target.with_user(self.manager2).action_confirm()
        self.assertEqual(target.state, "confirmed")
        self.assertEqual(target.target_value, 3500)
        self.assertTrue(target.refreshed_at)
        # the history keeps each step, the sending back with its reason
        audit = (
            self.env["sales.target.audit"]
            .with_user(self.manager2)
            .search([("target_id", "=", target.id), ("what", "=", "state")], order="id")
        )
        self.assertEqual(
            [(a.user_id, a.new_value) for a in audit if a.event == "write"],
            [
                (self.leader, "Submitted"),
                (self.manager, "Draft"),
                (self.leader, "Submitted"),
                (self.manager2, "Approved"),
            ],
        )
        sent_back = audit.filtered(lambda a: a.user_id == self.manager)
        self.assertIn("aim for 3,500", sent_back.reason)

    def test_a_reason_is_required_to_send_back(self):
        self.t_rep1.with_user(self.leader).action_submit()
        with self.assertRaisesRegex(UserError, "reason"):
            self.t_rep1.with_user(self.manager).write({"state": "draft"})
        with self.assertRaisesRegex(UserError, "Say why"):
            self.send_back(self.t_rep1, self.manager, "   ")
        self.assertEqual(self.t_rep1.state, "submitted")
        # the leader does not send back (nor withdraw) what he submitted
        with self.assertRaises(AccessError):
            self.send_back(self.t_rep1, self.leader, "Changed my mind")
        self.assertEqual(self.t_rep1.state, "submitted")

    def test_a_manager_approves_a_draft_directly(self):
        self.t_rep1.with_user(self.manager).action_confirm()
        self.assertEqual(self.t_rep1.state, "confirmed")

    # ------------------------------------------------------------------
    # Who may not
    # ------------------------------------------------------------------

    def test_a_leader_cannot_approve(self):
        """Not with the button, not by writing the state, not by creating the target
        approved; a submitted target is not sent back nor reset by him either."""
        leader_target = self.t_rep1.with_user(self.leader)
        with self.assertRaisesRegex(AccessError, "Only a sales manager approves"):
            leader_target.action_confirm()
        with self.assertRaisesRegex(AccessError, "Only a sales manager approves"):
            leader_target.write({"state": "confirmed"})
        self.assertEqual(self.t_rep1.state, "draft")
        leader_target.action_submit()
        with self.assertRaisesRegex(AccessError, "Only a sales manager approves"):
            leader_target.write({"state": "confirmed"})
        with self.assertRaisesRegex(AccessError, "Only a sales manager approves"):
            self.env["sales.target"].with_user(self.leader).create(
                {
                    "kpi_id": self.kpi["won_count"].id,
                    "owner_type": "user",
                    "team_id": self.team1.id,
                    "user_id": self.rep2.id,
                    "period_type": "month",
                    "date_from": "2026-03-01",
                    "target_value": 4,
                    "state": "confirmed",
                }
            )
        # approved by a manager: the leader does not reset it to draft either
        self.t_rep1.with_user(self.manager).action_confirm()
        with self.assertRaisesRegex(AccessError, "resets an approved target"):
            leader_target.write({"state": "draft"})
        self.assertEqual(self.t_rep1.state, "confirmed")

    def test_a_salesperson_does_not_submit_their_own_target(self):
        with self.assertRaises(AccessError):
            self.t_rep1.with_user(self.rep1).action_submit()
        self.assertEqual(self.t_rep1.state, "draft")

    def test_a_leader_does_not_submit_nor_set_his_team_quota(self):
        """The team's target is its leader's quota: another manager sets it."""
        leader_team = self.t_team1.with_user(self.leader)
        with self.assertRaisesRegex(AccessError, "your own quota"):
            leader_team.action_submit()
        with self.assertRaisesRegex(AccessError, "your own quota"):
            leader_team.write({"target_value": 12000})
        with self.assertRaisesRegex(AccessError, "your own quota"):
            self.env["sales.target"].with_user(self.leader).create(
                {
                    "kpi_id": self.kpi["won_count"].id,
                    "owner_type": "team",
                    "team_id": self.team1.id,
                    "period_type": "month",
                    "date_from": "2026-03-01",
                    "target_value": 40,
                }
            )
        self.assertEqual((self.t_team1.state, self.t_team1.target_value), ("draft", 9000))
        # his salespeople's targets he sets and submits
        self.t_rep1.with_user(self.leader).write({"target_value": 3300})
        self.t_rep1.with_user(self.leader).action_submit()
        self.assertEqual(self.t_rep1.state, "submitted")

    def test_a_manager_does_not_approve_his_own_quota(self):
        """Neither his salesperson target nor the target of the team he leads: not
        approved, not submitted, not sent back, not reset, and its figures not written;
        another manager does."""
        for target in (self.t_own_user, self.t_own_team):
            mine = target.with_user(self.manager)
            self.assertTrue(mine.own_quota)
            self.assertFalse(target.with_user(self.manager2).own_quota)
            with self.assertRaisesRegex(AccessError, "your own quota"):
                mine.action_confirm()
            with self.assertRaisesRegex(AccessError, "your own quota"):
                mine.write({"state": "confirmed"})
            with self.assertRaisesRegex(AccessError, "your own quota"):
                mine.action_submit()
            for values in (
                {"target_value": 1},
                {"stretch_value": 99999},
                {"date_from": "2026-04-01"},
            ):
                with self.assertRaisesRegex(AccessError, "your own quota"):
                    mine.write(values)
            target.with_user(self.manager2).action_submit()
            with self.assertRaisesRegex(AccessError, "your own quota"):
                self.send_back(target, self.manager, "Too low")
            target.with_user(self.manager2).action_confirm()
            self.assertEqual(target.state, "confirmed")
            with self.assertRaisesRegex(AccessError, "your own quota"):
                mine.action_reset_draft()
            self.assertEqual(target.state, "confirmed")
        with self.assertRaisesRegex(AccessError, "your own quota"):
            self.t_own_user.with_user(self.manager).write({"bonus_base": 500})
        # a manager cannot make himself a quota, created or moved to him
        with self.assertRaisesRegex(AccessError, "your own quota"):
            self._target("won_count", self.manager, value=3, team=self.team2).with_user(
                self.manager
            ).write({"target_value": 4})
        with self.assertRaisesRegex(AccessError, "your own quota"):
            self.env["sales.target"].with_user(self.manager).create(
                {
                    "kpi_id": self.kpi["won_count"].id,
                    "owner_type": "user",
                    "team_id": self.team2.id,
                    "user_id": self.manager.id,
                    "period_type": "month",
                    "date_from": "2026-03-01",
                    "target_value": 5,
                }
            )
        other = self._target("won_count", self.rep3, value=3, team=self.team2)
        self.team2.member_ids = [Command.link(self.manager.id)]
        with self.assertRaisesRegex(AccessError, "your own quota"):
            other.with_user(self.manager).write({"user_id": self.manager.id})
        self.assertEqual(other.user_id, self.rep3)

    def test_the_form_offers_no_button_on_ones_own_quota(self):
        mine = self.t_own_user.with_user(self.manager)
        self.assertTrue(mine.own_quota)
        self.assertFalse(self.t_rep1.with_user(self.manager).own_quota)
        self.assertFalse(self.t_team1.with_user(self.manager).own_quota)
        self.assertTrue(self.t_team1.with_user(self.leader).own_quota)
        arch = self.env["sales.target"].with_user(self.manager).get_view(view_type="form")["arch"]
        for button in ("action_confirm", "action_send_back", "action_reset_draft"):
            self.assertIn(f'name="{button}"', arch)
        self.assertRegex(arch, r'name="action_confirm"[^>]*own_quota')
        self.assertRegex(arch, r'name="target_value"[^>]*own_quota')

    def test_self_approval_setting(self):
        """The company's setting lets a manager approve and change his own quota; only
        administrators see it in Settings."""
        self.company_a.sales_target_self_approval = True
        mine = self.t_own_user.with_user(self.manager)
        self.assertFalse(mine.own_quota)
        mine.write({"target_value": 2500})
        mine.action_confirm()
        self.assertEqual((self.t_own_user.state, self.t_own_user.target_value), ("confirmed", 2500))
        settings = self.env["res.config.settings"]
        self.assertNotIn(
            "sales_target_self_approval",
            settings.with_user(self.manager).fields_get(["sales_target_self_approval"]),
        )
        self.assertIn(
            "sales_target_self_approval",
            settings.with_user(self.env.ref("base.user_admin")).fields_get(
                ["sales_target_self_approval"]
            ),
        )

    # ------------------------------------------------------------------
    # A submitted target counts nowhere until approved
    # ------------------------------------------------------------------

    def test_submitted_counts_nowhere_until_approved(self):
        def target(owner, actual, **extra):
            return self._target("manual", owner, value=100, manual_value=actual, **extra)

        approved = target(self.rep2, 50)
        approved.with_user(self.manager).action_confirm()
        submitted = target(self.rep1, 80, bonus_base=1000, bonus_floor=0)
        team = target(self.team1, 70)
        submitted.with_user(self.leader).action_submit()
        team.with_user(self.manager).action_submit()
        (submitted | team)._refresh()
        self.assertEqual(submitted.attainment, 80)  # measured, like a draft

        def ranked():
            rows = self.env["sales.target.leaderboard"].search(
                [("kpi_id", "=", self.kpi["manual"].id)]
            )
            return rows.target_id

        self.assertEqual(ranked(), approved)
        self.assertEqual(submitted.with_user(self.rep1).my_bonus_payout, 0)
        self.assertNotIn("o_sales_target_progress", self.team1.sales_target_progress or "")
        submitted.with_user(self.manager).action_confirm()
        team.with_user(self.manager2).action_confirm()
        self.env["sales.target.leaderboard"].invalidate_model()
        self.team1.invalidate_recordset(["sales_target_progress"])
        self.assertEqual(ranked(), approved | submitted | team)
        self.assertEqual(submitted.with_user(self.rep1).my_bonus_payout, 800)
        self.assertIn("o_sales_target_progress", self.team1.sales_target_progress)

    def test_the_life_cycle_holds(self):
        self.t_rep1.with_user(self.leader).action_submit()
        with self.assertRaisesRegex(UserError, "cannot go from"):
            self.t_rep1.with_user(self.manager).write({"state": "closed"})
        self.t_rep1.with_user(self.manager).action_confirm()
        with self.assertRaisesRegex(UserError, "cannot go from"):
            self.t_rep1.with_user(self.manager).write({"state": "submitted"})


@tagged("post_install", "-at_install", "sales_objectives", "so_approval")
@freeze_time("2026-09-15 12:00:00")
class TestPlanApproval(SalesObjectivesCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager2 = second_manager(cls)

    def plan(self, team=None, user=None):
        team = team or self.team1
        plan = (
            self.env["sales.target.plan"]
            .with_user(user or self.manager)
            .create(
                {
                    "team_id": team.id,
                    "company_id": self.company_a.id,
                    "horizon": "quarter",
                    "date_from": "2026-10-01",
                    "granularity": "month",
                    "member_ids": [
                        Command.create({"user_id": u.id}) for u in team._so_quota_members()
                    ],
                    "line_ids": [
                        Command.create({"kpi_id": self.kpi["won_revenue"].id, "total_value": 9000})
                    ],
                }
            )
        )
        plan.action_generate()
        return plan

    def test_generate_makes_drafts(self):
        plan = self.plan()
        self.assertEqual(len(plan.target_ids), 12)
        self.assertEqual(set(plan.target_ids.mapped("state")), {"draft"})
        self.assertIn("12 targets created as drafts", plan.last_report)
        self.assertEqual(plan.state, "draft")

    def test_submit_send_back_approve(self):
        plan = self.plan()
        team_targets = plan.target_ids.filtered(lambda t: t.owner_type == "team")
        rep_targets = plan.target_ids - team_targets
        # a salesperson does not submit the plan; the leader changes nothing but its state
        with self.assertRaises(AccessError):
            plan.with_user(self.rep1).action_submit()
        with self.assertRaisesRegex(AccessError, "Sales managers set plans"):
            plan.with_user(self.leader).write({"split_method": "weights"})
        with self.assertRaisesRegex(UserError, "buttons"):
            plan.with_user(self.leader).write({"state": "approved"})
        with self.assertRaises(AccessError):
            plan.with_user(self.leader).action_generate()
        plan.with_user(self.leader).action_submit()
        self.assertEqual((plan.state, plan.submitted_by_id), ("submitted", self.leader))
        self.assertEqual(set(rep_targets.mapped("state")), {"submitted"})
        # the team's targets are the leader's own quota: they stay drafts
        self.assertEqual(set(team_targets.mapped("state")), {"draft"})
        # a submitted plan is what is approved: it does not change
        with self.assertRaisesRegex(UserError, "send it back"):
            plan.with_user(self.manager).action_generate()
        with self.assertRaises(AccessError):
            plan.with_user(self.leader).action_approve()
        wizard = (
            self.env["sales.target.send.back"]
            .with_user(self.manager)
            .with_context(**MAIL_CONTEXT)
            .create({"plan_id": plan.id, "reason": "December is too flat."})
        )
        wizard.action_send_back()
        self.assertEqual(plan.state, "draft")
        self.assertEqual(set(plan.target_ids.mapped("state")), {"draft"})
        self.assertTrue(any("December is too flat." in m.body for m in plan.message_ids))
        plan.with_user(self.leader).action_submit()
        plan.with_user(self.manager2).action_approve()
        self.assertEqual(plan.state, "approved")
        self.assertEqual(set(plan.target_ids.mapped("state")), {"confirmed"})
        with self.assertRaisesRegex(UserError, "horizon has ended"):
            plan.with_user(self.manager).action_close()
        with freeze_time("2027-01-05 12:00:00"):
            plan.with_user(self.manager).action_close()
        self.assertEqual(plan.state, "closed")

    def test_a_manager_does_not_approve_a_plan_with_his_own_quota(self):
        self.team2.user_id = self.manager
        # he does not generate the targets of the team he leads
        with self.assertRaisesRegex(AccessError, "your own quota"):
            self.plan(self.team2)
        plan = self.plan(self.team2, user=self.manager2)
        with self.assertRaisesRegex(AccessError, "your own quota"):
            plan.with_user(self.manager).action_approve()
        self.assertEqual(set(plan.target_ids.mapped("state")), {"draft"})
        plan.with_user(self.manager2).action_approve()
        self.assertEqual(set(plan.target_ids.mapped("state")), {"confirmed"})


@tagged("post_install", "-at_install", "sales_objectives", "so_approval", "so_tours")
class TestApprovalTour(HttpCase):
    """A leader submits Anna's next-month target, a manager sends it back with a reason,
    the leader submits it again, another manager approves it: on the screens."""

    def test_submit_send_back_approve(self):
        env = self.env
        leader = env.ref("sales_objectives.user_demo_team_leader")
        manager = env.ref("sales_objectives.user_demo_sales_manager")
        manager2 = new_test_user(
            env,
            login="so_tour_manager2",
            password="so_tour_manager2",
            groups="base.group_user,sales_team.group_sale_manager",
        )
        target = env["sales.target"].create(
            {
                "kpi_id": env.ref("sales_objectives.sales_kpi_won_count").id,
                "owner_type": "user",
                "team_id": env.ref("sales_objectives.crm_team_demo_direct").id,
                "user_id": env.ref("sales_objectives.user_demo_rep_strong").id,
                "period_type": "year",
                "date_from": "2031-01-01",
                "target_value": 40,
            }
        )
        url = f"/odoo/action-sales_objectives.sales_target_action/{target.id}"
        self.start_tour(url, "sales_objectives_approval_submit_tour", login=leader.login)
        self.assertEqual((target.state, target.submitted_by_id), ("submitted", leader))
        self.start_tour(url, "sales_objectives_approval_send_back_tour", login=manager.login)
        self.assertEqual(target.state, "draft")
        self.assertTrue(any("Aim for 45" in body for body in target.message_ids.mapped("body")))
        self.start_tour(url, "sales_objectives_approval_submit_tour", login=leader.login)
        self.assertEqual(target.state, "submitted")
        self.start_tour(url, "sales_objectives_approval_approve_tour", login=manager2.login)
        self.assertEqual(target.state, "confirmed")
