"""The incremental refresh sees every change of orders and invoices made through
Odoo: after each, an incremental pass gives exactly the figures of a full pass."""

from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.tests import new_test_user, tagged

from odoo.addons.sales_objectives.tests.common import (
    IncrementalEqualsFullMixin,
    QueryCountsMixin,
)

from .common import SALE_KPIS, SaleObjectivesCase


@tagged("post_install", "-at_install", "sales_objectives", "so_refresh")
@freeze_time("2026-03-20 12:00:00")
class TestSaleIncremental(IncrementalEqualsFullMixin, SaleObjectivesCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_checked_targets(SALE_KPIS)

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


class SaleWatchCase(IncrementalEqualsFullMixin, SaleObjectivesCase):
    """Sales KPIs whose filters and categories read beyond the orders and invoices.
    P2 is in France. Office is a category of its own; Furniture and Services are not
    under it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.belgium = env.ref("base.be")
        cls.p2.country_id = env.ref("base.fr")
        cls.office = env["product.category"].create({"name": "SO Office"})
        cls.invoicing = new_test_user(
            env,
            login="so_invoicing",
            groups="account.group_account_invoice",
            company_id=cls.company_a.id,
            company_ids=[Command.set(cls.company_a.ids)],
        )
        Kpi = env["sales.kpi"].with_user(cls.manager)

        def kpi(name, metric, domain="[]", categories=None):
            values = {"name": name, "metric": metric, "domain": domain}
            if categories:
                values["product_categ_ids"] = [Command.set(categories.ids)]
            return Kpi.create(values)

        belgian = "[('partner_id.country_id.code', '=', 'BE')]"
        cls.kpi_furniture = kpi(
            "Ordered amount, Furniture", "ordered_amount", categories=cls.furniture
        )
        cls.kpi_services = kpi(
            "Ordered amount, Services", "ordered_amount", categories=cls.services
        )
        cls.kpi_office = kpi("Ordered amount, Office", "ordered_amount", categories=cls.office)
        cls.kpi_office_customers = kpi(
            "Customers served, Office", "customers_served", categories=cls.office
        )
        cls.kpi_ordered_belgium = kpi("Ordered amount, Belgium", "ordered_amount", belgian)
        cls.kpi_invoiced_belgium = kpi("Invoiced amount, Belgium", "invoiced_amount", belgian)
        cls.kpi_paid = kpi(
            "Invoiced amount, paid",
            "invoiced_amount",
            "[('payment_state', 'in', ('in_payment', 'paid'))]",
        )
        kpis = [
            cls.kpi_furniture,
            cls.kpi_services,
            cls.kpi_office,
            cls.kpi_office_customers,
            cls.kpi_ordered_belgium,
            cls.kpi_invoiced_belgium,
            cls.kpi_paid,
            cls.kpi["cross_sell_customers"],
            cls.kpi["repeat_sales_share"],
            cls.kpi["customers_served"],
        ]
        cls.make_checked_targets(kpis)


@tagged("post_install", "-at_install", "sales_objectives", "so_refresh")
@freeze_time("2026-03-20 12:00:00")
class TestSaleIncrementalWatch(SaleWatchCase):
    """What the filters and categories of the sales KPIs read beyond the orders and
    invoices: a change of it through Odoo reaches the next scheduled (incremental)
    pass, which then gives the figures of a full refresh."""

    def test_product_moves_to_another_category(self):
        """Consulting moves from Services to Furniture. In March, Furniture's ordered
        amount was O2's desk (450) and O7's chairs (200): it gains O2's consulting (300)
        and O4 (375); rep 1's cross-sell (O2: P1 buying Services after O1's desks) is
        gone; in April, P2's chairs (O3) no longer are a new category after O4."""
        self.full()
        self.assertEqual(self.actual(self.kpi_furniture, self.company_a), 650)
        self.assertEqual(self.actual(self.kpi["cross_sell_customers"], self.rep1), 1)
        self.assertEqual(self.actual(self.kpi["cross_sell_customers"], self.rep2, "2026-04-01"), 1)
        self.check(
            lambda: self.consulting.product_tmpl_id.with_user(self.manager).write(
                {"categ_id": self.furniture.id}
            )
        )
        self.assertEqual(self.actual(self.kpi_furniture, self.company_a), 1325)
        self.assertEqual(self.actual(self.kpi_services, self.company_a), 0)
        self.assertEqual(self.actual(self.kpi["cross_sell_customers"], self.rep1), 0)
        self.assertEqual(self.actual(self.kpi["cross_sell_customers"], self.rep2, "2026-04-01"), 0)

    def test_line_added_to_an_earlier_order(self):
        """Rep 1 adds consulting to O1 (February, P1a): P1 no longer buys Services for
        the first time in O2 (March)."""
        self.check(
            lambda: self.o1.with_user(self.rep1).write(
                {
                    "order_line": [
                        Command.create(
                            {
                                "product_id": self.consulting.id,
                                "product_uom_qty": 1,
                                "price_unit": 100,
                                "tax_id": [Command.clear()],
                            }
                        )
                    ]
                }
            )
        )
        self.assertEqual(self.actual(self.kpi["cross_sell_customers"], self.rep1), 0)

    def test_category_moves_under_another(self):
        """Furniture moves under Office: in March, Office's customers are P1 (O2's
        desk) and P3 (O7's chairs), and its ordered amount 450 + 200."""
        self.check(
            lambda: self.furniture.with_user(self.manager).write({"parent_id": self.office.id})
        )
        self.assertEqual(self.actual(self.kpi_office_customers, self.company_a), 2)
        self.assertEqual(self.actual(self.kpi_office, self.company_a), 650)

    def test_customer_moves_to_another_country(self):
        """P2 moves to Belgium: O4 (375, March 12) and O3 (200, April 1 in Brussels) are
        Belgian orders of rep 2; I2 (375) less the credit note RF1 (125) Belgian
        invoices."""
        self.check(lambda: self.p2.with_user(self.manager).write({"country_id": self.belgium.id}))
        self.assertEqual(self.actual(self.kpi_ordered_belgium, self.rep2), 375)
        self.assertEqual(self.actual(self.kpi_ordered_belgium, self.rep2, "2026-04-01"), 200)
        self.assertEqual(self.actual(self.kpi_invoiced_belgium, self.rep2), 250)

    def test_invoice_paid(self):
        """I1 (750, rep 1, March 6) is paid: Odoo recomputes its payment state without
        writing the invoice."""

        def pay():
            self.env["account.payment.register"].with_user(self.invoicing).with_context(
                active_model="account.move", active_ids=self.i1.ids
            ).create({"payment_date": "2026-03-20"})._create_payments()

        self.check(pay)
        self.assertIn(self.i1.payment_state, ("in_payment", "paid"))
        self.assertEqual(self.actual(self.kpi_paid, self.rep1), 750)

    def test_contact_moves_to_another_company(self):
        """P1a (O1, February) joins P2: O1 becomes P2's first order, so O4 (rep 2, March
        12) is a repeat order; O2 (rep 1, March 5) becomes P1's first."""
        self.full()
        self.assertEqual(self.actual(self.kpi["repeat_sales_share"], self.rep1), 100)
        self.check(lambda: self.p1a.with_user(self.manager).write({"parent_id": self.p2.id}))
        self.assertEqual(self.actual(self.kpi["repeat_sales_share"], self.rep1), 0)
        self.assertEqual(self.actual(self.kpi["repeat_sales_share"], self.rep2), 100)

    def test_distinct_kpi_filter_changed(self):
        """A manager narrows the customers served to Belgian customers: none."""
        self.check(
            lambda: self.kpi["customers_served"]
            .with_user(self.manager)
            .write({"domain": "[('partner_id.country_id.code', '=', 'BE')]"})
        )
        self.assertEqual(self.actual(self.kpi["customers_served"], self.company_a), 0)


