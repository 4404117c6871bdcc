"""The measures of the sales bridge: one batched query per metric over confirmed sales
orders or posted customer invoices, registered in the engine's metric registry
(``@metric``: sales_objectives/engine/metrics.py) without a change to the engine.

Amounts are in the company's currency: an order's untaxed amount divided by the rate
Odoo stored on it at its order date, an invoice's signed untaxed amount (converted by
Odoo at its invoice date; negative for a credit note). The engine then converts the
company's currency to the target's at the document's local day.
"""

from datetime import datetime

from odoo import api, models
from odoo.osv import expression
from odoo.tools import SQL

from odoo.addons.sales_objectives.engine.metrics import (
    Credit,
    MetricDefinition,
    MetricQuery,
    metric,
)

from .sales_kpi import PAID_STATES

# the metrics asking whether an order is its customer's first (in a category)
FIRST_ORDER_METRICS = ("repeat_sales_share", "cross_sell_customers")


class SalesKpiEngine(models.AbstractModel):
    _inherit = "sales.kpi.engine"

    @api.private
    @api.model
    def kpi_fields(self):
        return [*super().kpi_fields(), "product_categ_ids", "invoiced_counts"]

    @api.model
    def _kpi_signature(self, kpi):
        signature = super()._kpi_signature(kpi)
        if kpi.product_categ_ids:
            signature += f"|categories:{kpi._category_ids()}"
        if kpi.metric == "invoiced_amount" and kpi.invoiced_counts != "posted":
            signature += f"|invoiced:{kpi.invoiced_counts}"
        return signature

    # ------------------------------------------------------------------
    # Sales orders
    # ------------------------------------------------------------------

    def _order_query(self, kpi, start, stop, components, run, distinct=False):
        """MetricQuery over the confirmed sales orders dated (order date) in
        [start, stop) matching the KPI's filter and, when it names product categories,
        having a line of such a product. ``components(o, lines)``: ``o`` gives a column
        of the order, ``lines(expression)`` sums an expression of its lines (``l``:
        sale_order_line, ``pt``: product_template) over the lines counted."""
        orders = self.env["sale.order"].sudo()
        domain = [("state", "=", "sale"), ("date_order", ">=", start), ("date_order", "<", stop)]
        domain = expression.AND([kpi._get_filter_domain(), domain])
        query = orders._search(domain)
        table = query.table
        categories = kpi._category_ids()

        def o(fname):
            return orders._field_to_sql(table, fname, query)

        def line_filter():
            condition = SQL(
                "l.order_id = %s AND l.display_type IS NULL", SQL.identifier(table, "id")
            )
            if categories:
                condition = SQL("%s AND pt.categ_id = ANY(%s)", condition, categories)
            return condition

        sums = []  # the line expressions summed per order, in one pass over its lines

        def lines(expr):
            sums.append(expr)
            return SQL("COALESCE(%s, 0)", SQL.identifier("so_lines", f"s{len(sums) - 1}"))

        if categories:
            query.add_where(
                SQL(
                    """EXISTS (SELECT 1 FROM sale_order_line l
                         JOIN product_product pp ON pp.id = l.product_id
                         JOIN product_template pt ON pt.id = pp.product_tmpl_id
                        WHERE %s)""",
                    line_filter(),
                )
            )
        comps = components(o, lines)
        if sums:
            # one lateral pass over each order's lines computes every sum at once
            query.add_join(
                "LEFT JOIN",
                "so_lines",
                SQL(
                    "LATERAL (SELECT %s FROM sale_order_line l %s WHERE %s)",
                    SQL(", ").join(
                        SQL("SUM(%s) AS %s", expr, SQL.identifier(f"s{index}"))
                        for index, expr in enumerate(sums)
                    ),
                    SQL(
                        "JOIN product_product pp ON pp.id = l.product_id"
                        " JOIN product_template pt ON pt.id = pp.product_tmpl_id"
                    )
                    if categories
                    else SQL(),
                    line_filter(),
                ),
                SQL("TRUE"),
            )
        customer = None
        if distinct:
            query.add_join(
                "JOIN",
                "so_customer",
                "res_partner",
                SQL("%s = %s", SQL.identifier("so_customer", "id"), o("partner_id")),
            )
            customer = SQL.identifier("so_customer", "commercial_partner_id")
        # each person credited with the order counts their share of it (its split)
        credit = Credit(SQL.identifier(table, "id"), "order_id", o("team_id"), o("user_id"))
        team, user, share, samples = self._credit_join(
            query, credit, bool(kpi.count_overlay), lateral=run.probing
        )
        return MetricQuery(
            "sale.order",
            query,
            team,
            user,
            o("company_id"),
            o("date_order"),
            False,
            [SQL("(%s) * %s", comp, share) for comp in comps],
            "order",
            1,
            o("user_id"),
            "user",
            customer,
            credit,
            samples,
        )

    @api.model
    def _order_rate(self, o):
        """SQL: the rate dividing an order's amounts into its company's currency."""
        return SQL("COALESCE(NULLIF(%s, 0), 1.0)", o("currency_rate"))

    def _order_amount(self, kpi, o, lines):
        """SQL: the untaxed amount counted of an order, in its company's currency."""
        amount = lines(SQL("l.price_subtotal")) if kpi.product_categ_ids else o("amount_untaxed")
        return SQL("%s / %s", amount, self._order_rate(o))

    @api.model
    def _first_orders(self, categories=None):
        """SQL: the ids of each customer's first confirmed order in each company (by
        order date, then id), or with ``categories`` (a list, empty: any) of each
        customer's first order with a line of one of them: one scan and sort of the
        confirmed orders (of their lines), as the kept first orders measure them."""
        by_customer, by_category = self.env["sales.kpi.first.order"].firsts_sql()
        if categories is None:
            firsts, condition = by_customer, SQL("TRUE")
        else:
            firsts = by_category
            condition = SQL("firsts.categ_id = ANY(%s)", categories) if categories else SQL("TRUE")
        return SQL(
            "(SELECT firsts.order_id FROM (%s) AS firsts(customer_id, company_id, categ_id,"
            " order_id) WHERE %s)",
            firsts,
            condition,
        )

    @api.model
    def _prepare_run(self, kpis, state):
        """An incremental pass measuring repeat sales or cross-sell first brings the
        kept first orders up to date (sales.kpi.first.order): for the customers of the
        changed orders, or for every customer after a full pass."""
        super()._prepare_run(kpis, state)
        if state.mode != "incremental" or not any(
            kpi.metric in FIRST_ORDER_METRICS for kpi in kpis
        ):
            return
        self.env["sales.kpi.first.order"]._bring_up_to_date(state.changes + state.customer_changes)

    @api.model
    def _is_first_order(self, order_id, run):
        """SQL: whether the confirmed order ``order_id`` is its customer's first in its
        company. An incremental pass reads the kept first orders; a Refresh of a few
        owners' orders probes the customer's earlier orders per order (indexed); a full
        pass or any other Refresh tests membership in ``_first_orders()``."""
        if run.mode == "incremental":
            return self.env["sales.kpi.first.order"]._is_first_sql(order_id)
        if not run.few_owners:
            return SQL("%s IN %s", order_id, self._first_orders())
        return SQL(
            """NOT EXISTS (
                   SELECT 1 FROM sale_order o1
                     JOIN res_partner p1 ON p1.id = o1.partner_id
                     JOIN res_partner pc ON pc.commercial_partner_id = p1.commercial_partner_id
                     JOIN sale_order f ON f.partner_id = pc.id
                    WHERE o1.id = %s AND f.company_id = o1.company_id AND f.state = 'sale'
                      AND (f.date_order, f.id) < (o1.date_order, o1.id))""",
            order_id,
        )

    @metric(
        "ordered_amount",
        MetricDefinition(unit="money", money=(0,), model="sale.order"),
    )
    def _query_ordered_amount(self, kpi, start, stop, run):
        return self._order_query(
            kpi, start, stop, lambda o, lines: [self._order_amount(kpi, o, lines)], run
        )

    @metric(
        "orders_count",
        MetricDefinition(unit="count", model="sale.order"),
    )
    def _query_orders_count(self, kpi, start, stop, run):
        return self._order_query(kpi, start, stop, lambda o, lines: [SQL("1")], run)

    @metric(
        "avg_order_value",
        MetricDefinition(unit="money", combine="ratio", money=(0,), model="sale.order"),
    )
    def _query_avg_order_value(self, kpi, start, stop, run):
        return self._order_query(
            kpi, start, stop, lambda o, lines: [self._order_amount(kpi, o, lines), SQL("1")], run
        )

    @metric(
        "avg_discount",
        MetricDefinition(
            unit="percent", combine="percent", money=(0, 1), direction="lower", model="sale.order"
        ),
    )
    def _query_avg_discount(self, kpi, start, stop, run):
        """Discount granted over the lines' undiscounted amount (unit price × quantity),
        both in the company's currency."""

        def components(o, lines):
            rate = self._order_rate(o)
            gross = SQL("l.price_unit * l.product_uom_qty")
            return [
                SQL("%s / %s", lines(SQL("%s * COALESCE(l.discount, 0) / 100.0", gross)), rate),
                SQL("%s / %s", lines(gross), rate),
            ]

        return self._order_query(kpi, start, stop, components, run)

    @metric(
        "repeat_sales_share",
        MetricDefinition(
            unit="percent", combine="percent", money=(0, 1), customers=True, model="sale.order"
        ),
    )
    def _query_repeat_sales_share(self, kpi, start, stop, run):
        def components(o, lines):
            amount = self._order_amount(kpi, o, lines)
            first = self._is_first_order(o("id"), run)
            return [SQL("CASE WHEN %s THEN 0 ELSE %s END", first, amount), amount]

        return self._order_query(kpi, start, stop, components, run)

    @metric(
        "customers_served",
        MetricDefinition(unit="count", combine="distinct", model="sale.order"),
    )
    def _query_customers_served(self, kpi, start, stop, run):
        return self._order_query(kpi, start, stop, lambda o, lines: [SQL("1")], run, distinct=True)

    @metric(
        "retention_rate",
        MetricDefinition(unit="percent", combine="retention", model="sale.order"),
    )
    def _query_retention_rate(self, kpi, start, stop, run):
        return self._query_customers_served(kpi, start, stop, run)

    @metric(
        "churned_customers",
        MetricDefinition(unit="count", combine="churn", direction="lower", model="sale.order"),
    )
    def _query_churned_customers(self, kpi, start, stop, run):
        return self._query_customers_served(kpi, start, stop, run)

    @metric(
        "cross_sell_customers",
        MetricDefinition(unit="count", combine="distinct", customers=True, model="sale.order"),
    )
    def _query_cross_sell_customers(self, kpi, start, stop, run):
        """Customers who had ordered before, ordering a product category (of the KPI's,
        if any) for the first time in the company."""
        mq = self._query_customers_served(kpi, start, stop, run)
        categories = kpi._category_ids()
        order_id = SQL.identifier(mq.query.table, "id")
        in_categories = SQL("AND pt.categ_id = ANY(%s)", categories) if categories else SQL()
        if run.mode == "incremental":
            first_in_category = self.env["sales.kpi.first.order"]._is_first_sql(
                order_id, categories or []
            )
        elif run.few_owners:
            # a few owners' orders: for each order, a line of a category that none of
            # the customer's earlier orders in the company had (indexed probes)
            first_in_category = SQL(
                """EXISTS (SELECT 1 FROM sale_order o1
                             JOIN res_partner p1 ON p1.id = o1.partner_id
                             JOIN sale_order_line l ON l.order_id = o1.id
                             JOIN product_product pp ON pp.id = l.product_id
                             JOIN product_template pt ON pt.id = pp.product_tmpl_id
                            WHERE o1.id = %s AND l.display_type IS NULL %s
                              AND NOT EXISTS (
                                  SELECT 1 FROM res_partner pc
                                    JOIN sale_order f ON f.partner_id = pc.id
                                    JOIN sale_order_line lf ON lf.order_id = f.id
                                    JOIN product_product ppf ON ppf.id = lf.product_id
                                    JOIN product_template ptf ON ptf.id = ppf.product_tmpl_id
                                   WHERE pc.commercial_partner_id = p1.commercial_partner_id
                                     AND f.company_id = o1.company_id AND f.state = 'sale'
                                     AND lf.display_type IS NULL AND ptf.categ_id = pt.categ_id
                                     AND (f.date_order, f.id) < (o1.date_order, o1.id)))""",
                order_id,
                in_categories,
            )
        else:
            first_in_category = SQL("%s IN %s", order_id, self._first_orders(categories or []))
        mq.query.add_where(
            SQL("%s AND NOT %s", first_in_category, self._is_first_order(order_id, run))
        )
        return mq

    # ------------------------------------------------------------------
    # Customer invoices
    # ------------------------------------------------------------------

    @metric(
        "invoiced_amount",
        MetricDefinition(unit="money", money=(0,), model="account.move", is_date=True),
    )
    def _query_invoiced_amount(self, kpi, start, stop, run):
        """Posted customer invoices minus posted credit notes, untaxed, in the company's
        currency, by invoice date, for the invoice's salesperson and sales team; for a
        KPI counting paid invoices, only those Odoo marks paid (``PAID_STATES``), credit
        notes as well."""
        moves = self.env["account.move"].sudo()
        if isinstance(start, datetime):
            start, stop = start.date(), stop.date()
        domain = [
            ("move_type", "in", ("out_invoice", "out_refund")),
            ("state", "=", "posted"),
            ("invoice_date", ">=", start),
            ("invoice_date", "<", stop),
        ]
        if kpi.invoiced_counts == "paid":
            domain.append(("payment_state", "in", PAID_STATES))
        domain = expression.AND([kpi._get_filter_domain(), domain])
        query = moves._search(domain)
        table = query.table

        def m(fname):
            return moves._field_to_sql(table, fname, query)

        categories = kpi._category_ids()
        amount = m("amount_untaxed_signed")
        if categories:
            lines = SQL(
                """FROM account_move_line l
                   JOIN product_product pp ON pp.id = l.product_id
                   JOIN product_template pt ON pt.id = pp.product_tmpl_id
                  WHERE l.move_id = %s AND l.display_type = 'product'
                    AND pt.categ_id = ANY(%s)""",
                SQL.identifier(table, "id"),
                categories,
            )
            query.add_where(SQL("EXISTS (SELECT 1 %s)", lines))
            amount = SQL("(SELECT -COALESCE(SUM(l.balance), 0) %s)", lines)
        # each person credited with the invoice counts their share of it (its split)
        credit = Credit(SQL.identifier(table, "id"), "move_id", m("team_id"), m("invoice_user_id"))
        team, user, share, samples = self._credit_join(
            query, credit, bool(kpi.count_overlay), lateral=run.probing
        )
        return MetricQuery(
            "account.move",
            query,
            team,
            user,
            m("company_id"),
            m("invoice_date"),
            True,
            [SQL("(%s) * %s", amount, share)],
            "invoice",
            4,
            m("invoice_user_id"),
            "user",
            credit=credit,
            samples=samples,
        )
