from odoo.tests import tagged

from odoo.addons.sales_objectives.tests import test_i18n


@tagged("post_install", "-at_install", "sales_objectives")
class TestMarginTranslations(test_i18n.TestTranslations):
    module = "sales_objectives_sale_margin"
    record_xmlid = "sales_objectives_sale_margin.sales_kpi_margin"
    record_name = "Margin"
