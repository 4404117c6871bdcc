import functools
import logging
from collections import defaultdict
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL, create_index, float_compare, format_date, get_lang

from ..engine import figures
from ..engine.news import STRETCH
from ..engine.state import OwnerPeriod
from ..tools.job import run_again_on_conflict
from ..tools.numbers import NumberFormat
from ..tools.periods import is_aligned, period_bounds, period_label
from . import sales_target_grouping  # noqa: F401 (the mixin sales.target inherits: defined first)
from .sales_credited import CREDIT_OVERLAY, CREDIT_TEAM, CREDIT_USER
from .sales_figure_grouping import KPI_UNIT, MONEY, OWN_RATE, RECORDS, name_without_unit
from .sales_target_audit import AUDITED, REASON_FIELD
from .sales_target_audit import REASON as AUDIT_REASON

_logger = logging.getLogger(__name__)

PERIOD_TYPES = [
    ("week", "Week"),
    ("month", "Month"),
    ("quarter", "Quarter"),
    ("year", "Year"),
    ("custom", "Custom"),
]
STATUSES = [
    ("achieved", "Achieved"),
    ("on_track", "On track"),
    ("at_risk", "At risk"),
    ("behind", "Behind"),
]
# The life cycle of a target: the stored key "confirmed" is the approved state (the
# engine, reports, bonuses and leaderboard count "confirmed" and "closed" targets only).
STATES = [
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("confirmed", "Approved"),
    ("closed", "Closed"),
]
# the moves a target may make, whoever asks (who may make each: ``_so_check_move``)
MOVES = {
    ("draft", "submitted"),
    ("draft", "confirmed"),
    ("submitted", "confirmed"),
    ("submitted", "draft"),
    ("confirmed", "draft"),
    ("confirmed", "closed"),
    ("closed", "confirmed"),
}
# Context key: the reason a submitted target is sent back to draft (the wizard)
SEND_BACK_REASON = "sales_target_send_back_reason"
# A person's own quota (``_so_own_quota``): what they may not set themselves (unless the
# company allows self-approval), besides submitting, approving, sending back, resetting
QUOTA_FIELDS = {
    "target_value",
    "stretch_value",
    "period_type",
    "date_from",
    "date_to",
    "owner_type",
    "team_id",
    "user_id",
    "bonus_base",
    "bonus_floor",
    "bonus_accelerator",
    "bonus_cap",
}
# Fields that cannot change once a target is submitted or approved (back to draft first).
LOCKED_FIELDS = {
    "kpi_id",
    "owner_type",
    "team_id",
    "user_id",
    "company_id",
    "currency_id",
    "period_type",
    "date_from",
    "date_to",
    "target_value",
    "stretch_value",
}
DERIVED_FIELDS = [
    "attainment",
    "expected_value",
    "projected_value",
    "gap_value",
    "coverage_ratio",
    "opportunities_needed",
    "meetings_needed",
    "status",
]
# Written by the refresh engine only: refused in create() and write().
MEASURED_FIELDS = {
    "actual_value",
    "actual_sample",
    "elapsed_ratio",
    "pipeline_value",
    "pipeline_weighted",
    "pipeline_commit",
    "pipeline_best",
    "history_win_rate",
    "history_avg_deal",
    "history_meetings_per_win",
    "refreshed_at",
    "refresh_attempted_at",
    "refresh_failed",
    "milestone_reached",
    "bonus_payout",
    *DERIVED_FIELDS,
}
# A target or stretch value more than this many times above (or below) the owner's
# record is likely mistyped (a warning, not a refusal).
HISTORY_FACTOR = 10.0
# up to this many targets are named in the message telling the screens that figures
# changed; more (a full pass) are "many"
FIGURES_MESSAGE_IDS = 200
# one live target per KPI, owner and period: the owner is the team, the salesperson
# (whatever the team) or the company
UNIQUE_LIVE = "sales_target_unique_live"


def live_owner_sql(alias=None):
    """The owner column of the index of live targets (one per KPI, owner and period),
    over sales_target ``alias``: a query that names it the same way can read that
    index."""

    def column(name):
        return f"{alias}.{name}" if alias else name

    return (
        f"CASE {column('owner_type')} WHEN 'team' THEN {column('team_id')}"
        f" WHEN 'user' THEN {column('user_id')} ELSE 0 END"
    )


UNIQUE_LIVE_OWNER = live_owner_sql()
# What a sales manager may still change on a closed target (besides reopening it, with
# the reason kept in its history).
CLOSED_EDITABLE = {"state", "active", "note", REASON_FIELD}
# Who a target belongs to: after changing them, the user must still be allowed to
# write the target (a team leader cannot move a target out of their teams).
OWNER_FIELDS = {"owner_type", "team_id", "user_id", "company_id"}
# Context key of an operation setting many targets (a plan, a split): it tells each
# salesperson once, at its end, rather than once per target
NOTIFY_LATER = "sales_target_notify_later"
# targets on the progress strip above the pipeline
STRIP_SIZE = 8
# The estimated bonus (tools/figures.py ``bonus_payout``), in SQL for the engine
PAYOUT_SQL = SQL(
    """LEAST(
        CASE WHEN COALESCE(t.attainment, 0) < COALESCE(t.bonus_floor, 0) THEN 0
             WHEN COALESCE(t.attainment, 0) <= 100 THEN t.bonus_base * t.attainment / 100
             ELSE t.bonus_base * (1 + COALESCE(t.bonus_accelerator, 0)
                                      * (t.attainment - 100) / 100)
        END,
        CASE WHEN t.bonus_cap > 0 THEN t.bonus_cap END)"""
)


def _number(number, value):
    """A number in the user's language (``number``: a NumberFormat), without
    decimals when it is whole."""
    return number(value, 0 if value == int(value) else 2)


