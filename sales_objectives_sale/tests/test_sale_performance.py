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
REFRESH_QUERIES = 39


@tagged("post_install", "-at_install", "sales_objectives", "is_query_count", "so_performance")
@freeze_time("2026-03-16 12:00:00")
class TestSaleQueryCounts(QueryCountsMixin, SaleObjectivesCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        team = {"owner_type": "team", "team_id": cls.team1.id, "company_id": cls.company_a.id}
        rep = dict(team, owner_type="user", user_id=cls.rep1.id)
        kpis = SALE_KPIS
        cls.small = cls.make_targets(kpis, 1, team) | cls.make_targets(kpis, 1, rep)  # 20 targets
        cls.large = cls.make_targets(kpis, 20, dict(team, team_id=cls.team2.id)) | cls.make_targets(
            kpis, 20, dict(rep, user_id=cls.rep3.id, team_id=cls.team2.id)
        )
        # 400 targets
        cls.env.flush_all()

    def test_refresh_queries_do_not_depend_on_the_number_of_targets(self):
        self.assertEqual((len(self.small), len(self.large)), (20, 400))
        engine = self.env["sales.kpi.engine"]
        # warm the registry caches; a first refresh also records where each target
        # stands (milestones reached: one more statement, whatever the number)
        engine.refresh(self.small)
        engine.refresh(self.large)
        small = self.queries(lambda: engine.refresh(self.small))
        large = self.queries(lambda: engine.refresh(self.large))
        self.assertEqual(small, large)
        for targets in (self.small, self.large):
            self.env.invalidate_all()
            with self.assertQueryCount(REFRESH_QUERIES):
                engine.refresh(targets)
        self.assertEqual(small, REFRESH_QUERIES)
        # and the figures are there: rep 3 ordered O7 (200) on March 15
        rep3 = self.large.filtered(
            lambda t: t.user_id == self.rep3 and t.kpi_id == self.kpi["ordered_amount"]
        )
        self.assertEqual(set(rep3.mapped("actual_value")), {200.0})
