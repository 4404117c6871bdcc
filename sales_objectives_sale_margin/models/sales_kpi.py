from odoo import fields, models

from odoo.addons.sales_objectives_sale.models.sales_kpi import _retire

MARGIN_METRICS = [("margin", "Margin"), ("margin_percent", "Margin (%)")]


class SalesKpi(models.Model):
    _inherit = "sales.kpi"

    metric = fields.Selection(
        selection_add=MARGIN_METRICS, ondelete={key: _retire for key, _label in MARGIN_METRICS}
    )
