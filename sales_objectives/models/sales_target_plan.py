"""Plans: a sales team's targets for a quarter or a year in one go. Each KPI line has
a total for the team over the horizon, spread over the periods (equal, last year's
seasonality, or a ramp of a few % per period) and over the team's salespeople (equal,
weights, or their share of the last 12 months, a new salesperson getting a ramp-up
share of an average one instead of nothing). "Suggest from history" proposes the
totals; "Generate" creates the targets as drafts, or updates them: a second run
changes nothing, a changed plan updates its draft targets and reports the submitted or
approved ones it could not change. The plan and its targets then go draft -> submitted
(by the team's leader) -> approved (by a sales manager) -> closed; a sales manager may
send a submitted plan back with a reason. A recurring plan rolls into the next horizon
by itself in the last month of the current one (its targets drafts, to approve)."""

from datetime import timedelta

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, float_compare, get_lang
from odoo.tools.misc import format_date

from ..engine import figures
from ..engine.state import OwnerPeriod
from ..tools.job import run_again_on_conflict
from ..tools.numbers import NumberFormat
from ..tools.periods import period_bounds
from .sales_target import NOTIFY_LATER
from .sales_target_audit import REASON as AUDIT_REASON

# context key: the plan's state is changed by its buttons (``_so_move``)
TRANSITION = "sales_target_plan_transition"

ROLL_DAYS = 30


