from odoo import models
from odoo.tools import SQL

INDEXES = {
    # done activities on opportunities, by date, with what the engine reads
    "sales_objectives_mail_message_activity_done_idx": (
        "(date) INCLUDE (res_id, author_id, mail_activity_type_id)"
        " WHERE model = 'crm.lead' AND mail_activity_type_id IS NOT NULL"
    ),
}


class MailMessage(models.Model):
    _inherit = "mail.message"

    def init(self):
        result = super().init()
        for name, definition in INDEXES.items():
            self.env.cr.execute(
                SQL(
                    "CREATE INDEX IF NOT EXISTS %s ON mail_message %s",
                    SQL.identifier(name),
                    SQL(definition),
                )
            )
        return result
