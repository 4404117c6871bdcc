"""Sales orders and invoices on top of sales_objectives' hand-built CRM (companies A
in USD, Brussels time, and B in EUR; company A's rates: 1 USD = 0.5 EUR until
2026-03-09, 0.8 EUR from 2026-03-10).

Product categories: Furniture (Desk, Chair) and Services (Consulting); no taxes.
Customer tag VIP on P2. Orders (confirmed at the moment given, UTC; amounts untaxed,
in USD unless said otherwise):

====  =====  ====  ========  =================  =====================================  =====
order owner  team  customer  confirmed          lines                                  USD
====  =====  ====  ========  =================  =====================================  =====
O1    R1     T1    P1a (P1)  2026-02-10 10:00   Desk 2 × 100                             200
O9    R2     T1    P4        2026-02-25 10:00   Chair 3 × 50                             150
O2    R1     T1    P1        2026-03-05 10:00   Desk 1 × 500 −10 %, Consulting 1 × 300   750
O4    R2     T1    P2 (VIP)  2026-03-12 09:00   Consulting 1 × 400 EUR −25 % = 300 EUR   375
                                                (rate 0.8)
O7    R3     T2    P3        2026-03-15 10:00   Chair 2 × 100                            200
O3    R2     T1    P2        2026-03-31 22:30   Chair 4 × 50 (April 1, 00:30 local)      200
O5    R1     T1    P3        2026-03-06, then cancelled: never counts               (1000)
O6    R1     T1    P4        a quotation, never confirmed: never counts              (999)
OB1   RB     TB    P1        2026-03-10 10:00   company B: Desk 1 × 100 EUR          (B only)
====  =====  ====  ========  =================  =====================================  =====

Customer invoices (posted unless said otherwise): I1 R1/T1 2026-03-06, 750 USD; I2
R2/T1 2026-03-12, 300 EUR = 375 USD; RF1 a credit note R2/T1 2026-03-20, 100 EUR =
−125 USD; I3 R1/T1 a draft of 999 USD; I4 R1/T1 2026-03-07, 500 USD, cancelled; IB
company B, RB/TB 2026-03-10, 100 EUR.
"""

from datetime import datetime

from freezegun import freeze_time

from odoo import Command

from odoo.addons.sales_objectives.tests.common import SalesObjectivesCase

SALE_KPIS = (
    "ordered_amount",
    "orders_count",
    "avg_order_value",
    "avg_discount",
    "invoiced_amount",
    "customers_served",
    "repeat_sales_share",
    "retention_rate",
    "churned_customers",
    "cross_sell_customers",
)


