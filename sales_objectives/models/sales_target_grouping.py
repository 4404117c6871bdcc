"""Rows of sales targets grouped on their KPI, owner type, period and currency: what adds
up over them (sales_figure_grouping.py). The targets, the leaderboard and the forecast
inherit it."""

from odoo import api, models
from odoo.tools import groupby as group_records

from .sales_figure_grouping import MONEY, OWN_RATE, RECORDS, adds_up, name_with_unit


class SalesTargetGrouping(models.AbstractModel):
    """Rows of sales targets (the targets, the leaderboard, the forecast): fields
    ``kpi_id``, ``owner_type``, ``period_type``, ``period_id`` and ``currency_id``."""

    _name = "sales.target.grouping"
    _inherit = ["sales.figure.grouping"]
    _description = "Sales target figures grouped without adding what does not add up"

    @api.model
    def _so_figures(self):
        """{field: kind} of the figures of this model (see sales_figure_grouping.py)."""
        return {}

    @api.model
    def _so_grouping(self):
        probes = {
            "kpis": "count_distinct(kpi_id)",
            "kpi": "max(kpi_id)",
            "owners": "count_distinct(owner_type)",
            "kinds": "count_distinct(period_type)",
            "kind": "max(period_type)",
            "periods": "count_distinct(period_id)",
            "currencies": "count_distinct(currency_id)",
        }
        return self._so_figures(), probes

    @api.model
    def _so_addable(self, kind, facts):
        if facts["rows"] <= 1:
            return True
        if kind == OWN_RATE:
            return False
        if kind == MONEY:
            return facts["currencies"] == 1
        one_kpi = facts["kpis"] == 1 and facts["owners"] == 1
        # periods of one type never overlap, except custom ones
        apart = facts["kinds"] == 1 and (facts["kind"] != "custom" or facts["periods"] == 1)
        if not (one_kpi and apart):
            return False
        if kind == RECORDS:
            return True
        kpi = self.env["sales.kpi"].sudo().browse(facts["kpi"])
        if not adds_up(kpi):
            return False
        return kpi.unit != "money" or facts["currencies"] == 1

    @api.model
    def _so_label_groups(self, domain, groupby, rows):
        """Grouped by KPI, or by board (one KPI's targets compared): the KPI's unit after
        its name ("Won revenue (USD)", "Win rate (%)", "Sales cycle (days)", "Won
        revenue (USD) · Q4 2026 · Direct Sales"); amounts in the currencies of the
        targets here."""
        if not rows:
            return
        for field, kpi_of in (("kpi_id", None), ("board_id", "kpi_id")):
            if field not in groupby or field not in self._fields:
                continue
            groups = (
                self.env[self._fields[field].comodel_name]
                .sudo()
                .browse({row[field][0] for row in rows if row.get(field)})
            )
            kpis = {group.id: group[kpi_of] if kpi_of else group for group in groups}
            money = [gid for gid, kpi in kpis.items() if kpi.unit == "money"]
            currencies = {}
            if money:
                pairs = self._read_group(
                    [*domain, (field, "in", money)], [field, "currency_id"], []
                )
                for group, pairs_of_group in group_records(pairs, key=lambda pair: pair[0]):
                    currencies[group.id] = ", ".join(sorted(c.name for _g, c in pairs_of_group))
            for row in rows:
                if row.get(field):
                    gid = row[field][0]
                    name = name_with_unit(kpis[gid], currencies.get(gid))
                    if kpi_of:
                        name = groups.browse(gid)._so_name(name)
                    row[field] = (gid, name)
