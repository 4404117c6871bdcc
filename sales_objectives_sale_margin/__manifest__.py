{
    "name": "Sales Objectives: Margin bridge",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "summary": "Targets on the margin of sales orders, in amount and in percent",
    "author": "sales_objectives contributors",
    "website": "https://github.com/sales-objectives/sales_objectives",
    "license": "LGPL-3",
    "depends": ["sales_objectives_sale", "sale_margin"],
    "data": [
        "data/sales_kpi_data.xml",
    ],
    "demo": [
        "demo/sales_target_demo.xml",
    ],
    "auto_install": True,
    "installable": True,
}
