from odoo import api, models

INVOICE_TYPES = ("out_invoice", "out_refund")
# the fields that place a customer invoice in the figures
INVOICE_PLACING_FIELDS = {
    "state",
    "invoice_date",
    "invoice_user_id",
    "team_id",
    "company_id",
    "partner_id",
    "move_type",
}


class AccountMove(models.Model):
    """Logs changes of customer invoices and credit notes for the incremental
    refresh (a draft counts in no figure, but its posting does)."""

    _inherit = "account.move"

    @api.model_create_multi
    def create(self, vals_list):
        moves = super().create(vals_list)
        invoices = moves.filtered(lambda move: move.move_type in INVOICE_TYPES)
        if invoices:
            self.env["sales.kpi.change"].sudo()._log_created("invoice", invoices.ids)
        return moves

    def write(self, vals):
        if INVOICE_PLACING_FIELDS & set(vals):
            invoices = self.filtered(lambda move: move.move_type in INVOICE_TYPES)
            if invoices:
                self.env["sales.kpi.change"].sudo()._log_invoices_before(invoices)
        return super().write(vals)

    def unlink(self):
        invoices = self.filtered(lambda move: move.move_type in INVOICE_TYPES)
        if invoices:
            self.env["sales.kpi.change"].sudo()._log_invoices_before(invoices)
        return super().unlink()
