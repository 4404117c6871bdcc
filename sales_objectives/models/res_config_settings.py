from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    sales_target_on_track = fields.Float(related="company_id.sales_target_on_track", readonly=False)
    sales_target_at_risk = fields.Float(related="company_id.sales_target_at_risk", readonly=False)
    sales_target_refresh_interval = fields.Integer(
        "Refresh targets every (minutes)",
        compute="_compute_sales_target_refresh_interval",
        inverse="_inverse_sales_target_refresh_interval",
        help="How often the scheduled job measures the actuals of open targets.",
    )

    def _refresh_cron(self):
        return self.env.ref(
            "sales_objectives.ir_cron_sales_target_refresh", raise_if_not_found=False
        )

    @api.depends("company_id")
    def _compute_sales_target_refresh_interval(self):
        cron = self._refresh_cron()
        minutes = 0
        if cron:
            factor = {"minutes": 1, "hours": 60, "days": 1440, "weeks": 10080, "months": 43200}
            minutes = cron.sudo().interval_number * factor.get(cron.sudo().interval_type, 1)
        for settings in self:
            settings.sales_target_refresh_interval = minutes

    def _inverse_sales_target_refresh_interval(self):
        cron = self._refresh_cron()
        for settings in self:
            if settings.sales_target_refresh_interval < 1:
                raise ValidationError(
                    self.env._("Targets are refreshed at least every minute: enter 1 or more.")
                )
            if cron:
                cron.sudo().write(
                    {
                        "interval_number": settings.sales_target_refresh_interval,
                        "interval_type": "minutes",
                    }
                )
