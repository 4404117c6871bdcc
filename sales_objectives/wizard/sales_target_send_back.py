from odoo import api, fields, models


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

    @api.model
    def _open(self, defaults):
        """The dialog asking why, for the targets or the plan named in ``defaults``
        (``target_ids`` or ``plan_id``)."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Send back"),
            "res_model": self._name,
            "view_mode": "form",
            "target": "new",
            "context": {f"default_{name}": value for name, value in defaults.items()},
        }

    def action_send_back(self):
        self.ensure_one()
        if self.plan_id:
            self.plan_id._so_send_back(self.reason)
        else:
            self.target_ids._so_send_back(self.reason)
        return {"type": "ir.actions.act_window_close"}
