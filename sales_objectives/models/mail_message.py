from odoo import api, models
from odoo.exceptions import UserError


class MailMessage(models.Model):
    """Logs changes of done activities for the incremental refresh."""

    _inherit = "mail.message"

    @api.model_create_multi
    def create(self, vals_list):
        messages = super().create(vals_list)
        done = [
            message.id
            for message, vals in zip(messages, vals_list)
            if vals.get("model") == "crm.lead" and vals.get("mail_activity_type_id")
        ]
        self.env["sales.kpi.change"].sudo()._log_created("message", done)
        return messages

    def write(self, vals):
        if {"model", "res_id", "mail_activity_type_id", "author_id", "date"} & set(vals):
            self._so_log_before()
        return super().write(vals)

    def unlink(self):
        self._so_log_before()
        return super().unlink()

    @api.ondelete(at_uninstall=False)
    def _unlink_except_objective_history(self):
        """The done call or meeting of a closed objective is part of its history (the
        SMART coverage counts it): only a sales manager deletes it."""
        if self.env.su or self.env.user.has_group("sales_team.group_sale_manager"):
            return
        closed = (
            self.env["sales.objective"]
            .sudo()
            .search(
                [
                    ("done_message_id", "in", self.ids),
                    ("state", "in", ("achieved", "partly", "missed")),
                ],
                limit=1,
            )
        )
        if closed:
            raise UserError(
                self.env._(
                    "This message records the call or meeting done for the closed objective "
                    "“%(objective)s”: only a sales manager can delete it.",
                    objective=closed.statement,
                )
            )

    def _so_log_before(self):
        if self.ids:
            self.flush_recordset()
            log = self.env["sales.kpi.change"].sudo()
            # the state query keeps only done activities on leads; the ids make the next
            # pass read what they become
            log._log_before("message", self.ids)
            log._log_created("message", self.ids)