class SaleObjectivesCase(SalesObjectivesCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        for company in (cls.company_a, cls.company_b):
            currency = company.currency_id
            env["account.chart.template"].try_loading("generic_coa", company, install_demo=False)
            company.currency_id = currency  # the generic chart sets USD
        cls.kpi.update(
            {key: env.ref(f"sales_objectives_sale.sales_kpi_{key}") for key in SALE_KPIS}
        )
        env["sales.kpi"].search([]).company_id = False
        Category = env["product.category"]
        cls.furniture = Category.create({"name": "SO Furniture"})
        cls.services = Category.create({"name": "SO Services"})

        def product(name, category):
            return env["product.product"].create(
                {"name": name, "categ_id": category.id, "taxes_id": [Command.clear()]}
            )

        cls.desk = product("SO Desk", cls.furniture)
        cls.chair = product("SO Chair", cls.furniture)
        cls.consulting = product("SO Consulting", cls.services)
        cls.vip = env["res.partner.category"].create({"name": "SO VIP"})
        cls.p2.category_id = cls.vip
        cls.eur_pricelist = env["product.pricelist"].create(
            {"name": "SO EUR", "currency_id": cls.eur.id, "company_id": cls.company_a.id}
        )
        order = cls._order
        cls.o1 = order(cls.rep1, cls.team1, cls.p1a, "2026-02-10 10:00", [(cls.desk, 2, 100)])
        cls.o9 = order(cls.rep2, cls.team1, cls.p4, "2026-02-25 10:00", [(cls.chair, 3, 50)])
        cls.o2 = order(
            cls.rep1,
            cls.team1,
            cls.p1,
            "2026-03-05 10:00",
            [(cls.desk, 1, 500, 10), (cls.consulting, 1, 300)],
        )
        cls.o4 = order(
            cls.rep2,
            cls.team1,
            cls.p2,
            "2026-03-12 09:00",
            [(cls.consulting, 1, 400, 25)],
            pricelist=cls.eur_pricelist,
        )
        cls.o7 = order(cls.rep3, cls.team2, cls.p3, "2026-03-15 10:00", [(cls.chair, 2, 100)])
        cls.o3 = order(cls.rep2, cls.team1, cls.p2, "2026-03-31 22:30", [(cls.chair, 4, 50)])
        cls.o5 = order(cls.rep1, cls.team1, cls.p3, "2026-03-06 10:00", [(cls.desk, 1, 1000)])
        cls.o5._action_cancel()
        cls.o6 = order(cls.rep1, cls.team1, cls.p4, None, [(cls.desk, 1, 999)])
        cls.ob1 = order(
            cls.rep_b,
            cls.team_b,
            cls.p1,
            "2026-03-10 10:00",
            [(cls.desk, 1, 100)],
            company=cls.company_b,
        )
        invoice = cls._invoice
        cls.i1 = invoice(cls.rep1, cls.team1, cls.p1, "2026-03-06", 750)
        cls.i2 = invoice(cls.rep2, cls.team1, cls.p2, "2026-03-12", 300, currency=cls.eur)
        cls.rf1 = invoice(
            cls.rep2, cls.team1, cls.p2, "2026-03-20", 100, currency=cls.eur, refund=True
        )
        cls.i3 = invoice(cls.rep1, cls.team1, cls.p4, "2026-03-15", 999, post=False)
        cls.i4 = invoice(cls.rep1, cls.team1, cls.p3, "2026-03-07", 500)
        cls.i4.button_draft()
        cls.i4.button_cancel()
        cls.ib = invoice(
            cls.rep_b,
            cls.team_b,
            cls.p1,
            "2026-03-10",
            100,
            currency=cls.eur,
            company=cls.company_b,
        )
        env.flush_all()

    @classmethod
    def _order(cls, user, team, partner, confirmed, lines, pricelist=None, company=None):
        """A sales order of ``lines`` [(product, quantity, unit price, discount %)],
        confirmed at ``confirmed`` (UTC; None: left a quotation)."""
        company = company or cls.company_a
        order = (
            cls.env["sale.order"]
            .with_company(company)
            .create(
                {
                    "partner_id": partner.id,
                    "user_id": user.id,
                    "team_id": team.id,
                    "company_id": company.id,
                    "pricelist_id": pricelist.id if pricelist else False,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "product_uom_qty": quantity,
                                "price_unit": price,
                                "discount": discount[0] if discount else 0.0,
                                "tax_id": [Command.clear()],
                            }
                        )
                        for product, quantity, price, *discount in lines
                    ],
                }
            )
        )
        if confirmed:
            with freeze_time(datetime.fromisoformat(confirmed)):
                order.action_confirm()
        return order

    @classmethod
    def _invoice(
        cls,
        user,
        team,
        partner,
        day,
        amount,
        currency=None,
        refund=False,
        post=True,
        company=None,
    ):
        company = company or cls.company_a
        move = (
            cls.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": "out_refund" if refund else "out_invoice",
                    "partner_id": partner.id,
                    "invoice_user_id": user.id,
                    "team_id": team.id,
                    "company_id": company.id,
                    "currency_id": (currency or company.currency_id).id,
                    "invoice_date": day,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": cls.consulting.id,
                                "quantity": 1,
                                "price_unit": amount,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        )
        if post:
            move.action_post()
        return move
