from odoo import models


class SaleOrderLine(models.Model):
    """A line created, changed or removed changes its order's amounts (which Odoo
    recomputes without writing the order), and the categories its customer bought: the
    order is logged as changed, not only touched, so that the customer's later orders
    are measured again (cross-sell: whether they buy a category for the first time)."""

    _name = "sale.order.line"
    _inherit = ["sale.order.line", "sales.kpi.logged"]

    _so_log_kind = "order"

    def _so_log_ids(self):
        return self.order_id.ids

    def _so_log_before(self, vals):
        self._so_log_created()
