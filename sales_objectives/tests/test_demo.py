"""The demo database has a user per role with data that makes every screen
meaningful (README, "Demo users"). These tests read it as those users do."""

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, tagged

LOGINS = {
    "manager": "sales_team.group_sale_manager",
    "leader": "sales_team.group_sale_salesman_all_leads",
    "anna": "sales_team.group_sale_salesman",
    "ben": "sales_team.group_sale_salesman",
}


@tagged("post_install", "-at_install", "so_demo")
class TestDemoRoles(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team = cls.env.ref("sales_objectives.crm_team_demo_direct", raise_if_not_found=False)

    def setUp(self):
        super().setUp()
        module = self.env["ir.module.module"]._get("sales_objectives")
        if not self.env["ir.module.module"]._get("base").demo:
            self.skipTest("a database without demo data")
        # a demo file that fails to load only logs a warning and leaves the module
        # "installed without demo data": fail here instead
        self.assertTrue(module.demo and self.team, "the demo data of sales_objectives did not load")

    def user(self, login):
        return self.env["res.users"].search([("login", "=", login)])

    def test_one_user_per_role_login_is_password(self):
        for login, group in LOGINS.items():
            user = self.user(login)
            self.assertTrue(user, login)
            self.assertTrue(user.has_group(group), login)
            if group != "sales_team.group_sale_manager":
                self.assertFalse(user.has_group("sales_team.group_sale_manager"), login)
            if group == "sales_team.group_sale_salesman":
                self.assertFalse(user.has_group("sales_team.group_sale_salesman_all_leads"), login)
            user.with_user(user)._check_credentials(
                {"login": login, "password": login, "type": "password"}, {"interactive": False}
            )
        self.assertEqual(self.team.user_id, self.user("leader"))
        self.assertEqual(
            self.team.member_ids, self.user("leader") | self.user("anna") | self.user("ben")
        )

    def _status_or_too_early(self, target, status):
        """The status the demo was built for; none in the first days of the quarter
        (too early to judge), unless the target is reached."""
        if 100 * target.elapsed_ratio < target.company_id.sales_target_min_share:
            self.assertFalse(target.status)
        else:
            self.assertEqual(target.status, status)

    def test_my_targets_of_each_salesperson(self):
        Target = self.env["sales.target"]
        anna, ben = self.user("anna"), self.user("ben")
        mine = {
            t.kpi_id.metric: t for t in Target.with_user(anna).search([("user_id", "=", anna.id)])
        }
        self.assertEqual(set(mine), {"won_revenue", "cycle_days"})
        self.assertEqual(
            mine["won_revenue"].actual_value, 46500.0
        )  # 12,000 + 9,500 + 15,000 + 10,000
        self.assertEqual(mine["won_revenue"].status, "achieved")
        self.assertEqual(mine["cycle_days"].actual_value, 31.0)
        self._status_or_too_early(mine["cycle_days"], "on_track")  # 30 / 31 = 96.8 %
        mine = {
            t.kpi_id.metric: t for t in Target.with_user(ben).search([("user_id", "=", ben.id)])
        }
        self.assertEqual(set(mine), {"won_revenue", "win_rate"})
        self.assertEqual(mine["won_revenue"].actual_value, 1800.0)
        self._status_or_too_early(mine["won_revenue"], "behind")
        self.assertEqual(mine["win_rate"].actual_value, 50.0)  # one won, one lost
        self._status_or_too_early(mine["win_rate"], "at_risk")  # 50 / 60 = 83 %
        # own documents only: Ben does not read Anna's targets, nor her opportunities
        anna_target = Target.search([("user_id", "=", anna.id)], limit=1)
        with self.assertRaises(AccessError):
            anna_target.with_user(ben).read(["actual_value"])
        # of Anna's deals, Ben reads only the one whose credit she shares with him
        self.assertEqual(
            self.env["crm.lead"].with_user(ben).search([("user_id", "=", anna.id)]),
            self.env.ref("sales_objectives.crm_lead_demo_anna_open_2"),
        )

    def test_split_team_target(self):
        team_target = self.env["sales.target"].search(
            [
                ("team_id", "=", self.team.id),
                ("owner_type", "=", "team"),
                ("kpi_id.metric", "=", "won_revenue"),
            ]
        )
        leader = self.user("leader")
        team_target = team_target.with_user(leader)
        self.assertEqual(team_target.actual_value, 48300.0)
        children = (
            self.env["sales.target"].with_user(leader).search([("parent_id", "=", team_target.id)])
        )
        self.assertEqual(sorted(children.mapped("target_value")), [20000.0, 40000.0])
        self.assertEqual(sum(children.mapped("target_value")), team_target.target_value)

    def test_funnel_hint_and_overdue_call(self):
        funnel = (
            self.env["sales.funnel"]
            .with_user(self.user("leader"))
            .create({"team_id": self.team.id})
        )
        funnel.action_compute()
        self.assertIn("Ben Newcomer: 22 %", funnel.hints)
        self.assertIn("work on qualifying them", funnel.hints)
        ben = self.user("ben")
        overdue = (
            self.env["mail.activity"]
            .with_user(ben)
            .search(
                [
                    ("user_id", "=", ben.id),
                    ("date_deadline", "<", fields.Date.context_today(ben)),
                    ("activity_type_id", "=", self.env.ref("mail.mail_activity_data_call").id),
                ]
            )
        )
        self.assertTrue(overdue)
        self.assertFalse(self.env["sales.objective"].search([("activity_id", "in", overdue.ids)]))
