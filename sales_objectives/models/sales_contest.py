"""Contests: a KPI, a period, participants and a reward. The ranking is measured by the
refresh engine (the same measure as a salesperson's target); when the period has ended
in the company's time zone, the contest closes: the winners (every participant sharing
the first rank) are announced and, when the contest names one, get a gamification
badge."""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_date

from ..tools.job import run_again_on_conflict


class SalesContest(models.Model):
    _name = "sales.contest"
    _description = "Sales contest"
    _inherit = ["mail.thread"]
    _order = "date_from desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    kpi_id = fields.Many2one(
        "sales.kpi",
        string="KPI",
        required=True,
        domain="[('metric', '!=', 'manual')]",
        check_company=True,
        tracking=True,
    )
    unit = fields.Selection(related="kpi_id.unit")
    direction = fields.Selection(related="kpi_id.direction")
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    team_id = fields.Many2one(
        "crm.team",
        string="Sales team",
        check_company=True,
        help="Fills the participants with the members of the team and of the teams below "
        "it; each participant is "
        "measured on their own records in the company, whatever their team.",
    )
    date_from = fields.Date("From", required=True, tracking=True)
    date_to = fields.Date("To", required=True, tracking=True)
    participant_ids = fields.Many2many(
        "res.users",
        string="Participants",
        required=True,
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
    )
    reward = fields.Text(tracking=True)
    badge_id = fields.Many2one(
        "gamification.badge",
        string="Badge for the winners",
        help="Optional: granted to each winner when the contest closes.",
    )
    state = fields.Selection(
        [("draft", "Draft"), ("running", "Running"), ("done", "Closed")],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
    )
    line_ids = fields.One2many("sales.contest.line", "contest_id", string="Ranking", readonly=True)
    winner_ids = fields.Many2many(
        "res.users",
        "sales_contest_winner_rel",
        string="Winners",
        compute="_compute_winner_ids",
        store=True,
    )
    ranked_at = fields.Datetime("Ranked on", readonly=True)

    @api.depends("line_ids.is_winner", "state")
    def _compute_winner_ids(self):
        for contest in self:
            contest.winner_ids = (
                contest.line_ids.filtered("is_winner").user_id if contest.state == "done" else False
            )

    @api.onchange("team_id")
    def _onchange_team_id(self):
        if self.team_id:
            # a region's: the members of its teams too (territories)
            self.participant_ids = self.team_id._so_subteams().member_ids

    @api.constrains("date_from", "date_to", "kpi_id")
    def _check_contest(self):
        for contest in self:
            if contest.date_to < contest.date_from:
                raise ValidationError(
                    self.env._("The contest “%(name)s” ends before it starts.", name=contest.name)
                )
            if contest.kpi_id.metric == "manual":
                raise ValidationError(
                    self.env._(
                        "A contest is measured from the CRM: “%(kpi)s” is typed by hand.",
                        kpi=contest.kpi_id.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get("state", "draft") != "draft" for vals in vals_list):
            raise UserError(self.env._("A contest is created as a draft: start it, then close it."))
        return super().create(vals_list)

    def write(self, vals):
        if "state" in vals and not self.env.context.get("sales_contest_transition"):
            raise UserError(
                self.env._(
                    "A contest's state changes with its buttons (Start, Close and announce "
                    "the winners), so that its ranking and winners follow."
                )
            )
        frozen = {"kpi_id", "date_from", "date_to", "participant_ids", "company_id"} & set(vals)
        if frozen and self.filtered(lambda c: c.state == "done"):
            raise UserError(self.env._("A closed contest keeps its KPI, period and participants."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_closed(self):
        closed = self.filtered(lambda c: c.state == "done")
        if closed:
            raise UserError(
                self.env._(
                    "The contest “%(name)s” is closed: its ranking and winners are kept (the "
                    "winners were announced and may hold its badge).",
                    name=closed[0].name,
                )
            )

    def _ended(self):
        self.ensure_one()
        today = self.company_id._sales_today()[self.company_id.id]
        return today > self.date_to

    def action_start(self):
        self.check_access("write")
        for contest in self.filtered(lambda c: c.state == "draft"):
            contest.with_context(sales_contest_transition=True).state = "running"
            contest._rank()
        return True

    def action_refresh_ranking(self):
        self.check_access("write")
        self.filtered(lambda c: c.state == "running")._rank()
        return True

    def action_close(self):
        self.check_access("write")
        for contest in self:
            if contest.state != "running":
                raise UserError(self.env._("Only a running contest can be closed."))
            if not contest._ended():
                raise UserError(
                    self.env._(
                        "The contest “%(name)s” runs until %(day)s: it closes once that day "
                        "is over in the company's time zone.",
                        name=contest.name,
                        day=format_date(self.env, contest.date_to),
                    )
                )
            contest._rank(final=True)
            contest.with_context(sales_contest_transition=True).state = "done"
            contest._announce_winners()
        return True

    @api.model
    @run_again_on_conflict
    def _cron_close_ended(self):
        for contest in self.search([("state", "=", "running")]):
            if contest._ended():
                contest.action_close()

    def _rank(self, final=False):
        """Measures every participant with the engine (as for a salesperson's target)
        and ranks them: equal figures share a rank (1, 1, 3); lower is better for the
        KPIs where it is. A participant with nothing to measure (no won deal for a
        sales cycle, no closed deal for a win rate) has no figure: not 0, no rank,
        after everyone measured, never a winner. ``final``: the closing ranking, whose
        first ones win."""
        engine = self.env["sales.kpi.engine"].sudo()
        for contest in self.sudo():
            users = contest.participant_ids
            measured = engine.measure_users(
                contest, users, contest.date_from, contest.date_to, with_sample=True
            )
            additive = contest.kpi_id._metric_definition()["additive"]
            lower = contest.kpi_id.direction == "lower"
            figures = {
                user.id: round(actual, 6)
                for user in users
                for actual, sample in [measured.get(user.id, (0.0, 0))]
                if sample or (additive and not lower)
            }
            ranked = sorted(
                (user for user in users if user.id in figures),
                key=lambda u: figures[u.id],
                reverse=not lower,
            )
            lines, rank, previous = [], 0, None
            for position, user in enumerate(ranked, start=1):
                if figures[user.id] != previous:
                    rank, previous = position, figures[user.id]
                lines.append((user, figures[user.id], rank))
            lines += [(user, 0.0, 0) for user in users if user.id not in figures]
            contest.line_ids.unlink()
            contest.line_ids = [
                fields.Command.create(
                    {
                        "user_id": user.id,
                        "actual_value": value,
                        "has_figure": bool(rank),
                        "rank": rank,
                        "is_winner": final and rank == 1,
                    }
                )
                for user, value, rank in lines
            ]
            contest.ranked_at = fields.Datetime.now()

    def _announce_winners(self):
        for contest in self.sudo():
            winners = contest.line_ids.filtered("is_winner")
            if not winners:
                contest.message_post(
                    body=Markup("<p>%s</p>")
                    % self.env._(
                        "Contest closed. No participant has a figure for this KPI over the "
                        "period: there is no winner."
                    ),
                    partner_ids=contest.participant_ids.partner_id.ids,
                    subtype_xmlid="mail.mt_comment",
                )
                continue
            if contest.badge_id:
                for line in winners:
                    self.env["gamification.badge.user"].create(
                        {
                            "badge_id": contest.badge_id.id,
                            "user_id": line.user_id.id,
                            "comment": contest.name,
                        }
                    )._send_badge()
            names = ", ".join(winners.user_id.mapped("name"))
            contest.message_post(
                body=Markup("<p>%s</p>")
                % (
                    self.env._(
                        "Contest closed. Winners: %(names)s with %(value)s.",
                        names=names,
                        value=winners[:1].value_label,
                    )
                    if len(winners) > 1
                    else self.env._(
                        "Contest closed. Winner: %(names)s with %(value)s.",
                        names=names,
                        value=winners.value_label,
                    )
                ),
                partner_ids=contest.participant_ids.partner_id.ids,
                subtype_xmlid="mail.mt_comment",
            )
