"""The progress strip above the pipeline: the current user's salesperson targets of the
current periods (each company's today), compact. One search and one batched read."""

from odoo import api, models
from odoo.osv import expression

STRIP_SIZE = 8


class SalesTarget(models.Model):
    _inherit = "sales.target"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def so_strip_data(self):
        """[{id, kpi, period, value, attainment, status, measured, has_figure}] of the
        current user's confirmed targets whose period contains today in their
        company's time zone (``value``: "actual / target" in their unit, or "no
        figure / target" when nothing could be measured: no bar then)."""
        companies = self.env.user.company_ids
        today = companies.sudo()._sales_today()
        current = expression.OR(
            [
                [("company_id", "=", cid), ("date_from", "<=", day), ("date_to", ">=", day)]
                for cid, day in today.items()
            ]
        )
        targets = self.search(
            expression.AND(
                [
                    [
                        ("owner_type", "=", "user"),
                        ("user_id", "=", self.env.uid),
                        ("state", "=", "confirmed"),
                    ],
                    current,
                ]
            ),
            limit=STRIP_SIZE,
            order="date_to, kpi_id, id",
        )
        return [
            {
                "id": target.id,
                "kpi": target.kpi_id.name,
                "period": target.period_label,
                "value": target.value_label,
                "attainment": target.attainment or 0.0,
                "status": target.status or False,
                "measured": bool(target.refreshed_at),
                "has_figure": target.has_figure,
            }
            for target in targets
        ]
