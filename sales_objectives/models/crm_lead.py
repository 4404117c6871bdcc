from odoo import api, fields, models
from odoo.exceptions import UserError

from . import (  # noqa: F401 (the mixins crm.lead inherits: defined first)
    sales_credited,
    sales_kpi_logged,
)

QUALIFICATION_FIELDS = (
    "so_decision_maker_confirmed",
    "so_budget_known",
    "so_timeframe_known",
    "so_demo_done",
)


class CrmLead(models.Model):
    _name = "crm.lead"
    _inherit = ["crm.lead", "sales.kpi.logged", "sales.credited"]

    sales_objective_ids = fields.One2many("sales.objective", "lead_id", string="Objectives")
    _so_credit_amount_field = "expected_revenue"
    so_credited_amount = fields.Monetary(
        "Credited revenue",
        compute="_compute_so_credited_amount",
        currency_field="company_currency",
        help="The expected revenue times the share counted for the owner of the target "
        "whose records are listed.",
    )
    so_credit_split_ids = fields.One2many(
        "sales.credit.split",
        "lead_id",
        string="Credit split",
        copy=False,
        help="The salespeople credited with this opportunity and their shares: revenue "
        "credit totals 100 %; overlay credit (specialists) is extra. Empty: all of it is "
        "the salesperson's.",
    )
    so_objective_open_count = fields.Integer(
        "Open objectives", compute="_compute_so_objective_counts"
    )
    so_objective_achieved_count = fields.Integer(
        "Achieved objectives", compute="_compute_so_objective_counts"
    )
    so_next_call_without_objective = fields.Boolean(
        "Next call without objective",
        compute="_compute_so_next_call_without_objective",
        search="_search_so_next_call_without_objective",
        help="The next call or meeting planned on this opportunity states no objective.",
    )

    # qualification checklist
    so_decision_maker_id = fields.Many2one(
        "res.partner", string="Decision maker", help="Who decides on this purchase."
    )
    so_decision_maker_confirmed = fields.Boolean("Decision maker confirmed", tracking=True)
    so_budget_known = fields.Boolean("Budget known", tracking=True)
    so_budget = fields.Monetary("Budget", currency_field="company_currency")
    so_timeframe_known = fields.Boolean(
        "Timeframe known",
        tracking=True,
        help="When the customer wants to buy (see Expected Closing).",
    )
    so_demo_done = fields.Boolean("Demo or trial done", tracking=True)
    so_qualification_score = fields.Integer(
        "Qualification (%)",
        compute="_compute_so_qualification_score",
        store=True,
        aggregator="avg",
        help="Share of the qualification checklist that is ticked: decision maker "
        "confirmed, budget known, timeframe known, demo or trial done.",
    )
    so_late_stage = fields.Boolean(related="stage_id.so_requires_qualification")

    def _compute_so_objective_counts(self):
        groups = self.env["sales.objective"]._read_group(
            [("lead_id", "in", self.ids), ("state", "in", ("open", "achieved"))],
            ["lead_id", "state"],
            ["__count"],
        )
        counts = {(lead.id, state): count for lead, state, count in groups}
        for lead in self:
            lead.so_objective_open_count = counts.get((lead.id, "open"), 0)
            lead.so_objective_achieved_count = counts.get((lead.id, "achieved"), 0)

    @api.depends("activity_ids.date_deadline", "activity_ids.sales_objective_ids")
    def _compute_so_next_call_without_objective(self):
        for lead in self:
            calls = lead.activity_ids.filtered(
                lambda a: a.activity_category in ("phonecall", "meeting")
            ).sorted(lambda a: (a.date_deadline, a.id))
            lead.so_next_call_without_objective = bool(calls) and not calls[0].sales_objective_ids

    def _search_so_next_call_without_objective(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(self.env._("Unsupported search on this field."))
        # the opportunities whose first planned call or meeting has no objective
        self.env["mail.activity"].flush_model()
        self.env["sales.objective"].flush_model(["activity_id"])
        self.env.cr.execute(
            """
            SELECT res_id,
                   NOT EXISTS (SELECT 1 FROM sales_objective o WHERE o.activity_id = f.id)
              FROM (SELECT DISTINCT ON (a.res_id) a.res_id, a.id
                      FROM mail_activity a
                      JOIN mail_activity_type t ON t.id = a.activity_type_id
                     WHERE a.res_model = 'crm.lead' AND a.active
                       AND t.category IN ('phonecall', 'meeting')
                  ORDER BY a.res_id, a.date_deadline, a.id) f
            """
        )
        missing = [res_id for res_id, without in self.env.cr.fetchall() if without]
        positive = (operator == "=") == value
        return [("id", "in" if positive else "not in", missing)]

    @api.depends(*QUALIFICATION_FIELDS)
    def _compute_so_qualification_score(self):
        for lead in self:
            ticked = sum(1 for fname in QUALIFICATION_FIELDS if lead[fname])
            lead.so_qualification_score = round(100 * ticked / len(QUALIFICATION_FIELDS))

    @api.ondelete(at_uninstall=False)
    def _unlink_except_objective_history(self):
        """Deleting an opportunity deletes its objectives: its closed ones are history
        (their outcomes count in the achievement rate), so only a sales manager may.
        Others archive it or mark it lost, as the CRM does with lost opportunities."""
        if self.env.su or self.env.user.has_group("sales_team.group_sale_manager"):
            return
        closed = (
            self.env["sales.objective"]
            .sudo()
            .search(
                [("lead_id", "in", self.ids), ("state", "in", ("achieved", "partly", "missed"))],
                limit=1,
            )
        )
        if closed:
            raise UserError(
                self.env._(
                    "The opportunity “%(lead)s” has closed objectives, whose outcomes count in "
                    "the achievement rate: archive it (or mark it lost) rather than deleting "
                    "it. Only a sales manager can delete it.",
                    lead=closed.lead_id.name,
                )
            )

    def _merge_dependences(self, opportunities):
        """Merged opportunities hand their objectives to the one they are merged into."""
        result = super()._merge_dependences(opportunities)
        self.env["sales.objective"].sudo().search([("lead_id", "in", opportunities.ids)]).write(
            {"lead_id": self.id}
        )
        return result

    def action_view_sales_objectives(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sales_objectives.sales_objective_action"
        )
        action["domain"] = [("lead_id", "=", self.id)]
        action["context"] = {
            "default_lead_id": self.id,
            "default_user_id": self.user_id.id or self.env.uid,
            "search_default_filter_open": 0,
        }
        return action

    # ------------------------------------------------------------------
    # Change log for the incremental refresh (sales_kpi_change.py)
    # ------------------------------------------------------------------

    _so_log_kind = "lead"
    _so_log_touch = True
    # a change of these may move the lead, its done activities or meetings to other
    # owners or dates (crm sets the closing date with the stage, the probability, active)
    _so_log_fields = frozenset(
        {
            "team_id",
            "user_id",
            "company_id",
            "partner_id",
            "type",
            "date_conversion",
            "date_closed",
            "date_deadline",
            "stage_id",
            "active",
            "probability",
        }
    )

    def _so_log_before(self, vals):
        # its done activities and meetings count for their own author or attendee, in
        # the lead's team and company: they move with the team and the company (the
        # salesperson's company for a lead without company or team)
        moving = (
            vals is None
            or bool({"team_id", "company_id"} & set(vals))
            or ("user_id" in vals and any(not (lead.company_id or lead.team_id) for lead in self))
        )
        self.env["sales.kpi.change"].sudo()._log_leads_before(self, moving=moving)
