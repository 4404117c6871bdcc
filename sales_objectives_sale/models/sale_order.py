from odoo import api, fields, models

from odoo.addons.sales_objectives.models import (  # noqa: F401 (the mixins sale.order inherits)
    sales_credited,
    sales_kpi_logged,
)

# the fields that place an order in the figures: which owners, customer and day it
# counts for, and whether it counts at all
ORDER_PLACING_FIELDS = frozenset(
    {"state", "date_order", "user_id", "team_id", "company_id", "partner_id"}
)


class SaleOrder(models.Model):
    """Logs changes of sales orders for the incremental refresh; an order's credit can
    be split between salespeople (made from an opportunity, it takes the
    opportunity's split)."""

    _name = "sale.order"
    _inherit = ["sale.order", "sales.kpi.logged", "sales.credited"]

    _so_log_kind = "order"
    _so_log_fields = ORDER_PLACING_FIELDS
    _so_log_touch = True

    _so_credit_amount_field = "amount_untaxed"
    so_credited_amount = fields.Monetary(
        "Credited untaxed amount",
        compute="_compute_so_credited_amount",
        currency_field="currency_id",
        help="The untaxed amount times the share counted for the owner of the target "
        "whose records are listed.",
    )
    so_credit_split_ids = fields.One2many(
        "sales.credit.split",
        "order_id",
        string="Credit split",
        help="The salespeople credited with this order and their shares: revenue credit "
        "totals 100 %; overlay credit (specialists) is extra. Empty: all of it is the "
        "salesperson's. An order made from an opportunity takes its split.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        orders = super().create(vals_list)
        Split = self.env["sales.credit.split"]
        for order, vals in zip(orders, vals_list, strict=True):
            if "so_credit_split_ids" not in vals and order.opportunity_id:
                Split._follow(order, order.opportunity_id)
        return orders

    def _so_log_before(self, vals):
        self.env["sales.kpi.change"].sudo()._log_orders_before(self)
