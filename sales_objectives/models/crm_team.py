from collections import defaultdict

from markupsafe import Markup

from odoo import fields, models
from odoo.tools import format_date

STATUS_BAR = {
    "achieved": "bg-success",
    "on_track": "bg-info",
    "at_risk": "bg-warning",
    "behind": "bg-danger",
}


class CrmTeam(models.Model):
    _inherit = "crm.team"

    sales_target_ids = fields.One2many("sales.target", "team_id", string="Targets")
    sales_target_progress = fields.Html(
        "Current targets",
        compute="_compute_sales_target_progress",
        sanitize=False,
        help="Progress of the team's confirmed targets whose period includes today.",
    )

    def _so_current_team_targets(self):
        """{team id: its confirmed team targets whose period includes today}, "today"
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
                    '<div class="progress" style="height: 6px;">'
                    '<div class="progress-bar %(bar)s" role="progressbar" '
                    'style="width: %(width)s%%;"></div></div></div>'
                )
                % {
                    "title": team._so_card_title(target, statuses),
                    "kpi": target.kpi_id.name,
                    "period": target.period_label,
                    "values": target.value_label,
                    "bar": STATUS_BAR.get(target.status, "bg-secondary"),
                    "width": max(0, min(100, round(target.attainment))),
                }
                for target in by_team[team.id]
            ]
            team.sales_target_progress = Markup("").join(rows) if rows else False

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
        return action
