from odoo import api, fields, models


def _retire(kpis):
    """On uninstall, a KPI on a metric that goes away keeps its targets and their last
    figures: it becomes a manual KPI, archived."""
    kpis.write({"metric": "manual", "active": False})


SALE_METRICS = [
    ("ordered_amount", "Ordered amount"),
    ("orders_count", "Orders"),
    ("avg_order_value", "Average order value"),
    ("avg_discount", "Average discount"),
    ("invoiced_amount", "Invoiced amount"),
    ("customers_served", "Customers served"),
    ("repeat_sales_share", "Sales share of repeat customers"),
    ("retention_rate", "Customer retention rate"),
    ("churned_customers", "Churned customers"),
    ("cross_sell_customers", "Cross-sell: customers buying a new product category"),
]
# what the invoiced amount counts (a KPI's setting)
INVOICED_COUNTS = [("posted", "Posted invoices"), ("paid", "Paid invoices")]
# the payment states of an invoice or a credit note counted as paid (Odoo's
# account.move payment_state): paid, in payment (paid, the bank not reconciled yet), or
# reversed (settled by a credit note, which counts too, or by a reversal entry)
PAID_STATES = ("paid", "in_payment", "reversed")


class SalesKpi(models.Model):
    _inherit = "sales.kpi"

    metric = fields.Selection(
        selection_add=SALE_METRICS, ondelete={key: _retire for key, _label in SALE_METRICS}
    )
    product_categ_ids = fields.Many2many(
        "product.category",
        string="Product categories",
        help="Only count the order and invoice lines of products in these categories "
        "(and their subcategories): amounts are those of these lines, and an order or a "
        "customer counts when it has such a line. Leave empty to count every product.",
    )
    invoiced_counts = fields.Selection(
        INVOICED_COUNTS,
        string="Invoiced counts",
        required=True,
        default="posted",
        help="For the invoiced amount. Posted invoices: every posted customer invoice, less "
        "the posted credit notes. Paid invoices, for teams paid on collected cash: the "
        "invoices Odoo marks paid or in payment (or reversed by a credit note), less the "
        "credit notes it marks paid (reconciled with an invoice or refunded). Either way "
        "on the invoice date.",
    )
    is_sale_metric = fields.Boolean(compute="_compute_is_sale_metric")

    @api.depends("metric")
    def _compute_is_sale_metric(self):
        for kpi in self:
            kpi.is_sale_metric = bool(kpi.metric) and kpi._filter_model() in (
                "sale.order",
                "account.move",
            )

    def _category_ids(self):
        """Ids of the KPI's product categories and their subcategories (empty: all)."""
        self.ensure_one()
        if not self.product_categ_ids:
            return []
        return (
            self.env["product.category"]
            .sudo()
            .search([("id", "child_of", self.product_categ_ids.ids)])
            .ids
        )
