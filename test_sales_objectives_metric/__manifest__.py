{
    "name": "Sales Objectives: a metric added by an add-on (tests)",
    "version": "18.0.1.0.0",
    "category": "Hidden",
    "summary": "Tests only: a new metric in under 40 lines reaches targets, plans, "
    "the leaderboard and the forecast",
    "author": "sales_objectives contributors",
    "website": "https://github.com/sales-objectives/sales_objectives",
    "license": "LGPL-3",
    "depends": ["sales_objectives"],
    "data": [
        "data/sales_kpi_data.xml",
    ],
    "installable": True,
    "auto_install": False,
}
