{
    "name": "Sales Objectives: Sales bridge",
    "version": "18.0.1.1.0",
    "category": "Sales/CRM",
    "summary": "Targets on sales orders and invoices: ordered and invoiced amounts, orders, "
    "discount, order value, customers served, repeat sales, retention, churn, cross-sell",
    "author": "sales_objectives contributors",
    "website": "https://github.com/sales-objectives/sales_objectives",
    "license": "LGPL-3",
    "depends": ["sales_objectives", "sale_crm"],
    "data": [
        "security/sales_objectives_sale_security.xml",
        "security/ir.model.access.csv",
        "data/sales_kpi_data.xml",
        "views/sales_kpi_views.xml",
        "views/crm_team_views.xml",
        "views/sale_order_views.xml",
        "views/account_move_views.xml",
    ],
    "demo": [
        "demo/sales_target_demo.xml",
    ],
    "auto_install": True,
    "uninstall_hook": "uninstall_hook",
    "installable": True,
}
