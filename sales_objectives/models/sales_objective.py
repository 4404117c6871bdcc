import re
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import format_date, get_lang

from ..engine.figures import HISTORY_DAYS
from ..tools.numbers import NumberFormat
from . import sales_kpi_logged  # noqa: F401 (the mixin sales.objective inherits: defined first)
from .sales_figure_grouping import MONEY, OWN_RATE
from .sales_target import _number

OUTCOMES = ("achieved", "partly", "missed")
# the outcomes offered: a sales objective's, and a relationship objective's (yes or no)
OUTCOME_CHOICES = [("achieved", "Achieved"), ("partly", "Partly achieved"), ("missed", "Missed")]
YES_NO_CHOICES = [("achieved", "Achieved"), ("missed", "Missed")]
# context key set by the outcome step, the only path that closes an objective
OUTCOME_STEP = "sales_objective_outcome_step"
# context key set by "Delete with a reason" (wizard/sales_objective_delete.py), the only
# path that deletes a closed objective; its value is this object, which no request can
# send
DELETE_WITH_REASON = "sales_objective_delete_with_reason"
REASON_GIVEN = object()
# a statement says what: at least this many words
MIN_STATEMENT_WORDS = 3
# "far above the rep's own past results": more than this many times their average won deal
ACHIEVABLE_FACTOR = 3.0
# the kinds of objective, and what a sales objective measures (the objective, the
# activity and the scheduling dialog offer the same)
OBJECTIVE_TYPES = [("sales", "Sales"), ("relationship", "Relationship")]
MEASURES = [("amount", "Amount"), ("quantity", "Quantity"), ("commitment", "Yes/no commitment")]
# what the specific, measurable and time-bound checks read
SMT_FIELDS = (
    "objective_type",
    "statement",
    "product_id",
    "product_categ_id",
    "measure",
    "target_value",
    "deadline",
)

# a result this many times the target is a typo, not a sale
RESULT_FACTOR = 100


