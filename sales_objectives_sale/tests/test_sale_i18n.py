from odoo.tests import tagged

from odoo.addons.sales_objectives.tests import test_i18n


@tagged("post_install", "-at_install", "sales_objectives")
class TestSaleTranslations(test_i18n.TestTranslations):
    module = "sales_objectives_sale"
    record_xmlid = "sales_objectives_sale.sales_kpi_ordered_amount"
    record_name = "Ordered amount"
