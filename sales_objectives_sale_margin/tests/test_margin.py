"""Margin and margin % on the orders of sales_objectives_sale's tests, with the
products' costs: Desk 60, Chair 30, Consulting 120 (in USD, company A)."""

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from odoo.addons.sales_objectives.tests.common import ActualsMixin
from odoo.addons.sales_objectives_sale.tests.common import SaleObjectivesCase


@tagged("post_install", "-at_install", "sales_objectives", "so_metrics")
@freeze_time("2026-04-15 12:00:00")
class TestMargin(ActualsMixin, SaleObjectivesCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for key in ("margin", "margin_percent"):
            cls.kpi[key] = cls.env.ref(f"sales_objectives_sale_margin.sales_kpi_{key}")

    @classmethod
    def _order(cls, user, team, partner, confirmed, lines, pricelist=None, company=None):
        for product, cost in ((cls.desk, 60), (cls.chair, 30), (cls.consulting, 120)):
            product.with_company(company or cls.company_a).standard_price = cost
        return super()._order(user, team, partner, confirmed, lines, pricelist, company)

    def test_margin(self):
        # O2: desk 450 - 60 + consulting 300 - 120 = 570; O4: 300 EUR - 120 USD cost
        # (96 EUR at 0.8) = 204 EUR = 255 USD -> team 1 in March: 825
        self.assertActual("margin", self.team1, 825)
        self.assertActual("margin", self.rep1, 570)
        # in EUR: 570 USD at 0.5 (March 5) = 285, 255 USD at 0.8 = 204
        in_eur = self.kpi["margin"].copy({"name": "Margin in EUR"})
        self.assertActual(in_eur, self.team1, 489, currency_id=self.eur.id)

    def test_margin_percent(self):
        # 825 of 1125
        self.assertActual("margin_percent", self.team1, 100 * 825 / 1125)
        furniture = self.env["sales.kpi"].create(
            {
                "name": "Furniture margin",
                "metric": "margin_percent",
                "product_categ_ids": self.furniture.ids,
            }
        )
        # O2's desk only: 390 of 450
        self.assertActual(furniture, self.team1, 100 * 390 / 450)

    def test_margin_of_a_split_order(self):
        """O2 (margin 570) split 60 % rep 1 / 40 % rep 3 (team 2) by rep 1: rep 1 keeps
        342, rep 3 and team 2 gain 228 (O7: 2 x (100 - 30) = 140 before), team 1 keeps
        825 - 228; rep 3's margin % is (140 + 228) / (200 + 300)."""
        self.o2.with_user(self.rep1).write(
            {
                "so_credit_split_ids": [
                    Command.create({"user_id": self.rep1.id, "share": 60}),
                    Command.create({"user_id": self.rep3.id, "share": 40}),
                ]
            }
        )
        self.assertActual("margin", self.rep1, 342)
        self.assertActual("margin", self.rep3, 140 + 228, team=self.team2)
        self.assertActual("margin", self.team1, 825 - 228)
        self.assertActual("margin", self.team2, 140 + 228)
        self.assertActual(
            "margin_percent", self.rep3, 100 * (140 + 228) / (200 + 300), team=self.team2
        )
