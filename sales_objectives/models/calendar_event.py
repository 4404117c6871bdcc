from odoo import api, models


class CalendarEvent(models.Model):
    """Logs changes of meetings for the incremental refresh."""

    _inherit = "calendar.event"

    @api.model_create_multi
    def create(self, vals_list):
        events = super().create(vals_list)
        with_lead = [e.id for e, vals in zip(events, vals_list) if vals.get("opportunity_id")]
        self.env["sales.kpi.change"].sudo()._log_created("event", with_lead)
        return events

    def write(self, vals):
        if {"opportunity_id", "user_id", "start"} & set(vals):
            self._so_log_before()
        return super().write(vals)

    def unlink(self):
        self._so_log_before()
        return super().unlink()

    def _so_log_before(self):
        if self.ids:
            self.flush_recordset()
            log = self.env["sales.kpi.change"].sudo()
            log._log_before("event", self.ids)
            log._log_created("event", self.ids)
