"""Storing a refresh's figures: each measured target's derived figures (figures.py),
compared with those stored on it, and the one UPDATE of those that changed; what the
change announces (news.py) and whose bonus to pay again. Plain functions: the engine
runs the statement and hands the news and bonuses to the targets."""

from dataclasses import dataclass, field

from odoo.tools import SQL

from . import figures
from .news import milestone_news, same_figures, status_news
from .state import STORED_FIGURES

# Figures compared to decide whether a target is written again.
FIGURE_NAMES = [name for name, _type in STORED_FIGURES]
# STORED_FIGURES: actual (float), sample (int), these floats, two ints, the status
FLOAT_FIGURES = FIGURE_NAMES[2:-3]
# no figure (nothing measured: a rate without deals) is stored as NULL, not 0
NULLABLE_FIGURES = frozenset({"attainment"})
# Up to this many targets are written through the primary key (update_statement).
FEW_ROWS = 10000


@dataclass(frozen=True)
class KpiTerms:
    """What deriving a KPI's figures needs of it."""

    unit: str
    direction: str
    additive: bool
    pipeline: str | None


@dataclass
class StorePlan:
    """What a refresh writes: ``changed`` [(target id, values in STORED_FIGURES
    order)], ``events`` {target id: news}, ``bonuses`` [target ids whose payout is
    computed again]."""

    changed: list = field(default_factory=list)
    events: dict = field(default_factory=dict)
    bonuses: list = field(default_factory=list)


def stored_values(measured):
    """The figures of ``measured`` (a dict of measured and derived figures) in
    STORED_FIGURES order, as the database stores them."""
    return (
        float(measured["actual_value"] or 0.0),
        int(measured["actual_sample"] or 0),
        *(
            None
            if name in NULLABLE_FIGURES and measured.get(name) is None
            else float(measured.get(name) or 0.0)
            for name in FLOAT_FIGURES
        ),
        int(measured.get("opportunities_needed") or 0),
        int(measured.get("meetings_needed") or 0),
        measured.get("status") or None,
    )


def plan_store(rows, results, state, terms, write_all=False):
    """Derives the figures of every measured row of ``rows`` (``results``: {target id:
    measured figures}; ``terms``: {kpi id: KpiTerms}) and keeps those that changed
    since they were stored (all of them with ``write_all``)."""
    plan = StorePlan()
    for row in rows:
        measured = results.get(row.id)
        if measured is None:
            continue
        kpi = terms[row.kpi_id]
        clock = state.companies[row.company_id]
        measured["elapsed_ratio"] = state.elapsed[row.id]
        measured.update(
            figures.derive(
                target=row.target_value or 0.0,
                unit=kpi.unit,
                direction=kpi.direction,
                additive=kpi.additive,
                pipeline_kind=kpi.pipeline,
                actual=measured["actual_value"],
                sample=measured["actual_sample"],
                elapsed=measured["elapsed_ratio"],
                ended=clock.today > row.date_to,
                pipeline_value=measured.get("pipeline_value", 0.0),
                pipeline_weighted=measured.get("pipeline_weighted", 0.0),
                win_rate=measured.get("history_win_rate", 0.0),
                avg_deal=measured.get("history_avg_deal", 0.0),
                meetings_per_win=measured.get("history_meetings_per_win", 0.0),
                on_track=clock.on_track,
                at_risk=clock.at_risk,
                min_share=clock.min_share,
            )
        )
        values = stored_values(measured)
        old_figures, was_failed, never, milestone, stretch, bonus = row.stored
        if not (write_all or never or was_failed or not same_figures(old_figures, values)):
            continue
        plan.changed.append((row.id, values))
        if bonus:
            plan.bonuses.append(row.id)
        news = status_news(old_figures, values, never)
        news.update(
            milestone_news(row.target_value, kpi.unit, kpi.direction, values[0], milestone, stretch)
        )
        if news:
            # a first measure sets where the target stands, and announces nothing
            plan.events[row.id] = dict(news, silent=never)
    return plan


def _array_literal(values):
    items = ("NULL" if v is None else f'"{v}"' if isinstance(v, str) else repr(v) for v in values)
    return f"{{{','.join(items)}}}"


def update_statement(changed, now):
    """One UPDATE of the ``changed`` targets; each column travels as one text array
    literal (not as an ARRAY[...] expression of parameters)."""
    ids = [target_id for target_id, _values in changed]
    columns = list(zip(*(values for _id, values in changed)))
    # a few thousand rows of a large table: through its primary key (the planner
    # would rather hash the whole table)
    few = len(ids) <= FEW_ROWS
    return SQL(
        """%s
        UPDATE sales_target t
           SET %s, refreshed_at = %s, refresh_failed = FALSE
          FROM unnest(%s::int4[], %s) AS v(id, %s)
         WHERE t.id = v.id;
        %s""",
        SQL("SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off;") if few else SQL(),
        SQL(", ").join(
            SQL("%s = v.%s", SQL.identifier(name), SQL.identifier(name)) for name in FIGURE_NAMES
        ),
        now,
        _array_literal(ids),
        SQL(", ").join(
            SQL("%s::%s[]", _array_literal(column), SQL(kind))
            for column, (_name, kind) in zip(columns, STORED_FIGURES)
        ),
        SQL(", ").join(SQL.identifier(name) for name in FIGURE_NAMES),
        SQL("SET LOCAL enable_hashjoin = on; SET LOCAL enable_mergejoin = on;") if few else SQL(),
    )
