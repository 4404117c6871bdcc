import pytz

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    sales_target_on_track = fields.Float(
        "On track from (%)",
        default=95.0,
        help="A target is on track when its actual is at least this share of what is "
        "expected to date (for a lower-is-better KPI, of the target).",
    )
    sales_target_at_risk = fields.Float(
        "At risk from (%)",
        default=80.0,
        help="Below the on-track threshold but at least this share: at risk; below: behind.",
    )

    @api.constrains("sales_target_on_track", "sales_target_at_risk")
    def _check_sales_target_thresholds(self):
        for company in self:
            if not (0 <= company.sales_target_at_risk <= company.sales_target_on_track <= 100):
                raise ValidationError(
                    self.env._(
                        "Target status thresholds must satisfy 0 ≤ at risk ≤ on track ≤ 100 "
                        "(got at risk %(at_risk)s, on track %(on_track)s).",
                        at_risk=company.sales_target_at_risk,
                        on_track=company.sales_target_on_track,
                    )
                )

    def _sales_tz(self):
        """The company's time zone: its working calendar's (UTC without one). Periods,
        closing dates and "today" of its targets follow it."""
        self.ensure_one()
        return self.resource_calendar_id.tz or "UTC"

    def _sales_today(self):
        """{company id: today's date in the company's time zone}."""
        now = pytz.utc.localize(fields.Datetime.now())
        return {
            company.id: now.astimezone(pytz.timezone(company._sales_tz())).date()
            for company in self
        }
