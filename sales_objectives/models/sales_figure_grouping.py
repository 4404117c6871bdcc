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

KPI_UNIT = "kpi_unit"
RECORDS = "records"
MONEY = "money"
OWN_RATE = "own_rate"

NOT_AGGREGATES = ("count", "count_distinct", "array_agg", "recordset")


def adds_up(kpi):
    """Whether the figures of ``kpi``'s targets add up: amounts and counts that are sums
    (won revenue, deals, customers…), not rates or averages (win rate, sales cycle)."""
    return kpi.unit in ("money", "count") and kpi._metric_definition()["additive"]


def _unit_endings(kpi, currencies=None):
    """``kpi``'s unit in the reader's language (or None), and the endings a KPI name
    carrying its unit has: "(days)", in the reader's language or in English (a KPI
    named in English and not translated keeps its "(days)"), in round or full-width
    brackets ("销售周期（天）")."""
    env = kpi.env
    english = {"money": currencies or "amount", "percent": "%", "days": "days", "count": "count"}
    unit = {
        "money": currencies or env._("amount"),
        "percent": "%",
        "days": env._("days"),
        "count": env._("count"),
    }.get(kpi.unit)
    said = (unit, english.get(kpi.unit))
    return unit, [ending for word in said for ending in (f"({word})", f"（{word}）")]


def name_with_unit(kpi, currencies=None):
    """``kpi``'s name with its unit: "Won revenue (USD)", "Win rate (%)", "Sales cycle
    (days)", "Won deals (count)"; the unit is not repeated when the name ends with it."""
    unit, endings = _unit_endings(kpi, currencies)
    name = kpi.display_name
    if not unit or any(name.rstrip().endswith(ending) for ending in endings):
        return name
    return kpi.env._("%(kpi)s (%(unit)s)", kpi=name, unit=unit)


def name_without_unit(kpi):
    """``kpi``'s name without the unit it may end with ("Sales cycle (days)" → "Sales
    cycle"), where the figures beside it say their unit ("31.0 days / 30.0 days")."""
    unit, endings = _unit_endings(kpi)
    name = kpi.display_name.rstrip()
    for ending in endings if unit else ():
        if name.endswith(ending) and len(name) > len(ending):
            return name[: -len(ending)].rstrip()
    return name


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
