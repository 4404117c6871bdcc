"""The rights matrix on the sales bridge's targets and KPIs, with non-manager users."""

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import SaleObjectivesCase


@tagged("post_install", "-at_install", "sales_objectives", "so_rights")
@freeze_time("2026-04-15 12:00:00")
class TestSaleRights(SaleObjectivesCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.t_team1 = cls._target("ordered_amount", cls.team1, value=9000)
        cls.t_rep1 = cls._target("ordered_amount", cls.rep1, value=3000)
        cls.t_rep2 = cls._target("invoiced_amount", cls.rep2, value=3000)
        cls.t_churn = cls._target("churned_customers", cls.team1, value=1)
        cls.t_company_b = cls._target("ordered_amount", cls.company_b, value=100)

    def test_salesperson_reads_refreshes_and_opens_own_targets(self):
        Target = self.env["sales.target"].with_user(self.rep1)
        visible = Target.search(
            [("id", "in", (self.t_team1 | self.t_rep1 | self.t_rep2 | self.t_company_b).ids)]
        )
        self.assertEqual(visible, self.t_team1 | self.t_rep1)
        self.t_rep1.with_user(self.rep1).action_refresh()
        self.assertEqual(self.t_rep1.with_user(self.rep1).actual_value, 750)
        # the team's figure counts every rep's orders, whatever the rep may open
        self.t_team1.with_user(self.rep1).action_refresh()
        self.assertEqual(self.t_team1.with_user(self.rep1).actual_value, 1125)
        action = self.t_rep1.with_user(self.rep1).action_open_records()
        orders = self.env["sale.order"].with_user(self.rep1).search(action["domain"])
        self.assertEqual(orders, self.o2)
        # customers behind a figure open as contacts
        action = self.t_churn.with_user(self.rep1).action_open_records()
        self.assertEqual(action["res_model"], "res.partner")
        self.assertEqual(
            self.env["res.partner"].with_user(self.rep1).search(action["domain"]), self.p4
        )

    def test_salesperson_cannot_read_others_or_change_targets(self):
        with self.assertRaises(AccessError):
            self.t_rep2.with_user(self.rep1).read(["actual_value"])
        with self.assertRaises(AccessError):
            self.t_rep1.with_user(self.rep1).write({"target_value": 1})
        with self.assertRaisesRegex(UserError, "measured from the CRM, not typed"):
            self.t_rep1.with_user(self.rep1).write({"actual_value": 1})
        with self.assertRaises(AccessError):
            self.t_company_b.with_user(self.rep1).read(["actual_value"])

    def test_team_leader_manages_own_team_only(self):
        self.t_rep1.with_user(self.leader).write({"target_value": 3500})
        self.assertEqual(self.t_rep1.target_value, 3500)
        t_team2 = self._target("ordered_amount", self.team2, value=100)
        with self.assertRaises(AccessError):
            t_team2.with_user(self.leader).write({"target_value": 1})

    def test_kpis_are_configured_by_managers_only(self):
        kpi = self.kpi["ordered_amount"]
        with self.assertRaises(AccessError):
            kpi.with_user(self.rep1).write({"product_categ_ids": [(6, 0, self.furniture.ids)]})
        with self.assertRaises(AccessError):
            kpi.with_user(self.leader).write({"domain": "[]"})
        kpi.with_user(self.manager).write({"product_categ_ids": [(6, 0, self.furniture.ids)]})
        self.assertEqual(kpi.product_categ_ids, self.furniture)
        # a rep reads the KPI (its name and what it counts) on their targets
        self.assertEqual(kpi.with_user(self.rep1).product_categ_ids, self.furniture)
