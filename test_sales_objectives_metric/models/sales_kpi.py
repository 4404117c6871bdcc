from odoo import fields, models


class SalesKpi(models.Model):
    _inherit = "sales.kpi"

    metric = fields.Selection(
        selection_add=[("won_by_deadline", "Won revenue by expected closing")],
        ondelete={"won_by_deadline": lambda kpis: kpis.write({"metric": "manual"})},
    )
