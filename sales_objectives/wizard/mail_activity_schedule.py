from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..models.mail_activity import OBJECTIVE_FIELDS
from ..models.sales_objective import (
    MEASURES,
    OBJECTIVE_TYPES,
    OUTCOME_CHOICES,
    YES_NO_CHOICES,
)


class MailActivitySchedule(models.TransientModel):
    """The "Schedule Activity" dialog of the chatter: on an opportunity, it states
    the objective of the call or meeting it schedules."""

    _inherit = "mail.activity.schedule"

    so_is_opportunity = fields.Boolean(compute="_compute_so_is_opportunity")
    so_objective_type = fields.Selection(
        [("none", "No objective"), *OBJECTIVE_TYPES],
        string="Objective",
        default="none",
        help="Sales: this call or meeting aims at a specific order or commitment. "
        "Relationship: it aims at no order (information, getting to know people).",
    )
    so_statement = fields.Char(
        "Objective statement",
        help="What this call or meeting should win, e.g. “Order of 20 licences signed”.",
    )
    so_product_id = fields.Many2one("product.product", string="Product or service")
    so_measure = fields.Selection(
        MEASURES,
        string="Measure",
        default="amount",
    )
    so_target_value = fields.Float("Objective value")
    so_currency_id = fields.Many2one(
        "res.currency",
        string="Objective currency",
        compute="_compute_so_currency_id",
        help="The currency of the opportunity's company: an amount objective's.",
    )
    so_deadline = fields.Date(
        "Objective deadline", compute="_compute_so_deadline", store=True, readonly=False
    )
    so_smart_message = fields.Char(compute="_compute_so_smart_message")
    # when the activity is marked done at once ("Schedule & Mark as Done")
    so_outcome_state = fields.Selection(OUTCOME_CHOICES, string="Outcome")
    # the yes/no outcome of a relationship objective
    so_outcome_yes_no = fields.Selection(YES_NO_CHOICES, string="Outcome (yes/no)")
    so_outcome_result = fields.Float("Result")

    @api.depends("res_model", "is_batch_mode")
    def _compute_so_is_opportunity(self):
        for scheduler in self:
            scheduler.so_is_opportunity = scheduler.res_model == "crm.lead"

    @api.depends("res_model", "res_ids")
    def _compute_so_currency_id(self):
        for scheduler in self:
            leads = scheduler.so_is_opportunity and scheduler._get_applied_on_records()
            currency = leads and leads[:1].sudo().company_currency
            scheduler.so_currency_id = currency or self.env.company.currency_id

    @api.depends("date_deadline")
    def _compute_so_deadline(self):
        """The activity's date; today for an overdue one (an objective is due ahead)."""
        company = self.env.company
        today = company._sales_today()[company.id]
        for scheduler in self:
            scheduler.so_deadline = scheduler.date_deadline and max(scheduler.date_deadline, today)

    @api.onchange("so_objective_type")
    def _onchange_so_objective_type(self):
        if self.so_objective_type == "relationship":
            self.so_measure = "commitment"
            self.so_target_value = 0.0

    @api.constrains(
        "so_objective_type",
        "so_statement",
        "so_product_id",
        "so_measure",
        "so_target_value",
        "so_deadline",
    )
    def _check_so_objective(self):
        """Checked when the dialog is saved, before any activity is made: a wrong
        objective is reported in the dialog, whose buttons all stay."""
        for scheduler in self:
            if not scheduler.so_is_opportunity or scheduler.so_objective_type != "sales":
                continue
            objective = scheduler._so_objective()
            missing = objective._smart_missing()
            if missing:
                raise ValidationError(
                    self.env._(
                        "The sales objective cannot be set yet: %(missing)s (or make it a "
                        "relationship objective).",
                        missing=" ".join(missing),
                    )
                )

    def _so_objective(self):
        """The objective being typed, as a new (unsaved) record."""
        self.ensure_one()
        lead_ids = self._evaluate_res_ids()
        return self.env["sales.objective"].new(
            {
                "lead_id": lead_ids[0] if lead_ids else False,
                "user_id": self.activity_user_id.id or self.env.uid,
                **{
                    fname: self[name].id if name == "so_product_id" else self[name]
                    for name, fname in OBJECTIVE_FIELDS.items()
                },
            }
        )

    @api.depends(
        "so_objective_type",
        "so_statement",
        "so_product_id",
        "so_measure",
        "so_target_value",
        "so_deadline",
        "res_ids",
    )
    def _compute_so_smart_message(self):
        """The SMART check of the objective being typed, on the first opportunity."""
        for scheduler in self:
            scheduler.so_smart_message = False
            if not scheduler.so_is_opportunity or scheduler.so_objective_type in (False, "none"):
                continue
            scheduler.so_smart_message = scheduler._so_objective().smart_message

    def _action_schedule_activities(self):
        activities = super()._action_schedule_activities()
        if self.so_is_opportunity and self.so_objective_type not in (False, "none"):
            activities.write(
                {
                    name: self[name].id if name == "so_product_id" else self[name]
                    for name in OBJECTIVE_FIELDS
                }
            )
        return activities

    def _outcome_context(self):
        if self.so_objective_type == "relationship":
            state, result = self.so_outcome_yes_no, None
        else:
            state, result = self.so_outcome_state, self.so_outcome_result
        if state:
            return {"sales_objective_outcome": {"state": state, "result_value": result}}
        return {}

    def action_schedule_activities_done(self):
        return super(
            MailActivitySchedule, self.with_context(**self._outcome_context())
        ).action_schedule_activities_done()

    def action_schedule_activities_done_and_schedule(self):
        return super(
            MailActivitySchedule, self.with_context(**self._outcome_context())
        ).action_schedule_activities_done_and_schedule()
