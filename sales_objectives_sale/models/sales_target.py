from odoo import models

# the list of the records counted in a target ("Counted in"), by model: Odoo's list of
# sales orders and of customer invoices, with the share of each counted for the
# target's owner (views/sale_order_views.xml, views/account_move_views.xml)
COUNTED_LISTS = {
    "sale.order": "sale.view_order_tree",
    "account.move": "account.view_out_invoice_tree",
}


class SalesTarget(models.Model):
    _inherit = "sales.target"

    def action_open_records(self):
        action = super().action_open_records()
        view = COUNTED_LISTS.get(action.get("res_model"))
        if view:
            action["views"] = [(self.env.ref(view).id, "list"), (False, "form")]
        return action
