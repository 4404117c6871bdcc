"""Each customer's first confirmed order, kept by the scheduled refresh.

Whether an order is its customer's first in its company (repeat sales) or the first to
buy a product category (cross-sell) depends on the customer's whole history of orders.
A scan asking it of every order of a period sorts every confirmed order (and every
line, per category) of the database: seconds at 250,000 orders, paid by every KPI
reading it. The scheduled passes keep the answer instead: a row per customer
(commercial entity) and company naming its first order, and a row per customer,
company and product category naming the first order with a line of that category.

A full pass measures them again for every customer; an incremental pass for the
customers of the orders it read in the change log only (an order confirmed, cancelled,
moved to another customer, company or date, its lines or its products' categories
changed, a contact moved to another commercial entity: sales.kpi.watch logs each). A
Refresh asked for by a user reads the orders themselves (it must not wait for a pass).
They are derived figures, like the engine's cells, never sales data.
"""

from odoo import api, fields, models
from odoo.tools import SQL, create_unique_index

# the kept source saying the rows were measured (absent: measure them all first)
SOURCE = "first_orders"
# categ_id of the rows naming a customer's first order whatever its products
ANY_CATEGORY = 0


class SalesKpiFirstOrder(models.Model):
    _name = "sales.kpi.first.order"
    _description = "Sales KPI kept first order of a customer"
    _log_access = False

    customer_id = fields.Integer(required=True)
    company_id = fields.Integer(required=True)
    categ_id = fields.Integer(required=True)
    order_id = fields.Integer(required=True, index=True)

    def init(self):
        create_unique_index(
            self.env.cr,
            "sales_kpi_first_order_key_uniq",
            self._table,
            ["customer_id", "company_id", "categ_id"],
        )

    @api.model
    def _firsts_sql(self, customers=None):
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
        entities ``customers``; writes only the rows that changed. Returns the number of
        rows written or removed."""
        cr = self.env.cr
        if customers is not None and not customers:
            return 0
        mine = SQL("TRUE") if customers is None else SQL("customer_id = ANY(%s)", sorted(customers))
        by_customer, by_category = self._firsts_sql(customers)
        cr.execute(
            SQL(
                """CREATE TEMPORARY TABLE IF NOT EXISTS sales_kpi_first_order_new
                       (customer_id int4, company_id int4, categ_id int4, order_id int4)
                       ON COMMIT DROP;
                   TRUNCATE sales_kpi_first_order_new;
                   INSERT INTO sales_kpi_first_order_new %s;
                   INSERT INTO sales_kpi_first_order_new %s""",
                by_customer,
                by_category,
            )
        )
        if customers is None:
            cr.execute("ANALYZE sales_kpi_first_order_new")
        cr.execute(
            SQL(
                """WITH gone AS (
                       DELETE FROM sales_kpi_first_order k
                        WHERE %(mine)s AND NOT EXISTS (
                              SELECT 1 FROM sales_kpi_first_order_new n
                               WHERE n.customer_id = k.customer_id
                                 AND n.company_id = k.company_id
                                 AND n.categ_id = k.categ_id AND n.order_id = k.order_id)
                    RETURNING 1)
                   SELECT COUNT(*) FROM gone""",
                mine=mine,
            )
        )
        removed = cr.fetchone()[0]
        cr.execute(
            """INSERT INTO sales_kpi_first_order (customer_id, company_id, categ_id, order_id)
               SELECT customer_id, company_id, categ_id, order_id
                 FROM sales_kpi_first_order_new
                   ON CONFLICT (customer_id, company_id, categ_id)
                   DO UPDATE SET order_id = EXCLUDED.order_id
                   WHERE sales_kpi_first_order.order_id <> EXCLUDED.order_id"""
        )
        return removed + cr.rowcount

    @api.model
    def _bring_up_to_date(self, changes):
        """Makes the rows current for a scheduled pass: all of them when never measured
        (or ``changes`` is None: a full pass), else those of the customers of the
        orders in ``changes`` (ChangeState, before and after each change)."""
        Source = self.env["sales.kpi.cell.source"]
        if changes is None or not Source._signature(SOURCE):
            self._measure()
            # the planner's statistics of the rows just written (a pass reads them next)
            self.env.cr.execute("ANALYZE sales_kpi_first_order")
            Source._set(SOURCE, "measured")
            return
        self._measure({c.partner_id for c in changes if c.kind == "order" and c.partner_id})

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