class SalesTargetPlan(models.Model):
    _name = "sales.target.plan"
    _description = "Sales target plan"
    _inherit = ["mail.thread"]
    _order = "date_from desc, team_id, id"
    _check_company_auto = True

    name = fields.Char(
        compute="_compute_name", store=True, readonly=False, required=True, precompute=True
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("submitted", "Submitted"),
            ("approved", "Approved"),
            ("closed", "Closed"),
        ],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
        index=True,
    )
    submitted_by_id = fields.Many2one(
        "res.users",
        string="Submitted by",
        readonly=True,
        copy=False,
        help="Who submitted the plan for approval last.",
    )
    team_leader_id = fields.Many2one(related="team_id.user_id", string="Team leader")
    can_edit = fields.Boolean(
        compute="_compute_can_edit",
        help="The current user may change the plan: a sales manager, while it is a draft.",
    )
    horizon_ended = fields.Boolean(compute="_compute_horizon_ended")
    team_id = fields.Many2one("crm.team", string="Sales team", required=True, check_company=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    horizon = fields.Selection(
        [("quarter", "Quarter"), ("year", "Year")], required=True, default="year"
    )
    date_from = fields.Date(
        "Starts",
        required=True,
        default=lambda self: self._default_date_from(),
        help="The first day of the quarter or year the plan covers: a day typed in it "
        "becomes that first day.",
    )
    date_to = fields.Date("Ends", compute="_compute_dates", store=True, precompute=True)
    granularity = fields.Selection(
        [("month", "Months"), ("quarter", "Quarters")],
        string="Targets per",
        required=True,
        default="month",
    )
    split_method = fields.Selection(
        [
            ("equal", "Equally"),
            ("weights", "By weights"),
            ("history", "By each salesperson's share of the last 12 months"),
        ],
        string="Split over salespeople",
        required=True,
        default="equal",
    )
    new_member_share = fields.Float(
        "New salesperson's share (%)",
        default=50.0,
        help="A salesperson marked new, or without results in the last 12 months when "
        "splitting by past results, gets this share of an average salesperson's part.",
    )
    recurring = fields.Boolean(
        help="In the last month of the horizon, the plan rolls into the next one: the "
        "same lines and salespeople, and its targets."
    )
    line_ids = fields.One2many("sales.target.plan.line", "plan_id", string="KPIs", copy=True)
    member_ids = fields.One2many(
        "sales.target.plan.member", "plan_id", string="Salespeople", copy=True
    )
    target_ids = fields.One2many("sales.target", "plan_id", string="Targets", readonly=True)
    target_count = fields.Integer(compute="_compute_target_count")
    next_plan_id = fields.Many2one("sales.target.plan", readonly=True, copy=False)
    last_report = fields.Text("Last generation", readonly=True, copy=False)
    member_warning = fields.Char(compute="_compute_member_warning")
    can_open_grid = fields.Boolean(
        compute="_compute_can_open_grid",
        help="The current user reads the plan's targets as a grid: who sets the team's "
        "targets (a sales manager, its leader) or reads every target.",
    )

    def _default_date_from(self):
        company = self.env.company
        return period_bounds("year", company._sales_today()[company.id])[0]

    @api.depends("team_id.name", "horizon", "date_from")
    def _compute_name(self):
        for plan in self:
            if plan.team_id and plan.date_from:
                # the horizon as every screen says it, in the language of who sets it
                period = self.env["sales.period"]._say(plan.horizon, *plan._bounds())
                plan.name = f"{plan.team_id.name} · {period}"
            elif not plan.name:
                plan.name = False

    @api.depends("horizon", "date_from")
    def _compute_dates(self):
        for plan in self:
            plan.date_to = plan._bounds()[1] if plan.date_from else False

    @api.depends("member_ids")
    def _compute_member_warning(self):
        for plan in self:
            plan.member_warning = (
                False
                if plan.member_ids
                else self.env._(
                    "No salesperson in the plan: Generate sets the team's targets only. Add "
                    "the salespeople who share them (choosing the team fills them in)."
                )
            )

    @api.depends("state")
    @api.depends_context("uid")
    def _compute_can_edit(self):
        manager = self.env.user.has_group("sales_team.group_sale_manager")
        for plan in self:
            plan.can_edit = manager and plan.state == "draft"

    @api.depends("team_id.user_id")
    @api.depends_context("uid")
    def _compute_can_open_grid(self):
        for plan in self:
            plan.can_open_grid = bool(plan.team_id) and plan._grid_readable()

    @api.depends("date_to", "company_id")
    def _compute_horizon_ended(self):
        for plan in self:
            company = plan.company_id or self.env.company
            plan.horizon_ended = bool(plan.date_to) and (
                company._sales_today()[company.id] > plan.date_to
            )

    def _compute_target_count(self):
        for plan in self:
            plan.target_count = len(plan.target_ids)

    def _bounds(self):
        return period_bounds(self.horizon, self.date_from)

    @api.onchange("team_id")
    def _onchange_team_id(self):
        if self.team_id:
            self.member_ids = [fields.Command.clear()] + [
                fields.Command.create({"user_id": user.id})
                for user in self.team_id._so_quota_members()
            ]

    @api.onchange("horizon", "date_from")
    def _onchange_date_from(self):
        """The form shows the horizon the plan covers: its first day."""
        if self.date_from and self.horizon:
            self.date_from = self._bounds()[0]

    @api.model
    def _snap_values(self, vals, horizon):
        if vals.get("date_from") and horizon:
            day = fields.Date.to_date(vals["date_from"])
            vals["date_from"] = period_bounds(horizon, day)[0]
        return vals

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("state", "draft") != "draft" and not self.env.su:
                raise UserError(
                    self.env._("A plan is created as a draft: submit it, then approve it.")
                )
            self._snap_values(vals, vals.get("horizon") or self._fields["horizon"].default(self))
        return super().create(vals_list)

    def write(self, vals):
        self._so_check_write(vals)
        if not {"date_from", "horizon"} & set(vals):
            return super().write(vals)
        for plan in self:
            values = dict(vals, date_from=vals.get("date_from", plan.date_from))
            super(SalesTargetPlan, plan).write(
                self._snap_values(values, vals.get("horizon", plan.horizon))
            )
        return True

    def _so_check_write(self, vals):
        """Sales managers set plans; the leader of the plan's team moves it through its
        buttons only (Submit), whatever the path; once submitted, a plan is what is
        approved: it changes only back in draft."""
        if self.env.su:
            return
        if "state" in vals and not self.env.context.get(TRANSITION):
            raise UserError(
                self.env._(
                    "A plan's state changes with its buttons (Submit, Approve, Send back, "
                    "Close), which move its targets with it."
                )
            )
        written = {
            f
            for f in vals
            if f not in ("state", "submitted_by_id") and not f.startswith("message_")
        }
        if not written:
            return
        if not self.env.user.has_group("sales_team.group_sale_manager"):
            raise AccessError(
                self.env._(
                    "Sales managers set plans; the team's leader submits them: “%(plan)s”.",
                    plan=self[:1].name,
                )
            )
        locked = self.filtered(lambda p: p.state != "draft")
        if locked and written - {"next_plan_id", "last_report", "name"}:
            raise UserError(
                self.env._(
                    "The plan “%(plan)s” is submitted or approved: send it back to draft "
                    "before changing it.",
                    plan=locked[0].name,
                )
            )

    def _plan_problem(self):
        """What is wrong with the plan as typed, in words (or False)."""
        self.ensure_one()
        if self.horizon == "quarter" and self.granularity == "quarter":
            return self.env._("A quarter's plan sets monthly targets: choose months.")
        if not 0 <= self.new_member_share <= 100:
            return self.env._("A new salesperson's share is between 0 and 100 %.")
        return False

    @api.constrains("horizon", "granularity", "new_member_share")
    def _check_plan(self):
        for plan in self:
            problem = plan._plan_problem()
            if problem:
                raise ValidationError(problem)

    @api.onchange("horizon", "granularity", "new_member_share")
    def _onchange_plan_problem(self):
        problem = self._plan_problem()
        if problem:
            return {"warning": {"title": self.env._("Check the plan"), "message": problem}}
        return None

    @api.ondelete(at_uninstall=False)
    def _unlink_except_targets_set(self):
        """A plan is the record of how its targets were set: it goes only with them."""
        counts = dict(
            self.env["sales.target"]
            .sudo()
            .with_context(active_test=False)
            ._read_group([("plan_id", "in", self.ids)], ["plan_id"], ["__count"])
        )
        for plan in self:
            if counts.get(plan):
                raise UserError(
                    self.env._(
                        "The plan “%(plan)s” set %(count)s targets: it stays as the record of "
                        "how they were set.",
                        plan=plan.name,
                        count=counts[plan],
                    )
                )

    # ------------------------------------------------------------------
    # Periods and history
    # ------------------------------------------------------------------

    def _periods(self):
        """[(first day, last day)] of the plan's target periods."""
        self.ensure_one()
        start, end = self._bounds()
        step = 1 if self.granularity == "month" else 3
        periods, day = [], start
        while day <= end:
            last = day + relativedelta(months=step, days=-1)
            periods.append((day, last))
            day = last + timedelta(days=1)
        return periods

    def _measure(self, kpi, owner_type, periods, user=None, with_sample=False):
        """Actuals of ``kpi`` for the plan's team (or ``user`` in it) over ``periods``,
        measured by the engine in the company's currency (``with_sample``: with the
        number of records measured)."""
        measured = self.env["sales.kpi.engine"].measure_kpi(
            kpi,
            [
                OwnerPeriod(
                    owner_type=owner_type,
                    team_id=self.team_id.id,
                    user_id=user.id if user else False,
                    company_id=self.company_id.id,
                    currency_id=self.currency_id.id,
                    date_from=first,
                    date_to=last,
                )
                for first, last in periods
            ],
        )
        if with_sample:
            return measured
        return [actual for actual, _sample in measured]

    def _last_12_months(self):
        start = self._bounds()[0]
        return start - relativedelta(years=1), start - timedelta(days=1)

    # ------------------------------------------------------------------
    # Suggest from history
    # ------------------------------------------------------------------

    def action_suggest(self):
        """Each line's total: the team's actual over the same horizon last year, times
        the trend (the last 12 months against the 12 before, kept between ×0.5 and
        ×2); for a rate or an average, the last 12 months' value. Lines without history
        are left as they are. Each line says what was suggested from what, or why it
        was left as it was."""
        self.ensure_one()
        self.check_access("write")
        start, end = self._bounds()
        year_ago = (start - relativedelta(years=1), end - relativedelta(years=1))
        last12 = self._last_12_months()
        before12 = (last12[0] - relativedelta(years=1), last12[0] - timedelta(days=1))
        say = self.env["sales.target"]._say_period
        last12_words = self.env._(
            "the last 12 months (%(start)s – %(end)s)",
            start=format_date(self.env, last12[0]),
            end=format_date(self.env, last12[1]),
        )
        changed = 0
        for line in self.line_ids:
            kpi, old = line.kpi_id, line.total_value
            fmt = line._format_value
            if not line.is_additive:
                ((value, sample),) = self._measure(kpi, "team", [last12], with_sample=True)
                if not sample:
                    line.suggestion = self.env._(
                        "Left as it was: the team has no %(kpi)s to measure over %(when)s.",
                        kpi=kpi.name,
                        when=last12_words,
                    )
                    continue
                new = round(value, 2)
                line.suggestion = self.env._(
                    "%(value)s: the team's %(kpi)s over %(when)s.",
                    value=fmt(new),
                    kpi=kpi.name,
                    when=last12_words,
                )
            else:
                same, recent, previous = self._measure(kpi, "team", [year_ago, last12, before12])
                period = say(self.horizon, *year_ago)
                if not same:
                    line.suggestion = self.env._(
                        "Left as it was: the team had no %(kpi)s in %(period)s to start from.",
                        kpi=kpi.name,
                        period=period,
                    )
                    continue
                trend = min(max(recent / previous, 0.5), 2.0) if previous else 1.0
                new = round(same * trend, line._digits())
                if previous:
                    why = self.env._(
                        "%(value)s: the team's %(same)s in %(period)s × %(trend)s, the trend "
                        "of the last 12 months (%(recent)s) against the 12 before "
                        "(%(previous)s), kept between × 0.5 and × 2.",
                        value=fmt(new),
                        same=fmt(same),
                        period=period,
                        trend=NumberFormat(get_lang(self.env))(trend, 2),
                        recent=fmt(recent),
                        previous=fmt(previous),
                    )
                else:
                    why = self.env._(
                        "%(value)s: the team's %(kpi)s in %(period)s (no trend: nothing in "
                        "the 12 months before the last 12).",
                        value=fmt(new),
                        kpi=kpi.name,
                        period=period,
                    )
                line.suggestion = why
            if float_compare(new, old, precision_digits=line._digits()):
                line.suggestion = self.env._(
                    "%(why)s Was %(old)s.", why=line.suggestion, old=fmt(old)
                )
                line.total_value = new
                changed += 1
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Suggested from history"),
                "message": self.env._(
                    "%(changed)s of %(count)s team totals changed: each KPI line says from "
                    "what, or why it was left as it was.",
                    changed=changed,
                    count=len(self.line_ids),
                ),
                "type": "info",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    # ------------------------------------------------------------------
    # Generate
    # ------------------------------------------------------------------

    def _member_weights(self, line):
        """[(user, weight)] of the plan's salespeople for ``line``."""
        members = self.member_ids
        if self.split_method == "equal":
            base = dict.fromkeys(members, 1.0)
        elif self.split_method == "weights":
            base = {m: m.weight for m in members}
        else:
            past = self.env["sales.kpi.engine"].measure_users(
                line, members.user_id, *self._last_12_months()
            )
            base = {m: max(past.get(m.user_id.id, 0.0), 0.0) for m in members}
        known = [w for m, w in base.items() if w > 0 and not m.is_new]
        average = sum(known) / len(known) if known else 1.0
        share = self.new_member_share / 100.0
        weights = []
        for member in members:
            weight = base[member]
            if member.is_new or (self.split_method == "history" and weight <= 0):
                weight = average * share
            weights.append((member.user_id, weight))
        return weights

    def _planned_values(self, notes=None):
        """{(kpi, team or user, period): value} of every target the plan sets; what it
        had to decide for the user (a history too thin to follow) is added to
        ``notes``."""
        self.ensure_one()
        periods = self._periods()
        planned = {}
        for line in self.line_ids:
            digits = line._digits()
            if line.is_additive:
                if line.spread == "seasonality":
                    year_ago = [
                        (a - relativedelta(years=1), b - relativedelta(years=1)) for a, b in periods
                    ]
                    weights = self._measure(line.kpi_id, "team", year_ago)
                    # a year with results in fewer than half of its periods is no
                    # season to follow: the whole total would land in a month or two
                    if 2 * sum(1 for w in weights if w > 0) < len(periods):
                        if notes is not None:
                            notes.append(
                                self.env._(
                                    "last year's %(kpi)s has results in %(known)s of %(count)s "
                                    "periods only: spread equally instead",
                                    kpi=line.kpi_id.name,
                                    known=sum(1 for w in weights if w > 0),
                                    count=len(periods),
                                )
                            )
                        weights = [1.0] * len(periods)
                elif line.spread == "ramp":
                    weights = [(1 + line.ramp / 100.0) ** i for i in range(len(periods))]
                else:
                    weights = [1.0] * len(periods)
                values = figures.allocate(line.total_value, weights, digits)
            else:
                values = [line.total_value] * len(periods)
            member_weights = self._member_weights(line)
            for period, value in zip(periods, values):
                planned[(line.kpi_id, "team", self.team_id, period)] = value
                if not member_weights:
                    continue
                if line.is_additive:
                    parts = figures.allocate(value, [w for _u, w in member_weights], digits)
                else:
                    parts = [value] * len(member_weights)
                for (user, _weight), part in zip(member_weights, parts):
                    planned[(line.kpi_id, "user", user, period)] = part
        return planned

    def action_generate(self):
        """Creates the plan's targets as drafts, or brings them in line with the plan:
        draft ones are updated, submitted or approved ones that differ are reported
        (their value is locked). Running it twice changes nothing. Sales managers, on a
        draft plan."""
        self.ensure_one()
        self.check_access("write")
        if not self.env.user.has_group("sales_team.group_sale_manager"):
            raise AccessError(self.env._("Sales managers generate the targets of a plan."))
        if self.state != "draft":
            raise UserError(
                self.env._(
                    "The plan “%(plan)s” is submitted or approved: send it back to draft "
                    "before generating its targets again.",
                    plan=self.name,
                )
            )
        if not self.line_ids:
            raise UserError(self.env._("Add at least one KPI to the plan."))
        empty = self.line_ids.filtered(
            lambda line: line.kpi_id.direction != "lower" and not line.total_value
        )
        if empty:
            raise UserError(
                self.env._(
                    "Give the team total of %(kpis)s: a target of 0 would be reached at once "
                    "(or press Suggest from history).",
                    kpis=", ".join(f"“{name}”" for name in empty.kpi_id.mapped("name")),
                )
            )
        self._lock_team()
        # each salesperson hears once what the plan set for them, at the end
        Target = self.env["sales.target"].with_context(active_test=False, **{NOTIFY_LATER: True})
        notes = []
        planned = self._planned_values(notes)
        periods = self._periods()
        existing = Target.search(
            [
                ("kpi_id", "in", self.line_ids.kpi_id.ids),
                ("company_id", "=", self.company_id.id),
                ("team_id", "=", self.team_id.id),
                ("owner_type", "in", ("team", "user")),
                ("period_type", "=", self.granularity),
                ("date_from", "in", [first for first, _last in periods]),
                ("active", "=", True),
            ]
        )
        by_key = {
            (
                t.kpi_id,
                t.owner_type,
                t.team_id if t.owner_type == "team" else t.user_id,
                t.date_from,
            ): t
            for t in existing
        }
        created, updated, unchanged, locked = [], [], 0, []
        teams = {}
        to_create = []
        for (kpi, owner_type, owner, period), value in sorted(
            planned.items(), key=lambda item: (item[0][1] != "team", item[0][3], item[0][0].id)
        ):
            target = by_key.get((kpi, owner_type, owner, period[0]))
            if target:
                if owner_type == "team":
                    teams[(kpi, period)] = target
                if abs(target.target_value - value) < 1e-9:
                    unchanged += 1
                    if not target.plan_id:
                        target.plan_id = self
                elif target.state == "draft":
                    target.with_context(**{NOTIFY_LATER: True}).write(
                        {"target_value": value, "plan_id": self.id}
                    )
                    updated.append(target)
                else:
                    locked.append(target)
                continue
            vals = {
                "kpi_id": kpi.id,
                "owner_type": owner_type,
                "team_id": self.team_id.id,
                "company_id": self.company_id.id,
                "period_type": self.granularity,
                "date_from": period[0],
                "target_value": value,
                "plan_id": self.id,
            }
            if owner_type == "user":
                vals["user_id"] = owner.id
                parent = teams.get((kpi, period))
                if parent:
                    vals["parent_id"] = parent.id
                to_create.append(vals)
            else:
                team_target = Target.create(vals)
                teams[(kpi, period)] = team_target
                created.append(team_target)
        if to_create:
            created += list(Target.create(to_create))
        new = Target.browse([t.id for t in created])
        # a target of 0 would be achieved at once: it is said, to be given a value
        zero = new.filtered(lambda t: t._reached_by_nothing())
        (new | Target.browse([t.id for t in updated]))._so_notify_set(origin=self)
        report = self.env._(
            "%(created)s targets created as drafts, %(updated)s drafts updated, "
            "%(unchanged)s already as planned, %(locked)s submitted or approved targets "
            "differ from the plan and were left as they are",
            created=len(created),
            updated=len(updated),
            unchanged=unchanged,
            locked=len(locked),
        )
        if zero:
            report += self.env._(
                "; %(count)s targets of 0 would be achieved before anything is done: give "
                "them a value or delete them before the plan is submitted: %(names)s",
                count=len(zero),
                names=self._so_some_names(zero),
            )
        if locked:
            report += self.env._(
                " (back to draft first to apply the plan): %(names)s",
                names=self._so_some_names(locked),
            )
        if not self.member_ids:
            report += self.env._(" (team targets only: the plan has no salespeople)")
        for note in notes:
            report += "; " + note
        self.last_report = report
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Plan generated"),
                "message": report,
                "type": "warning" if locked or zero or notes else "success",
                "sticky": bool(locked or zero or notes),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    # ------------------------------------------------------------------
    # Approval: draft -> submitted (the team's leader) -> approved (a sales manager)
    # ------------------------------------------------------------------

    def _so_live_targets(self):
        return self.target_ids.filtered("active")

    def _so_notification(self, title, message, kind="success"):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": title,
                "message": message,
                "type": kind,
                "sticky": kind != "success",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_submit(self):
        """The leader of the plan's team (or a sales manager) submits the plan for
        approval, with its draft targets; the targets that are the submitter's own
        quota (the team's targets, for its leader) stay drafts: a sales manager approves
        them with the plan."""
        self.ensure_one()
        manager = self.env.user.has_group("sales_team.group_sale_manager")
        if not manager and not self.team_id._so_led_by(self.env.user):
            raise AccessError(
                self.env._(
                    "Only the leader of the sales team “%(team)s” or a sales manager submits "
                    "its plan.",
                    team=self.team_id.sudo().name,
                )
            )
        if self.state != "draft":
            raise UserError(self.env._("Only a draft plan is submitted."))
        targets = self._so_live_targets()
        if not targets:
            raise UserError(self.env._("Generate the plan's targets before submitting it."))
        drafts = targets.filtered(lambda t: t.state == "draft")
        zero = drafts.filtered(lambda t: t._reached_by_nothing())
        if zero:
            raise UserError(
                self.env._(
                    "Targets of 0 would be achieved before anything is done: give them a "
                    "value or delete them first: %(names)s",
                    names=self._so_some_names(zero),
                )
            )
        own = drafts.filtered(lambda t: t._so_own_quota())
        (drafts - own).action_submit()
        self._so_move("submitted", submitted_by_id=self.env.uid)
        message = self.env._("%(count)s targets submitted for approval.", count=len(drafts - own))
        if own:
            message += " " + self.env._(
                "Your own quota (%(count)s targets) stays a draft: a sales manager approves "
                "it with the plan.",
                count=len(own),
            )
        self.message_post(body=message)
        return self._so_notification(self.env._("Plan submitted"), message)

    def action_approve(self):
        """A sales manager approves the plan and every target of it not approved yet
        (drafts and submitted ones alike). Refused as a whole when one of them is the
        manager's own quota: another sales manager approves it (unless the company
        allows self-approval)."""
        self.ensure_one()
        if not self.env.user.has_group("sales_team.group_sale_manager"):
            raise AccessError(self.env._("Only a sales manager approves a plan."))
        if self.state not in ("draft", "submitted"):
            raise UserError(self.env._("Only a draft or submitted plan is approved."))
        targets = self._so_live_targets().filtered(lambda t: t.state in ("draft", "submitted"))
        own = targets.filtered(lambda t: t._so_own_quota())
        if own:
            raise AccessError(
                self.env._(
                    "The plan “%(plan)s” holds your own quota (%(names)s): another sales "
                    "manager approves it.",
                    plan=self.name,
                    names=self._so_some_names(own),
                )
            )
        targets.action_confirm()
        self._so_move("approved")
        message = self.env._("Plan approved with %(count)s targets.", count=len(targets))
        self.message_post(body=message)
        return self._so_notification(self.env._("Plan approved"), message)

    def action_send_back(self):
        self.ensure_one()
        if not self.env.user.has_group("sales_team.group_sale_manager"):
            raise AccessError(self.env._("Only a sales manager sends a plan back."))
        return self.env["sales.target.send.back"]._open({"plan_id": self.id})

    def _so_send_back(self, reason):
        """The submitted plan and its submitted targets back to draft, with ``reason``
        (posted on the plan and the targets; told to the leader who submitted and to
        the targets' owners)."""
        self.ensure_one()
        if self.state != "submitted":
            raise UserError(self.env._("Only a submitted plan is sent back."))
        submitted = self._so_live_targets().filtered(lambda t: t.state == "submitted")
        if not self.env.user.has_group("sales_team.group_sale_manager"):
            raise AccessError(self.env._("Only a sales manager sends a plan back."))
        if not (reason or "").strip():
            raise UserError(self.env._("Say why the plan is sent back."))
        if submitted:
            submitted._so_send_back(reason)
        self._so_move("draft")
        self.message_post(
            body=Markup("<p>%s</p><p>%s</p>")
            % (
                self.env._("Sent back to draft by %(author)s:", author=self.env.user.name),
                reason,
            ),
            partner_ids=(self.submitted_by_id - self.env.user).partner_id.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        return True

    def action_close(self):
        """A sales manager closes an approved plan once its horizon has ended (its
        targets close by themselves, each after its period)."""
        self.ensure_one()
        if not self.env.user.has_group("sales_team.group_sale_manager"):
            raise AccessError(self.env._("Only a sales manager closes a plan."))
        today = self.company_id._sales_today()[self.company_id.id]
        if self.state != "approved" or today <= self.date_to:
            raise UserError(
                self.env._(
                    "An approved plan is closed once its horizon has ended (on %(date)s).",
                    date=format_date(self.env, self.date_to),
                )
            )
        self._so_move("closed")
        return True

    def _so_move(self, state, **values):
        self.with_context(**{TRANSITION: True}).write(dict(values, state=state))

    def _so_some_names(self, targets, size=3):
        """The first targets' names, and how many more: a message stays readable."""
        names = ", ".join(target.display_name for target in targets[:size])
        if len(targets) > size:
            names = self.env._(
                "%(names)s and %(count)s more", names=names, count=len(targets) - size
            )
        return names

    def action_open_targets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sales_objectives.sales_target_action"
        )
        action["domain"] = [("plan_id", "=", self.id)]
        action["context"] = {}
        return action

    # ------------------------------------------------------------------
    # Rollover
    # ------------------------------------------------------------------

    @api.model
    @run_again_on_conflict
    def _cron_roll_over(self):
        """Recurring plans in the last month of their horizon (company's time zone):
        the next horizon's plan, with the same lines and salespeople, and its targets."""
        for plan in self.search([("recurring", "=", True), ("next_plan_id", "=", False)]):
            today = plan.company_id._sales_today()[plan.company_id.id]
            if plan.date_to - timedelta(days=ROLL_DAYS) < today:
                plan._roll_over()

    def _lock_team(self):
        """Generating a team's targets is serialized per team: the team's row gets a new
        version (an update to itself). A concurrent Generate or rollover for the same
        team waits, then fails with a serialization error that Odoo retries (a request)
        or runs again (the job): it then finds the targets made and makes no duplicate."""
        self.env.cr.execute(SQL("UPDATE crm_team SET id = id WHERE id = %s", self.team_id.id))

    def _roll_over(self):
        self.ensure_one()
        following = self.copy({"date_from": self.date_to + timedelta(days=1)})
        following._compute_name()
        self.next_plan_id = following
        following.action_generate()
        return following

    # ------------------------------------------------------------------
    # The grid: the plan's salesperson targets, salespeople x periods, one KPI at a
    # time, read and changed in one call each (static/src/plan_grid). Every change goes
    # through the targets' own create and write: their checks, rights and history.
    # ------------------------------------------------------------------

    def _grid_readable(self):
        """Who reads the grid: who sets the team's targets (a sales manager, its
        leader) or reads every target; a salesperson who reads only their own would
        see the others' cells empty."""
        self.ensure_one()
        return self.env["sales.target"]._so_sets_targets_of(self.team_id) or (
            self.env.user.has_group("sales_team.group_sale_salesman_all_leads")
        )

    def _grid_check(self):
        self.ensure_one()
        self.check_access("read")
        if not self._grid_readable():
            raise AccessError(
                self.env._(
                    "The targets of “%(plan)s” are set by the leader of the sales team or a "
                    "sales manager: open your own targets in My Targets.",
                    plan=self.name,
                )
            )

    def _grid_targets(self):
        """The live targets of the plan's KPIs, team and periods, salespeople's and the
        team's, whether the plan or someone else made them (as Generate finds them), in
        one query."""
        return self.env["sales.target"].search_fetch(
            [
                ("kpi_id", "in", self.line_ids.kpi_id.ids),
                ("company_id", "=", self.company_id.id),
                ("team_id", "=", self.team_id.id),
                ("owner_type", "in", ("team", "user")),
                ("period_type", "=", self.granularity),
                ("date_from", "in", [first for first, _last in self._periods()]),
            ],
            [
                "kpi_id",
                "owner_type",
                "user_id",
                "team_id",
                "company_id",
                "date_from",
                "target_value",
                "state",
            ],
            order="id",
        )

    def _grid_users(self, targets):
        """The grid's rows: the plan's salespeople, then those with a target of the
        plan's team and periods who are not in it (by name)."""
        members = self.member_ids.user_id
        others = targets.filtered(lambda t: t.owner_type == "user").user_id - members
        return members + others.sorted("name")

    @api.readonly
    def grid_read(self):
        """The plan's salesperson targets as a grid, in a constant number of queries:
        {kpis: [{id, name, unit_label, digits, additive}], columns: [{key, label}],
        rows: [{id, name, editable, why}], cells: [{kpi, user, column, id, value, state,
        editable, why}], team: [{kpi, column, value}], editable}. A cell is editable
        when the user may set it: a draft (or no target yet), not their own quota, of a
        team whose targets they set; ``why`` says why not."""
        self._grid_check()
        Target = self.env["sales.target"]
        targets = self._grid_targets()
        users = self._grid_users(targets)
        may_set = Target._so_sets_targets_of(self.team_id)
        states = dict(Target._fields["state"]._description_selection(self.env))
        not_setter = self.env._("Set by the leader of the sales team or a sales manager.")
        own = self.env._("Your own quota: another sales manager sets it.")

        def why_not(target):
            if not may_set:
                return not_setter
            if target._so_own_quota():
                return own
            if target.state != "draft":
                return self.env._(
                    "%(state)s: send it back or reset it to draft to change it.",
                    state=states[target.state],
                )
            return False

        rows = []
        for user in users:
            # the target the row's empty cells would create
            probe = Target.new(
                {
                    "state": "draft",
                    "owner_type": "user",
                    "user_id": user.id,
                    "team_id": self.team_id.id,
                    "company_id": self.company_id.id,
                }
            )
            why = why_not(probe)
            rows.append({"id": user.id, "name": user.name, "editable": not why, "why": why})
        cells, team = [], []
        for target in targets:
            column = fields.Date.to_string(target.date_from)
            if target.owner_type == "team":
                team.append(
                    {"kpi": target.kpi_id.id, "column": column, "value": target.target_value}
                )
                continue
            why = why_not(target)
            cells.append(
                {
                    "kpi": target.kpi_id.id,
                    "user": target.user_id.id,
                    "column": column,
                    "id": target.id,
                    "value": target.target_value,
                    "state": target.state,
                    "editable": not why,
                    "why": why,
                }
            )
        return {
            "editable": may_set,
            "kpis": [
                {
                    "id": line.kpi_id.id,
                    "name": line.kpi_id.name,
                    "unit_label": line.unit_label or "",
                    "digits": line._digits(),
                    "additive": line.is_additive,
                }
                for line in self.line_ids
            ],
            "columns": [
                {
                    "key": fields.Date.to_string(first),
                    "label": self.env["sales.period"]._say(self.granularity, first, last),
                }
                for first, last in self._periods()
            ],
            "rows": rows,
            "cells": cells,
            "team": team,
        }

    def grid_write(self, changes, reason=False):
        """Applies the grid's ``changes`` ([{kpi_id, user_id, date_from, value}]) in one
        go through the targets' own write (or create, for a cell without a target: a
        draft of the plan): every check of the form applies, each change is kept in the
        targets' history with ``reason``. One refused change refuses them all: nothing
        is saved (one request). Returns the grid as it now is (``grid_read``)."""
        self._grid_check()
        Target = self.env["sales.target"].with_context(**{NOTIFY_LATER: True})
        if reason and reason.strip():
            Target = Target.with_context(**{AUDIT_REASON: reason.strip()})
        periods = {fields.Date.to_string(first) for first, _last in self._periods()}
        kpis = set(self.line_ids.kpi_id.ids)
        targets = self._grid_targets()
        users = self._grid_users(targets)
        cells = {
            (t.kpi_id.id, t.user_id.id, fields.Date.to_string(t.date_from)): t
            for t in targets
            if t.owner_type == "user"
        }
        team_targets = {
            (t.kpi_id.id, fields.Date.to_string(t.date_from)): t
            for t in targets
            if t.owner_type == "team"
        }
        changed, to_create = Target, []
        for change in changes:
            key = (change.get("kpi_id"), change.get("user_id"), change.get("date_from"))
            value = change.get("value")
            if key[0] not in kpis or key[1] not in users.ids or key[2] not in periods:
                raise UserError(
                    self.env._(
                        "A change is not a cell of the plan “%(plan)s” (its KPIs, salespeople "
                        "and periods): reload the grid.",
                        plan=self.name,
                    )
                )
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise UserError(
                    self.env._("Each cell takes a number: %(value)s is not one.", value=value)
                )
            target = cells.get(key)
            if target:
                if target._differs("target_value", value):
                    target = Target.browse(target.id)
                    target.write({"target_value": value})
                    changed |= target
                continue
            parent = team_targets.get((key[0], key[2]))
            to_create.append(
                {
                    "kpi_id": key[0],
                    "owner_type": "user",
                    "user_id": key[1],
                    "team_id": self.team_id.id,
                    "company_id": self.company_id.id,
                    "period_type": self.granularity,
                    "date_from": key[2],
                    "target_value": value,
                    "plan_id": self.id,
                    "parent_id": parent.id if parent else False,
                }
            )
        if to_create:
            changed |= Target.create(to_create)
        # each salesperson hears once what was set for them
        changed._so_notify_set(origin=self)
        return self.grid_read()
