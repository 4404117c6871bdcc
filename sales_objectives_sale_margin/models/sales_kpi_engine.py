from odoo import models
from odoo.tools import SQL


class SalesKpiEngine(models.AbstractModel):
    _inherit = "sales.kpi.engine"

    def _order_margin(self, kpi, o, lines):
        """SQL: the margin of an order (of its lines in the KPI's categories), in its
        company's currency."""
        margin = lines(SQL("l.margin")) if kpi.product_categ_ids else o("margin")
        return SQL("%s / %s", margin, self._order_rate(o))

    def _query_margin(self, kpi, start, stop):
        return self._order_query(
            kpi, start, stop, lambda o, lines: [self._order_margin(kpi, o, lines)]
        )

    def _query_margin_percent(self, kpi, start, stop):
        return self._order_query(
            kpi,
            start,
            stop,
            lambda o, lines: [
                self._order_margin(kpi, o, lines),
                self._order_amount(kpi, o, lines),
            ],
        )
