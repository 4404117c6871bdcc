from datetime import timedelta

from odoo import fields, models

from odoo.addons.sales_objectives.engine.metrics import MetricDefinition, metric


class SalesKpiEngine(models.AbstractModel):
    _inherit = "sales.kpi.engine"

    @metric(
        "won_by_deadline",
        MetricDefinition(unit="money", money=(0,), pipeline="amount", is_date=True),
    )
    def _query_won_by_deadline(self, kpi, start, stop, run):
        # a date metric may read a day more: only the targets' days are summed
        first, stop = fields.Date.to_date(start), fields.Date.to_date(stop) + timedelta(days=1)
        domain = [
            ("active", "=", True),
            ("stage_id.is_won", "=", True),
            ("date_deadline", ">=", first),
            ("date_deadline", "<", stop),
        ]
        return self._lead_query(
            kpi, domain, "date_deadline", lambda col, q: [col("expected_revenue")], run, True
        )
