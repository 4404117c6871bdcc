from odoo import fields, models


class CrmStage(models.Model):
    _inherit = "crm.stage"

    so_requires_qualification = fields.Boolean(
        "Qualification expected",
        help="Opportunities in this stage are expected to be qualified (decision maker, "
        "budget, timeframe, demo): the “Unqualified in late stages” filter lists those "
        "that are not.",
    )
