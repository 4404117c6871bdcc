{
    "name": "Sales Objectives",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "summary": "Targets per team and salesperson, KPIs from the CRM, SMART objectives on calls",
    "author": "sales_objectives contributors",
    "website": "https://github.com/sales-objectives/sales_objectives",
    "license": "LGPL-3",
    "depends": ["crm", "product"],
    "data": [],
    "demo": [],
    "installable": True,
    "application": False,
}
