from odoo import models

INVOICE_TYPES = ("out_invoice", "out_refund")
# the fields that place a customer invoice in the figures
INVOICE_PLACING_FIELDS = frozenset(
    {
        "state",
        "invoice_date",
        "invoice_user_id",
        "team_id",
        "company_id",
        "partner_id",
        "move_type",
    }
)


class AccountMove(models.Model):
    """Logs changes of customer invoices and credit notes for the incremental
    refresh (a draft counts in no figure, but its posting does)."""

    _name = "account.move"
    _inherit = ["account.move", "sales.kpi.logged"]

    _so_log_kind = "invoice"
    _so_log_fields = INVOICE_PLACING_FIELDS

    def _so_logged(self):
        return self.filtered(lambda move: move.move_type in INVOICE_TYPES)

    def _so_log_before(self, vals):
        self.env["sales.kpi.change"].sudo()._log_invoices_before(self)
