from odoo import api, models
from odoo.exceptions import UserError

from . import sales_kpi_logged  # noqa: F401 (the mixin mail.message inherits: defined first)


class MailMessage(models.Model):
    """Logs changes of done activities for the incremental refresh."""

    _name = "mail.message"
    _inherit = ["mail.message", "sales.kpi.logged"]

    _so_log_kind = "message"
    _so_log_fields = frozenset({"model", "res_id", "mail_activity_type_id", "author_id", "date"})

    def _so_logged_new(self):
        """Done activities on opportunities (a message changed later is logged whatever
        it was: the state query keeps only done activities on leads)."""
        return self.browse(
            self.sudo()
            .filtered(lambda message: message.model == "crm.lead" and message.mail_activity_type_id)
            .ids
        )

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
