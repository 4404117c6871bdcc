from odoo import api, fields, models

from odoo.addons.sales_objectives.models.sales_kpi import metric_definition


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
    is_sale_metric = fields.Boolean(compute="_compute_is_sale_metric")

    @api.depends("metric")
    def _compute_is_sale_metric(self):
        for kpi in self:
            kpi.is_sale_metric = bool(kpi.metric) and kpi._filter_model() in (
                "sale.order",
                "account.move",
            )

    @api.model
    def _metric_definitions(self):
        """The metrics of sales orders (confirmed; by order date) and customer invoices
        (posted, net of credit notes; by invoice date)."""
        definitions = super()._metric_definitions()
        order = {"model": "sale.order"}
        definitions.update(
            ordered_amount=metric_definition("money", money=(0,), **order),
            orders_count=metric_definition("count", **order),
            avg_order_value=metric_definition("money", "ratio", money=(0,), **order),
            avg_discount=metric_definition(
                "percent", "percent", money=(0, 1), direction="lower", **order
            ),
            invoiced_amount=metric_definition(
                "money", money=(0,), model="account.move", is_date=True
            ),
            customers_served=metric_definition("count", "distinct", **order),
            repeat_sales_share=metric_definition(
                "percent", "percent", money=(0, 1), customers=True, **order
            ),
            retention_rate=metric_definition("percent", "retention", **order),
            churned_customers=metric_definition("count", "churn", direction="lower", **order),
            cross_sell_customers=metric_definition("count", "distinct", customers=True, **order),
        )
        return definitions

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
