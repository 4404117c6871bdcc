from . import sales_kpi, sales_kpi_engine
