"""Groups of figures that add up only what adds up: the pivots, graphs and list group
rows of the add-on's figures (targets, leaderboard, forecast, objectives) are computed
by ``read_group``, which sums every float. Here a figure is summed only over rows where
the sum means something, and left empty otherwise:

- a figure in a KPI's unit (a target, an actual, a commit…): over the targets of one
  KPI whose figures add up (amounts and counts, not rates or averages), of one owner type
  (never a team with its own salespeople), of periods that do not overlap (never a month
  with its quarter) and, for amounts, of one currency;
- a number of records of a KPI (the records measured, the opportunities still needed):
  likewise, whatever the currency and even for a rate (the deals a win rate is made of);
- an amount of its own in the target's currency (a bonus): over one currency;
- a rate or an average of its own (the share of the period elapsed, the last 12 months'
  win rate): never.

A group of a single target shows that target's figure, whatever it is. Grouped by KPI,
each group is headed with the KPI's unit ("Won revenue (USD)", "Win rate (%)"), so that
whoever reads a figure knows its unit."""

from odoo import api, models
from odoo.tools import groupby as group_records

KPI_UNIT = "kpi_unit"
RECORDS = "records"
MONEY = "money"
OWN_RATE = "own_rate"

NOT_AGGREGATES = ("count", "count_distinct", "array_agg", "recordset")


def adds_up(kpi):
    """Whether the figures of ``kpi``'s targets add up: amounts and counts that are sums
    (won revenue, deals, customers…), not rates or averages (win rate, sales cycle)."""
    return kpi.unit in ("money", "count") and kpi._metric_definition()["additive"]


def name_with_unit(kpi, currencies=None):
    """``kpi``'s name with its unit: "Won revenue (USD)", "Win rate (%)", "Sales cycle
    (days)", "Won deals (count)"; the unit is not repeated when the name ends with it
    (in the reader's language, or in English: a KPI named in English and not translated
    keeps its "(days)")."""
    env = kpi.env
    english = {"money": currencies or "amount", "percent": "%", "days": "days", "count": "count"}
    unit = {
        "money": currencies or env._("amount"),
        "percent": "%",
        "days": env._("days"),
        "count": env._("count"),
    }.get(kpi.unit)
    name = kpi.display_name
    said = {f"({unit})", f"({english.get(kpi.unit)})"}
    if not unit or any(name.rstrip().endswith(ending) for ending in said):
        return name
    return env._("%(kpi)s (%(unit)s)", kpi=name, unit=unit)


class SalesFigureGrouping(models.AbstractModel):
    _name = "sales.figure.grouping"
    _description = "Sales figures grouped without adding what does not add up"

    @api.model
    def _so_grouping(self):
        """The figures this model guards ({field: kind}) and the facts a group needs to
        decide ({name: 'aggregate(field)'}); the facts are read in the same query."""
        return {}, {}

    @api.model
    def _so_addable(self, kind, facts):
        """Whether figures of ``kind`` add up over a group with these ``facts``."""
        return facts["rows"] <= 1

    @api.model
    def _so_label_groups(self, domain, groupby, rows):
        """Rewrites the group headers of ``rows`` (grouped by ``groupby``) if needed."""

    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True):
        figures, probes = self._so_grouping()
        guarded = {}  # result key: kind
        for spec in fields:
            name, _sep, rest = spec.partition(":")
            func, _paren, fname = rest.partition("(")
            fname = fname.rstrip(")") or name
            if fname in figures and func not in NOT_AGGREGATES:
                guarded[name] = figures[fname]
        groupbys = [groupby] if isinstance(groupby, str) else list(groupby)
        if not guarded:
            rows = super().read_group(domain, fields, groupbys, offset, limit, orderby, lazy)
            self._so_label_groups(domain, groupbys[:1] if lazy else groupbys, rows)
            return rows
        probes = dict(probes, rows="count(id)")
        extra = [f"__so_{name}:{spec}" for name, spec in probes.items()]
        rows = super().read_group(
            domain, list(fields) + extra, groupbys, offset, limit, orderby, lazy
        )
        for row in rows:
            facts = {name: row.pop(f"__so_{name}", False) for name in probes}
            for key, kind in guarded.items():
                if key in row and not self._so_addable(kind, facts):
                    row[key] = False
        self._so_label_groups(domain, groupbys[:1] if lazy else groupbys, rows)
        return rows


class SalesTargetGrouping(models.AbstractModel):
    """Rows of sales targets (the targets, the leaderboard, the forecast): fields
    ``kpi_id``, ``owner_type``, ``period_type``, ``period_id`` and ``currency_id``."""

    _name = "sales.target.grouping"
    _inherit = ["sales.figure.grouping"]
    _description = "Sales target figures grouped without adding what does not add up"

    @api.model
    def _so_figures(self):
        """{field: kind} of the figures of this model (see the module's docstring)."""
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
        """Grouped by KPI: the KPI's unit after its name ("Won revenue (USD)", "Win rate
        (%)", "Sales cycle (days)"); amounts in the currencies of its targets here."""
        if "kpi_id" not in groupby or not rows:
            return
        kpis = (
            self.env["sales.kpi"]
            .sudo()
            .browse({row["kpi_id"][0] for row in rows if row.get("kpi_id")})
        )
        currencies = {}
        if any(kpi.unit == "money" for kpi in kpis):
            money = kpis.filtered(lambda kpi: kpi.unit == "money")
            pairs = self._read_group(
                [*domain, ("kpi_id", "in", money.ids)], ["kpi_id", "currency_id"], []
            )
            for kpi, pairs_of_kpi in group_records(pairs, key=lambda pair: pair[0]):
                currencies[kpi.id] = ", ".join(sorted(c.name for _k, c in pairs_of_kpi))
        for row in rows:
            if row.get("kpi_id"):
                kpi = kpis.browse(row["kpi_id"][0])
                row["kpi_id"] = (kpi.id, name_with_unit(kpi, currencies.get(kpi.id)))
