"""The refresh engine as plain Python classes (no Odoo model), driven by the sales.kpi.engine model
(models/sales_kpi_engine.py): the per-run state and rows (state.py), local buckets
(buckets.py), cells (cells.py), currency rates (rates.py), derived figures
(figures.py), news (news.py), storing (store.py), the metric registry (metrics.py)
and the scans a run makes on its cursor (scan.py: grouped queries, kept cells)."""

from . import buckets, cells, figures, metrics, news, rates, scan, state, store