class SalesObjective(models.Model):
    """What a call, a meeting or an opportunity aims to win, and what it won.

    A *sales* objective names a specific order or commitment (a product or service, a
    measurable value, a deadline: SMART); a *relationship* objective aims at no order
    (getting to know people, information). The activity that pursues it is usually
    deleted by Odoo once done: the objective keeps the activity's type, date and summary.
    """

    _name = "sales.objective"
    _description = "Sales objective"
    _inherit = ["mail.thread", "sales.figure.grouping", "sales.kpi.logged"]
    _order = "state_sequence, deadline, id desc"
    _check_company_auto = True
    _rec_name = "statement"

    # ------------------------------------------------------------------
    # What
    # ------------------------------------------------------------------
    lead_id = fields.Many2one(
        "crm.lead",
        string="Opportunity",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
        tracking=True,
    )
    partner_id = fields.Many2one(
        related="lead_id.partner_id", string="Customer", store=True, index=True
    )
    company_id = fields.Many2one(
        "res.company",
        compute="_compute_company_id",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
        required=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Owner",
        default=lambda self: self.env.user,
        index=True,
        tracking=True,
        domain="[('share', '=', False)]",
    )
    team_id = fields.Many2one(
        "crm.team",
        string="Sales team",
        compute="_compute_team_id",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
    )
    objective_type = fields.Selection(
        OBJECTIVE_TYPES,
        string="Type",
        required=True,
        default="sales",
        tracking=True,
        help="A sales objective aims at a specific order or commitment; a relationship "
        "objective at none (information, getting to know people): a relationship call is "
        "not a sales call.",
    )
    statement = fields.Char(
        required=True,
        tracking=True,
        help="What this call or meeting should win, in one short sentence, e.g. "
        "“Order of 20 licences signed by Friday”.",
    )
    product_id = fields.Many2one("product.product", string="Product or service", tracking=True)
    product_categ_id = fields.Many2one(
        "product.category",
        string="Product category",
        tracking=True,
        help="When the objective is a kind of product or service rather than one of them.",
    )
    measure = fields.Selection(
        MEASURES,
        default="amount",
        tracking=True,
    )
    target_value = fields.Float("Target value", tracking=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    deadline = fields.Date(tracking=True)

    # ------------------------------------------------------------------
    # The activity that pursues it (kept after the activity itself is gone)
    # ------------------------------------------------------------------
    activity_id = fields.Many2one(
        "mail.activity", string="Activity", ondelete="set null", index=True
    )
    activity_type_id = fields.Many2one("mail.activity.type", string="Activity type")
    activity_summary = fields.Char("Activity summary")
    activity_date = fields.Date("Activity date")
    activity_done_date = fields.Datetime("Activity done on", readonly=True)
    done_message_id = fields.Many2one(
        "mail.message",
        string="Done-activity message",
        readonly=True,
        ondelete="set null",
        index="btree_not_null",
    )

    # ------------------------------------------------------------------
    # Outcome
    # ------------------------------------------------------------------
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("open", "Open"),
            ("achieved", "Achieved"),
            ("partly", "Partly achieved"),
            ("missed", "Missed"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        tracking=True,
        index=True,
        copy=False,
    )
    state_sequence = fields.Integer(compute="_compute_state_sequence", store=True)
    # not tracked: the outcome is posted in words, in its unit ("Result $ 3,000.00 of
    # $ 60,000.00 (score 5 %)")
    result_value = fields.Float("Result", copy=False)
    # the target and the result in the objective's unit, as the chatter writes them:
    # an amount in its currency, a quantity with the decimals it needs (10, not 10.00)
    can_edit = fields.Boolean(
        compute="_compute_can_edit",
        help="The user may change the objective: their own, or any for a sales manager "
        "(a teammate's is read, not changed).",
    )
    target_label = fields.Char("Target (with unit)", compute="_compute_value_labels")
    result_label = fields.Char("Result (with unit)", compute="_compute_value_labels")
    outcome_note = fields.Text("Outcome", copy=False)
    date_closed = fields.Datetime(
        "Closed on",
        readonly=True,
        copy=False,
        index=True,
        help="When the outcome was recorded (set by the server). The objective KPIs date "
        "it in the company's time zone.",
    )
    score = fields.Float(
        "Score (%)",
        compute="_compute_score",
        store=True,
        aggregator="avg",
        help="The result against the target: 100 % when reached; for a yes/no commitment "
        "100 % when achieved, 50 % when partly, 0 % when missed.",
    )

    # ------------------------------------------------------------------
    # SMART check (recomputed as the user types)
    # ------------------------------------------------------------------
    # Worked out as the add-on (compute_sudo): salespeople read the objectives of their
    # teams (the rules), not always the opportunities they are on (Odoo's "own documents
    # only"); the check reads the opportunity's expected revenue and closing date, so
    # the objective opens for the team (the opportunity is named, as Odoo names any
    # record it links to, and not opened).
    smart_specific = fields.Boolean("Specific", compute="_compute_smart", compute_sudo=True)
    smart_measurable = fields.Boolean("Measurable", compute="_compute_smart", compute_sudo=True)
    smart_achievable = fields.Boolean("Achievable", compute="_compute_smart", compute_sudo=True)
    smart_relevant = fields.Boolean("Relevant", compute="_compute_smart", compute_sudo=True)
    smart_timebound = fields.Boolean("Time-bound", compute="_compute_smart", compute_sudo=True)
    smart_message = fields.Char("SMART check", compute="_compute_smart", compute_sudo=True)
    smart_html = fields.Html("SMART", compute="_compute_smart", compute_sudo=True, sanitize=False)
    is_smart = fields.Boolean(
        "Specific, measurable and time-bound",
        compute="_compute_is_smart",
        store=True,
        index=True,
        help="A sales objective that is specific, measurable and time-bound.",
    )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends("lead_id")
    def _compute_company_id(self):
        for objective in self:
            objective.company_id = (
                objective.lead_id.company_id or objective.company_id or self.env.company
            )

    @api.depends("lead_id", "user_id")
    def _compute_team_id(self):
        for objective in self:
            objective.team_id = objective.lead_id.team_id or objective.user_id.sale_team_id

    @api.depends("state")
    def _compute_state_sequence(self):
        order = {"draft": 0, "open": 1, "partly": 2, "achieved": 3, "missed": 4, "cancelled": 5}
        for objective in self:
            objective.state_sequence = order.get(objective.state, 9)

    @api.onchange("objective_type")
    def _onchange_objective_type(self):
        if self.objective_type == "relationship":
            self.measure = "commitment"
            self.target_value = 0.0

    @api.depends(
        "objective_type", "measure", "target_value", "result_value", "state", "currency_id"
    )
    @api.depends_context("lang")
    def _compute_value_labels(self):
        number = NumberFormat(get_lang(self.env))
        for objective in self:
            measured = objective.objective_type == "sales" and objective.measure in (
                "amount",
                "quantity",
            )
            objective.target_label = measured and objective._format(objective.target_value, number)
            objective.result_label = (
                measured
                and objective.state in OUTCOMES
                and objective._format(objective.result_value, number)
            )

    @api.depends("state", "measure", "result_value", "target_value")
    def _compute_score(self):
        for objective in self:
            if objective.state not in OUTCOMES:
                objective.score = 0.0
            elif objective.measure == "commitment" or not objective.target_value:
                objective.score = {"achieved": 100.0, "partly": 50.0, "missed": 0.0}[
                    objective.state
                ]
            else:
                objective.score = 100.0 * objective.result_value / objective.target_value

    @api.depends(
        *SMT_FIELDS,
        "lead_id",
        "lead_id.partner_id",
        "lead_id.expected_revenue",
        "lead_id.date_deadline",
        "user_id",
    )
    def _compute_smart(self):
        averages = self._average_won_deals()
        for objective in self:
            checks = objective._smart_checks(averages)
            objective.smart_specific = checks["specific"][0]
            objective.smart_measurable = checks["measurable"][0]
            objective.smart_achievable = checks["achievable"][0]
            objective.smart_relevant = checks["relevant"][0]
            objective.smart_timebound = checks["timebound"][0]
            objective.smart_html = objective._smart_ticks(checks)
            # failed parts and warnings (achievable, a deadline after the closing)
            problems = [message for _ok, message in checks.values() if message]
            if problems:
                objective.smart_message = " ".join(problems)
            elif objective.objective_type == "relationship":
                objective.smart_message = self.env._("Specific, relevant and time-bound.")
            else:
                objective.smart_message = self.env._(
                    "Specific, measurable, achievable, relevant and time-bound."
                )

    @api.depends(*SMT_FIELDS)
    def _compute_is_smart(self):
        for objective in self:
            objective.is_smart = (
                objective.objective_type == "sales" and not objective._smart_missing()
            )

    # ------------------------------------------------------------------
    # SMART rules
    # ------------------------------------------------------------------

    def _smart_ticks(self, checks):
        """The parts that apply as read-only ticks (a tick, or a cross with the reason):
        the five of a sales objective; a relationship objective measures nothing, so it
        is specific, relevant and time-bound only."""
        labels = {
            "specific": self.env._("Specific"),
            "measurable": self.env._("Measurable"),
            "achievable": self.env._("Achievable"),
            "relevant": self.env._("Relevant"),
            "timebound": self.env._("Time-bound"),
        }
        if self.objective_type == "relationship":
            del labels["measurable"], labels["achievable"]
        parts = []
        for part, label in labels.items():
            ok, message = checks[part]
            # an <i> element is closed explicitly: an HTML parser reads <i/> as an
            # opening tag, which took the following parts into its icon font
            parts.append(
                Markup(
                    '<span class="o_sales_objective_smart_part me-3 %s" title="%s">'
                    '<i class="fa %s me-1" role="img" aria-label="%s"></i>%s</span>'
                )
                % (
                    "text-success" if ok else "text-danger",
                    message or label,
                    "fa-check" if ok else "fa-times",
                    self.env._("met") if ok else self.env._("not met"),
                    label,
                )
            )
        return Markup("").join(parts)

    def _smart_missing(self):
        """What a sales objective lacks to be set, opened or closed: the messages of its
        specific, measurable and time-bound parts that are not met."""
        self.ensure_one()
        return [
            message
            for part, (ok, message) in self._smart_checks({}).items()
            if part in ("specific", "measurable", "timebound") and not ok
        ]

    def _smart_checks(self, averages):
        """{part: (ok, message when not ok)} for the five SMART parts.

        Achievable and the lateness of the deadline only warn; a sales objective
        cannot be opened without the specific, measurable and time-bound parts."""
        self.ensure_one()
        sales = self.objective_type == "sales"
        words = len(re.findall(r"\w+", self.statement or ""))
        has_product = bool(self.product_id or self.product_categ_id)
        if words < MIN_STATEMENT_WORDS and not sales:
            specific = (False, self.env._("Specific: say in a few words what the call is for."))
        elif words < MIN_STATEMENT_WORDS:
            specific = (False, self.env._("Specific: say in a few words what the call should win."))
        elif sales and not has_product:
            specific = (False, self.env._("Specific: name the product or service."))
        else:
            specific = (True, "")
        if not sales:
            # a relationship objective aims at no order: its outcome is yes or no
            measurable = (True, "")
        elif not self.measure:
            measurable = (
                False,
                self.env._("Measurable: choose an amount, a quantity or a yes/no commitment."),
            )
        elif self.measure != "commitment" and self.target_value <= 0:
            measurable = (False, self.env._("Measurable: give the value to reach."))
        else:
            measurable = (True, "")
        achievable = (True, "")
        if self.measure == "amount" and self.target_value > 0:
            expected = self.lead_id.expected_revenue
            average = averages.get((self.user_id.id, self.company_id.id), 0.0)
            if expected and self.target_value > expected:
                achievable = (
                    False,
                    self.env._(
                        "Achievable? %(value)s is more than the opportunity's expected revenue "
                        "(%(expected)s).",
                        value=self._format(self.target_value),
                        expected=self._format(expected),
                    ),
                )
            elif average and self.target_value > ACHIEVABLE_FACTOR * average:
                achievable = (
                    False,
                    self.env._(
                        "Achievable? %(value)s is more than %(factor)s times your average won "
                        "deal of the last 12 months (%(average)s).",
                        value=self._format(self.target_value),
                        factor=int(ACHIEVABLE_FACTOR),
                        average=self._format(average),
                    ),
                )
        relevant = (
            (True, "")
            if self.lead_id
            else (False, self.env._("Relevant: link the objective to an opportunity."))
        )
        if not self.deadline:
            timebound = (False, self.env._("Time-bound: set a deadline."))
        elif self.lead_id.date_deadline and self.deadline > self.lead_id.date_deadline:
            timebound = (
                True,
                self.env._(
                    "Time-bound, but the deadline (%(deadline)s) is after the opportunity's "
                    "expected closing (%(closing)s).",
                    deadline=format_date(self.env, self.deadline),
                    closing=format_date(self.env, self.lead_id.date_deadline),
                ),
            )
        else:
            timebound = (True, "")
        return {
            "specific": specific,
            "measurable": measurable,
            "achievable": achievable,
            "relevant": relevant,
            "timebound": timebound,
        }

    def _average_won_deals(self):
        """{(user id, company id): average expected revenue of the user's deals won in
        that company over the last 12 months}. An opportunity's revenue is in its
        company's currency, which is the objective's: averages never mix companies."""
        users = self.user_id
        companies = self.company_id
        if not users or not companies:
            return {}
        now = fields.Datetime.now()
        groups = (
            self.env["crm.lead"]
            .sudo()
            ._read_group(
                [
                    ("user_id", "in", users.ids),
                    ("company_id", "in", companies.ids),
                    ("stage_id.is_won", "=", True),
                    ("date_closed", ">=", now - timedelta(days=HISTORY_DAYS)),
                    ("date_closed", "<=", now),
                ],
                ["user_id", "company_id"],
                ["expected_revenue:sum", "__count"],
            )
        )
        return {
            (user.id, company.id): total / count for user, company, total, count in groups if count
        }

    @api.depends_context("uid")
    def _compute_can_edit(self):
        saved = self._origin.filtered("id")
        writable = saved._filtered_access("write") if saved else saved
        for objective in self:
            origin = objective._origin
            objective.can_edit = not origin.id or origin in writable

    def _format(self, value, number=None):
        """``value`` in the objective's unit, in the user's language: an amount in the
        company's currency, a quantity with the decimals it needs ("10", "2.50"), as a
        target writes its figures (``number``: a tools.numbers.NumberFormat)."""
        number = number or NumberFormat(get_lang(self.env))
        if self.measure == "amount":
            return number.amount(value, self.currency_id or self.env.company.currency_id)
        return _number(number, value)

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------

    @api.constrains("state", *SMT_FIELDS)
    def _check_smart_when_open(self):
        for objective in self:
            if objective.objective_type != "sales" or objective.state not in ("open", *OUTCOMES):
                continue
            missing = objective._smart_missing()
            if missing:
                raise ValidationError(
                    self.env._(
                        "The sales objective “%(objective)s” cannot be opened or closed yet: "
                        "%(missing)s (or make it a relationship objective).",
                        objective=objective.statement or "",
                        missing=" ".join(missing),
                    )
                )

    @api.constrains("target_value", "result_value")
    def _check_values(self):
        for objective in self:
            if objective.target_value < 0 or objective.result_value < 0:
                raise ValidationError(
                    self.env._(
                        "The target value and the result of “%(objective)s” cannot be negative.",
                        objective=objective.statement,
                    )
                )

    @api.constrains("deadline")
    def _check_deadline(self):
        for objective in self:
            today = fields.Date.context_today(objective)
            created = min((objective.create_date or fields.Datetime.now()).date(), today)
            if objective.deadline and objective.deadline < created:
                raise ValidationError(
                    self.env._(
                        "The deadline of “%(objective)s” (%(deadline)s) is before the objective "
                        "was set (%(created)s).",
                        objective=objective.statement,
                        deadline=format_date(self.env, objective.deadline),
                        created=format_date(self.env, created),
                    )
                )

    @api.constrains("lead_id", "company_id")
    def _check_lead_company(self):
        for objective in self:
            lead_company = objective.lead_id.company_id
            if lead_company and lead_company != objective.company_id:
                raise ValidationError(
                    self.env._(
                        "The opportunity “%(lead)s” belongs to %(company)s: its objectives do too.",
                        lead=objective.lead_id.name,
                        company=lead_company.name,
                    )
                )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model
    def _relationship_values(self, vals):
        """A relationship objective measures nothing: a yes/no commitment, no value."""
        if vals.get("objective_type") == "relationship":
            vals.update(measure="commitment", target_value=0.0)
        return vals

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._relationship_values(vals)
            if vals.get("state", "draft") not in ("draft", "open"):
                raise UserError(
                    self.env._(
                        "An objective is created draft or open; its outcome is recorded when "
                        "the call or meeting is done (or with “Record the outcome”)."
                    )
                )
            if vals.get("date_closed") or vals.get("result_value"):
                raise UserError(
                    self.env._("The result and the closing date come with the outcome.")
                )
        return super().create(vals_list)

    def write(self, vals):
        self._relationship_values(vals)
        self._check_history_kept(vals)
        if {"result_value", "outcome_note"} & set(vals) and "state" not in vals:
            if self.filtered(lambda o: o.state == "cancelled"):
                raise UserError(self.env._("A cancelled objective has no result to record."))
        if not self.env.context.get(OUTCOME_STEP):
            if vals.get("state") in OUTCOMES:
                raise UserError(
                    self.env._(
                        "An objective is closed by recording its outcome (when the activity is "
                        "done, or with “Record the outcome”), not by changing its state."
                    )
                )
            if "date_closed" in vals or (
                "result_value" in vals and self.filtered(lambda o: o.state in OUTCOMES)
            ):
                raise UserError(
                    self.env._(
                        "The result and the closing date of an objective are set when its "
                        "outcome is recorded."
                    )
                )
            if "result_value" in vals and vals["result_value"]:
                raise UserError(self.env._("The result of an objective comes with its outcome."))
        return super().write(vals)

    def _is_sales_manager(self):
        return self.env.su or self.env.user.has_group("sales_team.group_sale_manager")

    def _check_history_kept(self, vals):
        """A closed objective is history (its outcome counts in the achievement rate and
        the digest): only its outcome step and a sales manager change it."""
        if self.env.context.get(OUTCOME_STEP):
            return
        closed = self.filtered(lambda o: o.state in OUTCOMES)
        own = {fname for fname in vals if not self._is_mixin_field(fname)}
        # a closed objective leaves its outcome only by being reopened, whoever asks
        if closed and own and ("state" in vals or not self._is_sales_manager()):
            raise UserError(
                self.env._(
                    "The objective “%(objective)s” is closed and keeps its outcome; only a "
                    "sales manager can reopen it.",
                    objective=closed[0].statement,
                )
            )

    @api.model
    def _is_mixin_field(self, fname):
        """Fields of the chatter (followers, messages)."""
        return fname.startswith(("message_", "website_message")) or fname == "has_message"

    @api.ondelete(at_uninstall=False)
    def _unlink_except_closed(self):
        """Closed objectives are deleted by a sales manager who gives the reason
        (``action_delete_with_reason``), never by a plain delete."""
        closed = self.filtered(lambda o: o.state in OUTCOMES)
        if not closed or self.env.context.get(DELETE_WITH_REASON) is REASON_GIVEN:
            return
        if self.env.su:
            return
        if not self._is_sales_manager():
            raise UserError(
                self.env._(
                    "The objective “%(objective)s” is closed: its outcome counts in the "
                    "achievement rate, so only a sales manager can delete it, with a reason.",
                    objective=closed[0].statement,
                )
            )
        raise UserError(
            self.env._(
                "The objective “%(objective)s” is closed: give the reason for deleting it "
                "(“Delete with a reason” on the objective); it is posted on the opportunity.",
                objective=closed[0].statement,
            )
        )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_open(self):
        self.write({"state": "open"})
        return True

    def action_cancel(self):
        self.write({"state": "cancelled"})
        return True

    def action_reset(self):
        """Opens the objective again: its outcome, result and closing date are cleared.
        A closed objective is history: only a sales manager reopens it."""
        if self.filtered(lambda o: o.state in OUTCOMES) and not self._is_sales_manager():
            raise AccessError(
                self.env._(
                    "Only a sales manager can reopen a closed objective: its outcome counts "
                    "in the achievement rate."
                )
            )
        self.check_access("write")
        self.with_context(**{OUTCOME_STEP: True}).write(
            {"state": "open", "result_value": 0.0, "outcome_note": False, "date_closed": False}
        )
        return True

    def action_delete_with_reason(self):
        """Opens "Delete with a reason", the sales managers' way to delete closed
        objectives."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Delete with a reason"),
            "res_model": "sales.objective.delete",
            "view_mode": "form",
            "target": "new",
            "context": {"active_model": self._name, "active_ids": self.ids},
        }

    def _unlink_with_reason(self, reason):
        """Deletes these objectives (closed ones included) after posting ``reason`` on
        their opportunities: sales managers only."""
        if not self._is_sales_manager():
            raise AccessError(self.env._("Only a sales manager can delete closed objectives."))
        self.check_access("unlink")
        states = dict(self._fields["state"]._description_selection(self.env))
        for lead in self.lead_id:
            deleted = [
                Markup("<li>%s</li>")
                % self.env._(
                    "“%(objective)s” (%(state)s)",
                    objective=objective.statement,
                    state=states[objective.state],
                )
                for objective in self.filtered(lambda o, lead=lead: o.lead_id == lead)
            ]
            lead.sudo()._message_log(
                body=Markup("<p>%s</p><ul>%s</ul><p>%s</p>")
                % (
                    self.env._("Objectives deleted:"),
                    Markup("").join(deleted),
                    self.env._("Reason: %(reason)s", reason=reason),
                ),
                author_id=self.env.user.partner_id.id,
            )
        return self.with_context(**{DELETE_WITH_REASON: REASON_GIVEN}).unlink()

    def action_record_outcome(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Record the outcome"),
            "res_model": "sales.objective.outcome",
            "view_mode": "form",
            "target": "new",
            "context": {"default_objective_id": self.id},
        }

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    def _record_outcome(self, state, result_value=None, note=None):
        """Records the outcome of these objectives and posts it on their opportunity."""
        if state not in OUTCOMES:
            raise UserError(self.env._("An outcome is achieved, partly achieved or missed."))
        now = fields.Datetime.now()
        for objective in self:
            if objective.objective_type != "sales" and state not in dict(YES_NO_CHOICES):
                raise UserError(
                    self.env._(
                        "“%(objective)s” is a relationship objective: its outcome is yes or "
                        "no, achieved or missed.",
                        objective=objective.statement,
                    )
                )
            if objective.state == "cancelled":
                raise UserError(
                    self.env._(
                        "The objective “%(objective)s” is cancelled: it has no result to record.",
                        objective=objective.statement,
                    )
                )
            value = result_value
            if value is None:
                value = objective.target_value if state == "achieved" else 0.0
            objective._check_outcome(state, value)
            objective.with_context(**{OUTCOME_STEP: True}).write(
                {
                    "state": state,
                    "result_value": value,
                    "outcome_note": note or objective.outcome_note,
                    "date_closed": now,
                }
            )
            objective.lead_id._message_log(body=objective._outcome_html())
        return True

    def _check_outcome(self, state, value):
        """The result must agree with the outcome chosen: achieved reaches the target,
        partly and missed stay below it."""
        self.ensure_one()
        if value < 0:
            raise ValidationError(self.env._("A result cannot be negative."))
        if self.measure == "commitment" or self.objective_type != "sales" or not self.target_value:
            return
        target = self._format(self.target_value)
        if state == "achieved" and value < self.target_value:
            raise ValidationError(
                self.env._(
                    "“Achieved” means the target of %(target)s was reached, but the result is "
                    "%(result)s: choose “Partly achieved”, or correct the result.",
                    target=target,
                    result=self._format(value),
                )
            )
        if value > RESULT_FACTOR * self.target_value:
            raise ValidationError(
                self.env._(
                    "A result of %(result)s is more than %(factor)s times the target of "
                    "%(target)s: correct the result (a digit too many?).",
                    target=target,
                    result=self._format(value),
                    factor=RESULT_FACTOR,
                )
            )
        if state in ("partly", "missed") and value >= self.target_value:
            raise ValidationError(
                self.env._(
                    "A result of %(result)s reaches the target of %(target)s: choose "
                    "“Achieved”, or correct the result.",
                    target=target,
                    result=self._format(value),
                )
            )

    def _outcome_html(self):
        self.ensure_one()
        states = dict(self._fields["state"]._description_selection(self.env))
        parts = [
            Markup("<strong>%s</strong> %s") % (self.env._("Objective:"), self.statement),
            Markup("%s: <strong>%s</strong>") % (self.env._("Outcome"), states[self.state]),
        ]
        if self.measure != "commitment":
            parts.append(
                self.env._(
                    "Result %(result)s of %(target)s (%(score)s %%)",
                    result=self._format(self.result_value),
                    target=self._format(self.target_value),
                    score=round(self.score),
                )
            )
        if self.outcome_note:
            parts.append(self.outcome_note)
        return Markup("<br/>").join(parts)

    def _snapshot_activity(self, activity):
        """Keeps what matters of ``activity``, which Odoo deletes once done."""
        self.write(
            {
                "activity_type_id": activity.activity_type_id.id,
                "activity_summary": activity.summary,
                "activity_date": activity.date_deadline,
            }
        )

    # ------------------------------------------------------------------
    # Which figures add up in a group (sales_figure_grouping.py): an objective's target
    # and result are an amount (in its company's currency) or a quantity of its
    # product: amounts of one currency add up; quantities of different products, or
    # yes/no commitments, do not.
    # ------------------------------------------------------------------
    @api.model
    def _so_grouping(self):
        figures = dict.fromkeys(["target_value", "result_value"], MONEY)
        # an objective's score is its attainment: never averaged over a group (the mean
        # of 0 % and 60 % says nothing of the salesperson)
        figures["score"] = OWN_RATE
        probes = {
            "measures": "count_distinct(measure)",
            "measure": "max(measure)",
            "companies": "recordset(company_id)",
        }
        return figures, probes

    @api.model
    def _so_addable(self, kind, facts):
        if facts["rows"] <= 1:
            return True
        if kind == OWN_RATE:
            return False
        return (
            facts["measures"] == 1
            and facts["measure"] == "amount"
            and len(facts["companies"].currency_id) == 1
        )

    # ------------------------------------------------------------------
    # Change log for the incremental refresh (sales_kpi_change.py)
    # ------------------------------------------------------------------

    _so_log_kind = "objective"

    def _so_log_before(self, vals):
        """The objective, and the done activity it pursued (the SMART coverage of that
        call depends on its objective)."""
        result = super()._so_log_before(vals)
        log = self.env["sales.kpi.change"].sudo()
        messages = self.sudo().done_message_id.ids
        log._log_before("message", messages)
        log._log_created("message", messages)
        return result
