import pytz

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import get_lang

from ..tools.numbers import NumberFormat


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
    sales_target_min_share = fields.Float(
        "Judge from (% of the period)",
        default=10.0,
        help="No status (on track, at risk, behind) is given before this share of the "
        "period's working days has elapsed: on the first days, nobody is behind yet.",
    )

    sales_forecast_commit_probability = fields.Float(
        "Commit from (% probability)",
        default=70.0,
        help="In the forecast, the open opportunities at or above this probability are "
        "committed: counted in full in the commit; the others count in the best case, "
        "weighted by their probability.",
    )

    sales_target_self_approval = fields.Boolean(
        "Allow self-approval of quotas",
        help="Sales managers may submit, approve, send back, reset and change their own "
        "quota (their salesperson targets, the targets of the teams they lead). Without "
        "it, another sales manager does.",
    )

    @api.constrains("sales_forecast_commit_probability")
    def _check_sales_forecast_commit_probability(self):
        for company in self:
            if not 0 <= company.sales_forecast_commit_probability <= 100:
                raise ValidationError(
                    self.env._("The commit probability is a percentage, from 0 to 100.")
                )

    @api.constrains("sales_target_on_track", "sales_target_at_risk", "sales_target_min_share")
    def _check_sales_target_thresholds(self):
        for company in self:
            self._check_thresholds(
                company.sales_target_on_track,
                company.sales_target_at_risk,
                company.sales_target_min_share,
            )

    @api.model
    def _check_thresholds(self, on_track, at_risk, min_share):
        """The thresholds, as typed, make sense together (or a clear message, with the
        numbers as the user writes them)."""
        number = NumberFormat(get_lang(self.env))

        def percent(value):
            return number(value, 0 if value == round(value) else 2)

        if not (0 <= at_risk <= on_track <= 100):
            raise ValidationError(
                self.env._(
                    "A target is on track from %(on_track)s %% and at risk from %(at_risk)s %%: "
                    "the at-risk threshold must be between 0 and the on-track one, which is "
                    "at most 100.",
                    at_risk=percent(at_risk),
                    on_track=percent(on_track),
                )
            )
        if not 0 <= min_share <= 100:
            raise ValidationError(
                self.env._(
                    "Statuses are given from a share of the period between 0 and 100 %%, not "
                    "%(share)s %%.",
                    share=percent(min_share),
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
