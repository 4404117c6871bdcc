from odoo import api, fields, models


class SalesObjectiveDelete(models.TransientModel):
    """Closed objectives are history: a sales manager deletes them with a reason, which
    is posted on their opportunities."""

    _name = "sales.objective.delete"
    _description = "Delete sales objectives with a reason"

    objective_ids = fields.Many2many("sales.objective", string="Objectives", readonly=True)
    reason = fields.Text(required=True, help="Posted on the opportunity of each objective.")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        context = self.env.context
        if "objective_ids" in fields_list and context.get("active_model") == "sales.objective":
            values["objective_ids"] = [fields.Command.set(context.get("active_ids") or [])]
        return values

    def action_confirm(self):
        """Deletes the objectives, then shows their opportunity, where the reason is."""
        self.ensure_one()
        leads = self.objective_ids.lead_id
        self.objective_ids._unlink_with_reason(self.reason)
        if len(leads) == 1:
            return {
                "type": "ir.actions.act_window",
                "res_model": "crm.lead",
                "res_id": leads.id,
                "view_mode": "form",
                "views": [(False, "form")],
                "target": "main",
            }
        return {"type": "ir.actions.act_window_close"}
