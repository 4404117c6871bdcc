from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_date

STATUS_BAR = {
    "achieved": "bg-success",
    "on_track": "bg-info",
    "at_risk": "bg-warning",
    "behind": "bg-danger",
}


class CrmTeam(models.Model):
    _inherit = "crm.team"
    # territories: a team may belong to a parent team (a region, a country); its
    # targets, forecast calls and leaderboards roll up through that hierarchy
    _parent_name = "so_parent_id"

    so_parent_id = fields.Many2one(
        "crm.team",
        string="Parent team",
        index="btree_not_null",
        ondelete="restrict",
        check_company=True,
        help="The territory (region, country) this team belongs to: its targets, forecast "
        "calls and leaderboards roll up into the parent team's.",
    )
    so_child_ids = fields.One2many("crm.team", "so_parent_id", string="Sub-teams")
    so_leader_ids = fields.Many2many(
        "res.users",
        string="Territory leaders",
        compute="_compute_so_leader_ids",
        search="_search_so_leader_ids",
        help="The leader of the team and those of the teams above it: leading a region is "
        "leading its teams for their targets, plans and credit splits.",
    )

    @api.depends("user_id", "so_parent_id")
    def _compute_so_leader_ids(self):
        for team in self:
            team.so_leader_ids = (team | team._so_parent_teams()).user_id

    def _search_so_leader_ids(self, operator, value):
        """The teams led by ``value`` (users) and every team below them."""
        if operator not in ("in", "="):
            return NotImplemented
        led = self.sudo().with_context(active_test=False).search([("user_id", operator, value)])
        return [("id", "child_of", led.ids)]

    def _so_led_by(self, user):
        """Whether ``user`` leads this team or a team above it (a region, a country)."""
        self.ensure_one()
        return user in self.sudo().so_leader_ids

    @api.constrains("so_parent_id")
    def _check_so_parent_id(self):
        if self._has_cycle("so_parent_id"):
            raise ValidationError(
                self.env._("A sales team cannot belong to itself, nor to one of its sub-teams.")
            )

    def _so_subteams(self):
        """These teams and every team below them in the territory hierarchy (archived
        ones included: their history rolls up too)."""
        if not self:
            return self
        return self.with_context(active_test=False).search([("id", "child_of", self.ids)])

    def _so_parent_teams(self):
        """The teams above these in the territory hierarchy (nearest first), without
        them."""
        found = self.browse()
        parents = self.so_parent_id
        while parents - found - self:
            found |= parents
            parents = parents.so_parent_id
        return found

    sales_target_ids = fields.One2many("sales.target", "team_id", string="Targets")
    sales_target_progress = fields.Html(
        "Current targets",
        compute="_compute_sales_target_progress",
        sanitize=False,
        help="Progress of the team's approved targets whose period includes today.",
    )

    def _so_current_team_targets(self):
        """{team id: its approved team targets whose period includes today}, "today"
        being each team's company's (its time zone), never the user's or UTC."""
        today = (self.company_id | self.env.company)._sales_today()
        earliest, latest = min(today.values()), max(today.values())
        targets = self.env["sales.target"].search(
            [
                ("team_id", "in", self.ids),
                ("owner_type", "=", "team"),
                ("state", "=", "confirmed"),
                ("date_from", "<=", latest),
                ("date_to", ">=", earliest),
            ],
            order="kpi_id, date_to",
        )
        by_team = defaultdict(lambda: self.env["sales.target"])
        for target in targets:
            day = today.get(target.company_id.id, today[self.env.company.id])
            if target.date_from <= day <= target.date_to:
                by_team[target.team_id.id] |= target
        return by_team

    def _compute_sales_target_progress(self):
        """A row per current team target: the KPI and its period ("Invoiced amount · Q4
        2026"), actual / target and a bar; hovered, what it counts over which dates
        (the KPI's description), so that it is not mistaken for Odoo's own figures of
        the card (this month's invoicing, for instance)."""
        by_team = self._so_current_team_targets()
        statuses = dict(self.env["sales.target"]._fields["status"]._description_selection(self.env))
        for team in self:
            rows = [
                Markup(
                    '<div class="o_sales_target_progress mb-1" title="%(title)s">'
                    '<div class="d-flex justify-content-between small">'
                    '<span class="text-truncate">%(kpi)s · %(period)s</span>'
                    "<span>%(values)s</span></div>"
                    "%(progress)s</div>"
                )
                % {
                    "title": team._so_card_title(target, statuses),
                    "kpi": target.kpi_id.name,
                    "period": target.period_label,
                    "values": target.value_label,
                    # nothing measured: "no figure" in the values, and no bar at 0
                    "progress": Markup(
                        '<div class="progress" style="height: 6px;">'
                        '<div class="progress-bar %(bar)s" role="progressbar" '
                        'style="width: %(width)s%%;"></div></div>'
                    )
                    % {
                        "bar": STATUS_BAR.get(target.status, "bg-secondary"),
                        "width": max(0, min(100, round(target.attainment))),
                    }
                    if target.has_figure
                    else "",
                }
                for target in by_team[team.id]
            ]
            team.sales_target_progress = Markup("").join(rows) if rows else False

    @api.ondelete(at_uninstall=False)
    def _unlink_except_sales_history(self):
        """A team with targets or plans carries their history (a plan needs its team; a
        team target without team means nothing): it is archived, not deleted."""
        Target = self.env["sales.target"].sudo().with_context(active_test=False)
        targets = dict(Target._read_group([("team_id", "in", self.ids)], ["team_id"], ["__count"]))
        plans = dict(
            self.env["sales.target.plan"]
            .sudo()
            ._read_group([("team_id", "in", self.ids)], ["team_id"], ["__count"])
        )
        for team in self:
            if targets.get(team) or plans.get(team):
                raise UserError(
                    self.env._(
                        "The sales team “%(team)s” keeps the history of its targets "
                        "(%(targets)s) and plans (%(plans)s): archive the team rather than "
                        "delete it.",
                        team=team.name,
                        targets=targets.get(team, 0),
                        plans=plans.get(team, 0),
                    )
                )

    def _so_quota_members(self):
        """The salespeople proposed to share the team's targets (plans, splits): its
        members, without its leader, whose quota is the team's (the leader is added by
        hand where they sell too), unless the leader is the only member."""
        self.ensure_one()
        members = self.member_ids
        return (members - self.user_id) or members

    def _so_card_title(self, target, statuses):
        """What a row of the team card counts and over which dates: "Q4 2026, Oct 1, 2026
        to Dec 31, 2026: <the KPI's description> (On track)"."""
        title = self.env._(
            "%(period)s, %(start)s to %(end)s: %(counts)s",
            period=target.period_label,
            start=format_date(self.env, target.date_from),
            end=format_date(self.env, target.date_to),
            counts=target.kpi_id.description or target.kpi_id.name,
        )
        if target.status:
            title = f"{title} ({statuses[target.status]})"
        return title

    def action_open_sales_targets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sales_objectives.sales_target_action"
        )
        action["domain"] = [("team_id", "=", self.id)]
        action["context"] = {
            "default_team_id": self.id,
            "search_default_filter_current": 1,
        }
        if not self.env["sales.target"]._so_sets_targets_of(self):
            # another team's targets: no New (the web client reads it from the context)
            action["context"]["create"] = False
        return action
