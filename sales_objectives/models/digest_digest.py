"""Sales targets in Odoo's periodic digest emails: the attainment of the targets the
recipient follows, how many of them are at risk or behind, and the share of sales
objectives achieved. Computed with the recipient's rights (a salesperson: their own
and their teams' targets; a manager: the company's), for the digest's window."""

from datetime import datetime

import pytz

from odoo import fields, models
from odoo.exceptions import AccessError

# what a digest column shows for a KPI that has nothing to measure
NO_FIGURE = "–"


class Digest(models.Model):
    _inherit = "digest.digest"

    kpi_sales_target_attainment = fields.Boolean("Target attainment (%)")
    kpi_sales_target_attainment_value = fields.Float(
        compute="_compute_kpi_sales_target_attainment_value"
    )
    kpi_sales_target_at_risk = fields.Boolean("Targets at risk or behind")
    kpi_sales_target_at_risk_value = fields.Integer(
        compute="_compute_kpi_sales_target_at_risk_value"
    )
    kpi_sales_objective_achieved = fields.Boolean("Sales objectives achieved (%)")
    kpi_sales_objective_achieved_value = fields.Float(
        compute="_compute_kpi_sales_objective_achieved_value"
    )

    def _so_check_access(self):
        if not self.env.user.has_group("sales_team.group_sale_salesman"):
            raise AccessError(
                self.env._("Do not have access, skip this data for user's digest email")
            )

    def _so_window_day(self):
        """The last day of the digest's window, in the company's time zone (the
        targets whose period contains it are the current ones)."""
        end = self.env.context.get("end_datetime") or fields.Datetime.now()
        if end.tzinfo is None:
            end = pytz.utc.localize(end)
        tz = pytz.timezone(self.env.company._sales_tz())
        return (end.astimezone(tz) - datetime.resolution).date()

    def _so_current_domain(self, extra=()):
        day = self._so_window_day()
        return [
            ("state", "in", ("confirmed", "closed")),
            ("company_id", "=", self.env.company.id),
            ("date_from", "<=", day),
            ("date_to", ">=", day),
            ("refreshed_at", "!=", False),
            *extra,
        ]

    def _so_attainment(self):
        """(average attainment, number of targets with a figure) of the current
        salesperson targets the recipient reads: one aggregate with their rules (a
        manager reads thousands). A target with nothing measured has no attainment
        (NULL): it is left out of both."""
        self._so_check_access()
        [(value, count)] = self.env["sales.target"]._read_group(
            self._so_current_domain([("owner_type", "=", "user")]),
            [],
            ["attainment:avg", "attainment:count"],
        )
        return value or 0.0, count

    def _compute_kpi_sales_target_attainment_value(self):
        value, _count = self._so_attainment()
        for digest in self:
            digest.kpi_sales_target_attainment_value = value

    def _compute_kpi_sales_target_at_risk_value(self):
        self._so_check_access()
        count = self.env["sales.target"].search_count(
            self._so_current_domain([("status", "in", ("at_risk", "behind"))])
        )
        for digest in self:
            digest.kpi_sales_target_at_risk_value = count

    def _so_objectives_closed(self):
        """{outcome: count} of the sales objectives closed in the window, that the
        recipient reads."""
        self._so_check_access()
        start, end, _companies = self._get_kpi_compute_parameters()
        closed = self.env["sales.objective"]._read_group(
            [
                ("objective_type", "=", "sales"),
                ("state", "in", ("achieved", "partly", "missed")),
                ("date_closed", ">=", start),
                ("date_closed", "<", end),
                ("company_id", "=", self.env.company.id),
            ],
            ["state"],
            ["__count"],
        )
        return dict(closed)

    def _compute_kpi_sales_objective_achieved_value(self):
        counts = self._so_objectives_closed()
        total = sum(counts.values())
        value = 100.0 * counts.get("achieved", 0) / total if total else 0.0
        for digest in self:
            digest.kpi_sales_objective_achieved_value = value

    def _so_has_figure(self, kpi_name):
        """Whether the KPI ``kpi_name`` measures anything in the window: an average of no
        target, a share of no objective, is no figure (not 0)."""
        if kpi_name == "kpi_sales_target_attainment":
            return bool(self._so_attainment()[1])
        if kpi_name == "kpi_sales_objective_achieved":
            return bool(self._so_objectives_closed())
        return True

    def _compute_kpis(self, company, user):
        """Where a KPI of ours has no figure, its column shows "–" rather than 0.00, and
        a KPI without a figure in any column is left out of the recipient's digest."""
        kpis = super()._compute_kpis(company, user)
        ours = {"kpi_sales_target_attainment", "kpi_sales_objective_achieved"}
        if not any(kpi["kpi_name"] in ours for kpi in kpis):
            return kpis
        frames = self._compute_timeframes(company)
        for kpi in kpis:
            if kpi["kpi_name"] not in ours:
                continue
            for index, (_label, frame) in enumerate(frames, start=1):
                digest = (
                    self.with_context(start_datetime=frame[0][0], end_datetime=frame[0][1])
                    .with_user(user)
                    .with_company(company)
                )
                column = kpi[f"kpi_col{index}"]
                if column and not digest._so_has_figure(kpi["kpi_name"]):
                    column.update(value=NO_FIGURE, margin=0.0)
        return [
            kpi
            for kpi in kpis
            if kpi["kpi_name"] not in ours
            or any(
                kpi[f"kpi_col{index}"].get("value", NO_FIGURE) != NO_FIGURE
                for index in range(1, len(frames) + 1)
            )
        ]

    def _compute_kpis_actions(self, company, user):
        actions = super()._compute_kpis_actions(company, user)
        menu = self.env.ref("crm.crm_menu_root").id
        actions["kpi_sales_target_attainment"] = (
            f"sales_objectives.sales_target_action_my?menu_id={menu}"
        )
        actions["kpi_sales_target_at_risk"] = (
            f"sales_objectives.sales_target_action_my?menu_id={menu}"
        )
        actions["kpi_sales_objective_achieved"] = (
            f"sales_objectives.sales_objective_action_my?menu_id={menu}"
        )
        return actions
