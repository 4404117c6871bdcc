from odoo import fields, models


class CrmTeam(models.Model):
    _inherit = "crm.team"

    so_invoicing_on_target = fields.Boolean(
        "Invoicing followed by a target",
        compute="_compute_so_invoicing_on_target",
        help="The team has a current target on the invoiced amount: the dashboard shows "
        "that target (its period; posted invoices minus credit notes by invoice date, paid "
        "or not) instead of Odoo's monthly invoicing target (this month's paid invoices).",
    )

    def _compute_so_invoicing_on_target(self):
        by_team = self._so_current_team_targets()
        for team in self:
            team.so_invoicing_on_target = any(
                target.kpi_id.metric == "invoiced_amount" for target in by_team[team.id]
            )
