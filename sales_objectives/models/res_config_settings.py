from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    # not related fields: a related field is written at once, one by one, and the pair
    # of thresholds must be checked and written together (set_values)
    sales_target_on_track = fields.Float(
        "On track from (%)", compute="_compute_sales_target_thresholds", readonly=False, store=True
    )
    sales_target_at_risk = fields.Float(
        "At risk from (%)", compute="_compute_sales_target_thresholds", readonly=False, store=True
    )
    sales_target_min_share = fields.Float(
        "Judge from (% of the period)",
        compute="_compute_sales_target_thresholds",
        readonly=False,
        store=True,
    )

    @api.depends("company_id")
    def _compute_sales_target_thresholds(self):
        for settings in self:
            company = settings.company_id
            settings.sales_target_on_track = company.sales_target_on_track
            settings.sales_target_at_risk = company.sales_target_at_risk
            settings.sales_target_min_share = company.sales_target_min_share

    sales_forecast_commit_probability = fields.Float(
        related="company_id.sales_forecast_commit_probability", readonly=False
    )

    sales_target_self_approval = fields.Boolean(
        related="company_id.sales_target_self_approval",
        readonly=False,
        groups="base.group_system",
    )

    sales_target_refresh_interval = fields.Integer(
        "Refresh targets every (minutes)",
        compute="_compute_sales_target_refresh_interval",
        inverse="_inverse_sales_target_refresh_interval",
        help="How often the scheduled job measures the actuals of open targets.",
    )

    @api.onchange("sales_target_on_track", "sales_target_at_risk", "sales_target_min_share")
    def _onchange_sales_target_thresholds(self):
        """Thresholds that do not make sense together are said as they are typed (and
        refused on save, see ``set_values``)."""
        try:
            self.company_id._check_thresholds(
                self.sales_target_on_track,
                self.sales_target_at_risk,
                self.sales_target_min_share,
            )
        except ValidationError as error:
            return {
                "warning": {
                    "title": self.env._("Target status thresholds"),
                    "message": str(error),
                    "type": "notification",
                }
            }
        return None

    def set_values(self):
        """The thresholds are checked and written together, as typed: writing them one by
        one would compare a new value with an old one (on track 70 with at risk still 80)."""
        for settings in self:
            values = {
                "sales_target_on_track": settings.sales_target_on_track,
                "sales_target_at_risk": settings.sales_target_at_risk,
                "sales_target_min_share": settings.sales_target_min_share,
            }
            settings.company_id._check_thresholds(
                values["sales_target_on_track"],
                values["sales_target_at_risk"],
                values["sales_target_min_share"],
            )
            if any(settings.company_id[name] != value for name, value in values.items()):
                settings.company_id.write(values)
        return super().set_values()

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
