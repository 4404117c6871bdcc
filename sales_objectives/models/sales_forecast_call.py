"""Forecast calls: what a salesperson commits to for an open period, and the
adjustments layered above it.

A call belongs to an approved target on a KPI projected with the pipeline (won revenue,
won deals): the target gives the owner, company, currency, KPI, period and the computed
figures (won + committed pipeline, won + best case) that prefill the call. Layers, from
the bottom:

- the salesperson's call (``commit_value``, ``best_value``, note, who and when), which
  only they submit; a sales team's call is not submitted: it rolls up the effective
  calls of its members and of its sub-teams (``_so_subteams``);
- the team leader's adjustment (``sales.forecast.adjustment``, level "leader"): the
  leader of the call's team, on a salesperson's call and on the team's own call (a
  region's leader on the region's call);
- a sales manager's adjustment above it (level "manager").

The effective figure is the top-most layer; a salesperson who has not called counts with
the computed figures. Nothing overwrites a lower layer. Calls are made by the add-on
(``_so_ensure_calls``) for every approved target of a current period, so that the screen
shows who has not called yet; weekly snapshots keep every layer (sales_forecast_snapshot.py)
and, once the period is over, the call is compared with the actual (accuracy)."""

from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression

from ..tools.periods import local_day_start_utc, period_bounds
from .sales_figure_grouping import KPI_UNIT

LEVELS = [("leader", "Team leader"), ("manager", "Sales manager")]
CALL_STATUSES = [
    ("not_submitted", "Not submitted"),
    ("submitted", "Submitted"),
    ("over", "Period over"),
]
EFFECTIVE_LEVELS = [
    ("computed", "Computed (no call)"),
    ("rolled_up", "Rolled up"),
    ("rep", "Salesperson's call"),
    ("leader", "Team leader's adjustment"),
    ("manager", "Sales manager's adjustment"),
]
# what the salesperson submits; the rest of a call is the add-on's
SUBMITTED_FIELDS = {"commit_value", "best_value", "note"}


def check_call_figures(records, what):
    """A call or an adjustment says a commit and a best case that are not negative, the
    best case at least the commit (it is the commit and more)."""
    for record in records:
        if record.commit_value < 0 or record.best_value < 0:
            raise ValidationError(
                record.env._(
                    "%(what)s: the commit and the best case cannot be negative.", what=what
                )
            )
        if record.best_value < record.commit_value:
            raise ValidationError(
                record.env._(
                    "%(what)s: the best case (%(best)s) cannot be below the commit "
                    "(%(commit)s): it is the commit and what else may be won.",
                    what=what,
                    best=record._so_call()._so_format(record.best_value),
                    commit=record._so_call()._so_format(record.commit_value),
                )
            )


