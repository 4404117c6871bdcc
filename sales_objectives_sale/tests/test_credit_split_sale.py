"""Shared credit on sales orders and invoices (the orders and invoices of common.py):
an order split 60/40 between two salespeople of two teams counts 60 % and 40 % for
each of them and their teams, and once for the company; overlay credit counts for the
specialist only, on the KPIs set to count it; the split follows the opportunity to
its order and the order to its invoice and credit notes, unless changed there; the
incremental refresh follows its changes."""

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from odoo.addons.sales_objectives.tests.common import ActualsMixin, IncrementalEqualsFullMixin

from .common import SaleObjectivesCase


def credit(user, share, kind="revenue", team=None):
    vals = {"user_id": user.id, "share": share, "kind": kind}
    if team:
        vals["team_id"] = team.id
    return Command.create(vals)


def said(record, text):
    """Whether a message of ``record``'s chatter says ``text``."""
    return any(text in (message.body or "") for message in record.message_ids)


def split_of(record):
    """The split of ``record`` as {(salesperson, team, kind): share}."""
    return {
        (line.user_id, line.team_id, line.kind): line.share for line in record.so_credit_split_ids
    }


@tagged("post_install", "-at_install", "sales_objectives", "so_metrics", "so_credit")
@freeze_time("2026-04-15 12:00:00")
class TestCreditSplitSale(ActualsMixin, SaleObjectivesCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # team 1's leader sees every document of the team, as a leader does
        cls.leader.groups_id += cls.env.ref("sales_team.group_sale_salesman_all_leads")
        cls.kpi["ordered_overlay"] = cls.kpi["ordered_amount"].copy(
            {"name": "Ordered amount with overlay", "count_overlay": True}
        )
        cls.kpi["customers_overlay"] = cls.kpi["customers_served"].copy(
            {"name": "Customers served with overlay", "count_overlay": True}
        )

    def assertActuals(self, kpi, expected):
        """{owner: actual in March 2026} (rep3 in team 2)."""
        for owner, value in expected.items():
            extra = {"team": self.team2} if owner == self.rep3 else {}
            self.assertActual(kpi, owner, value, **extra)

    def split_o2(self, user, *lines):
        """Rep 1's order O2 (750, March 5) split by ``user`` through its form."""
        self.o2.with_user(user).write({"so_credit_split_ids": list(lines)})

    # ------------------------------------------------------------------
    # the figures
    # ------------------------------------------------------------------

    def test_order_60_40_across_two_teams(self):
        """O2 (750, rep 1 of team 1) split 60 % rep 1 / 40 % rep 3 (team 2): rep 1 and
        team 1 keep 450 and 0.6 of the order, rep 3 and team 2 gain 300 and 0.4; the
        company counts it once (March: O2 750 + O4 375 + O7 200)."""
        self.split_o2(self.rep1, credit(self.rep1, 60), credit(self.rep3, 40))
        self.assertEqual(
            split_of(self.o2),
            {
                (self.rep1, self.team1, "revenue"): 60.0,
                (self.rep3, self.team2, "revenue"): 40.0,
            },
        )
        self.assertActuals(
            "ordered_amount",
            {
                self.rep1: 450,
                self.rep3: 200 + 300,
                self.team1: 1125 - 300,
                self.team2: 200 + 300,
                self.company_a: 1325,
            },
        )
        self.assertActuals(
            "orders_count",
            {
                self.rep1: 0.6,
                self.rep3: 1.4,
                self.team1: 1.6,
                self.team2: 1.4,
                self.company_a: 3,
            },
        )
        # the average order value of team 2: (200 + 300) / 1.4 orders
        self.assertActual("avg_order_value", self.team2, 500 / 1.4)
        # the customer P1 is served by rep 1 and by rep 3; once by the company
        self.assertActuals("customers_served", {self.rep1: 1, self.rep3: 2, self.company_a: 3})

    def test_overlay_counts_on_kpis_counting_it(self):
        """Rep 2 helps on O2 with 50 % overlay (set by the team's leader): on the KPI
        counting overlay rep 2 gains 375 and serves P1; rep 1 keeps all of O2; team 1
        and the company count it once; on the plain ordered amount nobody moves."""
        self.split_o2(self.leader, credit(self.rep2, 50, "overlay"))
        self.assertActuals(
            "ordered_amount",
            {self.rep1: 750, self.rep2: 375, self.team1: 1125, self.company_a: 1325},
        )
        self.assertActuals(
            "ordered_overlay",
            {self.rep1: 750, self.rep2: 375 + 375, self.team1: 1125, self.company_a: 1325},
        )
        self.assertActuals("customers_overlay", {self.rep2: 2, self.team1: 2, self.company_a: 3})
        self.assertActuals("customers_served", {self.rep2: 1})

    def test_invoiced_amount_with_a_split_and_a_credit_note(self):
        """Rep 1 sells 1,000 to P3 on March 18, split 60 % rep 1 / 40 % rep 3 (team 2);
        invoiced the same day, then 250 credited on March 25: the invoice and its credit
        note take the order's split. Rep 1: I1 750 + 600 - 150; rep 3: 400 - 100."""
        with freeze_time("2026-03-18 10:00:00"):
            order = (
                self.env["sale.order"]
                .with_user(self.rep1)
                .create(
                    {
                        "partner_id": self.p3.id,
                        "user_id": self.rep1.id,
                        "team_id": self.team1.id,
                        "order_line": [
                            Command.create(
                                {
                                    "product_id": self.desk.id,
                                    "product_uom_qty": 1,
                                    "price_unit": 1000,
                                    "tax_id": [Command.clear()],
                                }
                            )
                        ],
                        "so_credit_split_ids": [credit(self.rep1, 60), credit(self.rep3, 40)],
                    }
                )
            )
            order.action_confirm()
            invoice = order.with_user(self.rep1)._create_invoices()
        self.assertEqual(split_of(invoice), split_of(order))
        self.assertTrue(said(invoice, "Credit split of"))
        invoice.invoice_date = "2026-03-18"
        invoice.action_post()
        refund = invoice._reverse_moves([{"invoice_date": "2026-03-25"}])
        refund.invoice_line_ids.price_unit = 250
        refund.action_post()
        self.assertEqual(split_of(refund), split_of(order))
        self.assertActuals(
            "invoiced_amount",
            {
                self.rep1: 750 + 600 - 150,
                self.rep3: 400 - 100,
                self.team1: 1000 + 600 - 150,
                self.team2: 400 - 100,
                self.company_a: 1000 + 1000 - 250,
            },
        )

    def test_counted_records_show_the_share(self):
        """Rep 3's ordered amount counts O7 (all his) and 40 % of O2; Odoo's list of
        orders says it."""
        self.split_o2(self.rep1, credit(self.rep1, 60), credit(self.rep3, 40))
        target = self.measure("ordered_amount", self.rep3, team=self.team2)
        action = target.with_user(self.manager).action_open_records()
        self.assertEqual(action["views"][0][0], self.env.ref("sale.view_order_tree").id)
        orders = self.env["sale.order"].with_context(**action["context"]).search(action["domain"])
        self.assertEqual(orders, self.o2 | self.o7)
        self.assertEqual({o: o.so_credit_share for o in orders}, {self.o2: 40.0, self.o7: 100.0})
        self.assertEqual(
            self.o2.with_context(**action["context"]).so_credited_amount,
            self.o2.amount_untaxed * 0.4,
        )
        target = self.measure("ordered_amount", self.team1)
        action = target.action_open_records()
        order = self.env["sale.order"].with_context(**action["context"]).browse(self.o2.id)
        self.assertEqual(order.so_credit_share, 60.0)
        # an invoice's list too
        target = self.measure("invoiced_amount", self.rep1)
        action = target.action_open_records()
        self.assertEqual(action["views"][0][0], self.env.ref("account.view_out_invoice_tree").id)

    # ------------------------------------------------------------------
    # the split follows the record
    # ------------------------------------------------------------------

    def test_split_follows_opportunity_to_order_and_invoice(self):
        """Rep 1's opportunity L1 is split 60/40 with rep 3. A quotation made from it
        (from the opportunity's button, or naming it) takes that split; changed on the
        order to 50/50, the opportunity keeps 60/40; the invoice takes the order's
        50/50; changed on the invoice, the order keeps its own."""
        self.l1.with_user(self.rep1).write(
            {"so_credit_split_ids": [credit(self.rep1, 60), credit(self.rep3, 40)]}
        )
        opportunity_split = split_of(self.l1)
        Order = self.env["sale.order"].with_user(self.rep1)
        line = Command.create(
            {
                "product_id": self.desk.id,
                "product_uom_qty": 1,
                "price_unit": 100,
                "tax_id": [Command.clear()],
            }
        )
        from_button = Order.with_context(default_opportunity_id=self.l1.id).create(
            {"partner_id": self.p1.id, "order_line": [line]}
        )
        naming = Order.create(
            {"partner_id": self.p1.id, "opportunity_id": self.l1.id, "order_line": [line]}
        )
        given = Order.create(
            {
                "partner_id": self.p1.id,
                "opportunity_id": self.l1.id,
                "order_line": [line],
                "so_credit_split_ids": [credit(self.rep1, 100)],
            }
        )
        for order in (from_button, naming):
            self.assertEqual(split_of(order), opportunity_split)
            self.assertTrue(said(order, f"Credit split of {self.l1.name}"))
        self.assertEqual(split_of(given), {(self.rep1, self.team1, "revenue"): 100.0})
        # changed on the order: the opportunity keeps its own
        mine, theirs = from_button.so_credit_split_ids.sorted(lambda s: s.user_id != self.rep1)
        from_button.with_user(self.rep1).write(
            {
                "so_credit_split_ids": [
                    Command.update(mine.id, {"share": 50}),
                    Command.update(theirs.id, {"share": 50}),
                ]
            }
        )
        self.assertEqual(split_of(self.l1), opportunity_split)
        order_split = split_of(from_button)
        self.assertEqual(set(order_split.values()), {50.0})
        # changed on the opportunity: the order keeps its own
        self.l1.with_user(self.rep1).write(
            {"so_credit_split_ids": [Command.clear(), credit(self.rep3, 100)]}
        )
        self.assertEqual(split_of(from_button), order_split)
        # the invoice takes the order's split
        from_button.action_confirm()
        invoice = from_button.with_user(self.rep1)._create_invoices()
        self.assertEqual(split_of(invoice), order_split)
        # changed on the invoice (posted: the split is sales data) by the team's leader
        # who may edit invoices: the order keeps its own
        self.leader.groups_id += self.env.ref("account.group_account_invoice")
        invoice.action_post()
        invoice.with_user(self.leader).write(
            {"so_credit_split_ids": [Command.clear(), credit(self.rep1, 100)]}
        )
        self.assertEqual(split_of(invoice), {(self.rep1, self.team1, "revenue"): 100.0})
        self.assertEqual(split_of(from_button), order_split)
        self.assertTrue(said(invoice, "Credit split changed"))

    def test_a_colleague_quoting_a_split_opportunity(self):
        """Rep 2 (own documents only) makes a quotation of his own from rep 1's split
        opportunity: the split follows it, though rep 2 may neither read the opportunity
        nor split its credit."""
        self.l1.with_user(self.rep1).write(
            {"so_credit_split_ids": [credit(self.rep1, 60), credit(self.rep3, 40)]}
        )
        order = (
            self.env["sale.order"]
            .with_user(self.rep2)
            .create(
                {"partner_id": self.p1.id, "opportunity_id": self.l1.id, "user_id": self.rep2.id}
            )
        )
        self.assertEqual(split_of(order), split_of(self.l1.sudo()))

    def test_invoice_of_orders_split_differently(self):
        """One invoice of two orders of P4, the first split 50/50 between rep 1 and rep
        3, the second all rep 1's: the invoice takes the first order's split and says
        so; of two orders split alike, it takes their split silently."""

        def order(*lines):
            found = self._order(
                self.rep1, self.team1, self.p4, "2026-03-18 10:00", [(self.desk, 1, 100)]
            )
            if lines:
                found.write({"so_credit_split_ids": list(lines)})
            return found

        first = order(credit(self.rep1, 50), credit(self.rep3, 50))
        second = order()
        invoice = (first | second).with_user(self.rep1)._create_invoices()
        self.assertEqual(len(invoice), 1)
        self.assertEqual(split_of(invoice), split_of(first))
        self.assertTrue(said(invoice, "split differently"))
        alike = order(credit(self.rep1, 50), credit(self.rep3, 50)) | order(
            credit(self.rep3, 50), credit(self.rep1, 50)
        )
        invoice = alike.with_user(self.rep1)._create_invoices()
        self.assertEqual(split_of(invoice), split_of(first))
        self.assertFalse(said(invoice, "split differently"))

    # ------------------------------------------------------------------
    # who splits
    # ------------------------------------------------------------------

    def test_who_splits_an_order(self):
        """The order's salesperson, their team leader and a sales manager split it;
        a salesperson who sees every order does not (through the order or its lines)."""
        with self.assertRaisesRegex(AccessError, "Only the salesperson"):
            self.split_o2(self.all_leads, credit(self.rep1, 50), credit(self.rep2, 50))
        with self.assertRaisesRegex(AccessError, "Only the salesperson"):
            self.env["sales.credit.split"].with_user(self.all_leads).create(
                {"order_id": self.o2.id, "user_id": self.rep2.id, "share": 100}
            )
        self.assertFalse(self.o2.with_user(self.all_leads).so_credit_editable)
        self.assertTrue(self.o2.with_user(self.leader).so_credit_editable)
        self.assertTrue(self.o2.with_user(self.rep1).so_credit_editable)
        self.split_o2(self.leader, credit(self.rep1, 50), credit(self.rep2, 50))
        line = self.o2.so_credit_split_ids.filtered(lambda s: s.user_id == self.rep2)
        with self.assertRaisesRegex(AccessError, "Only the salesperson"):
            line.with_user(self.all_leads).write({"share": 60})
        with self.assertRaisesRegex(ValidationError, "totals 110"):
            self.split_o2(self.rep1, Command.update(line.id, {"share": 60}))
        self.split_o2(self.manager, Command.clear())
        self.assertFalse(self.o2.so_credit_split_ids)
        self.split_o2(self.rep1, credit(self.rep3, 100))
        self.assertTrue(said(self.o2, "Credit split changed"))

    def test_who_splits_an_invoice(self):
        """An invoicing user who is neither the invoice's salesperson, nor their leader,
        nor a sales manager does not split it; only customer invoices and credit notes
        have a split."""
        invoicing = self.env["res.users"].create(
            {
                "name": "SO Invoicing",
                "login": "so_split_invoicing",
                "groups_id": [
                    Command.set(
                        [
                            self.env.ref("account.group_account_invoice").id,
                            self.env.ref("sales_team.group_sale_salesman").id,
                        ]
                    )
                ],
                "company_id": self.company_a.id,
                "company_ids": [Command.set(self.company_a.ids)],
            }
        )
        with self.assertRaisesRegex(AccessError, "Only the salesperson"):
            self.i1.with_user(invoicing).write(
                {"so_credit_split_ids": [credit(self.rep1, 50), credit(self.rep3, 50)]}
            )
        self.assertFalse(self.i1.with_user(invoicing).so_credit_editable)
        self.assertTrue(self.i1.with_user(self.rep1).so_credit_editable)
        entry = self.env["account.move"].with_company(self.company_a).create({"move_type": "entry"})
        self.manager.groups_id += self.env.ref("account.group_account_invoice")
        with self.assertRaisesRegex(ValidationError, "Only customer invoices and credit notes"):
            self.env["sales.credit.split"].with_user(self.manager).create(
                {"move_id": entry.id, "user_id": self.rep1.id, "share": 100}
            )


@tagged("post_install", "-at_install", "sales_objectives", "so_refresh", "so_credit")
@freeze_time("2026-03-20 12:00:00")
class TestCreditSplitSaleIncremental(IncrementalEqualsFullMixin, SaleObjectivesCase):
    """A split of an order or an invoice set, changed or removed, and an order moving
    to another salesperson while split: the incremental pass gives the figures of a
    full refresh. The sales manager also invoices (to split invoices)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager.groups_id += cls.env.ref("account.group_account_invoice")
        overlay = cls.kpi["ordered_amount"].copy({"name": "Overlay", "count_overlay": True})
        kpis = [
            cls.kpi[k]
            for k in ("ordered_amount", "orders_count", "customers_served", "invoiced_amount")
        ]
        owners = [(owner, {}) for owner in (cls.team1, cls.team2, cls.rep1, cls.rep2)]
        owners += [(cls.rep3, {"team": cls.team2}), (cls.company_a, {})]
        cls.make_checked_targets([*kpis, overlay], owners)

    def split(self, record, *lines, user=None):
        record.with_user(user or self.manager).write({"so_credit_split_ids": list(lines)})

    def test_order_split_set(self):
        self.check(
            lambda: self.split(
                self.o2, credit(self.rep1, 60), credit(self.rep3, 40), user=self.rep1
            )
        )

    def test_order_split_changed(self):
        self.split(self.o2, credit(self.rep1, 60), credit(self.rep3, 40))
        line = self.o2.so_credit_split_ids.filtered(lambda s: s.user_id == self.rep3)
        mine = self.o2.so_credit_split_ids - line
        self.check(
            lambda: self.split(
                self.o2,
                Command.update(mine.id, {"share": 20}),
                Command.update(line.id, {"share": 30, "user_id": self.rep2.id}),
                credit(self.rep3, 50),
            )
        )

    def test_order_split_removed_and_overlay_added(self):
        self.split(self.o4, credit(self.rep2, 50), credit(self.rep3, 50))
        self.check(lambda: self.split(self.o4, Command.clear(), credit(self.rep3, 25, "overlay")))

    def test_order_with_overlay_moves_to_another_salesperson(self):
        """O4's revenue moves from rep 2 to rep 1; rep 3's overlay stays his."""
        self.split(self.o4, credit(self.rep3, 40, "overlay"))
        self.check(lambda: self.o4.with_user(self.manager).write({"user_id": self.rep1.id}))

    def test_split_order_moves_to_april(self):
        """O2, split 60/40 with rep 3, is dated April 2: rep 3's March and April move
        too (the state before the change names him)."""
        self.split(self.o2, credit(self.rep1, 60), credit(self.rep3, 40))
        self.check(
            lambda: self.o2.with_user(self.manager).write({"date_order": "2026-04-02 10:00:00"})
        )

    def test_split_order_cancelled(self):
        self.split(self.o2, credit(self.rep3, 100))
        self.check(lambda: self.o2._action_cancel())

    def test_invoice_split_set(self):
        self.check(lambda: self.split(self.i2, credit(self.rep3, 70), credit(self.rep2, 30)))

    def test_credit_note_split_line_deleted(self):
        self.split(self.rf1, credit(self.rep3, 100), credit(self.rep1, 40, "overlay"))
        line = self.rf1.so_credit_split_ids.filtered(lambda s: s.kind == "revenue")
        self.check(lambda: line.with_user(self.manager).unlink())
