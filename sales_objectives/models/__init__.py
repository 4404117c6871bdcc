from . import crm_team, res_company, res_config_settings, sales_kpi, sales_kpi_engine, sales_target
