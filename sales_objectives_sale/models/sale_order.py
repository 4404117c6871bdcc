from odoo import api, models

# the fields that place an order in the figures: which owners, customer and day it
# counts for, and whether it counts at all
ORDER_PLACING_FIELDS = {"state", "date_order", "user_id", "team_id", "company_id", "partner_id"}


class SaleOrder(models.Model):
    """Logs changes of sales orders for the incremental refresh."""

    _inherit = "sale.order"

    @api.model_create_multi
    def create(self, vals_list):
        orders = super().create(vals_list)
        self.env["sales.kpi.change"].sudo()._log_created("order", orders.ids)
        return orders

    def write(self, vals):
        log = self.env["sales.kpi.change"].sudo()
        if ORDER_PLACING_FIELDS & set(vals):
            log._log_orders_before(self)
        else:
            log._log_created("order", self.ids, touched=True)
        return super().write(vals)

    def unlink(self):
        self.env["sales.kpi.change"].sudo()._log_orders_before(self)
        return super().unlink()
