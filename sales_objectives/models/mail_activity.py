from odoo import api, fields, models

from .sales_objective import MEASURES, OBJECTIVE_TYPES, OUTCOME_CHOICES, YES_NO_CHOICES

OBJECTIVE_FIELDS = {
    "so_objective_type": "objective_type",
    "so_statement": "statement",
    "so_product_id": "product_id",
    "so_measure": "measure",
    "so_target_value": "target_value",
    "so_deadline": "deadline",
}


class MailActivity(models.Model):
    """The "schedule activity" dialog of an opportunity states the objective of the
    call or meeting; marking the activity done records its outcome."""

    _inherit = "mail.activity"

    sales_objective_ids = fields.One2many("sales.objective", "activity_id", string="Objectives")
    sales_objective_id = fields.Many2one(
        "sales.objective",
        string="Pursued objective",
        compute="_compute_sales_objective_id",
        search="_search_sales_objective_id",
    )
    so_is_opportunity = fields.Boolean(compute="_compute_so_is_opportunity")
    so_objective_type = fields.Selection(
        [("none", "No objective"), *OBJECTIVE_TYPES],
        string="Objective",
        compute="_compute_so_fields",
        inverse="_inverse_so_fields",
        help="Sales: this call or meeting aims at a specific order or commitment. "
        "Relationship: it aims at no order (information, getting to know people).",
    )
    so_statement = fields.Char(
        "Objective statement",
        compute="_compute_so_fields",
        inverse="_inverse_so_fields",
        help="What this call or meeting should win, e.g. “Order of 20 licences signed”.",
    )
    so_product_id = fields.Many2one(
        "product.product",
        string="Product or service",
        compute="_compute_so_fields",
        inverse="_inverse_so_fields",
    )
    so_measure = fields.Selection(
        MEASURES,
        string="Measure",
        compute="_compute_so_fields",
        inverse="_inverse_so_fields",
    )
    so_target_value = fields.Float(
        "Objective value", compute="_compute_so_fields", inverse="_inverse_so_fields"
    )
    so_currency_id = fields.Many2one(
        "res.currency",
        string="Objective currency",
        compute="_compute_so_currency_id",
        help="The currency of the opportunity's company: an amount objective's.",
    )
    so_deadline = fields.Date(
        "Objective deadline", compute="_compute_so_fields", inverse="_inverse_so_fields"
    )
    so_state = fields.Selection(related="sales_objective_id.state", string="Objective state")
    # what the rep answers when marking the activity done (not stored: passed on to
    # the objective through the context of the "done" buttons)
    so_outcome_state = fields.Selection(
        OUTCOME_CHOICES, string="Outcome", compute="_compute_so_outcome", readonly=False
    )
    # the yes/no outcome of a relationship objective
    so_outcome_yes_no = fields.Selection(
        YES_NO_CHOICES, string="Outcome (yes/no)", compute="_compute_so_outcome", readonly=False
    )
    so_outcome_result = fields.Float("Result", compute="_compute_so_outcome", readonly=False)
    so_smart_message = fields.Char(related="sales_objective_id.smart_message")
    so_result_label = fields.Char(
        "Result label",
        compute="_compute_so_result_label",
        help="What the result of the objective is counted in: an amount in the "
        "company's currency, or a quantity.",
    )

    @api.depends("sales_objective_ids")
    def _compute_sales_objective_id(self):
        for activity in self:
            activity.sales_objective_id = activity.sales_objective_ids[:1]

    def _compute_so_outcome(self):
        for activity in self:
            activity.so_outcome_state = False
            activity.so_outcome_yes_no = False
            activity.so_outcome_result = 0.0

    def read(self, fields=None, load="_classic_read"):
        """The outcome being typed lives in the browser until the activity is marked
        done: a full read (what the chatter loads, again after any change) leaves it out,
        so that a reload while the rep types does not wipe the answer."""
        result = super().read(fields, load)
        if fields is None:
            for values in result:
                values.pop("so_outcome_state", None)
                values.pop("so_outcome_yes_no", None)
                values.pop("so_outcome_result", None)
        return result

    def _search_sales_objective_id(self, operator, value):
        return [("sales_objective_ids", operator, value)]

    @api.depends("res_model", "res_id")
    def _compute_so_currency_id(self):
        for activity in self:
            lead = activity.res_model == "crm.lead" and activity.res_id
            lead = self.env["crm.lead"].sudo().browse(lead or [])
            activity.so_currency_id = lead.company_currency or self.env.company.currency_id

    @api.depends("res_model")
    def _compute_so_is_opportunity(self):
        for activity in self:
            activity.so_is_opportunity = activity.res_model == "crm.lead"

    @api.depends("sales_objective_id", "date_deadline")
    def _compute_so_fields(self):
        for activity in self:
            objective = activity.sales_objective_id
            if objective:
                for name, fname in OBJECTIVE_FIELDS.items():
                    activity[name] = objective[fname]
            else:
                activity.so_objective_type = "none"
                activity.so_statement = False
                activity.so_product_id = False
                activity.so_measure = "amount"
                activity.so_target_value = 0.0
                # an overdue call states an objective for today, not for the past
                activity.so_deadline = activity.date_deadline and max(
                    activity.date_deadline, activity._so_today()
                )

    def _so_today(self):
        company = self.env.company
        return company._sales_today()[company.id]

    @api.depends("so_measure", "so_objective_type")
    @api.depends_context("company")
    def _compute_so_result_label(self):
        symbol = self.env.company.currency_id.symbol
        for activity in self:
            if activity.so_measure == "amount":
                activity.so_result_label = self.env._(
                    "Result (amount, %(currency)s)", currency=symbol
                )
            elif activity.so_measure == "quantity":
                activity.so_result_label = self.env._("Result (quantity)")
            else:
                activity.so_result_label = False

    def _inverse_so_fields(self):
        Objective = self.env["sales.objective"]
        to_create = []
        for activity in self:
            if activity.res_model != "crm.lead" or not activity.res_id:
                continue
            objective = activity.sales_objective_id
            if activity.so_objective_type in (False, "none"):
                if objective and objective.state in ("draft", "open"):
                    objective.unlink()
                continue
            values = {fname: activity[name] for name, fname in OBJECTIVE_FIELDS.items()}
            values["product_id"] = values["product_id"].id
            values["measure"] = values["measure"] or "amount"
            # the deadline defaults to the activity's date
            values["deadline"] = values["deadline"] or activity.date_deadline
            if objective:
                changed = {
                    k: v
                    for k, v in values.items()
                    if (objective[k].id if k == "product_id" else objective[k]) != v
                }
                if changed:
                    objective.write(changed)
            else:
                values.update(
                    lead_id=activity.res_id,
                    activity_id=activity.id,
                    user_id=activity.user_id.id or self.env.user.id,
                    activity_type_id=activity.activity_type_id.id,
                    activity_summary=activity.summary,
                    activity_date=activity.date_deadline,
                    state="open",
                )
                to_create.append(values)
        if to_create:
            Objective.create(to_create)

    def write(self, vals):
        result = super().write(vals)
        if {"activity_type_id", "summary", "date_deadline"} & set(vals):
            for activity in self.filtered("sales_objective_ids"):
                activity.sales_objective_ids.sudo()._snapshot_activity(activity)
        return result

    def _action_done(self, feedback=False, attachment_ids=None):
        """Keeps the activity on its objective, links the done-activity message, and
        records the outcome passed in the context (``sales_objective_outcome``:
        {"state": achieved|partly|missed, "result_value": float})."""
        outcome = self.env.context.get("sales_objective_outcome")
        objectives = self.sudo().sales_objective_ids
        # the messages come back in the order the activities are processed
        ordered = [
            activity
            for data in self._classify_by_model().values()
            for activity in data["activities"]
        ]
        objective_of = {}
        for activity in self.sudo():
            if activity.sales_objective_ids:
                activity.sales_objective_ids._snapshot_activity(activity)
                objective_of[activity.id] = activity.sales_objective_ids
        activity_ids = [activity.id for activity in ordered]
        messages, next_activities = super()._action_done(
            feedback=feedback, attachment_ids=attachment_ids
        )
        if objectives:
            now = fields.Datetime.now()
            for activity_id, message in zip(activity_ids, messages):
                if activity_id in objective_of:
                    objective_of[activity_id].write(
                        {"done_message_id": message.id, "activity_done_date": now}
                    )
            if outcome and outcome.get("state"):
                result = outcome.get("result_value")
                objectives.filtered(lambda o: o.state in ("draft", "open"))._record_outcome(
                    outcome["state"],
                    float(result) if result not in (None, "", False) else None,
                    note=outcome.get("note") or feedback or None,
                )
        return messages, next_activities
