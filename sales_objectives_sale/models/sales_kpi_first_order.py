"""Each customer's first confirmed order, kept by the scheduled refresh.

Whether an order is its customer's first in its company (repeat sales) or the first to
buy a product category (cross-sell) depends on the customer's whole history of orders.
A scan asking it of every order of a period sorts every confirmed order (and every
line, per category) of the database: seconds at 250,000 orders, paid by every KPI
reading it. The scheduled passes keep the answer instead: a row per customer
(commercial entity) and company naming its first order, and a row per customer,
company and product category naming the first order with a line of that category.

The first incremental pass after each full pass (daily) measures them again for every
customer; the others for the customers of the orders they read in the change log only
(an order confirmed, cancelled, moved to another customer, company or date, its lines
or its products' categories changed, a contact moved to another commercial entity:
sales.kpi.watch logs each). A full pass, and a Refresh asked for by a user, read the
orders themselves.
They are derived figures, like the engine's cells, never sales data.
"""

from odoo import api, fields, models
from odoo.tools import SQL, create_unique_index

# the kept source naming the full pass after which every row was measured (another
# one, or none: measure them all first)
SOURCE = "first_orders"
# rows written by a full measure above which the planner's statistics are renewed
ANALYZE_AFTER = 10000
# categ_id of the rows naming a customer's first order whatever its products
ANY_CATEGORY = 0


class SalesKpiFirstOrder(models.Model):
    _name = "sales.kpi.first.order"
    _description = "Sales KPI kept first order of a customer"
    _log_access = False

    customer_id = fields.Integer("Customer", required=True)
    company_id = fields.Integer("Company", required=True)
    categ_id = fields.Integer("Product Category", required=True)
    order_id = fields.Integer("Order", required=True, index=True)

    def init(self):
        create_unique_index(
            self.env.cr,
            "sales_kpi_first_order_key_uniq",
            self._table,
            ["customer_id", "company_id", "categ_id"],
        )

    @api.model
    @api.private
    def firsts_sql(self, customers=None):
        """SQL: (customer, company, category, order) of the first confirmed order (by
        order date, then id) of each customer in each company, with category
        ANY_CATEGORY, then of each customer, company and product category; of every
        customer, or of the commercial entities ``customers`` (through the indexes on
        the contacts' entity, the orders' customer and the lines' order)."""
        if customers is None:
            orders = SQL("sale_order f JOIN res_partner p ON p.id = f.partner_id")
        else:
            orders = SQL(
                "res_partner p JOIN sale_order f ON f.partner_id = p.id"
                " AND p.commercial_partner_id = ANY(%s)",
                sorted(customers),
            )
        return SQL(
            """SELECT DISTINCT ON (p.commercial_partner_id, f.company_id)
                      p.commercial_partner_id, f.company_id, %(any)s, f.id
                 FROM %(orders)s
                WHERE f.state = 'sale'
             ORDER BY p.commercial_partner_id, f.company_id, f.date_order, f.id""",
            any=ANY_CATEGORY,
            orders=orders,
        ), SQL(
            """SELECT DISTINCT ON (p.commercial_partner_id, f.company_id, pt.categ_id)
                      p.commercial_partner_id, f.company_id, pt.categ_id, f.id
                 FROM %(orders)s
                 JOIN sale_order_line l ON l.order_id = f.id AND l.display_type IS NULL
                 JOIN product_product pp ON pp.id = l.product_id
                 JOIN product_template pt ON pt.id = pp.product_tmpl_id
                WHERE f.state = 'sale' AND pt.categ_id IS NOT NULL
             ORDER BY p.commercial_partner_id, f.company_id, pt.categ_id, f.date_order, f.id""",
            orders=orders,
        )

    @api.model
    def _measure(self, customers=None):
        """Measures the rows of every customer (``customers`` None) or of the commercial
        entities ``customers``, and writes only the rows that changed: one statement
        (the rows measured, hash-joined with those kept). Returns the number of rows
        written or removed."""
        if customers is not None and not customers:
            return 0
        mine = SQL("TRUE") if customers is None else SQL("customer_id = ANY(%s)", sorted(customers))
        by_customer, by_category = self.firsts_sql(customers)
        self.env.cr.execute(
            SQL(
                """WITH fresh (customer_id, company_id, categ_id, order_id) AS (
                        (%(by_customer)s) UNION ALL (%(by_category)s)),
                   diff AS (
                        SELECT COALESCE(f.customer_id, k.customer_id) AS customer_id,
                               COALESCE(f.company_id, k.company_id) AS company_id,
                               COALESCE(f.categ_id, k.categ_id) AS categ_id,
                               f.order_id
                          FROM fresh f
                     FULL JOIN (SELECT * FROM sales_kpi_first_order WHERE %(mine)s) k
                            ON k.customer_id = f.customer_id AND k.company_id = f.company_id
                           AND k.categ_id = f.categ_id
                         WHERE f.order_id IS DISTINCT FROM k.order_id),
                   gone AS (
                        DELETE FROM sales_kpi_first_order t USING diff d
                         WHERE d.order_id IS NULL AND t.customer_id = d.customer_id
                           AND t.company_id = d.company_id AND t.categ_id = d.categ_id
                     RETURNING 1),
                   put AS (
                        INSERT INTO sales_kpi_first_order (customer_id, company_id, categ_id,
                                                           order_id)
                        SELECT customer_id, company_id, categ_id, order_id
                          FROM diff WHERE order_id IS NOT NULL
                            ON CONFLICT (customer_id, company_id, categ_id)
                            DO UPDATE SET order_id = EXCLUDED.order_id
                     RETURNING 1)
                   SELECT (SELECT COUNT(*) FROM gone) + (SELECT COUNT(*) FROM put)""",
                by_customer=by_customer,
                by_category=by_category,
                mine=mine,
            )
        )
        return self.env.cr.fetchone()[0]

    @api.model
    def _bring_up_to_date(self, changes):
        """Makes the rows current for an incremental pass: those of the customers of
        the orders in ``changes`` (ChangeState, before and after each change); all of
        them first when never measured, or not since the last full pass began (once a
        day: what no change log tells, such as a change made in SQL, is repaired)."""
        Source = self.env["sales.kpi.cell.source"]
        full_start = self.env["sales.kpi.refresh"].full_pass_start() or "-"
        built = Source._signature(SOURCE)
        if built == full_start:
            self._measure({c.partner_id for c in changes if c.kind == "order" and c.partner_id})
            return
        written = self._measure()
        if not built or written > ANALYZE_AFTER:
            # the planner's statistics of the rows just written (a pass reads them next:
            # without them it reads them in the worst order)
            self.env.cr.execute("ANALYZE sales_kpi_first_order")
        Source._set(SOURCE, full_start)

    @api.model
    def _is_first_sql(self, order_id, categories=None):
        """SQL: whether the order ``order_id`` is its customer's first in its company
        (``categories`` None), or its first with a line of one of ``categories`` (an
        empty list: of any category)."""
        if categories is None:
            category = SQL("k.categ_id = %s", ANY_CATEGORY)
        elif categories:
            category = SQL("k.categ_id = ANY(%s)", list(categories))
        else:
            category = SQL("k.categ_id <> %s", ANY_CATEGORY)
        return SQL(
            "EXISTS (SELECT 1 FROM sales_kpi_first_order k WHERE k.order_id = %s AND %s)",
            order_id,
            category,
        )
