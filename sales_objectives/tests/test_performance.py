"""Hot paths: refreshing targets and reading "My targets" take a number of queries
that does not depend on the number of targets (timings are for the benchmark in
bench/, not for tests)."""

from freezegun import freeze_time

from odoo.tests import tagged

from .common import QueryCountsMixin, SalesObjectivesCase

# 5 KPIs, 1 company calendar: per KPI a savepoint and one grouped query (whatever the
# number of targets, periods and time zones), the pipeline and the 12-month history for
# won revenue (a savepoint each), plus the session settings, reading targets, companies,
# rates, the teams' and users' companies, the calendar (one query: its working days are
# kept while it stays the same), one UPDATE of the targets whose figures changed, the
# users to tell that they changed (their open screens), and the KPIs' refresh state.
REFRESH_QUERIES = 33
KPIS = ("won_revenue", "win_rate", "new_leads", "calls_done", "new_customers")


@tagged("post_install", "-at_install", "sales_objectives", "is_query_count", "so_performance")
@freeze_time("2026-03-16 12:00:00")
class TestQueryCounts(QueryCountsMixin, SalesObjectivesCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_small_and_large(KPIS)  # 10 and 200 targets

    def test_refresh_queries_do_not_depend_on_the_number_of_targets(self):
        self.assertEqual((len(self.small), len(self.large)), (10, 200))
        # an add-on whose measures read another many2many of the KPIs (the sales
        # bridge's product categories) reads it with one more query
        Kpi = self.env["sales.kpi"]
        self.assertRefreshQueries(
            REFRESH_QUERIES
            + sum(
                Kpi._fields[name].type == "many2many"
                for name in self.env["sales.kpi.engine"].kpi_fields()[7:]
            )
        )
        # and the figures are there: rep 3 won L6 (800) in March
        rep3 = self.large.filtered(
            lambda t: t.user_id == self.rep3 and t.kpi_id == self.kpi["won_revenue"]
        )
        self.assertEqual(set(rep3.mapped("actual_value")), {800.0})

    def test_my_targets_reads_in_constant_queries(self):
        """What the "My targets" kanban reads, for 10 and for 200 targets."""
        spec = {
            name: {}
            for name in (
                "kpi_id",
                "period_name",
                "user_id",
                "team_id",
                "status",
                "attainment",
                "actual_value",
                "target_value",
                "expected_value",
                "unit",
                "currency_id",
                "display_name",
                "state",
            )
        }
        spec["kpi_id"] = {"fields": {"display_name": {}}}
        spec["user_id"] = {"fields": {"display_name": {}}}
        spec["team_id"] = {"fields": {"display_name": {}}}
        Target = self.env["sales.target"]

        def read(targets):
            return lambda: Target.web_search_read([("id", "in", targets.ids)], spec)

        self.queries(read(self.small))
        small = self.queries(read(self.small))
        large = self.queries(read(self.large))
        self.assertEqual(small, large)
        with self.assertQueryCount(small):
            self.env.invalidate_all()
            Target.web_search_read([("id", "in", self.large.ids)], spec)

    def test_pivot_reads_in_constant_queries(self):
        """What the targets pivot and graph read (grouped, rules applied), for 10 and
        for 200 targets: the same number of queries."""
        Target = self.env["sales.target"].with_user(self.manager)
        fields = ["target_value:sum", "actual_value:sum", "attainment:avg", "__count"]

        def pivot(targets):
            def run():
                Target.read_group(
                    [("id", "in", targets.ids)], fields, ["kpi_id", "period_name"], lazy=False
                )
                Target.read_group(
                    [("id", "in", targets.ids)], ["attainment:avg"], ["user_id"], lazy=False
                )

            return run

        self.queries(pivot(self.small))
        small = self.queries(pivot(self.small))
        large = self.queries(pivot(self.large))
        self.assertEqual(small, large)
        with self.assertQueryCount(small):
            self.env.invalidate_all()
            pivot(self.large)()
        groups = Target.read_group(
            [("id", "in", self.large.ids)], fields, ["kpi_id", "period_name"], lazy=False
        )
        self.assertEqual(sum(group["__count"] for group in groups), 200)
