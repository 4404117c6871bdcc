from odoo import api, fields, models

from odoo.addons.sales_objectives.models.sales_kpi import metric_definition
from odoo.addons.sales_objectives_sale.models.sales_kpi import _retire

MARGIN_METRICS = [("margin", "Margin"), ("margin_percent", "Margin (%)")]


class SalesKpi(models.Model):
    _inherit = "sales.kpi"

    metric = fields.Selection(
        selection_add=MARGIN_METRICS, ondelete={key: _retire for key, _label in MARGIN_METRICS}
    )

    @api.model
    def _metric_definitions(self):
        """The margin of confirmed sales orders (sales price minus cost, as Odoo's
        sale_margin computes it), by order date."""
        definitions = super()._metric_definitions()
        definitions.update(
            margin=metric_definition("money", money=(0,), model="sale.order"),
            margin_percent=metric_definition(
                "percent", "percent", money=(0, 1), model="sale.order"
            ),
        )
        return definitions
