"""The incremental refresh sees every change of orders and invoices made through
Odoo: after each, an incremental pass gives exactly the figures of a full pass."""

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from odoo.addons.sales_objectives.tools.refresh_state import STORED_FIGURES

from .common import SALE_KPIS, SaleObjectivesCase

NAMES = [name for name, _type in STORED_FIGURES]


@tagged("post_install", "-at_install", "sales_objectives")
@freeze_time("2026-03-20 12:00:00")
class TestSaleIncremental(SaleObjectivesCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        targets = cls.env["sales.target"]
        owners = [
            (cls.team1, {}),
            (cls.team2, {}),
            (cls.rep1, {}),
            (cls.rep2, {}),
            (cls.company_a, {}),
        ]
        for kpi in SALE_KPIS:
            for owner, extra in owners:
                targets |= cls._target(kpi, owner, value=50, **extra)
                targets |= cls._target(kpi, owner, date_from="2026-04-01", value=50, **extra)
                targets |= cls._target(
                    kpi, owner, period="quarter", date_from="2026-01-01", value=50, **extra
                )
        cls.targets = targets
        cls._archive_other_targets(targets)

    def figures(self):
        self.env.flush_all()
        self.env.cr.execute(
            f"SELECT id, {', '.join(NAMES)} FROM sales_target WHERE id = ANY(%s) ORDER BY id",
            [self.targets.ids],
        )
        return {
            row[0]: [round(v, 6) if isinstance(v, float) else v for v in row[1:]]
            for row in self.env.cr.fetchall()
        }

    def full(self):
        self.env["sales.kpi.engine"].refresh(self.targets.exists(), complete=True)
        return self.figures()

    def check(self, change):
        before = self.full()
        change()
        self.env["sales.kpi.refresh"]._incremental_pass("2999-01-01")
        incremental = self.figures()
        self.assertTrue(incremental != before, "the change should move some figure")
        expected = self.full()
        differences = [
            (target_id, name, incremental[target_id][i], value[i])
            for target_id, value in expected.items()
            for i, name in enumerate(NAMES)
            if incremental[target_id][i] != value[i]
        ]
        self.assertFalse(differences, "incremental and full refresh disagree")
        self.assertFalse(self.env["sales.kpi.change"].search_count([]), "the log is consumed")

    def test_order_confirmed(self):
        # P4 orders again (O9 in February): a repeat customer, retained, cross-sold
        def change():
            order = self._order(self.rep2, self.team1, self.p4, None, [(self.consulting, 2, 80)])
            order.action_confirm()

        self.check(change)

    def test_first_order_cancelled(self):
        # O1 cancelled: O2 becomes P1's first order (no longer repeat nor cross-sell)
        self.check(lambda: self.o1._action_cancel())

    def test_salesperson_changed(self):
        self.check(lambda: self.o4.write({"user_id": self.rep1.id}))

    def test_customer_changed(self):
        self.check(lambda: self.o7.write({"partner_id": self.p1.id}))

    def test_line_added(self):
        self.check(
            lambda: self.o2.write(
                {
                    "order_line": [
                        Command.create(
                            {
                                "product_id": self.chair.id,
                                "product_uom_qty": 1,
                                "price_unit": 90,
                                "discount": 50,
                                "tax_id": [Command.clear()],
                            }
                        )
                    ]
                }
            )
        )

    def test_invoice_posted(self):
        self.check(lambda: self.i3.action_post())

    def test_invoice_reset_to_draft(self):
        self.check(lambda: self.i1.button_draft())

    def test_credit_note(self):
        self.check(
            lambda: self._invoice(self.rep1, self.team1, self.p1, "2026-03-18", 200, refund=True)
        )
