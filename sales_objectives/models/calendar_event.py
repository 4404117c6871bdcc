from odoo import models

from . import sales_kpi_logged  # noqa: F401 (the mixin calendar.event inherits: defined first)


class CalendarEvent(models.Model):
    """Logs changes of meetings for the incremental refresh."""

    _name = "calendar.event"
    _inherit = ["calendar.event", "sales.kpi.logged"]

    _so_log_kind = "event"
    _so_log_fields = frozenset({"opportunity_id", "user_id", "start"})

    def _so_logged_new(self):
        """Meetings on opportunities (a meeting changed later is logged whatever it
        was: it may have been moved onto one)."""
        return self.browse(self.sudo().filtered("opportunity_id").ids)