class SalesTarget(models.Model):
    _name = "sales.target"
    _description = "Sales target"
    _inherit = ["mail.thread", "mail.activity.mixin", "sales.target.grouping"]
    _order = "date_from desc, kpi_id, owner_type desc, team_id, user_id, id"
    _check_company_auto = True
    _rec_names_search = ["kpi_id", "team_id", "user_id"]

    def init(self):
        """The refresh engine rewrites the figures of many targets at once: leave room
        in each page so that rows are updated in place (HOT updates: no index may name
        a column it writes, such as ``refreshed_at``)."""
        result = super().init()
        self.env.cr.execute("ALTER TABLE sales_target SET (fillfactor = 70)")
        # the scheduled pass's probe of a quiet minute: a target written since the last
        # pass (the engine never writes write_date)
        create_index(self.env.cr, "sales_target_write_date_index", self._table, ["write_date"])
        self._init_unique_live()
        return result

    def _init_unique_live(self):
        """One live target per KPI, owner and period, held by the database as well:
        ``_check_unique_live`` says it in words, but two transactions may both pass it.
        Checked at commit (deferred), so that the check in words speaks first. Not
        added over duplicates already there (a database from before it): they are
        logged, to be archived."""
        cr = self.env.cr
        cr.execute("SELECT 1 FROM pg_constraint WHERE conname = %s", [UNIQUE_LIVE])
        if cr.rowcount:
            return
        cr.execute(
            SQL(
                """SELECT array_agg(id) FROM sales_target WHERE active
                    GROUP BY kpi_id, owner_type, company_id, date_from, date_to, %s
                   HAVING count(*) > 1 LIMIT 1""",
                SQL(UNIQUE_LIVE_OWNER),
            )
        )
        duplicates = cr.fetchone()
        if duplicates:
            _logger.warning(
                "Targets %s are live for the same KPI, owner and period: archive all but "
                "one, then update the module to guard it in the database.",
                duplicates[0],
            )
            return
        cr.execute(
            SQL(
                """ALTER TABLE sales_target ADD CONSTRAINT %s
                   EXCLUDE USING btree (kpi_id WITH =, owner_type WITH =, company_id WITH =,
                                        date_from WITH =, date_to WITH =, (%s) WITH =)
                   WHERE (active) DEFERRABLE INITIALLY DEFERRED""",
                SQL.identifier(UNIQUE_LIVE),
                SQL(UNIQUE_LIVE_OWNER),
            )
        )

    def _default_date_from(self):
        return period_bounds("month", fields.Date.context_today(self))[0]

    # ------------------------------------------------------------------
    # What, who, when
    # ------------------------------------------------------------------
    kpi_id = fields.Many2one(
        "sales.kpi",
        string="KPI",
        required=True,
        index=True,
        tracking=True,
        ondelete="restrict",
        check_company=True,
    )
    metric = fields.Selection(related="kpi_id.metric")
    unit = fields.Selection(related="kpi_id.unit")
    direction = fields.Selection(related="kpi_id.direction")
    is_manual = fields.Boolean(related="kpi_id.is_manual")
    owner_type = fields.Selection(
        [("user", "Salesperson"), ("team", "Sales team"), ("company", "Company")],
        string="Owner",
        required=True,
        default="user",
        tracking=True,
    )
    team_id = fields.Many2one(
        "crm.team",
        string="Sales team",
        index=True,
        tracking=True,
        check_company=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        index=True,
        tracking=True,
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        compute="_compute_company_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    currency_id = fields.Many2one(
        "res.currency",
        required=True,
        compute="_compute_currency_id",
        store=True,
        readonly=False,
        precompute=True,
        help="Amounts are converted into this currency at each record's date.",
    )
    currency_follows_company = fields.Boolean(
        default=True,
        copy=False,
        help="The currency is the company's and follows it; a currency chosen by the user "
        "is kept when the company changes.",
    )
    period_type = fields.Selection(
        PERIOD_TYPES, string="Period", required=True, default="month", tracking=True
    )
    date_from = fields.Date(
        "From",
        required=True,
        default=lambda self: self._default_date_from(),
        tracking=True,
        index=True,
    )
    date_to = fields.Date(
        "To",
        required=True,
        compute="_compute_date_to",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        index=True,
    )
    period_name = fields.Char(
        "Period key",
        compute="_compute_period_name",
        store=True,
        precompute=True,
        help="A language-neutral key of the period (2026-Q4); people read the period.",
    )
    period_id = fields.Many2one(
        "sales.period",
        string="Target period",
        compute="_compute_period_id",
        store=True,
        index=True,
        ondelete="restrict",
        help="The period, named in the reader's language: targets are grouped by it.",
    )
    target_value = fields.Float("Target", tracking=True)
    stretch_value = fields.Float(
        "Stretch target",
        tracking=True,
        help="An optional, more ambitious value (lower than the target for a lower-is-better KPI).",
    )
    manual_value = fields.Float(
        "Manual actual",
        tracking=True,
        help="For manual KPIs: the actual, typed by the team leader or the manager.",
    )
    state = fields.Selection(
        STATES,
        default="draft",
        required=True,
        tracking=True,
        index=True,
        copy=False,
    )
    submitted_by_id = fields.Many2one(
        "res.users",
        string="Submitted by",
        readonly=True,
        copy=False,
        help="Who submitted the target for approval last.",
    )
    active = fields.Boolean(default=True)
    parent_id = fields.Many2one(
        "sales.target",
        string="Team target",
        index=True,
        ondelete="set null",
        check_company=True,
        copy=False,
    )
    child_ids = fields.One2many("sales.target", "parent_id", string="Salesperson targets")
    note = fields.Html()

    # ------------------------------------------------------------------
    # Measured by the refresh engine (stored so lists, pivots and graphs can use them)
    # ------------------------------------------------------------------
    actual_value = fields.Float("Actual", readonly=True, copy=False)
    actual_sample = fields.Integer(
        "Records measured",
        readonly=True,
        copy=False,
        help="How many records the actual is made of (the deals, orders or invoices of an "
        "average or a rate); for the customer metrics, how many customers (for a retention "
        "rate or churn, the customers of the previous period).",
    )
    elapsed_ratio = fields.Float(
        "Elapsed",
        readonly=True,
        copy=False,
        help="Share of the period's working days (company calendar) up to today.",
    )
    pipeline_value = fields.Float(
        "Open pipeline",
        readonly=True,
        copy=False,
        help="Open opportunities expected to close in the period.",
    )
    pipeline_weighted = fields.Float(
        "Weighted pipeline",
        readonly=True,
        copy=False,
        help="Open pipeline weighted by each opportunity's probability.",
    )
    pipeline_commit = fields.Float(
        "Committed pipeline",
        readonly=True,
        copy=False,
        help="Open opportunities due in the period at or above the company's commit "
        "probability, in full (amounts, or the number of deals for a count).",
    )
    pipeline_best = fields.Float(
        "Best-case pipeline",
        readonly=True,
        copy=False,
        help="The committed pipeline plus the other open opportunities due in the "
        "period, weighted by their probability.",
    )
    history_win_rate = fields.Float("Win rate (last 12 months)", readonly=True, copy=False)
    history_avg_deal = fields.Float("Average deal (last 12 months)", readonly=True, copy=False)
    history_meetings_per_win = fields.Float(
        "Meetings per win (last 12 months)", readonly=True, copy=False
    )
    refreshed_at = fields.Datetime(
        "Figures changed on",
        readonly=True,
        copy=False,
        help="When the engine last wrote new figures on this target.",
    )
    figures_as_of = fields.Datetime(
        "Refreshed on",
        compute="_compute_figures_as_of",
        help="The figures are those measured at this moment: the last refresh of this "
        "target, or the last scheduled pass over its KPI (which rewrites only the figures "
        "that changed).",
    )
    refresh_attempted_at = fields.Datetime(
        "Last failed refresh",
        readonly=True,
        copy=False,
        index=True,
        help="When a refresh last failed to measure the target's KPI.",
    )
    refresh_failed = fields.Boolean(
        "Last refresh failed",
        readonly=True,
        copy=False,
        help="The KPI could not be measured at the last refresh: the figures are those of "
        "the last successful one. Sales managers see why on the KPI.",
    )

    # ------------------------------------------------------------------
    # Derived from the above (same function as the engine: tools/figures.py)
    # ------------------------------------------------------------------
    attainment = fields.Float(
        "Attainment (%)", compute="_compute_figures", store=True, aggregator="avg"
    )
    expected_value = fields.Float("Expected to date", compute="_compute_figures", store=True)
    projected_value = fields.Float("Projection", compute="_compute_figures", store=True)
    gap_value = fields.Float(
        "Gap",
        compute="_compute_figures",
        store=True,
        help="What is still missing to reach the target (negative: ahead of it).",
    )
    coverage_ratio = fields.Float(
        "Pipeline coverage",
        compute="_compute_figures",
        store=True,
        aggregator="avg",
        help="Open pipeline due in the period divided by the gap.",
    )
    opportunities_needed = fields.Integer(
        "Opportunities still needed", compute="_compute_figures", store=True
    )
    meetings_needed = fields.Integer(
        "Meetings still needed", compute="_compute_figures", store=True
    )
    status = fields.Selection(
        STATUSES, compute="_compute_figures", store=True, index=True, tracking=True
    )
    summary = fields.Html("In plain words", compute="_compute_summary", sanitize=False)
    # the figures for people: each in its unit (an amount in the target's currency, a
    # whole count, a percentage, days), with the language's separators
    value_label = fields.Char("Actual / target", compute="_compute_value_label")
    target_label = fields.Char("Target (with unit)", compute="_compute_value_label")
    actual_label = fields.Char("Actual (with unit)", compute="_compute_value_label")
    expected_label = fields.Char("Expected to date (text)", compute="_compute_value_label")
    projected_label = fields.Char("Projection (with unit)", compute="_compute_value_label")
    gap_label = fields.Char("Gap (in words)", compute="_compute_value_label")
    pace_label = fields.Char("Pace (in words)", compute="_compute_value_label")
    period_label = fields.Char("Period (in words)", compute="_compute_period_label")
    elapsed_label = fields.Char(
        "Elapsed (in words)",
        compute="_compute_elapsed_label",
        help="Share of the period's working days (company calendar) up to today.",
    )
    owner_name = fields.Char(
        "Owner name",
        compute="_compute_owner_name",
        store=True,
        help="The sales team, salesperson or company the target belongs to.",
    )
    # the same, in the reader's language (a team's name is translated; the stored name
    # above, for searching and grouping, is in the language it was set in)
    owner_label = fields.Char(
        "Owner (name)",
        compute="_compute_owner_label",
        help="The sales team, salesperson or company the target belongs to.",
    )
    team_leader_id = fields.Many2one(
        related="team_id.user_id", string="Team leader", help="The leader of the sales team."
    )
    can_edit = fields.Boolean(
        compute="_compute_can_edit",
        help="The current user may change this target: a sales manager, or the leader of "
        "its sales team.",
    )
    own_quota = fields.Boolean(
        "Your own quota",
        compute="_compute_own_quota",
        help="The target is the current user's own quota (their salesperson target, or the "
        "target of a team they lead): another sales manager submits, approves and changes "
        "it, unless the company allows self-approval.",
    )
    can_close = fields.Boolean(
        compute="_compute_can_close",
        help="The current user may close this target now: it is approved, its period has "
        "ended in its company's time zone, and they may change it.",
    )

    # ------------------------------------------------------------------
    # Team target and its salesperson targets
    # ------------------------------------------------------------------
    children_target_sum = fields.Float(
        "Sum of salesperson targets", compute="_compute_children_sums"
    )
    children_actual_sum = fields.Float(
        "Sum of salesperson actuals", compute="_compute_children_sums"
    )
    split_mismatch = fields.Boolean("Split no longer adds up", compute="_compute_children_sums")
    is_additive = fields.Boolean(compute="_compute_is_additive")
    value_warning = fields.Char(
        "Is the value right?",
        compute="_compute_value_warning",
        help="A draft's target or stretch value more than 10 times above or below the "
        "owner's record over the 12 months before the period.",
    )
    has_pipeline = fields.Boolean(
        compute="_compute_is_additive",
        help="The KPI is projected with the open pipeline and the owner's 12-month "
        "history (won revenue, won deals): only these are measured for it.",
    )
    has_figure = fields.Boolean(
        "Has a figure",
        compute="_compute_has_figure",
        help="Measured, with something to measure: a rate, an average, a lower-is-better "
        "KPI or a comparison with the previous period has no figure (not 0) until a "
        "record counts.",
    )
    coverage_label = fields.Char("Coverage", compute="_compute_value_label")
    history_note = fields.Char("History (in words)", compute="_compute_value_label")

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends("refreshed_at", "kpi_id.last_refresh", "refresh_failed", "state")
    def _compute_figures_as_of(self):
        # the last scheduled pass found nothing that moves the figures of the open
        # targets measured before it: they are those of its start (a failed target
        # keeps its own moment, a closed one the moment it was closed)
        checked = self.env["sales.kpi.refresh"].sudo().checked_at() if self else None
        for target in self:
            as_of = target.refreshed_at
            if as_of and not target.refresh_failed:
                as_of = max(as_of, target.kpi_id.last_refresh or as_of)
                if checked and target.state != "closed":
                    as_of = max(as_of, checked)
            target.figures_as_of = as_of

    @api.depends("team_id")
    def _compute_company_id(self):
        for target in self:
            target.company_id = target.team_id.company_id or target.company_id or self.env.company

    @api.depends("company_id")
    def _compute_currency_id(self):
        """The company's currency, unless the user chose another one."""
        for target in self:
            if target.currency_follows_company or not target.currency_id:
                target.currency_id = target.company_id.currency_id or self.env.company.currency_id

    @api.depends("period_type", "date_from")
    def _compute_date_to(self):
        for target in self:
            if target.period_type and target.period_type != "custom" and target.date_from:
                target.date_to = period_bounds(target.period_type, target.date_from)[1]
            elif not target.date_to:
                target.date_to = target.date_from

    @api.depends("period_type", "date_from", "date_to")
    def _compute_period_name(self):
        for target in self:
            if target.date_from and target.date_to:
                target.period_name = period_label(
                    target.period_type, target.date_from, target.date_to
                )
            else:
                target.period_name = False

    @api.depends("period_type", "date_from", "date_to")
    def _compute_period_id(self):
        """The target's period record, recorded with the target (not while a form is
        being filled: a new record only finds the periods already recorded)."""
        Period = self.env["sales.period"].sudo()
        saved = {(t.period_type, t.date_from, t.date_to) for t in self if t.id}
        unsaved = {(t.period_type, t.date_from, t.date_to) for t in self if not t.id}
        ids = Period._ids_for(saved)
        if unsaved - saved:
            ids.update(Period._ids_for(unsaved - saved, create=False))
        for target in self:
            target.period_id = ids.get((target.period_type, target.date_from, target.date_to))

    @api.depends(
        "kpi_id",
        "owner_type",
        "team_id",
        "user_id",
        "company_id",
        "period_type",
        "date_from",
        "date_to",
    )
    @api.depends_context("lang")
    def _compute_display_name(self):
        words = {}  # the targets of a list share a few periods
        for target in self:
            owner = {
                "team": target.team_id.name,
                "user": target.user_id.name,
                "company": target.company_id.name,
            }.get(target.owner_type)
            period = target._period_words(words) if target.date_from else False
            parts = [target.kpi_id.name, owner, period]
            target.display_name = " · ".join(p for p in parts if p)

    @api.depends("kpi_id.metric", "kpi_id.unit", "kpi_id.direction")
    def _compute_is_additive(self):
        for target in self:
            definition = target.kpi_id._metric_definition() if target.kpi_id else {}
            target.is_additive = bool(definition.get("additive"))
            target.has_pipeline = bool(definition.get("pipeline"))

    @api.depends(
        "refreshed_at", "actual_sample", "kpi_id.metric", "kpi_id.direction", "target_value"
    )
    def _compute_has_figure(self):
        for target in self:
            target.has_figure = bool(
                target._actual_is_known()
                and not figures.nothing_to_reach(
                    direction=target.direction, target=target.target_value
                )
            )

    def _actual_is_known(self):
        """Measured, with something to measure (see ``figures.has_figure``)."""
        self.ensure_one()
        return bool(
            self.kpi_id
            and self.refreshed_at
            and figures.has_figure(
                additive=self.is_additive,
                direction=self.direction,
                sample=self.actual_sample,
            )
        )

    @api.depends(
        "target_value",
        "actual_value",
        "actual_sample",
        "elapsed_ratio",
        "pipeline_value",
        "pipeline_weighted",
        "history_win_rate",
        "history_avg_deal",
        "history_meetings_per_win",
        "date_to",
        "kpi_id.unit",
        "kpi_id.direction",
        "refreshed_at",
    )
    def _compute_figures(self):
        for target in self:
            if not target.kpi_id:
                for fname in DERIVED_FIELDS:
                    target[fname] = False
                continue
            derived = target._derive_figures()
            if not target.refreshed_at:
                derived["status"] = False  # no status before a figure exists
            target.update(derived)

    def _derive_figures(self):
        self.ensure_one()
        definition = self.kpi_id._metric_definition()
        company = self.company_id or self.env.company
        return figures.derive(
            target=self.target_value,
            unit=self.kpi_id.unit,
            direction=self.kpi_id.direction,
            additive=definition["additive"],
            pipeline_kind=definition["pipeline"],
            actual=self.actual_value,
            sample=self.actual_sample,
            elapsed=self.elapsed_ratio,
            ended=bool(self.date_to) and self._company_today() > self.date_to,
            pipeline_value=self.pipeline_value,
            pipeline_weighted=self.pipeline_weighted,
            win_rate=self.history_win_rate,
            avg_deal=self.history_avg_deal,
            meetings_per_win=self.history_meetings_per_win,
            on_track=company.sales_target_on_track,
            at_risk=company.sales_target_at_risk,
            min_share=company.sales_target_min_share,
        )

    def _company_today(self):
        company = self.company_id or self.env.company
        return company._sales_today()[company.id]

    @api.depends(
        "actual_value",
        "actual_sample",
        "target_value",
        "stretch_value",
        "expected_value",
        "projected_value",
        "gap_value",
        "coverage_ratio",
        "history_win_rate",
        "attainment",
        "status",
        "date_to",
        "kpi_id.metric",
        "kpi_id.unit",
        "kpi_id.direction",
        "currency_id",
        "refreshed_at",
    )
    @api.depends("elapsed_ratio", "refreshed_at")
    @api.depends_context("lang")
    def _compute_elapsed_label(self):
        """Rounded as the summary says it ("73 % of the period's working days")."""
        number = self._number_format()
        for target in self:
            target.elapsed_label = target.refreshed_at and self.env._(
                "%(value)s %%", value=number(100 * target.elapsed_ratio, 0)
            )

    @api.depends_context("lang")
    def _compute_value_label(self):
        number = self._number_format()
        no_figure = self.env._("no figure")
        for target in self:
            fmt = functools.partial(target._format_value, number=number)
            measured = bool(target.refreshed_at)
            # measured, but nothing to measure (no deal closed, no customer of the
            # previous period): no figure, never 0
            known = target.has_figure
            target.target_label = fmt(target.target_value)
            if not measured:
                target.actual_label = False
                target.value_label = self.env._(
                    "not measured yet / %(target)s", target=target.target_label
                )
            elif not target._actual_is_known():
                target.actual_label = no_figure
                target.value_label = self.env._(
                    "no figure / %(target)s", target=target.target_label
                )
            else:
                target.actual_label = fmt(target.actual_value)
                target.value_label = f"{target.actual_label} / {target.target_label}"
            # the value only: the list's column and the form's label say what it is
            target.expected_label = (
                fmt(target.expected_value)
                if measured and target.is_additive and target.direction == "higher"
                else False
            )
            target.projected_label = fmt(target.projected_value) if known else False
            target.gap_label = target._gap_words(number) if known else False
            target.pace_label = target._pace_words(number) if known else False
            # coverage of what is missing: nothing when nothing is missing
            target.coverage_label = (
                self.env._("%(coverage)s×", coverage=number(target.coverage_ratio, 1))
                if known and target.has_pipeline and target.gap_value > 0
                else False
            )
            target.history_note = (
                self.env._(
                    "No deal won in the last 12 months: no win rate or average deal to go by."
                )
                if measured and target.has_pipeline and not target.history_win_rate
                else False
            )

    def _gap_words(self, number=None, gap=None, ahead=False):
        """What is still missing, or by how much the target is exceeded. ``gap``: another
        gap to this target than the actual's (the forecast's, from the commit), said with
        ``ahead``: "ahead by …" rather than "exceeded by …", since nothing is reached."""
        self.ensure_one()
        fmt = functools.partial(self._format_value, number=number)
        gap = self.gap_value if gap is None else gap
        if self.direction == "lower":
            if not self.actual_sample:
                return False
            if gap > 0:
                return self.env._("%(gap)s above the target", gap=fmt(gap))
            return self.env._("better than the target by %(gap)s", gap=fmt(-gap))
        if gap > 0:
            return self.env._("%(gap)s to go", gap=fmt(gap))
        if gap < 0 and ahead:
            return self.env._("ahead by %(gap)s", gap=fmt(-gap))
        if gap < 0:
            return self.env._("exceeded by %(gap)s", gap=fmt(-gap))
        if ahead:
            return self.env._("on target")
        return self.env._("reached exactly")

    def _pace_words(self, number=None):
        """Where the projection leads, for amounts and counts: "on course for 173 %"."""
        self.ensure_one()
        if not (self.is_additive and self.direction == "higher" and self.target_value > 0):
            return False
        if self._company_today() > self.date_to or not self.status:
            return False  # over, or too early to say
        share = 100.0 * self.projected_value / self.target_value
        number = number or self._number_format()
        return self.env._("on course for %(share)s %%", share=number(share, 0))

    @api.depends("period_type", "date_from", "date_to")
    @api.depends_context("lang")
    def _compute_period_label(self):
        words = {}
        for target in self:
            target.period_label = target._period_words(words) if target.date_from else False

    def _period_words(self, known=None):
        """The period in the user's language: "Dec 2026", "Q4 2026", "Week 49, 2026";
        ``known``: the words of the periods already said (a dict to fill)."""
        self.ensure_one()
        kind, first, last = self.period_type, self.date_from, self.date_to
        if known is None:
            return self._say_period(kind, first, last)
        key = (kind, first, last)
        if key not in known:
            known[key] = self._say_period(kind, first, last)
        return known[key]

    def _say_period(self, kind, first, last):
        return self.env["sales.period"]._say(kind, first, last)

    @api.depends("owner_type", "team_id.name", "user_id.name", "company_id.name")
    def _compute_owner_name(self):
        for target in self:
            target.owner_name = target._owner().name or False

    @api.depends("owner_type", "team_id.name", "user_id.name", "company_id.name")
    @api.depends_context("lang")
    def _compute_owner_label(self):
        for target in self:
            target.owner_label = target._owner().name or False

    def _owner(self):
        """The sales team, salesperson or company the target belongs to."""
        self.ensure_one()
        return {"team": self.team_id, "user": self.user_id}.get(self.owner_type, self.company_id)

    @api.depends("team_id.user_id", "team_id.so_parent_id")
    @api.depends_context("uid")
    def _compute_can_edit(self):
        manager = self._is_sales_manager()
        for target in self:
            target.can_edit = manager or (
                bool(target.team_id) and target.team_id._so_led_by(self.env.user)
            )

    @api.depends("owner_type", "user_id", "team_id.user_id", "company_id")
    @api.depends_context("uid")
    def _compute_own_quota(self):
        for target in self:
            target.own_quota = target._so_own_quota()

    def _so_own_quota(self):
        """Whether the target is the current user's own quota, which they may not set
        nor move through approval: their salesperson target, or the target of a team
        they lead (the leader's quota is the team's). The company's setting "Allow
        self-approval of quotas" lifts it; the superuser (data, jobs) is never bound."""
        self.ensure_one()
        if self.env.su:
            return False
        user = self.env.user
        own = (self.owner_type == "user" and self.user_id == user) or (
            self.owner_type == "team" and self.team_id.sudo().user_id == user
        )
        return own and not (self.company_id or self.env.company).sudo().sales_target_self_approval

    @api.depends("state", "date_to", "company_id", "team_id.user_id")
    @api.depends_context("uid")
    def _compute_can_close(self):
        today = (self.company_id | self.env.company)._sales_today()
        for target in self:
            company = target.company_id or self.env.company
            target.can_close = (
                target.can_edit
                and target.state == "confirmed"
                and bool(target.date_to)
                and today[company.id] > target.date_to
            )

    @api.depends("child_ids.target_value", "child_ids.actual_value", "target_value", "kpi_id")
    def _compute_children_sums(self):
        """The sums of every salesperson target of the split, also for a salesperson
        who reads only their own: whoever reads the team target may know how it is
        split in total (not the other parts), and a check on the parts one can read
        would report a mismatch that is not there. Summed in one grouped read (the
        salesperson targets the user may read are those in ``child_ids``)."""
        ids = [target._origin.id for target in self if target._origin.id]
        sums = {}
        if ids:
            for parent, target_sum, actual_sum, count in (
                self.env["sales.target"]
                .sudo()
                ._read_group(
                    [("parent_id", "in", ids)],
                    ["parent_id"],
                    ["target_value:sum", "actual_value:sum", "__count"],
                )
            ):
                sums[parent.id] = (target_sum, actual_sum, count)
        for target in self:
            target_sum, actual_sum, count = sums.get(target._origin.id, (0.0, 0.0, 0))
            target.children_target_sum = target_sum
            target.children_actual_sum = actual_sum
            target.split_mismatch = (
                bool(count)
                and target.is_additive
                and (
                    float_compare(
                        target_sum,
                        target.target_value,
                        precision_digits=target._value_digits(),
                    )
                    != 0
                )
            )

    def _value_digits(self):
        """Decimal places of this target's values (currency for money, else 2)."""
        self.ensure_one()
        if self.unit == "money":
            return self.currency_id.decimal_places
        if self.unit == "count":
            return 0
        return 2

    @api.depends(
        "actual_value",
        "target_value",
        "expected_value",
        "projected_value",
        "gap_value",
        "pipeline_value",
        "pipeline_weighted",
        "coverage_ratio",
        "opportunities_needed",
        "meetings_needed",
        "elapsed_ratio",
        "status",
        "refreshed_at",
        "actual_sample",
        "history_win_rate",
        "owner_type",
        "user_id",
    )
    @api.depends_context("lang", "uid")
    def _compute_summary(self):
        for target in self:
            target.summary = target._summary_html()

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------

    @api.constrains("date_from", "date_to", "period_type")
    def _check_period(self):
        labels = dict(PERIOD_TYPES)
        for target in self:
            if target.date_to < target.date_from:
                raise ValidationError(
                    self.env._(
                        "The target “%(target)s” ends (%(end)s) before it starts (%(start)s).",
                        target=target.display_name,
                        end=format_date(self.env, target.date_to),
                        start=format_date(self.env, target.date_from),
                    )
                )
            if not is_aligned(target.period_type, target.date_from, target.date_to):
                start, end = period_bounds(target.period_type, target.date_from)
                raise ValidationError(
                    self.env._(
                        "%(given_start)s – %(given_end)s is not one %(period)s: a %(period)s "
                        "target runs from %(start)s to %(end)s. Choose the period type "
                        "“Custom” for other dates.",
                        given_start=format_date(self.env, target.date_from),
                        given_end=format_date(self.env, target.date_to),
                        period=labels[target.period_type].lower(),
                        start=format_date(self.env, start),
                        end=format_date(self.env, end),
                    )
                )

    @api.constrains("target_value", "stretch_value", "manual_value", "kpi_id")
    def _check_values(self):
        for target in self:
            name = target.display_name
            if target.target_value < 0 or target.stretch_value < 0 or target.manual_value < 0:
                raise ValidationError(
                    self.env._(
                        "The values of the target “%(target)s” cannot be negative.", target=name
                    )
                )
            if target.unit == "percent" and max(target.target_value, target.stretch_value) > 100:
                raise ValidationError(
                    self.env._(
                        "The KPI of “%(target)s” is a percentage: its target and stretch "
                        "target cannot exceed 100.",
                        target=name,
                    )
                )
            if target.stretch_value:
                # the values in the target's unit: "5", "$ 5,000.00", "55.0 %"
                stretch = target._format_value(target.stretch_value)
                value = target._format_value(target.target_value)
                if target.direction == "lower" and target.stretch_value > target.target_value:
                    raise ValidationError(
                        self.env._(
                            "Lower is better for the KPI of “%(target)s”: its stretch target "
                            "(%(stretch)s) must be below the target (%(value)s).",
                            target=name,
                            stretch=stretch,
                            value=value,
                        )
                    )
                if target.direction != "lower" and target.stretch_value < target.target_value:
                    raise ValidationError(
                        self.env._(
                            "The stretch target of “%(target)s” (%(stretch)s) must be above "
                            "the target (%(value)s).",
                            target=name,
                            stretch=stretch,
                            value=value,
                        )
                    )

    @api.constrains("state", "target_value", "kpi_id")
    def _check_something_to_reach(self):
        """A submitted or approved target where higher is better needs a value above 0:
        a target of 0 is reached before anything is done (at once "achieved", 100 %).
        Whatever the path: the button, a write of the state, a target created approved,
        a plan or a split (which leave such parts as drafts, see ``_confirm_reachable``)."""
        for target in self:
            if target.state in ("submitted", "confirmed") and target._reached_by_nothing():
                raise ValidationError(
                    self.env._(
                        "“%(target)s” cannot be submitted or approved with a target of "
                        "%(value)s: it "
                        "would be achieved before anything is done. Set the value to reach "
                        "first.",
                        target=target.display_name,
                        value=target._format_value(target.target_value),
                    )
                )

    def _reached_by_nothing(self):
        """Whether the target is reached with nothing done: higher is better and the
        value to reach is 0 (or less)."""
        self.ensure_one()
        return (
            bool(self.kpi_id)
            and self.direction != "lower"
            and float_compare(self.target_value, 0.0, precision_digits=6) <= 0
        )

    @api.constrains("owner_type", "team_id", "user_id", "company_id")
    def _check_owner(self):
        for target in self:
            if target.owner_type == "team" and (not target.team_id or target.user_id):
                raise ValidationError(
                    self.env._("A sales team target needs a sales team and no salesperson.")
                )
            if target.owner_type == "company" and (target.team_id or target.user_id):
                raise ValidationError(
                    self.env._("A company target has neither a sales team nor a salesperson.")
                )
            if target.owner_type == "user":
                if not target.user_id or not target.team_id:
                    raise ValidationError(
                        self.env._(
                            "A salesperson target needs the salesperson and the sales team "
                            "they sell in."
                        )
                    )
                team = target.team_id.sudo()
                if target.user_id not in team.member_ids | team.user_id:
                    raise ValidationError(
                        self.env._(
                            "%(user)s is not a member of the sales team %(team)s: add them "
                            "to the team, or choose their own team.",
                            user=target.user_id.name,
                            team=team.name,
                        )
                    )
            if target.team_id.company_id and target.team_id.company_id != target.company_id:
                raise ValidationError(
                    self.env._(
                        "The sales team %(team)s belongs to %(company)s, not to "
                        "%(target_company)s.",
                        team=target.team_id.name,
                        company=target.team_id.company_id.name,
                        target_company=target.company_id.name,
                    )
                )

    @api.constrains(
        "kpi_id", "owner_type", "team_id", "user_id", "company_id", "date_from", "date_to", "active"
    )
    def _check_unique_live(self):
        """One live target per KPI, owner and period (one statement per batch)."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT t.id, o.id
                  FROM sales_target t
                  JOIN sales_target o
                    ON o.id != t.id AND o.active
                   AND o.kpi_id = t.kpi_id AND o.owner_type = t.owner_type
                   AND o.company_id = t.company_id
                   AND o.date_from = t.date_from AND o.date_to = t.date_to
                   AND (t.owner_type != 'team' OR o.team_id = t.team_id)
                   AND (t.owner_type != 'user' OR o.user_id = t.user_id)
                 WHERE t.id = ANY(%s) AND t.active
                 LIMIT 1
                """,
                self.ids,
            )
        )
        row = self.env.cr.fetchone()
        if row:
            other = self.browse(row[1]).sudo()
            raise ValidationError(
                self.env._(
                    "There is already a target for this KPI, owner and period: “%(other)s”. "
                    "Change that one, or archive it first.",
                    other=other.display_name,
                )
            )

    @api.onchange("currency_id")
    def _onchange_currency_id(self):
        self.currency_follows_company = self.currency_id == self.company_id.currency_id

    @api.onchange("period_type", "date_from")
    def _onchange_period(self):
        """Choosing a period type and a day gives the period that contains that day:
        both dates are set here, as they will be saved (the form shows them at once;
        its date widget shows a date the server set back to its former value too)."""
        if self.period_type and self.period_type != "custom" and self.date_from:
            self.date_from, self.date_to = period_bounds(self.period_type, self.date_from)
        if self.date_to and self.state == "draft" and self.date_to < self._company_today():
            return {
                "warning": {
                    "title": self.env._("A past period"),
                    "message": self.env._(
                        "This period ended on %(day)s: the target is for the past. Check the "
                        "dates before saving.",
                        day=format_date(self.env, self.date_to),
                    ),
                    "type": "notification",
                }
            }
        return None

    @api.model
    def _default_team_id(self):
        """The team the user leads, when he leads one in the company: a team leader's
        new targets are his team's."""
        teams = self.env["crm.team"].search(
            [("user_id", "=", self.env.uid), ("company_id", "in", (self.env.company.id, False))],
            limit=2,
        )
        return teams if len(teams) == 1 else False

    @api.onchange("owner_type")
    def _onchange_owner_type(self):
        """A company target has no team nor salesperson; a team leader's new targets
        are his team's (as the form opens, and when the owner changes)."""
        if self.owner_type == "company":
            self.team_id = False
            self.user_id = False
            return
        if self.owner_type == "team":
            self.user_id = False
        if not self.team_id and not self._origin:
            self.team_id = self._default_team_id()

    @api.onchange("user_id")
    def _onchange_user_id_team(self):
        """A salesperson of one sales team: that team (the target counts in it)."""
        if self.owner_type == "user" and self.user_id and not self.team_id:
            teams = self.user_id.sudo().crm_team_ids.filtered(
                lambda team: team.company_id in (self.company_id, self.env["res.company"])
            )
            if len(teams) == 1:
                self.team_id = teams

    @api.depends(
        "target_value",
        "stretch_value",
        "kpi_id",
        "period_type",
        "date_from",
        "date_to",
        "owner_type",
        "team_id",
        "user_id",
        "currency_id",
        "company_id",
        "state",
    )
    @api.depends_context("lang")
    def _compute_value_warning(self):
        """A warning (not a refusal) on the form of a draft, as the value is typed and
        after saving, when a value is far from what the owner reached before: a digit
        too many or too few. Once submitted, the value is the value."""
        for target in self:
            target.value_warning = target.state == "draft" and target._history_warning()

    def _history_warning(self):
        """Why the target or stretch value looks mistyped, from the owner's record
        over the last 12 months before the period (measured by the engine as for a
        plan's suggestion; an amount or a count scaled to the period's length), or
        False (no value, no record to compare with, or close enough)."""
        self.ensure_one()
        values = [
            (fname, self[fname])
            for fname in ("target_value", "stretch_value")
            if self[fname] and self[fname] > 0
        ]
        if not values or not self.kpi_id or self.is_manual or not self.date_from:
            return False
        if self.owner_type == "user" and not (self.user_id and self.team_id):
            return False
        if self.owner_type == "team" and not self.team_id:
            return False
        past = self._owner_record()
        if not past:
            return False
        for fname, value in values:
            ratio = value / past
            if ratio > HISTORY_FACTOR or ratio < 1 / HISTORY_FACTOR:
                label = self._fields[fname].get_description(self.env)["string"]
                if self.is_additive:
                    return self.env._(
                        "The %(field)s %(value)s is far from the record of %(owner)s: about "
                        "%(past)s over a period as long, from the last 12 months. Check the "
                        "value before saving.",
                        field=label.lower(),
                        value=self._format_value(value),
                        owner=self.owner_name or "",
                        past=self._format_record(past),
                    )
                return self.env._(
                    "The %(field)s %(value)s is far from the record of %(owner)s: %(past)s "
                    "over the last 12 months. Check the value before saving.",
                    field=label.lower(),
                    value=self._format_value(value),
                    owner=self.owner_name or "",
                    past=self._format_value(past),
                )
        return False

    def _format_record(self, past):
        """The owner's record scaled to the period, in the target's unit: a count of
        less than 10 keeps its decimal (0.4 deals a month, not 0)."""
        if self.unit == "count" and past < 10:
            return self._number_format()(past, 1)
        return self._format_value(past)

    def _owner_record(self):
        """The owner's actual of the target's KPI over the 12 months before the
        period (in the target's currency), scaled to the period's length for an
        amount or a count; 0 when nothing was measured."""
        self.ensure_one()
        last = self.date_from - timedelta(days=1)
        first = self.date_from - relativedelta(years=1)
        company = self.company_id or self.env.company
        ((actual, sample),) = self.env["sales.kpi.engine"].measure_kpi(
            self.kpi_id,
            [
                OwnerPeriod(
                    owner_type=self.owner_type,
                    team_id=self.team_id.id if self.owner_type != "company" else False,
                    user_id=self.user_id.id if self.owner_type == "user" else False,
                    company_id=company.id,
                    currency_id=(self.currency_id or company.currency_id).id,
                    date_from=first,
                    date_to=last,
                )
            ],
        )
        if not sample and not actual:
            return 0.0
        if not self.is_additive:
            return actual
        date_to = self.date_to or period_bounds(self.period_type, self.date_from)[1]
        days = (date_to - self.date_from).days + 1
        return actual * days / ((last - first).days + 1)

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    def _creation_message(self):
        """The chatter's first line, in this add-on's words (translated)."""
        self.ensure_one()
        return self.env._("Target created")

    @api.model
    def _so_can_create(self):
        """Sales managers and team leaders set targets; other salespeople read theirs."""
        if self._is_sales_manager():
            return True
        return bool(self.env["crm.team"].sudo().search_count([("user_id", "=", self.env.uid)]))

    @api.model
    def _so_sets_targets_of(self, team):
        """Whether the user sets the targets of ``team``: a sales manager, or its leader
        or the leader of a team above it (a region's leads its countries' teams);
        screens opened on another team's targets offer no New."""
        return self._is_sales_manager() or bool(team) and team._so_led_by(self.env.user)

    @api.model
    def get_import_templates(self):
        """The spreadsheet offered on the import screen: the columns of a target, as
        the import matches them, with an example of each kind of owner."""
        return [
            {
                "label": self.env._("Import Template for Targets"),
                "template": "/sales_objectives/static/xls/sales_target.csv",
            }
        ]

    @api.model
    def load(self, fields, data):
        """Odoo's import creates the rows together, then, when that fails, one by one,
        and puts the error of the whole batch first, dated at the batch's first row:
        the bad row's own message then reads "… at multiple rows" on the import
        screen. That repeat is left out: each error is said at the row it is about."""
        result = super().load(fields, data)
        messages = result.get("messages") or []
        if len(messages) > 1:
            first = messages[0]
            if any(
                other.get("message") == first.get("message")
                and other.get("rows") != first.get("rows")
                for other in messages[1:]
            ):
                result["messages"] = messages[1:]
        return result

    @api.model
    def _get_view_cache_key(self, view_id=None, view_type="form", **options):
        return (*super()._get_view_cache_key(view_id, view_type, **options), self._so_can_create())

    @api.model
    def _get_view(self, view_id=None, view_type="form", **options):
        """No button a user may not press: who sets no target gets no New, no Delete and
        no Submit or Approve in lists."""
        arch, view = super()._get_view(view_id, view_type, **options)
        if not self._so_can_create():
            for node in arch.xpath("/*"):
                node.set("create", "0")
                node.set("delete", "0")
            for button in arch.xpath("/list/header/button"):
                button.getparent().remove(button)
        return arch, view

    @api.model
    def fields_get(self, allfields=None, attributes=None):
        """Odoo offers Archive and Unarchive (Actions, the form's gear) wherever the field
        "active" is writable: not to who sets no target."""
        result = super().fields_get(allfields, attributes)
        if "active" in result and not self.env.su and not self._so_can_create():
            result["active"]["readonly"] = True
        return result

    @api.model
    def default_get(self, fields_list):
        """A new target is refused up front to whom may not create one (rather than
        after the form is filled)."""
        if not self.env.su and not self._so_can_create():
            raise AccessError(
                self.env._(
                    "Sales managers and team leaders set targets; ask yours to set one for you."
                )
            )
        return super().default_get(fields_list)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_no_measured_figures(vals)
            if vals.get("state", "draft") not in ("draft", "submitted", "confirmed"):
                raise UserError(
                    self.env._(
                        "A target is created as a draft, submitted or approved; it is closed "
                        "once its period has ended."
                    )
                )
            period_type = vals.get("period_type", "month")
            if period_type != "custom" and vals.get("date_from") and not vals.get("date_to"):
                day = fields.Date.to_date(vals["date_from"])
                vals["date_from"] = period_bounds(period_type, day)[0]
            self._check_may_set(vals.get("team_id"))
        targets = super().create(vals_list)
        # created submitted or approved: as if it were created a draft, then moved
        for target in targets:
            target._so_check_own_figures(QUOTA_FIELDS)
            if target.state != "draft":
                target._so_check_move("draft", target.state)
        for target, vals in zip(targets, vals_list, strict=True):
            # who submits is the user, but for data loaded as the system (the demo)
            if target.state == "submitted" and not (self.env.su and vals.get("submitted_by_id")):
                target.submitted_by_id = self.env.user
        self.env["sales.target.audit"]._so_created(targets, vals_list)
        chosen = targets.filtered(
            lambda t: t.currency_follows_company and t.currency_id != t.company_id.currency_id
        )
        if chosen:
            chosen.currency_follows_company = False
        targets.filtered(lambda t: t.state == "confirmed")._refresh()
        if not self.env.context.get(NOTIFY_LATER):
            targets._so_notify_set()
        return targets

    def _check_no_measured_figures(self, vals):
        written = MEASURED_FIELDS & set(vals)
        if written:
            raise UserError(
                self.env._(
                    "The figures of a target are measured from the CRM, not typed: "
                    "%(fields)s cannot be written.",
                    fields=", ".join(
                        sorted(self._fields[f].get_description(self.env)["string"] for f in written)
                    ),
                )
            )

    def _is_sales_manager(self):
        return self.env.su or self.env.user.has_group("sales_team.group_sale_manager")

    def _check_may_set(self, team_id):
        """Said plainly before the record rules refuse it in Odoo's words: a team's
        targets are set by its leader (or the leader of a team above it: a region's) or
        a sales manager; the company's by a manager."""
        if self._is_sales_manager():
            return
        team = self.env["crm.team"].browse(team_id).sudo() if team_id else None
        if not team:
            raise AccessError(self.env._("Only a sales manager can set the company's targets."))
        if not team._so_led_by(self.env.user):  # its leader, or a team's above it
            raise AccessError(
                self.env._(
                    "Only the leader of the sales team “%(team)s” or a sales manager can set "
                    "its targets.",
                    team=team.name,
                )
            )

    def _check_state_change(self, vals):
        """The target's life cycle holds whatever the path: draft -> submitted ->
        approved (key "confirmed") -> closed (once the period has ended), and only sales
        managers reopen; who may move it: ``_so_check_move``."""
        closed = self.filtered(lambda t: t.state == "closed")
        own_fields = {f for f in vals if f in self._fields and not self._is_mixin_field(f)}
        if closed and own_fields:
            if not self._is_sales_manager():
                raise AccessError(
                    self.env._(
                        "The target “%(target)s” is closed: its final figures are kept. Only "
                        "a sales manager can reopen it.",
                        target=closed[0].display_name,
                    )
                )
            if own_fields - CLOSED_EDITABLE:
                raise UserError(
                    self.env._(
                        "The target “%(target)s” is closed: reopen it before changing it.",
                        target=closed[0].display_name,
                    )
                )
        if "state" not in vals:
            return
        new = vals["state"]
        for target in self:
            old = target.state
            if old == new:
                continue
            if (old, new) not in MOVES:
                raise UserError(
                    self.env._(
                        "The target “%(target)s” goes from draft to submitted to approved to "
                        "closed: it cannot go from %(old)s to %(new)s.",
                        target=target.display_name,
                        old=dict(self._fields["state"]._description_selection(self.env))[old],
                        new=dict(self._fields["state"]._description_selection(self.env))[new],
                    )
                )
            if new == "closed" and target._company_today() <= target.date_to:
                raise UserError(
                    self.env._(
                        "The period of “%(target)s” has not ended yet (it ends on %(date)s).",
                        target=target.display_name,
                        date=format_date(self.env, target.date_to),
                    )
                )
            target._so_check_move(old, new)

    def _so_check_move(self, old, new):
        """Who may move this target from ``old`` to ``new`` (a move of ``MOVES``), said
        plainly: a team leader or a sales manager submits; a sales manager approves
        (a draft or a submitted target), sends back (with a reason) and resets to draft;
        nobody does any of it on their own quota (``_so_own_quota``). Closing and
        reopening keep their own rules (``action_close``, ``_check_state_change``)."""
        self.ensure_one()
        if self.env.su or (old, new) in (("confirmed", "closed"), ("closed", "confirmed")):
            return
        name = self.display_name
        if (old, new) == ("draft", "submitted"):
            if not self._so_sets_targets_of(self.team_id):
                raise AccessError(
                    self.env._(
                        "Only the leader of the sales team or a sales manager submits "
                        "“%(target)s”.",
                        target=name,
                    )
                )
        elif not self._is_sales_manager():
            if new == "confirmed":
                message = self.env._(
                    "Only a sales manager approves a target: submit “%(target)s” for approval.",
                    target=name,
                )
            elif old == "submitted":
                message = self.env._(
                    "Only a sales manager sends back a submitted target: “%(target)s”.",
                    target=name,
                )
            else:
                message = self.env._(
                    "Only a sales manager resets an approved target to draft: “%(target)s”.",
                    target=name,
                )
            raise AccessError(message)
        if self._so_own_quota():
            raise AccessError(
                self.env._(
                    "“%(target)s” is your own quota: another sales manager submits, approves, "
                    "sends back or resets it.",
                    target=name,
                )
            )
        if (old, new) == ("submitted", "draft") and not self.env.context.get(SEND_BACK_REASON):
            raise UserError(
                self.env._(
                    "A submitted target goes back to draft with a reason: press Send back on "
                    "“%(target)s”.",
                    target=name,
                )
            )

    def _so_check_own_figures(self, fnames):
        """Nobody sets the figures of their own quota (value, stretch, period, owner,
        bonus terms): another sales manager does (unless self-approval is allowed)."""
        written = QUOTA_FIELDS & set(fnames)
        if not written or self.env.su:
            return
        for target in self:
            if target._so_own_quota():
                raise AccessError(
                    self.env._(
                        "“%(target)s” is your own quota: another sales manager sets %(fields)s.",
                        target=target.display_name,
                        fields=", ".join(
                            sorted(
                                target._fields[f].get_description(self.env)["string"]
                                for f in written
                            )
                        ),
                    )
                )

    @api.model
    def _is_mixin_field(self, fname):
        """Fields of the chatter and activity mixins (followers, messages, activities)."""
        return fname.startswith(("message_", "activity_", "website_message")) or fname in (
            "has_message",
        )

    def write(self, vals):
        # a measured figure is never typed, whoever types it
        self._check_no_measured_figures(vals)
        if vals.get("state") == "submitted" and "submitted_by_id" not in vals:
            vals = dict(vals, submitted_by_id=self.env.uid)
        if not self.env.su and any(f in self._fields and not self._is_mixin_field(f) for f in vals):
            # then who may change the target at all, before what state it is in
            for team_id in {target.team_id.id for target in self}:
                self._check_may_set(team_id)
        self._check_state_change(vals)
        self._so_check_own_figures(vals)
        locked = self.filtered(lambda t: t.state != "draft")
        if locked and LOCKED_FIELDS & set(vals):
            for target in locked:
                changed = [f for f in LOCKED_FIELDS & set(vals) if target._differs(f, vals[f])]
                if changed:
                    raise UserError(
                        self.env._(
                            "The target “%(target)s” is no longer a draft: send it back or "
                            "reset it to draft to change %(fields)s.",
                            target=target.display_name,
                            fields=", ".join(
                                target._fields[f].get_description(self.env)["string"]
                                for f in changed
                            ),
                        )
                    )
        audited = self.env["sales.target.audit"]._so_before_write(self, vals)
        result = super().write(vals)
        self.env["sales.target.audit"]._so_after_write(self, vals, audited)
        if OWNER_FIELDS & set(vals) and not self.env.su:
            for team_id in {target.team_id.id for target in self}:
                self._check_may_set(team_id)
            # the same rule as for create: the user must be allowed to write the
            # target where it now belongs, and it must not have become their own quota
            self.check_access("write")
            self._so_check_own_figures(vals)
        if "currency_id" in vals:
            for target in self:
                follows = target.currency_id == target.company_id.currency_id
                if target.currency_follows_company != follows:
                    target.currency_follows_company = follows
        if "manual_value" in vals:
            self.filtered(lambda t: t.is_manual)._refresh()
        if vals.get("user_id") and not self.env.context.get(NOTIFY_LATER):
            self._so_notify_set()
        return result

    def _differs(self, fname, value):
        """Whether writing ``value`` would change field ``fname`` of this target."""
        field = self._fields[fname]
        current = self[fname]
        if field.type == "many2one":
            return current.id != (value or False)
        if field.type == "date":
            return current != fields.Date.to_date(value)
        if field.type == "float":
            return float_compare(current, value or 0.0, precision_digits=6) != 0
        return current != value

    @api.ondelete(at_uninstall=False)
    def _unlink_except_confirmed(self):
        if any(t.state != "draft" for t in self):
            raise UserError(self.env._("Only draft targets can be deleted; archive the others."))

    def action_archive(self):
        self._so_check_archive()
        return super().action_archive()

    def action_unarchive(self):
        self._so_check_archive()
        return super().action_unarchive()

    def _so_check_archive(self):
        """Who may archive or unarchive these targets, said plainly: sales managers; a
        team leader the targets of the teams they lead, except closed ones."""
        if self._is_sales_manager():
            return
        if not self._so_can_create():
            raise AccessError(
                self.env._(
                    "Sales managers and team leaders archive targets; ask yours to archive "
                    "this one."
                )
            )
        if self.sudo().filtered(lambda t: not t.team_id or not t.team_id._so_led_by(self.env.user)):
            raise AccessError(
                self.env._(
                    "You archive the targets of the teams you lead only; ask a sales manager "
                    "for the others."
                )
            )
        closed = self.sudo().filtered(lambda t: t.state == "closed")
        if closed:
            raise AccessError(
                self.env._(
                    "Only a sales manager archives a closed target: “%(target)s”.",
                    target=closed[0].display_name,
                )
            )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_submit(self):
        """Submits these drafts for a sales manager's approval (a team leader, a sales
        manager; never one's own quota)."""
        drafts = self.filtered(lambda t: t.state == "draft")
        drafts.write({"state": "submitted", "submitted_by_id": self.env.uid})
        return True

    def action_confirm(self):
        """Approves these drafts and submitted targets (sales managers; never one's own
        quota): from now on they count."""
        todo = self.filtered(lambda t: t.state in ("draft", "submitted"))
        todo.write({"state": "confirmed"})
        todo._refresh()
        return True

    def _confirm_reachable(self):
        """Approves these drafts (a sales manager) or submits them (a team leader), but
        those with nothing to reach: the part of 0 a split gives a salesperson in whole
        units (2 deals over 3: 1, 1, 0) stays a draft, for whoever set it to give it a
        value or delete it, rather than count as achieved at once. Returns the drafts
        left."""
        drafts = self.filtered(lambda t: t.state == "draft")
        left = drafts.filtered(lambda t: t._reached_by_nothing())
        if self._is_sales_manager():
            (drafts - left).action_confirm()
        else:
            (drafts - left).action_submit()
        return left

    def action_send_back(self):
        """Asks a sales manager for the reason, then returns these submitted targets to
        draft (``sales.target.send.back``)."""
        return self.env["sales.target.send.back"]._open({"target_ids": self.ids})

    def _so_send_back(self, reason):
        """Returns these submitted targets to draft with ``reason``: posted in each
        target's chatter, and told to their owner and to who submitted them, in their
        language (one message each)."""
        submitted = self.filtered(lambda t: t.state == "submitted")
        if not submitted:
            raise UserError(self.env._("Only submitted targets are sent back."))
        if not (reason or "").strip():
            raise UserError(self.env._("Say why the targets are sent back."))
        by_user = {}
        for target in submitted:
            owner = target.user_id if target.owner_type == "user" else target.team_id.sudo().user_id
            for user in owner | target.submitted_by_id:
                if user != self.env.user and not user.share:
                    by_user.setdefault(user, self.browse())
                    by_user[user] |= target
        # the reason goes with the state's line in the target's history too
        submitted.with_context(**{SEND_BACK_REASON: reason, AUDIT_REASON: reason}).write(
            {"state": "draft"}
        )
        author = self.env.user.name
        for target in submitted:
            target.message_post(
                body=Markup("<p>%s</p><p>%s</p>")
                % (self.env._("Sent back to draft by %(author)s:", author=author), reason),
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
        for user, targets in by_user.items():
            local = targets.with_context(lang=user.lang or self.env.lang)
            record = local[:1] if len(local) == 1 else (local.plan_id[:1] or local[:1])
            items = Markup("").join(Markup("<li>%s</li>") % target.display_name for target in local)
            record.message_notify(
                partner_ids=user.partner_id.ids,
                subject=local.env._("Sent back: %(target)s", target=record.display_name),
                body=Markup("<p>%s</p><ul>%s</ul><p>%s</p>")
                % (
                    local.env._("%(author)s sent these targets back to draft:", author=author),
                    items,
                    reason,
                ),
                record_name=record.display_name,
                email_layout_xmlid="mail.mail_notification_layout",
                model_description=local.env["ir.model"]._get(record._name).display_name,
            )
        return True

    def action_reset_draft(self):
        self.filtered(lambda t: t.state == "confirmed").write({"state": "draft"})
        return True

    def action_close(self):
        for target in self:
            if target.state != "confirmed":
                raise UserError(
                    self.env._(
                        "Only approved targets can be closed: “%(target)s”.",
                        target=target.display_name,
                    )
                )
            if target._company_today() <= target.date_to:
                raise UserError(
                    self.env._(
                        "The period of “%(target)s” has not ended yet (it ends on %(date)s).",
                        target=target.display_name,
                        date=format_date(self.env, target.date_to),
                    )
                )
        self.check_access("write")
        failed = self._refresh()
        # a target whose final measure failed stays open: it is retried, and closed
        # once measured (its KPI shows why)
        measured = self.filtered(lambda t: t.kpi_id.id not in failed)
        measured.write({"state": "closed"})
        if failed:
            return self._failed_notification(failed, closing=True)
        return True

    def action_reopen(self):
        if not self._is_sales_manager():
            raise AccessError(self.env._("Only sales managers can reopen closed targets."))
        self.filtered(lambda t: t.state == "closed").write({"state": "confirmed"})
        self._refresh()
        return True

    def action_refresh(self):
        """Measures these targets now. What could be measured is stored; a KPI that
        failed is named in a warning (its targets keep their last figures)."""
        self.check_access("read")
        failed = self._refresh()
        if failed:
            return self._failed_notification(failed)
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    def _failed_notification(self, failed_kpi_ids, closing=False):
        """A warning naming the KPIs that could not be measured; the reason (an
        internal error) only for sales managers, who can mend the KPI."""
        kpis = self.env["sales.kpi"].sudo().browse(failed_kpi_ids)
        names = ", ".join(kpis.mapped("name"))
        if closing:
            message = self.env._(
                "These KPIs could not be measured, so their targets stay open and will be "
                "closed once measured: %(kpis)s.",
                kpis=names,
            )
        else:
            message = self.env._(
                "These KPIs could not be measured; their targets keep their last figures: "
                "%(kpis)s.",
                kpis=names,
            )
        if self._is_sales_manager():
            reason = self.env._("Reason: %(error)s", error=kpis[0].last_error or "")
            message = f"{message} {reason}"
        else:
            reason = self.env._("Your sales manager can see why on the KPI.")
            message = f"{message} {reason}"
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Refresh incomplete"),
                "message": message,
                "type": "warning",
                "sticky": True,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_open_records(self):
        """The records counted in the actual, exactly."""
        self.ensure_one()
        model, ids = self.env["sales.kpi.engine"].counted_records(self)
        if not model:
            raise UserError(self.env._("The actual of a manual KPI is typed, not counted."))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Counted in %(target)s", target=self.display_name),
            "res_model": model,
            "view_mode": "list,form",
            "views": [
                (
                    self.env.ref("crm.crm_case_tree_view_oppor").id
                    if model == "crm.lead"
                    else False,
                    "list",
                ),
                (False, "form"),
            ],
            "domain": [("id", "in", ids)],
            "context": {"active_test": False, "create": False, **self._credit_context()},
            # the records counted, or none: never Odoo's faded sample records
            "useSampleModel": False,
            "help": Markup("<p>%s</p>")
            % self.env._("No record is counted in the actual of this target."),
        }

    def _credit_context(self):
        """The context of the "Counted in" list: whose share of each record it shows."""
        if self.owner_type == "user":
            return {
                CREDIT_USER: self.user_id.id,
                CREDIT_OVERLAY: self.kpi_id.count_overlay,
            }
        if self.owner_type == "team":
            return {CREDIT_TEAM: self.team_id.id}
        return {}

    def action_open_children(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sales_objectives.sales_target_action"
        )
        action.update(
            domain=[("parent_id", "=", self.id)], context={"search_default_group_user": 0}
        )
        return action

    def action_split(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Split over salespeople"),
            "res_model": "sales.target.split",
            "view_mode": "form",
            "target": "new",
            "context": {"default_target_id": self.id},
        }

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    def _refresh(self):
        """Measures these targets (closed ones keep their final actual)."""
        if not self:
            return []
        return self.env["sales.kpi.engine"].refresh(self)

    @api.model
    @run_again_on_conflict
    def _cron_refresh_actuals(self, batch_size=None):
        """The scheduled refresh (models/sales_kpi_refresh.py): a full pass once a
        day and when rates, calendars or companies change, KPI by KPI in batches of
        about ``batch_size`` targets (the cron calls again while some remain); else an
        incremental pass over what changed since the last one. A failing KPI is tried
        once per pass like the others: it never holds up the rest."""
        if batch_size is None:
            batch_size = int(
                self.env["ir.config_parameter"]
                .sudo()
                .get_param("sales_objectives.refresh_batch_size", 50000)
            )
        done, remaining = self.env["sales.kpi.refresh"]._run_scheduled(batch_size)
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        _logger.info("Sales objectives: refreshed %s targets, %s remaining", done, remaining)

    @api.model
    @run_again_on_conflict
    def _cron_close_ended(self):
        """Closes the approved targets whose period has ended in their company's time
        zone, after a final refresh; a target whose final refresh failed stays open
        (it is retried at the next run, and its KPI shows why)."""
        # no time zone is more than 14 hours ahead of UTC: the local date is at most
        # the UTC date + 1 day
        latest = fields.Date.today() + timedelta(days=1)
        candidates = self.sudo().search([("state", "=", "confirmed"), ("date_to", "<", latest)])
        today = candidates.company_id._sales_today()
        ended = candidates.filtered(lambda t: today[t.company_id.id] > t.date_to)
        failed = ended._refresh()
        ended.filtered(lambda t: t.kpi_id.id not in failed).write({"state": "closed"})

    def _format_value(self, value, number=None):
        """A value in the target's unit, for people, with the language's separators:
        an amount in the target's currency, a count as a whole number, a percentage,
        days. ``number``: the formatter of ``_number_format`` (else one is made)."""
        self.ensure_one()
        number = number or self._number_format()
        if self.unit == "money":
            return number.amount(value, self.currency_id)
        if self.unit == "percent":
            return self.env._("%(value)s %%", value=number(value, 1))
        if self.unit == "days":
            return self.env._("%(value)s days", value=number(value, 1))
        return number(value, 0)

    def _number_format(self):
        """Numbers and amounts in the user's language, as Odoo's ``formatLang`` and
        ``format_amount`` write them, with the language read once (they look it up
        again for every number: most of the time of a list of targets)."""
        return NumberFormat(get_lang(self.env))

    def _summary_html(self):
        """The figures, pace and coverage of the target in plain words; a figure that
        is not known is left out; a team target speaks of the team, a salesperson's
        target of the salesperson by name (of "you" to the salesperson)."""
        self.ensure_one()
        if not self.kpi_id or not self.refreshed_at:
            return Markup("<p>%s</p>") % self.env._(
                "Not measured yet: approve the target or press Refresh."
            )
        number = self._number_format()
        fmt = functools.partial(self._format_value, number=number)
        if self._actual_is_known() and not self.has_figure:
            # a higher-is-better target of 0: nothing to reach, so no attainment
            return Markup("<p>%s</p>") % self.env._(
                "Actual %(actual)s. The target is %(target)s: there is nothing to reach, "
                "so no attainment and no status; set the value to reach.",
                actual=fmt(self.actual_value),
                target=fmt(self.target_value),
            )
        if not self.has_figure:
            return Markup("<p>%s</p>") % self.env._(
                "No figure: nothing was measured for this KPI in the period (no record "
                "counts yet), so there is no attainment and no status."
            )
        lines = [
            self.env._(
                "Actual %(actual)s of %(target)s: %(attainment)s %% of the target.",
                actual=fmt(self.actual_value),
                target=fmt(self.target_value),
                attainment=number(self.attainment, 0),
            )
        ]
        ended = self._company_today() > self.date_to
        elapsed = number(100 * self.elapsed_ratio, 0)
        if self.status == "achieved":
            lines.append(self.env._("The target is reached."))
        elif ended:
            lines.append(self.env._("The period has ended without reaching the target."))
        elif not self.status:
            lines.append(
                self.env._(
                    "Too early to judge: %(elapsed)s %% of the period's working days have passed.",
                    elapsed=elapsed,
                )
            )
        elif self.is_additive and self.direction == "higher":
            verdict = (
                self.env._("ahead of pace")
                if self.actual_value >= self.expected_value
                else self.env._(
                    "%(missing)s behind pace", missing=fmt(self.expected_value - self.actual_value)
                )
            )
            lines.append(
                self.env._(
                    "%(elapsed)s %% of the period's working days have passed, so %(expected)s "
                    "would be on pace: %(verdict)s, %(course)s.",
                    elapsed=elapsed,
                    expected=fmt(self.expected_value),
                    verdict=verdict,
                    course=self.pace_label,
                )
            )
        if self.has_pipeline and self.status != "achieved" and not ended:
            lines.append(
                self.env._(
                    "Open pipeline due in the period: %(pipeline)s (weighted %(weighted)s), "
                    "covering %(coverage)s× the %(gap)s still missing. Projection: %(projection)s.",
                    pipeline=fmt(self.pipeline_value),
                    weighted=fmt(self.pipeline_weighted),
                    coverage=number(self.coverage_ratio, 1),
                    gap=fmt(self.gap_value),
                    projection=fmt(self.projected_value),
                )
            )
            if self.opportunities_needed:
                lines.append(self._opportunities_words())
                if self.meetings_needed:
                    lines.append(
                        self.env._(
                            "That is about one meeting, at the usual number of meetings per "
                            "won deal."
                        )
                        if self.meetings_needed == 1
                        else self.env._(
                            "That is about %(meetings)s meetings, at the usual number of "
                            "meetings per won deal.",
                            meetings=self.meetings_needed,
                        )
                    )
            elif self.gap_value > self.pipeline_weighted:
                lines.append(
                    self.env._(
                        "Not enough won and lost deals in the last 12 months to tell how "
                        "many more opportunities are needed."
                    )
                )
        elif not self.is_additive and self.status not in ("achieved", False) and not ended:
            lines.append(
                self.env._("Projection: %(projection)s.", projection=fmt(self.projected_value))
            )
        return Markup("").join(Markup("<p>%s</p>") % escape(line) for line in lines)

    def _opportunities_words(self):
        """How many more opportunities the target needs, at whose usual win rate and
        deal size: the team's, the company's, the salesperson's by name, or "your" for
        the salesperson reading their own target. A whole sentence per case (and for
        one or more), for translators."""
        self.ensure_one()
        count = self.opportunities_needed
        one = count == 1
        if self.owner_type == "team":
            if one:
                return self.env._(
                    "Beyond that pipeline, at the team's usual win rate and deal size, about "
                    "one more opportunity is needed."
                )
            return self.env._(
                "Beyond that pipeline, at the team's usual win rate and deal size, about "
                "%(opportunities)s more opportunities are needed.",
                opportunities=count,
            )
        if self.owner_type == "company":
            if one:
                return self.env._(
                    "Beyond that pipeline, at the company's usual win rate and deal size, "
                    "about one more opportunity is needed."
                )
            return self.env._(
                "Beyond that pipeline, at the company's usual win rate and deal size, about "
                "%(opportunities)s more opportunities are needed.",
                opportunities=count,
            )
        if self.user_id == self.env.user:
            if one:
                return self.env._(
                    "Beyond that pipeline, at your usual win rate and deal size, about one "
                    "more opportunity is needed."
                )
            return self.env._(
                "Beyond that pipeline, at your usual win rate and deal size, about "
                "%(opportunities)s more opportunities are needed.",
                opportunities=count,
            )
        if one:
            return self.env._(
                "Beyond that pipeline, at the usual win rate and deal size of %(name)s, about "
                "one more opportunity is needed.",
                name=self.user_id.name,
            )
        return self.env._(
            "Beyond that pipeline, at the usual win rate and deal size of %(name)s, about "
            "%(opportunities)s more opportunities are needed.",
            name=self.user_id.name,
            opportunities=count,
        )

    # ------------------------------------------------------------------
    # Which figures add up in a group (sales_figure_grouping.py): the targets' pivot,
    # graph and list group rows
    # ------------------------------------------------------------------
    @api.model
    def _so_figures(self):
        figures = dict.fromkeys(
            [
                "target_value",
                "stretch_value",
                "manual_value",
                "actual_value",
                "expected_value",
                "projected_value",
                "gap_value",
                "pipeline_value",
                "pipeline_weighted",
                "pipeline_commit",
                "pipeline_best",
            ],
            KPI_UNIT,
        )
        figures.update(
            dict.fromkeys(["actual_sample", "opportunities_needed", "meetings_needed"], RECORDS)
        )
        figures.update(
            dict.fromkeys(
                [
                    "attainment",
                    "coverage_ratio",
                    "elapsed_ratio",
                    "history_win_rate",
                    "history_avg_deal",
                    "history_meetings_per_win",
                    "bonus_floor",
                    "bonus_accelerator",
                ],
                OWN_RATE,
            )
        )
        figures.update(dict.fromkeys(["bonus_base", "bonus_cap", "bonus_payout"], MONEY))
        return figures

    # ------------------------------------------------------------------
    # Incentives: optional bonus tiers on a salesperson's target and the estimated
    # payout (tools/figures.py ``bonus_payout``), recomputed when the tiers change
    # and, in SQL (``PAYOUT_SQL``), by the refresh engine when the attainment changes
    # ------------------------------------------------------------------
    bonus_base = fields.Monetary(
        "Bonus at 100 %",
        groups="sales_team.group_sale_manager",
        currency_field="currency_id",
        tracking=True,
        help="What the salesperson earns when the target is reached exactly; leave "
        "empty for no bonus.",
    )
    bonus_floor = fields.Float(
        "No bonus below (%)",
        groups="sales_team.group_sale_manager",
        default=80.0,
        tracking=True,
        help="Below this attainment, no bonus; from it up to 100 %, the bonus grows with "
        "the attainment (80 % of the target: 80 % of the bonus).",
    )
    bonus_accelerator = fields.Float(
        "Accelerator above 100 %",
        groups="sales_team.group_sale_manager",
        default=1.0,
        tracking=True,
        help="Points of the bonus earned per point of attainment above 100 %: 2 pays "
        "twice as fast beyond the target.",
    )
    bonus_cap = fields.Monetary(
        "Bonus cap",
        groups="sales_team.group_sale_manager",
        currency_field="currency_id",
        tracking=True,
        help="The most the bonus can pay; leave empty for no cap.",
    )
    bonus_payout = fields.Monetary(
        "Estimated bonus",
        groups="sales_team.group_sale_manager",
        currency_field="currency_id",
        compute="_compute_bonus_payout",
        store=True,
        help="The bonus the current attainment would pay.",
    )

    # what a salesperson sees of their own bonus, and a team leader of their team's;
    # nobody else but sales managers (who set the bonuses and analyse the payouts).
    # The target names whose bonus it is: the labels say "the bonus", not "my bonus"
    # (the team leader reads them too)
    my_bonus_base = fields.Monetary(
        "Bonus at 100 % of the target", currency_field="currency_id", compute="_compute_my_bonus"
    )
    my_bonus_payout = fields.Monetary(
        "Estimated bonus so far", currency_field="currency_id", compute="_compute_my_bonus"
    )
    my_bonus_terms = fields.Char("Bonus terms", compute="_compute_my_bonus")

    @api.depends_context("uid", "lang")
    @api.depends("bonus_base", "bonus_payout", "user_id", "team_id.user_id", "state")
    def _compute_my_bonus(self):
        uid = self.env.uid
        number = self._number_format()
        for target, sudo in zip(self, self.sudo()):
            if sudo.bonus_base and uid in (sudo.user_id.id, sudo.team_id.user_id.id):
                target.my_bonus_base = sudo.bonus_base
                # nothing is earned on a quota not approved yet
                approved = sudo.state in ("confirmed", "closed")
                target.my_bonus_payout = sudo.bonus_payout if approved else 0.0
                floor = _number(number, sudo.bonus_floor)
                accelerator = _number(number, sudo.bonus_accelerator)
                cap = ""
                if sudo.bonus_cap:
                    cap = self.env._(", at most %(cap)s", cap=sudo._format_money(sudo.bonus_cap))
                target.my_bonus_terms = self.env._(
                    "nothing below %(floor)s %% of the target, %(accelerator)s× above 100 %%"
                    "%(cap)s",
                    floor=floor,
                    accelerator=accelerator,
                    cap=cap,
                )
            else:
                target.my_bonus_base = target.my_bonus_payout = 0.0
                target.my_bonus_terms = False

    def _format_money(self, amount):
        return self._number_format().amount(amount, self.currency_id)

    @api.depends("attainment", "bonus_base", "bonus_floor", "bonus_accelerator", "bonus_cap")
    def _compute_bonus_payout(self):
        for target in self:
            target.bonus_payout = figures.bonus_payout(
                target.attainment,
                target.bonus_base,
                target.bonus_floor,
                target.bonus_accelerator,
                target.bonus_cap,
            )

    @api.constrains(
        "bonus_base", "bonus_floor", "bonus_accelerator", "bonus_cap", "owner_type", "currency_id"
    )
    def _check_bonus(self):
        for target in self.sudo().filtered("bonus_base"):
            if target.owner_type != "user":
                raise ValidationError(
                    self.env._(
                        "A bonus is paid to a person: set it on a salesperson's target, "
                        "not on “%(target)s”.",
                        target=target.display_name,
                    )
                )
            if target.currency_id != target.company_id.currency_id:
                raise ValidationError(
                    self.env._(
                        "The bonus of “%(target)s” is paid in its company's currency "
                        "(%(currency)s): give the target that currency.",
                        target=target.display_name,
                        currency=target.company_id.currency_id.name,
                    )
                )
            if (
                target.bonus_base < 0
                or target.bonus_cap < 0
                or target.bonus_accelerator < 0
                or not 0 <= target.bonus_floor <= 100
            ):
                raise ValidationError(
                    self.env._(
                        "The bonus of “%(target)s” needs amounts and an accelerator of 0 "
                        "or more, and a floor between 0 and 100 %%.",
                        target=target.display_name,
                    )
                )
            if target.bonus_cap and target.bonus_cap < target.bonus_base:
                raise ValidationError(
                    self.env._(
                        "The bonus cap of “%(target)s” is below the bonus at 100 %%.",
                        target=target.display_name,
                    )
                )

    @api.model
    def _so_write_payouts(self, ids):
        """The payouts of the targets ``ids`` (with a bonus) after the engine wrote
        their attainment: one statement."""
        self.env.cr.execute(
            SQL(
                "UPDATE sales_target t SET bonus_payout = ROUND((%s)::numeric,"
                " c.decimal_places) FROM res_currency c"
                " WHERE c.id = t.currency_id AND t.id = ANY(%s) AND t.bonus_base > 0",
                PAYOUT_SQL,
                list(ids),
            )
        )
        self.invalidate_model(["bonus_payout"])

    # ------------------------------------------------------------------
    # The audit trail (sales_target_audit.py): every change of the value, stretch,
    # period, owner, bonus terms and state, with who, when, before, after and why
    # ------------------------------------------------------------------
    change_reason = fields.Char(
        "Reason for the change",
        compute="_compute_change_reason",
        inverse="_inverse_change_reason",
        help="Why the target is changed: kept with the change in its history (Changes), "
        "not on the target.",
    )
    audit_count = fields.Integer("Changes", compute="_compute_audit_count")

    def _compute_change_reason(self):
        self.change_reason = False

    def _inverse_change_reason(self):
        """Not stored: the audit reads it from the values written (``write``)."""

    @api.depends_context("uid")
    def _compute_audit_count(self):
        """The lines of the target's history the user may read (none: no button)."""
        counts = {}
        ids = [target_id for target_id in self._origin.ids if target_id]
        if ids:
            counts = {
                target.id: count
                for target, count in self.env["sales.target.audit"]._read_group(
                    [("target_id", "in", ids)], ["target_id"], ["__count"]
                )
            }
        for target in self:
            target.audit_count = counts.get(target._origin.id, 0)

    def action_open_audit(self):
        """The target's history: every change, with who, when, before, after and why."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sales_objectives.sales_target_audit_action"
        )
        action.update(
            name=self.env._("Changes of %(target)s", target=self.display_name),
            domain=[("target_id", "=", self.id)],
            context={"create": False},
        )
        return action

    def _so_audit_state(self):
        """({kind of change: raw values}, {kind of change: as read}) of the target
        (sales_target_audit.AUDITED), read as the system (the bonus terms)."""
        self.ensure_one()
        raw = {what: tuple(self[fname] for fname in fnames) for what, fnames in AUDITED.items()}
        return raw, self._so_audit_values()

    def _so_audit_values(self):
        """{kind of change: the target's value as people read it, or False}: amounts and
        values in the target's unit, the period and the owner in words, the state's
        label (in the language of whoever makes the change)."""
        self.ensure_one()
        number = self._number_format()
        owner = self._owner().name or False
        if self.owner_type == "user" and self.team_id:
            owner = self.env._(
                "%(salesperson)s (%(team)s)", salesperson=owner, team=self.team_id.name
            )
        states = dict(self._fields["state"]._description_selection(self.env))
        return {
            "target_value": self._format_value(self.target_value, number),
            "stretch_value": bool(self.stretch_value)
            and self._format_value(self.stretch_value, number),
            "period": bool(self.date_from) and self._period_words(),
            "owner": owner,
            "bonus_base": bool(self.bonus_base) and self._format_money(self.bonus_base),
            "bonus_floor": self.env._("%(value)s %%", value=_number(number, self.bonus_floor)),
            "bonus_accelerator": self.env._(
                "%(value)s× above 100 %%", value=_number(number, self.bonus_accelerator)
            ),
            "bonus_cap": bool(self.bonus_cap) and self._format_money(self.bonus_cap),
            "state": states.get(self.state, self.state or False),
        }

    # ------------------------------------------------------------------
    # Plans (sales_target_plan.py): the plan that generated the target
    # ------------------------------------------------------------------
    plan_id = fields.Many2one("sales.target.plan", string="Plan", readonly=True, index=True)

    # ------------------------------------------------------------------
    # News: what a refresh announces, once (sales_target_news.py): a target turning
    # at risk or behind, the milestones of its actual; and, when targets are set,
    # one message per salesperson and per operation
    # ------------------------------------------------------------------
    milestone_reached = fields.Integer(
        "Milestone reached",
        readonly=True,
        copy=False,
        help="The highest milestone of the actual announced so far: 50, 90 or 100 (% of "
        "the target), 101 for the stretch value.",
    )

    # ------------------------------------------------------------------
    # What was set: one message per salesperson and per operation
    # ------------------------------------------------------------------

    def _message_auto_subscribe_followers(self, updated_values, default_subtype_ids):
        """The salesperson follows their target, without Odoo's "You have been assigned
        to …" mail for each one: whoever sets targets sends one message per salesperson
        saying what was set (``_so_notify_set``)."""
        return [
            (partner_id, subtypes, False)
            for partner_id, subtypes, _template in super()._message_auto_subscribe_followers(
                updated_values, default_subtype_ids
            )
        ]

    def _so_notify_set(self, origin=None):
        """Tells each salesperson, once, the targets of ``self`` that are theirs (an
        operation setting many targets passes ``NOTIFY_LATER`` in the context and calls
        this once with all of them): from whoever set them, in the salesperson's
        language, posted on ``origin`` (a plan, a team target) or on the target."""
        if (
            not self.env.registry.ready  # installing: demo data
            or self.env.context.get("tracking_disable")
            or self.env.context.get("mail_auto_subscribe_no_notify")
        ):
            return
        by_user = {}
        for target in self:
            user = target.user_id
            if target.owner_type == "user" and user and user != self.env.user and not user.share:
                by_user.setdefault(user, []).append(target.id)
        for user, target_ids in by_user.items():
            targets = self.browse(target_ids)
            local = targets.with_context(lang=user.lang or self.env.lang)
            if origin:
                record = origin.with_context(lang=local.env.lang)
                subject = local.env._("Your targets: %(origin)s", origin=record.display_name)
            elif len(targets) == 1:
                record = local
                subject = local.env._("Your target: %(target)s", target=record.display_name)
            else:
                record = local[:1]
                subject = local.env._("Your new targets (%(count)s)", count=len(targets))
            items = Markup("").join(
                Markup("<li>%s</li>")
                % local.env._(
                    "%(kpi)s · %(period)s: %(value)s",
                    kpi=target.kpi_id.name,
                    period=target.period_label,
                    value=target._format_value(target.target_value),
                )
                for target in local.sorted(lambda t: (t.date_from, t.kpi_id.sequence, t.id))
            )
            author = self.env.user.name
            body = Markup("<p>%s</p><ul>%s</ul>") % (
                local.env._(
                    "%(author)s set your targets (%(count)s):", author=author, count=len(targets)
                )
                if len(targets) > 1
                else local.env._("%(author)s set your target:", author=author),
                items,
            )
            record.message_notify(
                partner_ids=user.partner_id.ids,
                subject=subject,
                body=body,
                record_name=record.display_name,
                email_layout_xmlid="mail.mail_notification_layout",
                model_description=local.env["ir.model"]._get(record._name).display_name,
            )

    @api.model
    def _so_announce_figures(self, target_ids):
        """Tells the open screens of the users concerned by ``target_ids`` (targets
        whose figures a refresh just changed) that they changed: their salesperson, the
        members of their team (its targets; its salespeople's approved ones, which the
        leaderboard ranks together), the leaders of
        their team and of the teams above it, and the users who see every team's
        targets in their company. The message names targets, never a figure: each
        screen reads them again with its reader's rights. One query, one message per
        user (written with the transaction's other bus messages, at its commit); more
        than FIGURES_MESSAGE_IDS targets (a full pass) are announced as "many" to every
        internal user of their companies (screens read everything they show again)."""
        if not target_ids:
            return
        if len(target_ids) > FIGURES_MESSAGE_IDS:
            # a full pass: every internal user of the companies concerned reads again
            # what they show (the message names nothing)
            self.env.cr.execute(
                SQL(
                    """SELECT DISTINCT u.partner_id FROM res_users u
                         JOIN res_company_users_rel cu ON cu.user_id = u.id
                        WHERE u.active AND NOT u.share AND cu.cid IN (
                              SELECT DISTINCT company_id FROM sales_target WHERE id = ANY(%s))""",
                    list(target_ids),
                )
            )
            # a user's channel is their partner's
            partners = self.env["res.partner"].sudo().browse([r[0] for r in self.env.cr.fetchall()])
            for partner in partners:
                partner._bus_send("sales_objectives/figures", {"many": True})
            return
        # the group's id, cached by the registry (no query)
        all_leads = self.env["ir.model.data"]._xmlid_to_res_id(
            "sales_team.group_sale_salesman_all_leads", raise_if_not_found=False
        )
        self.env.cr.execute(
            SQL(
                """WITH RECURSIVE changed AS (
                       SELECT id, owner_type, state, user_id, team_id, company_id
                         FROM sales_target WHERE id = ANY(%(ids)s)
                   ), above(target_id, team_id) AS (
                       SELECT id, team_id FROM changed WHERE team_id IS NOT NULL
                        UNION
                       SELECT above.target_id, team.so_parent_id
                         FROM above JOIN crm_team team ON team.id = above.team_id
                        WHERE team.so_parent_id IS NOT NULL
                   )
                   SELECT u.partner_id,
                          ARRAY_AGG(DISTINCT concerned.target_id ORDER BY concerned.target_id)
                     FROM (SELECT id AS target_id, user_id FROM changed
                           UNION ALL
                           SELECT changed.id, member.user_id
                             FROM changed
                             JOIN crm_team_member member
                               ON member.crm_team_id = changed.team_id AND member.active
                            WHERE changed.owner_type = 'team'
                               OR changed.state IN ('confirmed', 'closed')
                           UNION ALL
                           SELECT above.target_id, team.user_id
                             FROM above JOIN crm_team team ON team.id = above.team_id
                           UNION ALL
                           SELECT changed.id, rel.uid
                             FROM changed
                             JOIN res_groups_users_rel rel ON rel.gid = %(all_leads)s
                             JOIN res_company_users_rel cu
                               ON cu.user_id = rel.uid AND cu.cid = changed.company_id
                          ) concerned
                     JOIN res_users u ON u.id = concerned.user_id AND u.active AND NOT u.share
                    GROUP BY u.partner_id""",
                ids=list(target_ids),
                all_leads=all_leads or None,
            )
        )
        Partner = self.env["res.partner"].sudo()
        for partner_id, ids in self.env.cr.fetchall():
            # a user's channel is their partner's
            Partner.browse(partner_id)._bus_send("sales_objectives/figures", {"target_ids": ids})

    def _so_queue_news(self, events, send=False):
        """Records the milestones reached and queues the news of ``events`` {target id:
        {"status": (old, new), "milestone": level, "silent": bool}} found by the engine
        (a silent event, the first measure of a target, only records its milestone).
        ``send``: announce them now (a refresh asked for); else the news job is
        triggered."""
        milestones = {tid: e["milestone"] for tid, e in events.items() if "milestone" in e}
        if milestones:
            self.env.cr.execute(
                SQL(
                    "UPDATE sales_target t SET milestone_reached = v.level"
                    " FROM unnest(%s::int4[], %s::int4[]) AS v(id, level) WHERE t.id = v.id",
                    list(milestones),
                    list(milestones.values()),
                )
            )
            self.invalidate_model(["milestone_reached"])
        loud = [(tid, e) for tid, e in events.items() if not e.get("silent")]
        if not loud:
            return
        self.env.cr.execute(
            SQL(
                """INSERT INTO sales_target_news (target_id, status, milestone)
                   SELECT * FROM unnest(%s::int4[], %s::varchar[], %s::int4[])
                   RETURNING id""",
                [tid for tid, _e in loud],
                [e["status"][1] if "status" in e else None for _tid, e in loud],
                [e.get("milestone") for _tid, e in loud],
            )
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        if send:
            self.env["sales.target.news"].sudo().browse(ids)._send()
        else:
            cron = self.env.ref("sales_objectives.ir_cron_sales_target_news", False)
            if cron:
                cron.sudo()._trigger()

    def _so_announce(self, events):
        """``events`` {target id: [{"status": new status or None, "milestone": level or
        0}, ...]}: the queued news of the targets ``self``, oldest first. The news are
        the system's (OdooBot's), whoever pressed Refresh: Odoo notifies nobody of their
        own messages, and "Ben has just assigned you…" would be untrue. The milestones
        are logged in one statement per round (a target's first milestone of the batch,
        its second, …), the leaders' activities created together."""
        self = self.with_user(self.env.ref("base.user_root")).with_context(
            mail_notrack=True, tracking_disable=True
        )
        turned = [
            (target, event["status"])
            for target in self
            for event in events[target.id]
            if event["status"]
        ]
        if turned:
            self._so_warn_turned(turned)
        rounds = defaultdict(dict)  # round -> {target id: body}
        for target in self:
            levels = [event["milestone"] for event in events[target.id] if event["milestone"]]
            for index, level in enumerate(levels):
                rounds[index][target.id] = target._so_milestone_body(level)
        author = self.env.ref("base.user_root").partner_id
        for bodies in rounds.values():
            self.browse(list(bodies))._message_log_batch(
                bodies=bodies, author_id=author.id, message_type="notification"
            )

    def _so_status_name(self, status):
        return dict(self._fields["status"]._description_selection(self.env)).get(status)

    def _so_warn_turned(self, turned):
        """``turned`` [(target, new status)], oldest first: one activity for the team
        leader (unless one is still open for the target) and a note per turn in the
        target's chatter, in its reader's language (the salesperson's; the leader's for
        a team target), telling the salesperson and the leader given the activity. The
        leader hears of the activity by that note, not by one "assigned to you" mail per
        activity; the notes are posted and told in a batch (sales.target.news,
        ``_post_notes``). The open activities are read once."""
        todo = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        open_for = {
            (activity.res_id, activity.user_id.id)
            for activity in self.env["mail.activity"].search(
                [
                    ("res_model", "=", "sales.target"),
                    ("res_id", "in", [target.id for target, _new in turned]),
                    ("activity_type_id", "=", todo.id if todo else False),
                ]
            )
        }
        activities = []
        notes = []
        model = self.env["ir.model"]._get_id(self._name)
        # due today in the target's company (its time zone), not the system user's
        today = self.company_id._sales_today()
        for target, new in turned:
            told = []
            rep = target.user_id if target.owner_type == "user" else None
            if rep and rep.partner_id:
                told.append(rep.partner_id.id)
            leader = target.team_id.user_id
            if leader and todo and (target.id, leader.id) not in open_for:
                open_for.add((target.id, leader.id))
                local = target.with_context(lang=leader.lang)
                # the summary follows the target's name in the activity's list
                # ("<target>: <summary>"): it does not repeat it
                activities.append(
                    {
                        "res_model_id": model,
                        "res_id": target.id,
                        "activity_type_id": todo.id,
                        "user_id": leader.id,
                        "date_deadline": today[target.company_id.id],
                        "summary": local.env._("Now %(status)s", status=local._so_status_name(new)),
                        "note": local._so_news_note(),
                    }
                )
                if leader.partner_id.id not in told:
                    told.append(leader.partner_id.id)
            reader = rep or leader
            local = target.with_context(lang=reader.lang) if reader and reader.lang else target
            body = Markup("<p>%s</p>%s") % (
                local.env._("This target is now %(status)s.", status=local._so_status_name(new)),
                local._so_news_note(),
            )
            notes.append((target, body, told))
        if activities:
            self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(
                activities
            )
        self.env["sales.target.news"]._post_notes(notes)

    def _so_news_note(self):
        """The figures behind the news, in the reader's language."""
        self.ensure_one()
        return Markup("<p>%s</p>") % self.env._(
            "Actual %(actual)s of %(target)s; expected by now: %(expected)s.",
            actual=self._format_value(self.actual_value),
            target=self._format_value(self.target_value),
            expected=self._format_value(self.expected_value),
        )

    def _so_milestone_body(self, level):
        """The note of a milestone, in the language of the salesperson (of the team
        leader for a team target)."""
        self.ensure_one()
        reader = self.user_id if self.owner_type == "user" else self.team_id.user_id
        if reader.lang:
            self = self.with_context(lang=reader.lang)
        if level == STRETCH:
            text = self.env._(
                "Stretch value reached: %(actual)s (stretch %(stretch)s).",
                actual=self._format_value(self.actual_value),
                stretch=self._format_value(self.stretch_value),
            )
        else:
            text = self.env._(
                "%(level)s %% of the target reached: %(actual)s of %(target)s.",
                level=level,
                actual=self._format_value(self.actual_value),
                target=self._format_value(self.target_value),
            )
        return Markup("<p>%s</p>") % text

    # ------------------------------------------------------------------
    # The progress strip above the pipeline: the current user's salesperson targets
    # of the current periods (each company's today), compact. One search and one
    # batched read.
    # ------------------------------------------------------------------
    @api.model
    def so_strip_data(self):
        """[{id, kpi, period, value, attainment, status, measured, as_of, has_figure}] of the
        current user's approved targets whose period contains today in their
        company's time zone (``value``: "actual / target" in their unit, or "no
        figure / target" when nothing could be measured: no bar then)."""
        companies = self.env.user.company_ids
        today = companies.sudo()._sales_today()
        current = expression.OR(
            [
                [("company_id", "=", cid), ("date_from", "<=", day), ("date_to", ">=", day)]
                for cid, day in today.items()
            ]
        )
        targets = self.search(
            expression.AND(
                [
                    [
                        ("owner_type", "=", "user"),
                        ("user_id", "=", self.env.uid),
                        ("state", "=", "confirmed"),
                    ],
                    current,
                ]
            ),
            limit=STRIP_SIZE,
            order="date_to, kpi_id, id",
        )
        return [
            {
                "id": target.id,
                # its figures say their unit: the KPI's name does not repeat it
                "kpi": name_without_unit(target.kpi_id),
                "period": target.period_label,
                "value": target.value_label,
                "attainment": target.attainment or 0.0,
                "status": target.status or False,
                "measured": bool(target.refreshed_at),
                # how fresh the figures are ("updated 40 s ago")
                "as_of": fields.Datetime.to_string(target.figures_as_of),
                "has_figure": target.has_figure,
            }
            for target in targets
        ]

    # The burn-up of a target: its cumulative actual by day against the pace line (the
    # target spread over the company's working days) and the target, for the KPIs that
    # add up over the period. The engine computes it (``sales.kpi.engine.burnup``); the
    # target says it.

    def so_burnup_data(self):
        """{labels, actual, pace, target, unit, currency, note} of the target, or {}
        when its KPI does not add up over the period (rates, averages, lower is
        better). ``actual`` is None for the days after today and those whose
        cumulative is not known (within a month kept as a total)."""
        self.ensure_one()
        self.check_access("read")
        target = self.sudo()
        burnup = self.env["sales.kpi.engine"].burnup(target)
        if not burnup:
            return {}
        note = ""
        if burnup["by_day_from"] is not False:
            note = self.env._(
                "The refresh keeps month totals before %(day)s: the actual is shown at"
                " each month's end until then.",
                day=format_date(self.env, burnup["by_day_from"]),
            )
        return {
            "labels": [self._so_day_label(day) for day in burnup["days"]],
            "actual": burnup["actual"],
            "pace": burnup["pace"],
            "target": target.target_value,
            "unit": target.unit,
            "currency": target.currency_id.symbol if target.unit == "money" else "",
            "note": note,
        }

    def _so_day_label(self, day):
        return format_date(self.env, day, date_format="d MMM")
