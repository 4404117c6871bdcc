from . import (
    account_move,
    crm_team,
    sale_order,
    sale_order_line,
    sales_credit_split,
    sales_kpi,
    sales_kpi_change,
    sales_kpi_engine,
    sales_kpi_first_order,
    sales_kpi_refresh,
    sales_kpi_watch,
    sales_target,
)
