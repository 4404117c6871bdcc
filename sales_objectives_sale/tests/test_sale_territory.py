"""Territories on orders: a region over teams 1 and 2 counts each of their orders once,
and a customer served by both teams once (orders of common.py, March 2026, Brussels
time: team 1 O2 for P1 750, O4 for P2 375; team 2 O7 for P3 200, and here O8 for P2
100)."""

from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.sales_objectives.tests.common import ActualsMixin

from .common import SaleObjectivesCase


@tagged("post_install", "-at_install", "sales_objectives", "so_metrics", "so_territory")
@freeze_time("2026-04-15 12:00:00")
class TestSaleTerritory(ActualsMixin, SaleObjectivesCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.region = cls.env["crm.team"].create(
            {"name": "SO Region", "company_id": cls.company_a.id}
        )
        (cls.team1 | cls.team2).so_parent_id = cls.region
        cls.o8 = cls._order(cls.rep3, cls.team2, cls.p2, "2026-03-20 10:00", [(cls.chair, 1, 100)])

    def test_customer_served_by_two_teams_counts_once(self):
        self.assertActual("customers_served", self.team1, 2)  # P1, P2
        self.assertActual("customers_served", self.team2, 2)  # P3, P2
        self.assertActual("customers_served", self.region, 3, sample=3)  # P1, P2, P3

    def test_orders_add_up(self):
        self.assertActual("orders_count", self.region, 4, sample=4)
        self.assertActual("ordered_amount", self.region, 750 + 375 + 200 + 100)
