from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.sales_objective import OUTCOME_CHOICES, YES_NO_CHOICES


class SalesObjectiveOutcome(models.TransientModel):
    _name = "sales.objective.outcome"
    _description = "Record the outcome of a sales objective"

    objective_id = fields.Many2one("sales.objective", required=True, readonly=True)
    statement = fields.Char(related="objective_id.statement")
    measure = fields.Selection(related="objective_id.measure")
    objective_type = fields.Selection(related="objective_id.objective_type")
    target_value = fields.Float(related="objective_id.target_value")
    currency_id = fields.Many2one(related="objective_id.currency_id")
    # no default: the user says what happened (pressing Record records nothing else)
    state = fields.Selection(OUTCOME_CHOICES, string="Outcome")
    # a relationship objective has a yes/no outcome
    yes_no_state = fields.Selection(YES_NO_CHOICES, string="Outcome (yes/no)")
    result_value = fields.Float(
        "Result", compute="_compute_result_value", store=True, readonly=False
    )
    note = fields.Text("What happened")

    @api.depends("state", "objective_id")
    def _compute_result_value(self):
        """The result starts again whenever the outcome changes: the target for
        "achieved", nothing for "partly" (the user types it) and "missed"."""
        for wizard in self:
            if wizard.state == "achieved":
                wizard.result_value = wizard.objective_id.target_value
            else:
                wizard.result_value = 0.0

    def action_confirm(self):
        self.ensure_one()
        sales = self.objective_type == "sales"
        state = self.state if sales else self.yes_no_state
        if not state:
            raise UserError(
                self.env._("Choose the outcome: achieved, partly achieved or missed.")
                if sales
                else self.env._("Choose the outcome: achieved or missed.")
            )
        self.objective_id._record_outcome(state, self.result_value if sales else None, self.note)
        return {"type": "ir.actions.act_window_close"}
