"""Shared credit on sales orders and customer invoices: a line of a credit split names
an order or an invoice (credit note) instead of an opportunity.

The split follows the record: an order made from an opportunity takes the
opportunity's split, an invoice made from orders takes theirs (``_follow``); changed
later on one of them, it stays as it is on the others.
"""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.sales_objectives.models.sales_credit_split import SPLIT_DEFERRED

from .account_move import INVOICE_TYPES


class SalesCreditSplit(models.Model):
    _inherit = "sales.credit.split"

    order_id = fields.Many2one(
        "sale.order", string="Sales Order", ondelete="cascade", index="btree_not_null"
    )
    move_id = fields.Many2one(
        "account.move", string="Invoice", ondelete="cascade", index="btree_not_null"
    )

    @api.depends("order_id.company_id", "move_id.company_id")
    def _compute_company_id(self):
        return super()._compute_company_id()

    @api.model
    def _record_fields(self):
        return [*super()._record_fields(), "order_id", "move_id"]

    @api.constrains("move_id")
    def _check_move_id(self):
        for line in self.sudo():
            if line.move_id and line.move_id.move_type not in INVOICE_TYPES:
                raise ValidationError(
                    self.env._(
                        "Only customer invoices and credit notes have a credit split: "
                        "“%(move)s” is not one.",
                        move=line.move_id.display_name,
                    )
                )

    def _copy_vals(self):
        """The values of these lines for another record (its field set by the
        caller)."""
        return [
            {
                "user_id": line.user_id.id,
                "team_id": line.team_id.id,
                "share": line.share,
                "kind": line.kind,
            }
            for line in self
        ]

    @api.model
    def _follow(self, record, source, note=None):
        """Gives ``record`` (an order or an invoice just made, without a split of its
        own) the split of ``source`` (its opportunity, its order): a copy of its lines,
        said in the record's chatter with ``note``. The split was set by someone allowed
        to on ``source``: it follows whoever makes the record."""
        source = source.sudo()
        if record.so_credit_split_ids or not (source.so_credit_split_ids or note):
            return
        link = next(
            fname
            for fname in self._record_fields()
            if self._fields[fname].comodel_name == record._name
        )
        self.sudo().with_context(**{SPLIT_DEFERRED: True}).create(
            [dict(vals, **{link: record.id}) for vals in source.so_credit_split_ids._copy_vals()]
        )
        record.invalidate_recordset(["so_credit_split_ids"])
        body = self.env._(
            "Credit split of %(origin)s: %(split)s",
            origin=source.display_name,
            split=record.so_credit_split_ids._describe() or self.env._("all to the salesperson"),
        )
        record.message_post(body=f"{body}. {note}" if note else body, subtype_xmlid="mail.mt_note")
