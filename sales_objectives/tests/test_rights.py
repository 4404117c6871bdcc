"""The rights matrix, with non-manager users, and companies kept apart."""

from unittest.mock import patch

from freezegun import freeze_time
from lxml import etree

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.service.model import get_public_method
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import SalesObjectivesCase
from .test_bad_input import ENGINE_LOGGER, broken


@tagged("post_install", "-at_install", "sales_objectives", "so_rights")
@freeze_time("2026-04-15 12:00:00")
class TestRights(SalesObjectivesCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.t_team1 = cls._target("won_revenue", cls.team1, value=9000)
        cls.t_team2 = cls._target("won_revenue", cls.team2, value=9000)
        cls.t_rep1 = cls._target("won_revenue", cls.rep1, value=3000)
        cls.t_rep2 = cls._target("won_revenue", cls.rep2, value=3000)
        cls.t_company = cls._target("won_revenue", cls.company_a, value=20000)
        cls.t_company_b = cls._target("won_revenue", cls.company_b, value=100)
        cls.all_a = cls.t_team1 | cls.t_team2 | cls.t_rep1 | cls.t_rep2 | cls.t_company

    def visible(self, user):
        return (
            self.env["sales.target"]
            .with_user(user)
            .search([("id", "in", (self.all_a | self.t_company_b).ids)])
        )

    def test_the_engine_is_not_reached_over_rpc(self):
        """The engine measures whatever it is asked, without record rules: its public
        API is for the add-ons' code, never for a web client's call (a salesperson
        would read anyone's figures)."""
        engine = self.env["sales.kpi.engine"].with_user(self.rep1)
        for name in (
            "refresh",
            "measure_kpi",
            "measure_users",
            "burnup",
            "counted_records",
            "metric_definitions",
            "working_days",
            "kpi_fields",
            "pass_state",
            "record_sources",
            "kept_signatures",
            "distinct_signature",
            "open_periods_and_edited",
        ):
            with self.assertRaises(AccessError, msg=name):
                get_public_method(engine, name)

    def test_salesperson_reads_own_and_own_team_targets(self):
        self.assertEqual(self.visible(self.rep1), self.t_team1 | self.t_rep1)
        self.assertEqual(self.visible(self.rep3), self.t_team2)
        with self.assertRaises(AccessError):
            self.t_rep2.with_user(self.rep1).read(["target_value"])
        with self.assertRaises(AccessError):
            self.t_company.with_user(self.rep1).read(["target_value"])

    def test_salesperson_cannot_change_targets(self):
        with self.assertRaises(AccessError):
            self.t_rep1.with_user(self.rep1).write({"target_value": 1})
        with self.assertRaises(AccessError):
            self.t_team1.with_user(self.rep1).action_confirm()
        with self.assertRaises(AccessError):
            self._target_as(self.rep1, self.rep1, date_from="2026-05-01")
        with self.assertRaises(AccessError):
            self.t_rep1.with_user(self.rep1).unlink()

    def test_salesperson_can_refresh_and_open_what_they_see(self):
        self.t_rep1.with_user(self.rep1).action_refresh()
        self.assertEqual(self.t_rep1.actual_value, 3000)
        action = self.t_rep1.with_user(self.rep1).action_open_records()
        leads = (
            self.env["crm.lead"]
            .with_user(self.rep1)
            .with_context(active_test=False)
            .search(action["domain"])
        )
        self.assertEqual(leads, self.l1 | self.l2)

    def test_team_leader_edits_own_team_targets_only(self):
        self.assertEqual(self.visible(self.leader), self.t_team1 | self.t_rep1 | self.t_rep2)
        self.t_rep2.with_user(self.leader).write({"target_value": 3500})
        # he submits his salespeople's targets; a sales manager approves them
        self.t_rep2.with_user(self.leader).action_submit()
        self.assertEqual(self.t_rep2.state, "submitted")
        created = self._target_as(self.leader, self.rep4, date_from="2026-05-01")
        self.assertEqual(created.user_id, self.rep4)
        with self.assertRaises(AccessError):
            self.t_team2.with_user(self.leader).write({"target_value": 1})
        with self.assertRaises(AccessError):
            self._target_as(self.leader, self.team2, date_from="2026-05-01")

    def test_only_managers_reopen(self):
        self.t_team1.action_confirm()
        self.t_team1.action_close()
        with self.assertRaises(AccessError):
            self.t_team1.with_user(self.leader).action_reopen()
        self.t_team1.with_user(self.manager).action_reopen()
        self.assertEqual(self.t_team1.state, "confirmed")

    def test_all_documents_reads_everything_and_changes_nothing(self):
        self.assertEqual(self.visible(self.all_leads), self.all_a)
        with self.assertRaises(AccessError):
            self.t_team1.with_user(self.all_leads).write({"target_value": 1})

    def test_manager_configures_everything_in_own_companies(self):
        self.assertEqual(self.visible(self.manager), self.all_a)
        self.t_team2.with_user(self.manager).write({"target_value": 1})
        kpi = (
            self.env["sales.kpi"]
            .with_user(self.manager)
            .create({"name": "Won — test", "metric": "won_revenue"})
        )
        kpi.with_user(self.manager).domain = "[('priority', '=', '3')]"
        # company B's manager sees none of company A's targets
        self.assertEqual(self.visible(self.manager_b), self.t_company_b)
        with self.assertRaises(AccessError):
            self.t_team1.with_user(self.manager_b).read(["target_value"])

    def test_kpis_are_configured_by_managers(self):
        kpi = self.kpi["won_revenue"]
        self.assertTrue(kpi.with_user(self.rep1).read(["name"]))
        with self.assertRaises(AccessError):
            kpi.with_user(self.leader).write({"name": "Mine"})
        with self.assertRaises(AccessError):
            self.env["sales.kpi"].with_user(self.leader).create(
                {"name": "Mine", "metric": "won_count"}
            )
        company_b_kpi = self.env["sales.kpi"].create(
            {"name": "B only", "metric": "won_count", "company_id": self.company_b.id}
        )
        self.assertFalse(
            self.env["sales.kpi"].with_user(self.rep1).search([("id", "=", company_b_kpi.id)])
        )

    def test_split_wizard_follows_target_rights(self):
        with self.assertRaises(AccessError):
            self.env["sales.target.split"].with_user(self.rep1).with_context(
                default_target_id=self.t_team1.id
            ).create({}).action_apply()
        wizard = (
            self.env["sales.target.split"]
            .with_user(self.leader)
            .with_context(default_target_id=self.t_team1.id)
            .create({})
        )
        wizard.remainder_user_id = self.rep1
        wizard.action_apply()
        self.assertEqual(len(self.t_team1.child_ids), 3)

    def test_targets_with_history_are_not_deleted(self):
        """Only drafts are deleted: confirmed and closed targets are archived (and a
        closed one only by a sales manager)."""
        draft = self._target_as(self.leader, self.rep4, date_from="2026-05-01")
        with self.assertRaises(AccessError):
            draft.with_user(self.rep4).unlink()
        confirmed = self.t_rep2
        confirmed.action_confirm()
        closed = self.t_rep1
        closed.action_confirm()
        closed.action_close()
        for user in (self.leader, self.manager):
            for target in (confirmed, closed):
                with self.assertRaisesRegex(UserError, "Only draft targets can be deleted"):
                    target.with_user(user).unlink()
        with self.assertRaises(AccessError):
            closed.with_user(self.leader).action_archive()
        closed.with_user(self.manager).action_archive()
        self.assertFalse(closed.active)
        draft.with_user(self.leader).unlink()
        self.assertFalse(draft.exists())

    def test_closed_contests_and_their_rankings_are_kept(self):
        contest = (
            self.env["sales.contest"]
            .with_user(self.manager)
            .create(
                {
                    "name": "SO March deals",
                    "kpi_id": self.kpi["won_count"].id,
                    "company_id": self.company_a.id,
                    "date_from": "2026-03-01",
                    "date_to": "2026-03-31",
                    "participant_ids": [Command.set((self.rep1 | self.rep2).ids)],
                }
            )
        )
        contest.action_start()
        line = contest.line_ids[:1]
        with self.assertRaises(AccessError):
            line.with_user(self.manager).unlink()
        with self.assertRaises(AccessError):
            contest.with_user(self.manager).write({"line_ids": [Command.delete(line.id)]})
        contest.action_close()
        self.assertEqual(contest.state, "done")
        with self.assertRaises(AccessError):
            contest.with_user(self.rep1).unlink()
        with self.assertRaisesRegex(UserError, "closed: its ranking and winners are kept"):
            contest.with_user(self.manager).unlink()
        self.assertEqual(len(contest.line_ids), 2)
        # a contest not closed yet goes
        draft = contest.copy({"name": "SO April deals"})
        draft.with_user(self.manager).unlink()
        self.assertFalse(draft.exists())

    def test_plans_whose_targets_exist_are_kept(self):
        Plan = self.env["sales.target.plan"].with_user(self.manager)
        values = {
            "team_id": self.team1.id,
            "company_id": self.company_a.id,
            "horizon": "quarter",
            "date_from": "2026-07-01",
            "member_ids": [Command.create({"user_id": self.rep1.id})],
            "line_ids": [Command.create({"kpi_id": self.kpi["won_count"].id, "total_value": 30})],
        }
        plan = Plan.create(values)
        plan.action_generate()
        with self.assertRaises(AccessError):
            plan.with_user(self.leader).unlink()
        with self.assertRaisesRegex(UserError, "set 6 targets"):
            plan.with_user(self.manager).unlink()
        self.assertTrue(plan.exists())
        # a plan that set nothing yet goes
        unused = Plan.create({**values, "date_from": "2026-10-01"})
        unused.unlink()
        self.assertFalse(unused.exists())

    # ------------------------------------------------------------------
    # Screens show only what the user may do, and say why what is refused
    # ------------------------------------------------------------------

    def views(self, user, **context):
        return (
            self.env["sales.target"]
            .with_user(user)
            .with_context(**context)
            .get_views([(False, "list"), (False, "form")])
        )

    def test_archive_is_offered_to_who_may_archive(self):
        """Odoo offers Archive / Unarchive (Actions, gear) when the field "active" is
        writable: a salesperson who sets no target gets none of them."""
        for user, offered in ((self.rep1, False), (self.leader, True), (self.manager, True)):
            fields = self.views(user)["models"]["sales.target"]["fields"]
            self.assertEqual(not fields["active"]["readonly"], offered, user.name)
        # a leader archives their own team's targets; another team's, or a closed one,
        # is refused in plain words, not with Odoo's "top-secret records"
        self.t_rep2.with_user(self.leader).action_archive()
        self.assertFalse(self.t_rep2.active)
        self.t_rep2.with_user(self.leader).action_unarchive()
        with self.assertRaisesRegex(AccessError, "the teams you lead"):
            self.t_team2.with_user(self.leader).action_archive()
        self.t_rep1.action_confirm()
        self.t_rep1.action_close()
        with self.assertRaisesRegex(AccessError, "Only a sales manager archives a closed target"):
            self.t_rep1.with_user(self.leader).action_archive()
        with self.assertRaisesRegex(AccessError, "Sales managers and team leaders"):
            self.t_rep1.with_user(self.rep1).action_archive()

    def test_new_only_where_the_user_sets_targets(self):
        """A leader opening another team's targets (from the team's card) gets no New
        (the web client drops it when the action's context says create: False)."""

        def create_allowed(user, team):
            context = team.with_user(user).action_open_sales_targets()["context"]
            self.assertEqual(context["default_team_id"], team.id)
            return context.get("create", True)

        self.assertTrue(create_allowed(self.leader, self.team1))
        self.assertFalse(create_allowed(self.leader, self.team2))
        self.assertTrue(create_allowed(self.manager, self.team2))
        self.assertFalse(create_allowed(self.rep1, self.team1))
        arch = etree.fromstring(self.views(self.rep1)["views"]["list"]["arch"])
        self.assertEqual(arch.get("create"), "0")

    def test_close_is_offered_once_the_period_has_ended(self):
        """March's target, on April 15 (Brussels): closable; April's, mid-period: not."""
        march = self.t_team1
        april = self._target("won_revenue", self.team1, value=9000, date_from="2026-04-01")
        (march | april).action_confirm()
        self.assertTrue(march.with_user(self.leader).can_close)
        self.assertFalse(april.with_user(self.leader).can_close)
        self.assertFalse(march.with_user(self.rep1).can_close)  # reads it, sets nothing
        self.assertTrue(march.with_user(self.manager).can_close)
        with freeze_time("2026-04-30 21:59:00"):  # 23:59 in Brussels: still April
            april.invalidate_recordset(["can_close"])
            self.assertFalse(april.with_user(self.leader).can_close)
        with freeze_time("2026-04-30 22:00:00"):  # May 1 in Brussels
            april.invalidate_recordset(["can_close"])
            self.assertTrue(april.with_user(self.leader).can_close)
        form = etree.fromstring(self.views(self.leader)["views"]["form"]["arch"])
        close = form.xpath("//button[@name='action_close']")[0]
        self.assertEqual(close.get("invisible"), "not can_close")

    def test_a_team_with_history_is_archived_not_deleted(self):
        """Deleting a team that has targets or a plan said
        "sales_target_plan_team_id_fkey"; it says why, and what to do."""
        self.env["sales.target.plan"].create(
            {"team_id": self.team2.id, "company_id": self.company_a.id, "horizon": "quarter"}
        )
        with self.assertRaisesRegex(UserError, "SO Team 2.*targets.*plan.*archive the team"):
            self.team2.with_user(self.manager).unlink()
        with self.assertRaisesRegex(UserError, "SO Team 1.*archive the team"):
            self.team1.with_user(self.manager).unlink()
        self.team2.with_user(self.manager).action_archive()
        self.assertFalse(self.team2.active)
        empty = self.env["crm.team"].create({"name": "SO Empty team"})
        empty.with_user(self.manager).unlink()
        self.assertFalse(empty.exists())

    def _target_as(self, user, owner, **kwargs):
        vals = {
            "kpi_id": self.kpi["won_count"].id,
            "period_type": "month",
            "date_from": kwargs.get("date_from", "2026-03-01"),
            "target_value": 5,
            "company_id": self.company_a.id,
        }
        if owner._name == "crm.team":
            vals.update(owner_type="team", team_id=owner.id)
        else:
            vals.update(owner_type="user", user_id=owner.id, team_id=self.team1.id)
        return self.env["sales.target"].with_user(user).create(vals)


@tagged("post_install", "-at_install", "sales_objectives", "so_rights")
@freeze_time("2026-04-15 12:00:00")
class TestRightsOnEveryPath(SalesObjectivesCase):
    """What a user may not do is refused whatever the path (a write, a create, a
    button), on targets each test makes (TestRights already holds the live March
    targets of its owners)."""

    def closed_team_target(self):
        target = self._target("won_revenue", self.team1, value=500)
        target.action_confirm()
        target.with_user(self.leader).action_close()
        self.assertEqual((target.state, target.actual_value), ("closed", 3000))
        return target

    def test_refresh_checks_access_and_hides_internal_errors(self):
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

    def test_a_team_leader_cannot_move_a_target_out_of_their_teams(self):
        target = self._target("won_revenue", self.team1, value=500, date_from="2026-05-01")
        with self.assertRaises(AccessError):
            target.with_user(self.leader).write({"team_id": self.team2.id})
        self.assertEqual(target.team_id, self.team1)
        # within their teams it stays possible; a manager moves it anywhere
        target.with_user(self.manager).write({"team_id": self.team2.id})
        self.assertEqual(target.team_id, self.team2)

    def test_only_managers_reopen_whatever_the_path(self):
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
        with self.assertRaisesRegex(UserError, "draft, submitted or approved"):
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

    def test_nobody_but_the_engine_writes_the_figures(self):
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


@tagged("post_install", "-at_install", "sales_objectives", "so_rights", "so_tours")
class TestRulesTours(HttpCase):
    """The screens of targets, walked in Chromium: what the user may not do is not
    offered."""

    def month_start(self):
        return fields.Date.context_today(self.env.user).replace(day=1)

    def current_target(self, kpi, **values):
        target = self.env["sales.target"].create(
            {"kpi_id": kpi.id, "date_from": self.month_start(), "target_value": 4, **values}
        )
        target.action_confirm()
        return target

    def test_salesperson_is_offered_no_archive(self):
        rep = new_test_user(self.env, login="so_rules_rep", groups="sales_team.group_sale_salesman")
        team = self.env["crm.team"].create(
            {"name": "SO Rules Rep Team", "member_ids": [Command.set(rep.ids)]}
        )
        kpi = self.env["sales.kpi"].create({"name": "SO Rules Rep Target", "metric": "won_count"})
        self.current_target(kpi, owner_type="user", user_id=rep.id, team_id=team.id)
        self.start_tour(
            "/odoo/action-sales_objectives.sales_target_action",
            "sales_objectives_rules_rep_tour",
            login="so_rules_rep",
        )

    def test_leader_is_offered_what_they_may_do(self):
        leader = new_test_user(
            self.env,
            login="so_rules_leader",
            groups="sales_team.group_sale_salesman_all_leads",
        )
        rep = new_test_user(
            self.env, login="so_rules_leader_rep", groups="sales_team.group_sale_salesman"
        )
        own = self.env["crm.team"].create(
            {
                "name": "SO Rules Own Team",
                "user_id": leader.id,
                "member_ids": [Command.set((leader | rep).ids)],
            }
        )
        other = self.env["crm.team"].create({"name": "SO Rules Other Team"})
        kpi = self.env["sales.kpi"].create({"name": "SO Rules Deals", "metric": "won_count"})
        for team in (own, other):
            self.current_target(kpi, owner_type="team", team_id=team.id)
        self.start_tour(
            "/odoo/action-sales_team.crm_team_action_pipeline",
            "sales_objectives_rules_leader_tour",
            login="so_rules_leader",
        )
