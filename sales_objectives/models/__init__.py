from . import (
    crm_lead,
    crm_stage,
    crm_team,
    mail_activity,
    res_company,
    res_config_settings,
    sales_kpi,
    sales_kpi_engine,
    sales_kpi_metric,
    sales_objective,
    sales_target,
)
