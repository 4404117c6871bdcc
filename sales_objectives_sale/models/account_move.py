from odoo import api, fields, models

from odoo.addons.sales_objectives.models import (  # noqa: F401 (the mixins account.move inherits)
    sales_credited,
    sales_kpi_logged,
)

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
    refresh (a draft counts in no figure, but its posting does). Their credit can be
    split between salespeople: made from sales orders, an invoice takes their split; a
    credit note takes the split of the invoice it reverses. Who may split it is checked
    on ``user_id``, which Odoo relates to the invoice's salesperson
    (``invoice_user_id``), and its team: the rule of the opportunities, unchanged."""

    _name = "account.move"
    _inherit = ["account.move", "sales.kpi.logged", "sales.credited"]

    _so_log_kind = "invoice"
    _so_log_fields = INVOICE_PLACING_FIELDS

    _so_credit_amount_field = "amount_untaxed_in_currency_signed"
    so_credited_amount = fields.Monetary(
        "Credited untaxed amount",
        compute="_compute_so_credited_amount",
        currency_field="currency_id",
        help="The untaxed amount times the share counted for the owner of the target "
        "whose records are listed.",
    )
    so_credit_split_ids = fields.One2many(
        "sales.credit.split",
        "move_id",
        string="Credit split",
        help="The salespeople credited with this invoice and their shares: revenue credit "
        "totals 100 %; overlay credit (specialists) is extra. Empty: all of it is the "
        "salesperson's. An invoice made from sales orders takes their split, a credit note "
        "the split of the invoice it reverses.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        moves = super().create(vals_list)
        Split = self.env["sales.credit.split"]
        for move, vals in zip(moves, vals_list, strict=True):
            if "so_credit_split_ids" in vals or move.move_type not in INVOICE_TYPES:
                continue
            source, note = move._so_credit_source()
            if source:
                Split._follow(move, source, note)
        return moves

    def _so_credit_source(self):
        """(record, note): whose credit split this new invoice takes, and what to say
        of it. A credit note: the invoice it reverses. An invoice of sales orders: their
        split when they have the same one; else the first order's (as its salesperson
        and sales team are the first order's), which the note says."""
        self.ensure_one()
        move = self.sudo()
        if move.reversed_entry_id.so_credit_split_ids:
            return move.reversed_entry_id, None
        orders = move.invoice_line_ids.sale_line_ids.order_id
        if not orders:
            return move.reversed_entry_id, None
        splits = {
            tuple(
                sorted(
                    tuple(sorted(vals.items())) for vals in order.so_credit_split_ids._copy_vals()
                )
            )
            for order in orders
        }
        if len(splits) == 1:
            return orders[0], None
        return orders[0], self.env._(
            "The orders of this invoice are split differently (%(orders)s): it takes the "
            "split of the first one. Change it here if needed.",
            orders=", ".join(orders.mapped("display_name")),
        )

    def _so_logged(self):
        return self.filtered(lambda move: move.move_type in INVOICE_TYPES)

    def _so_log_before(self, vals):
        self.env["sales.kpi.change"].sudo()._log_invoices_before(self)
