"""Every metric of the sales bridge, on the orders and invoices of common.py (figures
worked out by hand)."""

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import Form, new_test_user, tagged

from odoo.addons.sales_objectives.tests.common import ActualsMixin

from .common import SaleObjectivesCase


@tagged("post_install", "-at_install", "sales_objectives", "so_metrics")
@freeze_time("2026-04-15 12:00:00")
class TestSaleMetrics(ActualsMixin, SaleObjectivesCase):
    def kpi_with(self, metric, **values):
        return self.env["sales.kpi"].create({"name": f"SO {metric}", "metric": metric, **values})

    # ------------------------------------------------------------------

    def test_ordered_amount(self):
        # March in Brussels: O2 750 + O4 300 EUR at 0.8 = 375; O3 was confirmed at
        # 00:30 local on April 1; O5 was cancelled, O6 is a quotation
        self.assertActual("ordered_amount", self.team1, 1125, sample=2)
        self.assertActual("ordered_amount", self.rep1, 750, sample=1)
        self.assertActual("ordered_amount", self.rep2, 375)
        self.assertActual("ordered_amount", self.rep2, 200, date_from="2026-04-01")
        self.assertActual("ordered_amount", self.team2, 200)
        self.assertActual("ordered_amount", self.company_a, 1325, sample=3)
        # the quarter adds February's O1 200 and O9 150
        self.assertActual(
            "ordered_amount", self.team1, 1475, period="quarter", date_from="2026-01-01"
        )

    def test_ordered_amount_converted_at_order_date(self):
        # team 1 in EUR: O2 750 USD at 0.5 (March 5) = 375, O4 375 USD at 0.8 = 300
        self.assertActual("ordered_amount", self.team1, 675, currency_id=self.eur.id)

    def test_companies_are_kept_apart(self):
        # company B: OB1 100 EUR only; P1's earlier orders in company A do not make it
        # a repeat customer in company B
        self.assertActual("ordered_amount", self.company_b, 100)
        self.assertActual("ordered_amount", self.team_b, 100)
        self.assertActual("repeat_sales_share", self.company_b, 0, sample=1)
        self.assertActual("customers_served", self.company_b, 1)
        self.assertActual("invoiced_amount", self.company_b, 100, sample=1)
        self.assertActual("ordered_amount", self.rep_b, 100, team=self.team_b)

    def test_orders_count(self):
        self.assertActual("orders_count", self.team1, 2)
        self.assertActual("orders_count", self.company_a, 3)
        self.assertActual("orders_count", self.rep1, 1)  # not the cancelled O5

    def test_avg_order_value(self):
        self.assertActual("avg_order_value", self.team1, 562.5, sample=2)
        self.assertActual(
            "avg_order_value", self.team1, 1475 / 4, period="quarter", date_from="2026-01-01"
        )

    def test_avg_discount(self):
        # team 1 in March: discounts 50 (O2's desk) + 100 EUR = 125 USD (O4) over the
        # undiscounted 500 + 300 + 400 EUR = 500 USD -> 175 / 1300
        target = self.assertActual("avg_discount", self.team1, 100 * 175 / 1300, value=10)
        self.assertEqual(target.kpi_id.direction, "lower")
        self.assertActual("avg_discount", self.rep1, 100 * 50 / 800)
        self.assertActual("avg_discount", self.team2, 0)

    def test_invoiced_amount(self):
        # I1 750 + I2 300 EUR (375 USD at 0.8) - credit note RF1 100 EUR (125 USD);
        # the draft I3 and the cancelled I4 never count
        self.assertActual("invoiced_amount", self.team1, 1000, sample=3)
        self.assertActual("invoiced_amount", self.rep1, 750, sample=1)
        self.assertActual("invoiced_amount", self.rep2, 250, sample=2)
        self.assertActual("invoiced_amount", self.company_a, 1000)

    def test_invoiced_amount_converted_at_invoice_date(self):
        # in EUR: 750 USD at 0.5 (March 6) = 375, + 300, - 100
        self.assertActual("invoiced_amount", self.team1, 575, currency_id=self.eur.id)

    def test_invoiced_amount_posted_or_paid(self):
        """The same invoices counted as posted and as paid, as payments come: I1 (750,
        rep 1) paid in full; the credit note RF1 (100 EUR = 125 USD, rep 2) set against
        I2 (300 EUR = 375 USD), which is then partly paid (RF1 is paid, reduces the
        paid figure at once, I2 is not paid yet); then I2's remaining 200 EUR are paid."""
        invoicing = new_test_user(
            self.env,
            login="so_invoicing",
            groups="account.group_account_invoice",
            company_id=self.company_a.id,
            company_ids=[Command.set(self.company_a.ids)],
        )
        paid = self.kpi_with("invoiced_amount", invoiced_counts="paid")
        posted = self.kpi["invoiced_amount"]
        self.assertEqual(posted.invoiced_counts, "posted")
        owners = (self.rep1, self.rep2, self.team1)
        targets = {
            (kpi, owner): self._target(kpi, owner) for kpi in (posted, paid) for owner in owners
        }

        def figures():
            """{(counted, owner): actual} by a Refresh, the same by a full pass."""
            all_targets = self.env["sales.target"].union(*targets.values())
            all_targets.action_refresh()
            refreshed = {key: target.actual_value for key, target in targets.items()}
            self.env["sales.kpi.engine"].refresh(all_targets, complete=True)
            self.assertEqual({key: t.actual_value for key, t in targets.items()}, refreshed)
            return {
                (kpi.invoiced_counts, owner): value for (kpi, owner), value in refreshed.items()
            }

        def pay(invoice):
            self.env["account.payment.register"].with_user(invoicing).with_context(
                active_model="account.move", active_ids=invoice.ids
            ).create({"payment_date": "2026-04-10"})._create_payments()

        def expect(rep1, rep2, team1):
            # the posted figure never moves: I1 750 + I2 375 - RF1 125
            return {
                ("posted", self.rep1): 750,
                ("posted", self.rep2): 250,
                ("posted", self.team1): 1000,
                ("paid", self.rep1): rep1,
                ("paid", self.rep2): rep2,
                ("paid", self.team1): team1,
            }

        self.assertEqual(figures(), expect(0, 0, 0))
        pay(self.i1)
        self.assertIn(self.i1.payment_state, ("paid", "in_payment"))
        self.assertEqual(figures(), expect(750, 0, 750))
        receivable = (self.i2 | self.rf1).line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        receivable.with_user(invoicing).reconcile()
        self.assertEqual((self.i2.payment_state, self.rf1.payment_state), ("partial", "paid"))
        self.assertEqual(figures(), expect(750, -125, 625))
        pay(self.i2)  # the 200 EUR left
        self.assertIn(self.i2.payment_state, ("paid", "in_payment"))
        self.assertEqual(figures(), expect(750, 250, 1000))

    def test_invoiced_amount_paid_counts_a_reversed_invoice(self):
        """I2 (375, rep 2) reversed by a credit note of its full amount: Odoo marks I2
        reversed and the credit note paid; both count, as when posted: nothing is left
        but RF1 (-125), which is paid only when posted."""
        paid = self.kpi_with("invoiced_amount", invoiced_counts="paid")
        # as the Reverse button does it (account.move.reversal, "reverse and create
        # a new draft"), dated March 25
        values = {
            "invoice_date": "2026-03-25",
            "date": "2026-03-25",
            "invoice_user_id": self.rep2.id,
            "team_id": self.team1.id,
        }
        self.i2._reverse_moves([values], cancel=True)
        self.assertEqual(self.i2.payment_state, "reversed")
        self.assertAlmostEqual(self.i2.reversal_move_ids.amount_untaxed_signed, -375)
        self.assertEqual(self.i2.reversal_move_ids.payment_state, "paid")
        self.assertActual(paid, self.rep2, 0, sample=2)
        self.assertActual("invoiced_amount", self.rep2, -125, sample=3)

    def test_customers_served(self):
        self.assertActual("customers_served", self.team1, 2)  # P1 (O2), P2 (O4)
        # the quarter: P1 (O1 through its contact P1a, and O2) counts once; P4, P2
        self.assertActual(
            "customers_served", self.team1, 3, sample=3, period="quarter", date_from="2026-01-01"
        )
        self.assertActual(
            "customers_served", self.company_a, 4, period="quarter", date_from="2026-01-01"
        )

    def test_repeat_sales_share(self):
        # team 1: O2 (P1 ordered O1 in February) 750 of 1125
        self.assertActual("repeat_sales_share", self.team1, 100 * 750 / 1125)
        # company A: + O7 (P3's first confirmed order: the cancelled O5 does not count)
        self.assertActual("repeat_sales_share", self.company_a, 100 * 750 / 1325)

    def test_retention_and_churn(self):
        # team 1: February's customers P1 and P4; in March P1 ordered again, P4 did not
        target = self.assertActual("retention_rate", self.team1, 50, sample=2)
        self.assertEqual(target.kpi_id.unit, "percent")
        churn = self.assertActual("churned_customers", self.team1, 1, sample=2)
        self.assertEqual(churn.kpi_id.direction, "lower")
        self.assertActual("retention_rate", self.rep1, 100, sample=1)
        self.assertActual("churned_customers", self.rep1, 0)
        # the previous period of a quarter is the previous quarter: nobody ordered then
        self.assertActual(
            "retention_rate", self.team1, 0, sample=0, period="quarter", date_from="2026-01-01"
        )
        # April against March: P2 came back (O3), P1 did not
        self.assertActual("retention_rate", self.team1, 50, date_from="2026-04-01")

    def test_customer_kpis_refreshed_together_share_one_scan(self):
        # customers served, retention and churn count the customers of the same orders:
        # refreshed together they share one scan, with the same figures as one by one
        metrics = ("customers_served", "retention_rate", "churned_customers")
        together = self.env["sales.target"]
        for metric in metrics:
            together |= self.measure(metric, self.team1)  # refreshed one by one
        alone = {t.kpi_id.metric: t.actual_value for t in together}
        self.assertEqual(
            alone, {"customers_served": 2, "retention_rate": 50, "churned_customers": 1}
        )
        for complete in (False, True):
            self.env["sales.kpi.engine"].refresh(together, complete=complete)
            self.assertEqual({t.kpi_id.metric: t.actual_value for t in together}, alone)

    def test_cross_sell(self):
        # P1, who had ordered furniture (O1), bought Services for the first time (O2);
        # P2's first order (O4) is not cross-selling
        self.assertActual("cross_sell_customers", self.team1, 1)
        self.assertActual(
            "cross_sell_customers", self.company_a, 1, period="quarter", date_from="2026-01-01"
        )
        self.assertActual("cross_sell_customers", self.team1, 0, date_from="2026-02-01")
        # furniture only: P1 had bought furniture before
        furniture = self.kpi_with("cross_sell_customers", product_categ_ids=self.furniture.ids)
        self.assertActual(furniture, self.team1, 0)
        services = self.kpi_with("cross_sell_customers", product_categ_ids=self.services.ids)
        self.assertActual(services, self.team1, 1)

    def test_product_category_filter(self):
        furniture = self.kpi_with("ordered_amount", product_categ_ids=self.furniture.ids)
        # O2's desk only (450); O4 has no furniture
        self.assertActual(furniture, self.team1, 450, sample=1)
        parent = self.env["product.category"].create({"name": "SO All goods"})
        self.furniture.parent_id = parent
        # a parent category counts its subcategories
        goods = self.kpi_with("orders_count", product_categ_ids=parent.ids)
        self.assertActual(goods, self.company_a, 2)  # O2, O7
        services = self.kpi_with("invoiced_amount", product_categ_ids=self.services.ids)
        self.assertActual(services, self.team1, 1000)
        none = self.kpi_with("invoiced_amount", product_categ_ids=self.furniture.ids)
        self.assertActual(none, self.team1, 0, sample=0)
        discount = self.kpi_with("avg_discount", product_categ_ids=self.furniture.ids)
        self.assertActual(discount, self.team1, 10)  # the desk's 10 %

    def test_customer_tag_country_and_source_filters(self):
        vip = self.kpi_with(
            "ordered_amount", domain=f"[('partner_id.category_id', 'in', [{self.vip.id}])]"
        )
        self.assertActual(vip, self.team1, 375)  # O4
        belgium = self.env.ref("base.be")
        self.p1.country_id = belgium
        by_country = self.kpi_with(
            "ordered_amount", domain=f"[('partner_id.country_id', '=', {belgium.id})]"
        )
        self.assertActual(by_country, self.team1, 750)  # O2 (its contact's country is P1's)
        source = self.env["utm.source"].create({"name": "SO Trade fair"})
        self.o7.source_id = source
        self.i2.source_id = source
        by_source = self.kpi_with("ordered_amount", domain=f"[('source_id', '=', {source.id})]")
        self.assertActual(by_source, self.team2, 200)
        invoiced = self.kpi_with("invoiced_amount", domain=f"[('source_id', '=', {source.id})]")
        self.assertActual(invoiced, self.team1, 375)

    def test_filter_is_checked_on_the_records_counted(self):
        with self.assertRaisesRegex(ValidationError, "Sales Order"):
            self.kpi_with("ordered_amount", domain="[('stage_id.is_won', '=', True)]")
        kpi = self.kpi_with("invoiced_amount", domain="[('payment_state', '=', 'paid')]")
        self.assertEqual(kpi.filter_model, "account.move")
        self.assertEqual(self.kpi["ordered_amount"].filter_model, "sale.order")
        self.assertEqual(self.kpi["won_revenue"].filter_model, "crm.lead")

    def test_counted_records(self):
        cases = [
            ("ordered_amount", self.team1, {}, self.o2 | self.o4),
            ("orders_count", self.rep2, {"date_from": "2026-04-01"}, self.o3),
            ("invoiced_amount", self.team1, {}, self.i1 | self.i2 | self.rf1),
            (
                "customers_served",
                self.team1,
                {"period": "quarter", "date_from": "2026-01-01"},
                self.p1 | self.p2 | self.p4,
            ),
            ("retention_rate", self.team1, {}, self.p1),
            ("churned_customers", self.team1, {}, self.p4),
            ("cross_sell_customers", self.team1, {}, self.p1),
        ]
        for kpi, owner, kwargs, expected in cases:
            target = self.measure(kpi, owner, **kwargs)
            action = target.action_open_records()
            self.assertEqual(action["res_model"], expected._name, kpi)
            found = (
                self.env[expected._name].with_context(active_test=False).search(action["domain"])
            )
            self.assertEqual(found, expected, kpi)

    def test_pace_on_a_distinct_count(self):
        """Customers served grows over the period (pace and forecast apply); a rate and
        churn do not."""
        with freeze_time("2026-03-16 12:00:00"):
            served = self.measure("customers_served", self.team1, value=4)
            self.assertGreater(served.elapsed_ratio, 0)
            self.assertTrue(served.projected_value > served.actual_value)
            churn = self.measure("churned_customers", self.team1, value=4)
            self.assertEqual(churn.projected_value, churn.actual_value)

    def test_split_by_past_results(self):
        """A team's ordered amount splits over its reps as for the CRM's metrics."""
        team_target = self._target(
            "ordered_amount", self.team1, value=2950, period="quarter", date_from="2026-04-01"
        )
        wizard = Form(self.env["sales.target.split"].with_context(default_target_id=team_target.id))
        wizard.method = "history"
        wizard.remainder_user_id = self.rep1
        wizard.save().action_apply()
        parts = {child.user_id: child.target_value for child in team_target.child_ids}
        # past year to March 31 (Brussels): rep 1 O1 200 + O2 750 = 950, rep 2 O9 150
        # + O4 375 = 525 (O3 is April's), rep 4 nothing: 2950 x 950 / 1475 = 1900
        self.assertEqual(parts, {self.rep1: 1900.0, self.rep2: 1050.0, self.rep4: 0.0})
