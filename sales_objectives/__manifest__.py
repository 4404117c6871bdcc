{
    "name": "Sales Objectives",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "summary": "Targets per team and salesperson, KPIs from the CRM, SMART objectives on calls",
    "author": "sales_objectives contributors",
    "website": "https://github.com/sales-objectives/sales_objectives",
    "license": "LGPL-3",
    "depends": ["crm", "product"],
    "data": [
        "security/sales_objectives_security.xml",
        "security/ir.model.access.csv",
        "data/sales_kpi_data.xml",
        "wizard/sales_target_split_views.xml",
        "wizard/sales_funnel_views.xml",
        "views/sales_kpi_views.xml",
        "views/sales_target_views.xml",
        "views/sales_target_leaderboard_views.xml",
        "views/sales_target_forecast_views.xml",
        "views/sales_objective_views.xml",
        "views/crm_lead_views.xml",
        "views/crm_team_views.xml",
        "views/res_config_settings_views.xml",
        "views/menus.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "sales_objectives/static/src/activity_outcome/*",
            "sales_objectives/static/src/target_progress/*",
        ],
        "web.assets_backend_lazy": [
            "sales_objectives/static/src/target_pivot/*",
        ],
        "web.assets_tests": [
            "sales_objectives/static/tests/tours/*",
        ],
    },
    "demo": [
        "demo/sales_target_demo.xml",
        "demo/sales_objective_demo.xml",
    ],
    "installable": True,
    "application": False,
}
