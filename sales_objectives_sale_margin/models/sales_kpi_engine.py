"""The margin metrics: the margin of confirmed sales orders (sales price minus cost,
as Odoo's sale_margin computes it), by order date, in amount and in percent of the
untaxed amount. Each is a definition and a query builder registered with ``@metric``
(docs/extending.md uses them as the worked example)."""

from odoo import models
from odoo.tools import SQL

from odoo.addons.sales_objectives.engine.metrics import MetricDefinition, metric


class SalesKpiEngine(models.AbstractModel):
    _inherit = "sales.kpi.engine"

    def _order_margin(self, kpi, o, lines):
        """SQL: the margin of an order (of its lines in the KPI's categories), in its
        company's currency."""
        margin = lines(SQL("l.margin")) if kpi.product_categ_ids else o("margin")
        return SQL("%s / %s", margin, self._order_rate(o))

    @metric("margin", MetricDefinition(unit="money", money=(0,), model="sale.order"))
    def _query_margin(self, kpi, start, stop, run):
        return self._order_query(
            kpi, start, stop, lambda o, lines: [self._order_margin(kpi, o, lines)], run
        )

    @metric(
        "margin_percent",
        MetricDefinition(unit="percent", combine="percent", money=(0, 1), model="sale.order"),
    )
    def _query_margin_percent(self, kpi, start, stop, run):
        return self._order_query(
            kpi,
            start,
            stop,
            lambda o, lines: [
                self._order_margin(kpi, o, lines),
                self._order_amount(kpi, o, lines),
            ],
            run,
        )
