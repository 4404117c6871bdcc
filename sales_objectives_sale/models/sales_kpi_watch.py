from odoo import api, models
from odoo.tools import SQL

from odoo.addons.sales_objectives.models.sales_kpi_watch import Watch


class SalesKpiWatch(models.AbstractModel):
    """What the sales metrics read beyond the orders and invoices they count: the
    product categories of the lines (a KPI's categories; cross-sell), the customers'
    commercial entity (whether an order is a customer's first, customers counted), and
    the invoices' payment state (an invoiced amount counting paid invoices)."""

    _inherit = "sales.kpi.watch"

    @api.model
    def _kpi_rows(self):
        """With ``categories``: whether the KPI names product categories; with
        ``invoiced_counts``: what its invoiced amount counts."""
        rows = super()._kpi_rows()
        self.env.cr.execute("SELECT id, invoiced_counts FROM sales_kpi WHERE active")
        counts = dict(self.env.cr.fetchall())
        field = self.env["sales.kpi"]._fields["product_categ_ids"]
        self.env.cr.execute(
            SQL(
                "SELECT DISTINCT %s FROM %s",
                SQL.identifier(field.column1),
                SQL.identifier(field.relation),
            )
        )
        named = {row[0] for row in self.env.cr.fetchall()}
        for row in rows:
            row["categories"] = row["id"] in named
            row["invoiced_counts"] = counts.get(row["id"])
        return rows

    @api.model
    def _kpi_fields(self):
        return super()._kpi_fields() | {"product_categ_ids", "invoiced_counts"}

    @api.model
    def _metric_kinds(self, metric, definition):
        if definition["model"] == "sale.order":
            return ("order",)
        if definition["model"] == "account.move":
            return ("invoice",)
        return super()._metric_kinds(metric, definition)

    @api.model
    def _metric_watches(self, kpi, definition, kinds):
        """The category of the products of the lines: their amounts count for a KPI
        naming categories; cross-sell counts the customers buying a category for the
        first time (the later orders of the customers concerned change too: logged
        ``changed``). Changes of the categories' tree change the KPI's categories, which
        the pass compares (their signature). The customer's commercial entity: whether an
        order is its first, and which customer an order counts for."""
        yield from super()._metric_watches(kpi, definition, kinds)
        model = definition["model"]
        cross_sell = kpi["metric"] == "cross_sell_customers"
        if model == "sale.order" and (kpi.get("categories") or cross_sell):
            mode = "changed" if cross_sell else "touched"
            for fname, path in (
                ("categ_id", "order_line.product_id.product_tmpl_id"),
                ("product_tmpl_id", "order_line.product_id"),
            ):
                yield (
                    "product.template" if fname == "categ_id" else "product.product",
                    fname,
                    Watch("order", model, path, "in", mode, False, False),
                )
        if model == "account.move" and kpi.get("categories"):
            for fname, path in (
                ("categ_id", "line_ids.product_id.product_tmpl_id"),
                ("product_tmpl_id", "line_ids.product_id"),
            ):
                yield (
                    "product.template" if fname == "categ_id" else "product.product",
                    fname,
                    Watch("invoice", model, path, "in", "touched", False, False),
                )
        if kpi["metric"] == "invoiced_amount" and kpi.get("invoiced_counts") == "paid":
            # a payment (or its reversal) changes the invoice's payment state only, which
            # Odoo recomputes without writing the invoice: the invoice counts where it did
            yield (
                "account.move",
                "payment_state",
                Watch("invoice", model, "", "in", "touched", False, False),
            )
        if model == "sale.order" and (definition.get("customers") or definition["distinct"]):
            yield (
                "res.partner",
                "commercial_partner_id",
                Watch("order", model, "partner_id", "in", "before", False, False),
            )