class SalesForecastCall(models.Model):
    _name = "sales.forecast.call"
    _description = "Forecast call"
    # group rows add up only what adds up (one KPI, one owner type, one currency...)
    _inherit = ["mail.thread", "sales.target.grouping"]
    _order = "date_from desc, kpi_id, owner_type desc, team_id, user_id, id"
    _check_company_auto = True
    _rec_names_search = ["user_id", "team_id", "kpi_id"]
    # leaders and managers post their adjustments on calls they do not write
    _mail_post_access = "read"

    @api.model
    def _so_figures(self):
        """The figures in the KPI's unit: summed in a group of one KPI, owner type and
        currency only (sales_target_grouping.py)."""
        return dict.fromkeys(
            (
                "target_value",
                "commit_value",
                "best_value",
                "final_commit",
                "final_best",
                "final_actual",
                "error_value",
            ),
            KPI_UNIT,
        )

    target_id = fields.Many2one(
        "sales.target",
        string="Target record",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    kpi_id = fields.Many2one(related="target_id.kpi_id", store=True, string="KPI")
    unit = fields.Selection(related="kpi_id.unit")
    owner_type = fields.Selection(related="target_id.owner_type", store=True)
    user_id = fields.Many2one(related="target_id.user_id", store=True, index=True)
    team_id = fields.Many2one(related="target_id.team_id", store=True, index=True)
    company_id = fields.Many2one(related="target_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="target_id.currency_id", store=True)
    period_id = fields.Many2one(related="target_id.period_id", store=True, string="Period")
    period_type = fields.Selection(
        related="target_id.period_type", store=True, string="Period type"
    )
    date_from = fields.Date(related="target_id.date_from", store=True)
    date_to = fields.Date(related="target_id.date_to", store=True)
    target_value = fields.Float(related="target_id.target_value", string="Target")
    owner_name = fields.Char(related="target_id.owner_name", string="Owner name")

    # the salesperson's call, as submitted
    commit_value = fields.Float(
        "Commit",
        tracking=True,
        help="What the salesperson commits to win in the period (won included).",
    )
    best_value = fields.Float(
        "Best case",
        tracking=True,
        help="What the salesperson may win in the period at best (won included).",
    )
    note = fields.Text("Note")
    submitted_by_id = fields.Many2one("res.users", string="Submitted by", readonly=True)
    submitted_at = fields.Datetime("Submitted on", readonly=True)
    is_submitted = fields.Boolean(compute="_compute_is_submitted")

    adjustment_ids = fields.One2many(
        "sales.forecast.adjustment", "call_id", string="Adjustments", readonly=True
    )

    # the figures we compute (the target's): won + committed pipeline, won + best case
    won_value = fields.Float("Won", compute="_compute_computed")
    computed_commit = fields.Float("Computed commit", compute="_compute_computed")
    computed_best = fields.Float("Computed best case", compute="_compute_computed")

    # the layers and the effective (top-most) figures
    rollup_commit = fields.Float("Rolled-up commit", compute="_compute_layers")
    rollup_best = fields.Float("Rolled-up best case", compute="_compute_layers")
    has_rollup = fields.Boolean(compute="_compute_layers")
    leader_commit = fields.Float("Leader's commit", compute="_compute_layers")
    leader_best = fields.Float("Leader's best case", compute="_compute_layers")
    leader_note = fields.Text("Leader's note", compute="_compute_layers")
    has_leader = fields.Boolean(compute="_compute_layers")
    manager_commit = fields.Float("Manager's commit", compute="_compute_layers")
    manager_best = fields.Float("Manager's best case", compute="_compute_layers")
    manager_note = fields.Text("Manager's note", compute="_compute_layers")
    has_manager = fields.Boolean(compute="_compute_layers")
    effective_commit = fields.Float("Effective commit", compute="_compute_layers")
    effective_best = fields.Float("Effective best case", compute="_compute_layers")
    effective_level = fields.Selection(
        EFFECTIVE_LEVELS, string="Effective from", compute="_compute_layers"
    )

    status = fields.Selection(
        CALL_STATUSES,
        string="This week",
        compute="_compute_status",
        search="_search_status",
        help="Whether the call was made this week (the company's week, in its time zone): "
        "submitted by the salesperson, or, for a sales team, adjusted by its leader.",
    )
    so_visible = fields.Boolean(
        "Visible to me",
        compute="_compute_so_visible",
        search="_search_so_visible",
        help="The calls the current user follows: their own, their teams' team calls, "
        "and every call of the teams they lead and of the teams below them.",
    )
    can_submit = fields.Boolean(compute="_compute_can")
    adjust_level = fields.Selection(LEVELS, compute="_compute_can")

    # accuracy, kept once the period is over (``_so_finalize``)
    is_final = fields.Boolean("Period over", readonly=True, index=True)
    final_commit = fields.Float("Final call", readonly=True, aggregator="sum")
    final_best = fields.Float("Final best case", readonly=True, aggregator="sum")
    final_actual = fields.Float("Actual", readonly=True, aggregator="sum")
    error_value = fields.Float(
        "Error", readonly=True, aggregator="sum", help="Actual minus the final call."
    )
    error_percent = fields.Float(
        "Error (%)",
        readonly=True,
        aggregator="avg",
        help="The error as a share of the final call: +10 % is won 10 % more than called.",
    )
    accuracy = fields.Float(
        "Accuracy (%)",
        readonly=True,
        aggregator="avg",
        help="100 % less the error as a share of the actual (0 at worst): how close the "
        "final call (the effective commit when the period ended) came to what was won.",
    )

    _sql_constraints = [
        ("target_unique", "UNIQUE(target_id)", "A target has one forecast call."),
    ]

    # ------------------------------------------------------------------

    @api.depends("target_id.owner_name", "kpi_id", "period_id")
    @api.depends_context("lang")
    def _compute_display_name(self):
        for call in self:
            target = call.target_id.sudo()
            call.display_name = self.env._(
                "%(owner)s · %(kpi)s · %(period)s",
                owner=target.owner_label or "",
                kpi=target.kpi_id.name or "",
                period=target.period_id.display_name or "",
            )

    @api.depends("submitted_at")
    def _compute_is_submitted(self):
        for call in self:
            call.is_submitted = bool(call.submitted_at)

    @api.depends("target_id.actual_value", "target_id.pipeline_commit", "target_id.pipeline_best")
    def _compute_computed(self):
        for call in self:
            target = call.target_id.sudo()
            call.won_value = target.actual_value
            call.computed_commit = target.actual_value + target.pipeline_commit
            call.computed_best = target.actual_value + target.pipeline_best

    @api.depends(
        "commit_value",
        "best_value",
        "submitted_at",
        "adjustment_ids.commit_value",
        "adjustment_ids.best_value",
        "adjustment_ids.note",
    )
    def _compute_layers(self):
        # a form being edited (onchange) reads the layers saved
        layers = self._so_layers()
        nothing = {
            "rollup": (0.0, 0.0),
            "has_rollup": False,
            "leader": (0.0, 0.0, False),
            "has_leader": False,
            "manager": (0.0, 0.0, False),
            "has_manager": False,
            "effective": (0.0, 0.0),
            "level": False,
        }
        for call in self:
            figures = layers.get(call._origin.id, nothing)
            call.update(
                {
                    "rollup_commit": figures["rollup"][0],
                    "rollup_best": figures["rollup"][1],
                    "has_rollup": figures["has_rollup"],
                    "leader_commit": figures["leader"][0],
                    "leader_best": figures["leader"][1],
                    "leader_note": figures["leader"][2],
                    "has_leader": figures["has_leader"],
                    "manager_commit": figures["manager"][0],
                    "manager_best": figures["manager"][1],
                    "manager_note": figures["manager"][2],
                    "has_manager": figures["has_manager"],
                    "effective_commit": figures["effective"][0],
                    "effective_best": figures["effective"][1],
                    "effective_level": figures["level"],
                }
            )

    @api.depends("submitted_at", "adjustment_ids.adjusted_at", "date_to", "is_final")
    def _compute_status(self):
        starts = self._so_week_starts(self.company_id)
        for call in self:
            if call.is_final or call.date_to < call._so_today():
                call.status = "over"
                continue
            called = call._so_called_at()
            start = starts[call.company_id.id]
            call.status = "submitted" if called and called >= start else "not_submitted"

    def _search_status(self, operator, value):
        if operator not in ("=", "!=", "in", "not in"):
            raise UserError(self.env._("This search on the call's status is not supported."))
        wanted = {value} if isinstance(value, str) else set(value or [])
        if operator in ("!=", "not in"):
            wanted = {key for key, _label in CALL_STATUSES} - wanted
        domains = []
        # the user's companies: the calls of others are not read anyway
        companies = self.env.companies
        starts = self._so_week_starts(companies)
        today = companies._sales_today()
        for company in companies:
            start, day = starts[company.id], today[company.id]
            over = ["|", ("is_final", "=", True), ("date_to", "<", day)]
            running = [("is_final", "=", False), ("date_to", ">=", day)]
            leader_since = [("level", "=", "leader"), ("adjusted_at", ">=", start)]
            called = [
                "|",
                "&",
                ("owner_type", "=", "user"),
                ("submitted_at", ">=", start),
                "&",
                ("owner_type", "=", "team"),
                ("adjustment_ids", "any", leader_since),
            ]
            not_called = [
                "|",
                "&",
                ("owner_type", "=", "user"),
                "|",
                ("submitted_at", "=", False),
                ("submitted_at", "<", start),
                "&",
                ("owner_type", "=", "team"),
                ("adjustment_ids", "not any", leader_since),
            ]
            parts = []
            if "over" in wanted:
                parts.append(over)
            if "submitted" in wanted:
                parts.append(expression.AND([running, called]))
            if "not_submitted" in wanted:
                parts.append(expression.AND([running, not_called]))
            if parts:
                domains.append(
                    expression.AND([[("company_id", "=", company.id)], expression.OR(parts)])
                )
        return expression.OR(domains) if domains else expression.FALSE_DOMAIN

    @api.depends_context("uid")
    def _compute_so_visible(self):
        visible = (
            self.search([("id", "in", self.ids), ("so_visible", "=", True)]) if self.ids else self
        )
        for call in self:
            call.so_visible = call in visible

    def _search_so_visible(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("This search on the calls' visibility is not supported."))
        user = self.env.user
        led = self.env["crm.team"].sudo().search([("user_id", "=", user.id)])._so_subteams()
        domain = [
            "|",
            "|",
            ("user_id", "=", user.id),
            "&",
            ("owner_type", "=", "team"),
            ("team_id", "in", user.sudo().crm_team_ids.ids),
            ("team_id", "in", led.ids),
        ]
        if (operator == "=") != value:
            domain = ["!", *domain]
        return domain

    @api.depends("owner_type", "user_id", "team_id.user_id")
    @api.depends_context("uid")
    def _compute_can(self):
        for call in self:
            call.can_submit = call._so_may_submit()
            call.adjust_level = call._so_adjust_level()

    # ------------------------------------------------------------------
    # Who may do what
    # ------------------------------------------------------------------

    def _so_may_submit(self):
        """Only the salesperson submits their call; a team's call is rolled up."""
        self.ensure_one()
        return self.owner_type == "user" and self.user_id == self.env.user and not self.is_final

    def _so_adjust_level(self):
        """The layer the current user adjusts on this call: a sales manager's (above
        everyone), the team leader's (the leader of the call's team), or none (a
        salesperson; nobody adjusts their own call)."""
        self.ensure_one()
        if self.is_final or (self.owner_type == "user" and self.user_id == self.env.user):
            return False
        # the user's groups, also when read as the superuser (said before the rules)
        if self.env.user.has_group("sales_team.group_sale_manager"):
            return "manager"
        if self.team_id.sudo().user_id == self.env.user:
            return "leader"
        return False

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise AccessError(
                self.env._(
                    "Forecast calls are made by the add-on for every approved target of a "
                    "current period: open Forecast calls to see yours."
                )
            )
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            self._so_check_submit(vals)
            if set(vals) & SUBMITTED_FIELDS:
                # what is submitted is what the salesperson submitted: a call changed
                # afterwards waits for its Submit again
                vals = {**vals, "submitted_by_id": False, "submitted_at": False}
        return super().write(vals)

    def _so_check_submit(self, vals):
        """Said plainly before the record rules refuse it in Odoo's words."""
        if set(vals) - SUBMITTED_FIELDS:
            raise AccessError(
                self.env._(
                    "A forecast call keeps its target, and who submitted it and when: only "
                    "its figures and note change, and Submit my call submits them."
                )
            )
        # read as the system, said in plain words (the rules refuse it in Odoo's)
        for call in self.sudo():
            if call.is_final:
                raise UserError(
                    self.env._(
                        "The period of the call “%(call)s” is over: its call is kept as it was.",
                        call=call.display_name,
                    )
                )
            if call._so_may_submit():
                continue
            if call.owner_type == "team":
                raise AccessError(
                    self.env._(
                        "The call of the sales team “%(team)s” rolls up its members' and "
                        "sub-teams' calls: its leader or a sales manager adjusts it.",
                        team=call.team_id.sudo().name,
                    )
                )
            raise AccessError(
                self.env._(
                    "Only %(user)s submits their own forecast call; a team leader or a sales "
                    "manager adjusts it.",
                    user=call.user_id.sudo().name,
                )
            )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_submit(self):
        """The salesperson submits their call, as typed (prefilled with the computed
        figures): who and when are kept, the lower layers are never touched."""
        for call in self:
            call._so_check_submit({"commit_value": call.commit_value})
        self.check_access("write")
        # who and when are the system's to say (a write of them is refused)
        self.sudo().write({"submitted_by_id": self.env.uid, "submitted_at": fields.Datetime.now()})
        for call in self:
            call.message_post(
                body=self.env._(
                    "Call submitted: commit %(commit)s, best case %(best)s.",
                    commit=call._so_format(call.commit_value),
                    best=call._so_format(call.best_value),
                )
            )
        return True

    def action_adjust(self):
        """Opens the current user's adjustment of this call (a team leader's or a sales
        manager's), prefilled with the effective figures below their layer."""
        self.ensure_one()
        level = self._so_adjust_level()
        if not level:
            raise AccessError(self._so_adjust_refusal())
        Adjustment = self.env["sales.forecast.adjustment"]
        existing = Adjustment.search([("call_id", "=", self.id), ("level", "=", level)], limit=1)
        below = self._so_layers(below=level)[self.id]["effective"]
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Adjust the call"),
            "res_model": "sales.forecast.adjustment",
            "res_id": existing.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_call_id": self.id,
                "default_level": level,
                "default_commit_value": below[0],
                "default_best_value": below[1],
            },
        }

    def _so_adjust_refusal(self):
        self.ensure_one()
        if self.is_final:
            return self.env._(
                "The period of the call “%(call)s” is over: its call is kept as it was.",
                call=self.display_name,
            )
        if self.owner_type == "user" and self.user_id == self.env.user:
            return self.env._(
                "Nobody adjusts their own call: your team leader or a sales manager does."
            )
        return self.env._(
            "Only the leader of the sales team “%(team)s” or a sales manager adjusts this call.",
            team=self.team_id.sudo().name,
        )

    @api.model
    def action_open_calls(self):
        """The forecast calls screen: the calls of the current periods, made first for
        the approved targets that have none yet."""
        self.sudo()._so_ensure_calls()
        return self.env["ir.actions.act_window"]._for_xml_id(
            "sales_objectives.sales_forecast_call_action"
        )

    @api.model
    def action_open_accuracy(self):
        """Forecast accuracy: the calls of the periods over, compared with the actual."""
        self.sudo()._so_finalize()
        return self.env["ir.actions.act_window"]._for_xml_id(
            "sales_objectives.sales_forecast_call_action_accuracy"
        )

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    def _so_today(self):
        self.ensure_one()
        return self.company_id._sales_today()[self.company_id.id]

    @api.model
    def _so_week_starts(self, companies):
        """{company id: the UTC moment its current week (Monday, in its time zone)
        started}: "this week" is the company's."""
        today = companies._sales_today()
        return {
            company.id: local_day_start_utc(
                period_bounds("week", today[company.id])[0], company._sales_tz()
            )
            for company in companies
        }

    def _so_called_at(self):
        """When the call was last made: the salesperson's submission, or for a team, its
        leader's adjustment."""
        self.ensure_one()
        if self.owner_type == "user":
            return self.submitted_at
        leader = self.adjustment_ids.filtered(lambda a: a.level == "leader")
        return leader[:1].adjusted_at

    def _so_format(self, value):
        self.ensure_one()
        return self.target_id.sudo()._format_value(value)

    def _so_call(self):
        return self

    @api.constrains("commit_value", "best_value")
    def _check_call_figures(self):
        check_call_figures(self, self.env._("Forecast call"))

    @api.model
    def _so_pipeline_metrics(self):
        return [
            metric
            for metric, definition in self.env["sales.kpi"]._metric_definitions().items()
            if definition["pipeline"]
        ]

    @api.model
    def _so_current_targets(self, companies=None):
        """The approved targets of salespeople and teams on the KPIs projected with the
        pipeline whose period includes their company's today."""
        # no time zone is more than 14 hours from UTC: a local date is the UTC one ± 1
        utc_today = fields.Date.today()
        domain = [
            ("state", "=", "confirmed"),
            ("owner_type", "in", ("user", "team")),
            ("kpi_id.metric", "in", self._so_pipeline_metrics()),
            ("date_from", "<=", utc_today + timedelta(days=1)),
            ("date_to", ">=", utc_today - timedelta(days=1)),
        ]
        if companies:
            domain.append(("company_id", "in", companies.ids))
        targets = self.env["sales.target"].search(domain)
        today = targets.company_id._sales_today()
        return targets.filtered(lambda t: t.date_from <= today[t.company_id.id] <= t.date_to)

    @api.model
    def _so_ensure_calls(self, targets=None, companies=None):
        """Makes the calls of ``targets`` (by default: every current target, see
        ``_so_current_targets``) that have none, prefilled with the computed figures;
        the calls not submitted yet follow the computed figures. Returns the calls."""
        if targets is None:
            targets = self._so_current_targets(companies)
        calls = self.search([("target_id", "in", targets.ids)])
        missing = targets - calls.target_id
        # made and prefilled by the system: nothing to say in the chatter
        quiet = self.with_context(mail_create_nolog=True, mail_notrack=True)
        calls |= quiet.create([{"target_id": target.id} for target in missing])
        for call in calls.filtered(
            lambda c: c.owner_type == "user" and not c.submitted_at and not c.is_final
        ):
            commit, best = call.computed_commit, call.computed_best
            if (call.commit_value, call.best_value) != (commit, best):
                call.with_context(mail_notrack=True).write(
                    {"commit_value": commit, "best_value": best}
                )
        return calls

    @api.model
    def _so_finalize(self, calls=None):
        """Keeps, for the calls whose period is over (their target closed, or its end
        passed in the company's today), the final call (the effective commit and best
        case), the actual and the accuracy; once, never again."""
        if calls is None:
            latest = fields.Date.today() + timedelta(days=1)
            calls = self.search(
                [
                    ("is_final", "=", False),
                    "|",
                    ("target_id.state", "=", "closed"),
                    ("date_to", "<", latest),
                ]
            )
        ended = calls.filtered(
            lambda c: not c.is_final
            and c.target_id.refreshed_at
            and (c.target_id.state == "closed" or c.date_to < c._so_today())
        )
        for call in ended:
            commit, best = call.effective_commit, call.effective_best
            actual = call.target_id.actual_value
            error = actual - commit
            if actual:
                accuracy = max(0.0, 100.0 * (1 - abs(error) / abs(actual)))
            else:
                accuracy = 100.0 if not commit else 0.0
            call.write(
                {
                    "is_final": True,
                    "final_commit": commit,
                    "final_best": best,
                    "final_actual": actual,
                    "error_value": error,
                    "error_percent": 100.0 * error / commit if commit else 0.0,
                    "accuracy": accuracy,
                }
            )
        return ended

    def _so_layers(self, below=None):
        """{call id: its layers}: the rolled-up figures (a team's call), the leader's
        and the manager's adjustments, and the effective (top-most) figures, "below" a
        layer when ``below`` is given (what the adjustment at that layer starts from).

        A team's call rolls up, per KPI and period, the effective calls of its members
        and of its sub-teams: a sub-team's own call where it has one, else what its
        members and sub-teams call. Read in a fixed number of queries whatever the
        number of calls."""
        Call = self.sudo()
        teams_called = self.filtered(lambda c: c.owner_type == "team")
        related = Call.browse(self.ids)
        children = defaultdict(list)
        if teams_called:
            teams = teams_called.team_id.sudo()._so_subteams()
            for team in teams:
                if team.so_parent_id:
                    children[team.so_parent_id.id].append(team.id)
            related |= Call.search(
                [
                    ("team_id", "in", teams.ids),
                    ("kpi_id", "in", teams_called.kpi_id.ids),
                    ("date_from", "in", list(set(teams_called.mapped("date_from")))),
                ]
            )
        adjustments = defaultdict(dict)
        for adjustment in related.adjustment_ids:
            adjustments[adjustment.call_id.id][adjustment.level] = adjustment
        # lists of the records read together (a recordset made of one record would
        # read its target alone)
        by_key = defaultdict(list)
        for call in related:
            key = (call.team_id.id, call.kpi_id.id, call.period_type, call.date_from, call.date_to)
            by_key[(call.owner_type, *key)].append(call)

        memo = {}
        order = ["leader", "manager"]

        def effective(call, stop=None):
            layers = adjustments[call.id]
            for level in reversed(order[: order.index(stop)] if stop else order):
                if level in layers:
                    return (layers[level].commit_value, layers[level].best_value), level
            if call.owner_type == "team":
                commit, best, found = rollup(call.team_id.id, call)
                if found:
                    return (commit, best), "rolled_up"
            elif call.submitted_at:
                return (call.commit_value, call.best_value), "rep"
            return (call.computed_commit, call.computed_best), "computed"

        def converted(figures, source, call):
            """``source``'s figures in ``call``'s currency (amounts only), at the rate
            of the call's company's today."""
            if call.kpi_id.unit != "money" or source.currency_id == call.currency_id:
                return figures
            company = call.company_id
            today = company._sales_today()[company.id]
            return tuple(
                source.currency_id._convert(value, call.currency_id, company, today)
                for value in figures
            )

        def rollup(team_id, call):
            key = (team_id, call.kpi_id.id, call.period_type, call.date_from, call.date_to)
            if key in memo:
                return memo[key]
            memo[key] = (0.0, 0.0, False)  # a cycle adds nothing
            commit = best = 0.0
            found = False
            for member in by_key[("user", *key)]:
                figures = converted(effective(member)[0], member, call)
                commit, best, found = commit + figures[0], best + figures[1], True
            for child in children.get(team_id, []):
                child_key = (child, *key[1:])
                own = by_key[("team", *child_key)]
                if own:
                    figures = (*converted(effective(own[0])[0], own[0], call), True)
                else:
                    figures = rollup(child, call)
                if figures[2]:
                    commit, best, found = commit + figures[0], best + figures[1], True
            # nobody below calls: the team's own computed figures stand for it
            memo[key] = (commit, best, found)
            return memo[key]

        result = {}
        wanted = set(self.ids)
        for call in related:
            if call.id not in wanted:
                continue
            layers = adjustments[call.id]
            leader, manager = layers.get("leader"), layers.get("manager")
            figures, level = effective(call, stop=below)
            rolled = rollup(call.team_id.id, call) if call.owner_type == "team" else (0, 0, False)
            result[call.id] = {
                "rollup": rolled[:2],
                "has_rollup": rolled[2],
                "leader": (leader.commit_value, leader.best_value, leader.note)
                if leader
                else (0.0, 0.0, False),
                "has_leader": bool(leader),
                "manager": (manager.commit_value, manager.best_value, manager.note)
                if manager
                else (0.0, 0.0, False),
                "has_manager": bool(manager),
                "effective": figures,
                "level": level,
            }
        return result
