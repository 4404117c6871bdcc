"""The incremental refresh sees every change of orders and invoices made through
Odoo: after each, an incremental pass gives exactly the figures of a full pass."""

import json

from freezegun import freeze_time

from odoo import Command
from odoo.tests import new_test_user, tagged

from odoo.addons.sales_objectives.engine.state import STORED_FIGURES

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


class SaleWatchCase(SaleObjectivesCase):
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
        targets = cls.env["sales.target"]
        owners = [
            (cls.team1, {}),
            (cls.team2, {}),
            (cls.rep1, {}),
            (cls.rep2, {}),
            (cls.company_a, {}),
        ]
        for kpi_record in kpis:
            for owner, extra in owners:
                targets |= cls._target(kpi_record, owner, value=50, **extra)
                targets |= cls._target(kpi_record, owner, date_from="2026-04-01", value=50, **extra)
                targets |= cls._target(
                    kpi_record, owner, period="quarter", date_from="2026-01-01", value=50, **extra
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

    def scheduled(self):
        """The scheduled job as the cron runs it between two daily full passes: an
        incremental pass over the changes logged since."""
        today = self.env["res.company"].search([])._sales_today()
        state = {
            "full_day": {str(company_id): str(day) for company_id, day in today.items()},
            "full_start": "2999-01-01",
            "since": "2999-01-01",
        }
        Param = self.env["ir.config_parameter"]
        Param.set_param("sales_objectives.refresh_state", json.dumps(state))
        self.env["sales.target"]._cron_refresh_actuals()
        state = json.loads(Param.get_param("sales_objectives.refresh_state"))
        self.assertEqual(state["full_start"], "2999-01-01", "an incremental pass")

    def actual(self, kpi, owner, month="2026-03-01", period="month"):
        field = {"res.users": "user_id", "crm.team": "team_id", "res.company": "company_id"}
        owner_type = {"res.users": "user", "crm.team": "team", "res.company": "company"}
        target = self.targets.filtered(
            lambda t: t.kpi_id == kpi
            and t.period_type == period
            and str(t.date_from) == month
            and t.owner_type == owner_type[owner._name]
            and t[field[owner._name]] == owner
        )
        target.ensure_one()
        return target.actual_value

    def check(self, change):
        """Full pass, scheduled job (it consumes the changes made so far), ``change``
        (through the ORM, as a user), scheduled job: the figures of a full refresh, and
        the change moved some of them."""
        before = self.full()
        self.scheduled()
        self.assertFalse(self.env["sales.kpi.change"].search_count([]), "the log is consumed")
        self.assertEqual(self.figures(), before)
        change()
        self.scheduled()
        scheduled = self.figures()
        self.assertTrue(scheduled != before, "the change should move some figure")
        expected = self.full()
        differences = [
            (
                self.env["sales.target"].browse(target_id).display_name,
                name,
                scheduled[target_id][i],
                value[i],
            )
            for target_id, value in expected.items()
            for i, name in enumerate(NAMES)
            if scheduled[target_id][i] != value[i]
        ]
        self.assertFalse(differences, "the scheduled pass and a full refresh disagree")
        self.assertFalse(self.env["sales.kpi.change"].search_count([]), "the log is consumed")
        self.env.invalidate_all()


@tagged("post_install", "-at_install", "sales_objectives")
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


@tagged("post_install", "-at_install", "sales_objectives", "is_query_count")
@freeze_time("2026-03-20 12:00:00")
class TestSaleWatchQueries(SaleWatchCase):
    """A write of a product field no KPI reads adds no query, nor does the watch add
    any to the writes of order lines; a product moved to another category adds one
    statement when the transaction ends."""

    def queries(self, func):
        self.env.flush_all()
        self.env.cr.flush()
        before = self.cr.sql_log_count
        func()
        self.env.flush_all()
        self.env.cr.flush()
        return self.cr.sql_log_count - before

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