@tagged("post_install", "-at_install", "sales_objectives", "so_refresh")
@freeze_time("2026-03-20 12:00:00")
class TestSaleIncrementalPaid(IncrementalEqualsFullMixin, SaleObjectivesCase):
    """The invoiced amount of a KPI counting paid invoices (its setting, no filter): a
    payment, or its reversal, changes only the invoice's payment state, which Odoo
    recomputes without writing the invoice; the next (incremental) pass sees it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoicing = new_test_user(
            cls.env,
            login="so_invoicing",
            groups="account.group_account_invoice",
            company_id=cls.company_a.id,
            company_ids=[Command.set(cls.company_a.ids)],
        )
        Kpi = cls.env["sales.kpi"].with_user(cls.manager)
        cls.kpi_paid_counts = Kpi.create(
            {
                "name": "Invoiced amount, paid",
                "metric": "invoiced_amount",
                "invoiced_counts": "paid",
            }
        )
        cls.kpi_invoiced = Kpi.create({"name": "Invoiced amount", "metric": "invoiced_amount"})
        cls.make_checked_targets([cls.kpi_paid_counts, cls.kpi_invoiced])

    def pay(self, invoice):
        return (
            self.env["account.payment.register"]
            .with_user(self.invoicing)
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"payment_date": "2026-03-20"})
            ._create_payments()
        )

    def test_payment_counts_for_paid_invoices(self):
        """A KPI counting paid invoices: I1 (750, rep 1) is paid."""
        self.check(lambda: self.pay(self.i1))
        self.assertEqual(self.actual(self.kpi_paid_counts, self.rep1), 750)
        self.assertEqual(self.actual(self.kpi_paid_counts, self.team1), 750)

    def test_payment_unreconciled(self):
        """I1's payment is taken off the invoice (unreconciled): I1 is no longer paid."""
        payment = self.pay(self.i1)
        self.full()
        self.assertEqual(self.actual(self.kpi_paid_counts, self.rep1), 750)
        self.check(
            lambda: payment.move_id.line_ids.with_user(self.invoicing).remove_move_reconcile()
        )
        self.assertEqual(self.i1.payment_state, "not_paid")
        self.assertEqual(self.actual(self.kpi_paid_counts, self.rep1), 0)

    def test_payment_cancelled(self):
        """I1's payment is reset to draft and cancelled: I1 is no longer paid."""
        payment = self.pay(self.i1).with_user(self.invoicing)
        self.full()
        self.assertEqual(self.actual(self.kpi_paid_counts, self.team1), 750)
        self.check(lambda: (payment.action_draft(), payment.action_cancel()))
        self.assertEqual(self.i1.payment_state, "not_paid")
        self.assertEqual(self.actual(self.kpi_paid_counts, self.team1), 0)

    def test_credit_note_set_against_an_invoice(self):
        """The credit note RF1 (125, rep 2) is set against I2: it is paid, I2 partly."""

        def reconcile():
            (self.i2 | self.rf1).line_ids.filtered(
                lambda line: line.account_id.account_type == "asset_receivable"
            ).with_user(self.invoicing).reconcile()

        self.check(reconcile)
        self.assertEqual(self.actual(self.kpi_paid_counts, self.rep2), -125)

    def test_kpi_counts_paid_invoices_instead(self):
        """A manager switches a KPI from posted to paid invoices: its kept figures are
        measured again (nothing is paid yet)."""
        self.full()
        self.assertEqual(self.actual(self.kpi_invoiced, self.team1), 1000)
        self.check(
            lambda: self.kpi_invoiced.with_user(self.manager).write({"invoiced_counts": "paid"})
        )
        self.assertEqual(self.actual(self.kpi_invoiced, self.team1), 0)


