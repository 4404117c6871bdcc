"""Hot path: refreshing targets on the bridge's metrics takes a number of queries that
does not depend on the number of targets."""

from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.sales_objectives.tests.common import QueryCountsMixin

from .common import SALE_KPIS, SaleObjectivesCase

# 10 KPIs, 1 company calendar: per KPI a savepoint (2 statements) and one grouped query
# (sums, or customers per bucket for the distinct ones) = 30, less 2 since customers
# served, retention and churn share one scan of the customers, plus the session
# settings, reading targets, companies, rates, the teams' and users' companies, the
# calendar (1: its working days are kept while it stays the same), the KPIs, their
# activity types and product categories (3), one UPDATE of the targets whose figures
# changed, and the KPIs' refresh state.
REFRESH_QUERIES = 40


@tagged("post_install", "-at_install", "sales_objectives", "is_query_count", "so_performance")
@freeze_time("2026-03-16 12:00:00")
class TestSaleQueryCounts(QueryCountsMixin, SaleObjectivesCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_small_and_large(SALE_KPIS)  # 20 and 400 targets

    def test_refresh_queries_do_not_depend_on_the_number_of_targets(self):
        self.assertEqual((len(self.small), len(self.large)), (20, 400))
        self.assertRefreshQueries(REFRESH_QUERIES)
        # and the figures are there: rep 3 ordered O7 (200) on March 15
        rep3 = self.large.filtered(
            lambda t: t.user_id == self.rep3 and t.kpi_id == self.kpi["ordered_amount"]
        )
        self.assertEqual(set(rep3.mapped("actual_value")), {200.0})
