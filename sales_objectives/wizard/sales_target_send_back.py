from odoo import fields, models


class SalesTargetSendBack(models.TransientModel):
    """A sales manager sends submitted targets (or a submitted plan and its targets)
    back to draft with a reason: posted in their chatter and told to their owner and
    to who submitted them."""

    _name = "sales.target.send.back"
    _description = "Send targets back to draft with a reason"

    target_ids = fields.Many2many("sales.target", string="Targets", readonly=True)
    plan_id = fields.Many2one("sales.target.plan", string="Plan", readonly=True)
    reason = fields.Text(
        required=True,
        help="Posted in the chatter; the owner and who submitted are told.",
    )

    def action_send_back(self):
        self.ensure_one()
        if self.plan_id:
            self.plan_id._so_send_back(self.reason)
        else:
            self.target_ids._so_send_back(self.reason)
        return {"type": "ir.actions.act_window_close"}