@tagged("post_install", "-at_install", "sales_objectives", "is_query_count", "so_refresh")
@freeze_time("2026-03-20 12:00:00")
class TestSaleWatchQueries(QueryCountsMixin, SaleWatchCase):
    """A write of a product field no KPI reads adds no query, nor does the watch add
    any to the writes of order lines; a product moved to another category adds one
    statement when the transaction ends."""

    queries_until_commit = True

    def test_unwatched_writes_add_no_query(self):
        template = self.consulting.product_tmpl_id.with_user(self.manager)
        line = self.o2.order_line[:1].with_user(self.rep1)
        reading = (
            self.kpi["cross_sell_customers"]
            | self.kpi_furniture
            | self.kpi_services
            | self.kpi_office
            | self.kpi_office_customers
        ).with_user(self.manager)
        values = iter(range(1000, 2000))

        def writes():
            """Each write changes the value (the ORM writes nothing otherwise)."""
            return {
                "code": self.queries(lambda: template.write({"default_code": f"C{next(values)}"})),
                "category": self.queries(lambda: template.write({"categ_id": self.furniture.id})),
                "category back": self.queries(
                    lambda: template.write({"categ_id": self.services.id})
                ),
                "line": self.queries(lambda: line.write({"name": f"Desk {next(values)}"})),
            }

        # nobody reads the products' categories
        reading.action_archive()
        writes()  # the caches warm
        plain = writes()
        reading.action_unarchive()
        writes()
        with self.assertQueryCount(plain["code"]):
            template.write({"default_code": "C1"})
        with self.assertQueryCount(plain["line"]):
            line.write({"name": "Desk, oak"})
        # the orders of the product: one statement
        with self.assertQueryCount(plain["category"] + 1):
            template.write({"categ_id": self.furniture.id})


