from odoo import api, models


class SaleOrderLine(models.Model):
    """A line created, changed or removed changes its order's amounts (which Odoo
    recomputes without writing the order), and the categories its customer bought: the
    order is logged as changed, not only touched, so that the customer's later orders
    are measured again (cross-sell: whether they buy a category for the first time)."""

    _inherit = "sale.order.line"

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        self.env["sales.kpi.change"].sudo()._log_created("order", lines.order_id.ids)
        return lines

    def write(self, vals):
        self.env["sales.kpi.change"].sudo()._log_created("order", self.order_id.ids)
        return super().write(vals)

    def unlink(self):
        self.env["sales.kpi.change"].sudo()._log_created("order", self.order_id.ids)
        return super().unlink()
