"""The refresh engine in plain Python (no ORM), driven by the sales.kpi.engine model
(models/sales_kpi_engine.py): the per-run state and rows (state.py), local buckets
(buckets.py), cells (cells.py), currency rates (rates.py), derived figures
(figures.py), news (news.py), storing (store.py) and the metric registry (metrics.py)."""

from . import buckets, cells, figures, metrics, news, rates, state, store