@tagged("post_install", "-at_install", "sales_objectives", "so_refresh")
@freeze_time("2026-03-20 12:00:00")
class TestKeptFirstOrders(IncrementalEqualsFullMixin, SaleObjectivesCase):
    """The first orders a scheduled pass keeps (repeat sales, cross-sell) follow the
    changes an incremental pass reads: after it, they are those measured afresh."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_checked_targets(("repeat_sales_share", "cross_sell_customers"))

    def kept(self):
        self.env.cr.execute(
            "SELECT customer_id, company_id, categ_id, order_id FROM sales_kpi_first_order"
        )
        return sorted(self.env.cr.fetchall())

    def measured_afresh(self):
        First = self.env["sales.kpi.first.order"]
        by_customer, by_category = First.firsts_sql()
        rows = []
        for query in (by_customer, by_category):
            self.env.cr.execute(query)
            rows += self.env.cr.fetchall()
        return sorted(rows)

    def test_kept_first_orders_follow_the_changes(self):
        self.full()
        self.next_pass()
        self.assertEqual(self.kept(), self.measured_afresh())
        self.assertTrue(self.kept(), "the first pass kept the first orders")
        # the first order cancelled, an order moved to another customer, a contact
        # moved to another company, a new first order
        self.o1._action_cancel()
        self.o7.write({"partner_id": self.p1.id})
        order = self._order(self.rep2, self.team1, self.p4, None, [(self.consulting, 2, 80)])
        order.action_confirm()
        before = self.kept()
        self.next_pass()
        self.assertNotEqual(self.kept(), before, "the changes move some first orders")
        self.assertEqual(self.kept(), self.measured_afresh())
        self.assertAsFullRefresh(self.targets)

    def test_a_pass_measures_only_the_changed_customers(self):
        self.full()
        self.next_pass()
        First = self.env["sales.kpi.first.order"]
        measured = []
        original = type(First)._measure

        def spy(model, customers=None):
            measured.append(customers)
            return original(model, customers)

        self.o4.write({"user_id": self.rep1.id})
        with patch.object(type(First), "_measure", spy):
            self.next_pass()
        self.assertEqual(measured, [{self.o4.partner_id.commercial_partner_id.id}])
