from odoo import models

# the fields that place an order in the figures: which owners, customer and day it
# counts for, and whether it counts at all
ORDER_PLACING_FIELDS = frozenset(
    {"state", "date_order", "user_id", "team_id", "company_id", "partner_id"}
)


class SaleOrder(models.Model):
    """Logs changes of sales orders for the incremental refresh."""

    _name = "sale.order"
    _inherit = ["sale.order", "sales.kpi.logged"]

    _so_log_kind = "order"
    _so_log_fields = ORDER_PLACING_FIELDS
    _so_log_touch = True

    def _so_log_before(self, vals):
        self.env["sales.kpi.change"].sudo()._log_orders_before(self)
