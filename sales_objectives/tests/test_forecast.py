"""The forecast, with hand-worked figures: won, commit (open opportunities due in the
period at or above the company's commit probability, in full), best case (commit + the
other open opportunities due in the period, weighted) and the gap to commit, in the
targets' words; its boards (a team's salespeople on one KPI and period) add up, nothing
else does; it opens on the current period's boards of the user's teams, open."""

import dataclasses
from unittest.mock import patch

from freezegun import freeze_time
from lxml import etree

from odoo.tests import tagged

from .common import SalesObjectivesCase


@tagged("post_install", "-at_install", "sales_objectives", "so_forecast")
@freeze_time("2026-03-16 12:00:00")
class TestForecast(SalesObjectivesCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a.sales_forecast_commit_probability = 50
        # open in March: L7 10,000 at 30 %; L8 5,000 at 60 %, now due on March 28
        cls.l8.date_deadline = "2026-03-28"

    def forecast(self, kpi, owner, user=None, **kwargs):
        kwargs.setdefault("value", 12000 if kpi == "won_revenue" else 4)
        target = self._target(kpi, owner, **kwargs)
        target.action_confirm()
        Forecast = self.env["sales.target.forecast"]
        if user:
            Forecast = Forecast.with_user(user)
        return Forecast.search([("target_id", "=", target.id)])

    def test_amounts(self):
        # rep 1 won L1 1,000 + L2 2,000 in March; L8 (60 %) is committed in full:
        # commit 8,000; best case 8,000 + L7 10,000 x 30 % = 11,000; gap 12,000 - 8,000
        row = self.forecast("won_revenue", self.rep1)
        self.assertEqual(
            (row.target_value, row.won_value, row.commit_value, row.best_value, row.gap_value),
            (12000, 3000, 8000, 11000, 4000),
        )
        self.assertEqual(row.commit_label, "$\xa08,000.00")
        # the team: the same deals (L3, rep 2's, was won on April 1 local)
        team = self.forecast("won_revenue", self.team1)
        self.assertEqual((team.won_value, team.commit_value, team.best_value), (3000, 8000, 11000))

    def test_deals(self):
        # 2 won; 1 committed (L8); best case 1 + 0.3 (L7)
        row = self.forecast("won_count", self.rep1)
        self.assertEqual((row.won_value, row.commit_value), (2, 3))
        self.assertAlmostEqual(row.best_value, 3.3)
        self.assertEqual(row.gap_label, "1 to go")

    def test_commit_probability_per_company(self):
        self.company_a.sales_forecast_commit_probability = 70
        row = self.forecast("won_revenue", self.rep1)
        # nothing committed: best case = won + everything weighted (3,000 + 3,000)
        self.assertEqual((row.commit_value, row.best_value), (3000, 9000))

    def test_rights(self):
        mine = self.forecast("won_revenue", self.rep1, user=self.rep1)
        self.assertTrue(mine)
        theirs = self.forecast("won_revenue", self.rep2, user=self.rep1)
        self.assertFalse(theirs)
        self.assertTrue(
            self.forecast("won_revenue", self.rep3, team=self.team2, user=self.all_leads)
        )

    def test_reads_in_constant_queries(self):
        Forecast = self.env["sales.target.forecast"].with_user(self.manager)
        spec = {
            name: {}
            for name in ("target_label", "won_label", "commit_label", "best_label", "gap_label")
        }
        spec.update(
            user_id={"fields": {"display_name": {}}}, team_id={"fields": {"display_name": {}}}
        )
        for owner in (self.rep1, self.rep2):
            self._target("won_revenue", owner, value=1000).action_confirm()

        def read():
            self.env.invalidate_all()
            return Forecast.web_search_read([], spec)

        read()
        before = self.cr.sql_log_count
        small = read()
        small_queries = self.cr.sql_log_count - before
        for month in range(4, 10):
            for owner in (self.rep1, self.rep2, self.rep4):
                self._target(
                    "won_revenue", owner, value=1000, date_from=f"2026-{month:02d}-01"
                ).action_confirm()
        before = self.cr.sql_log_count
        large = read()
        self.assertEqual(large["length"], small["length"] + 18)
        self.assertEqual(self.cr.sql_log_count - before, small_queries)

    def test_a_commit_past_the_target_is_ahead(self):
        """The target's words for the gap, said of the commit: target 5,000, commit
        8,000 (won 3,000 + L8 5,000 committed): "ahead by $3,000.00", where the target
        itself (won 3,000) still has $2,000.00 to go. The team T1 commits the same
        8,000 (no other won or committed deal in March): a target of 8,000 is "on
        target"."""
        row = self.forecast("won_revenue", self.rep1, value=5000)
        self.assertEqual(row.gap_value, -3000)
        self.assertEqual(row.gap_label, "ahead by $\xa03,000.00")
        self.assertEqual(row.target_id.gap_label, "$\xa02,000.00 to go")
        exact = self.forecast("won_revenue", self.team1, value=8000)
        self.assertEqual(exact.gap_label, "on target")

    def test_it_reads_the_metrics_of_now(self):
        """The forecast is a query made when read (not a view made at install): the
        metrics projected with the pipeline are those defined now, a bridge's too."""
        row = self.forecast("won_revenue", self.rep1)
        self.assertEqual(len(row), 1)
        target = row.target_id
        Kpi = self.registry["sales.kpi"]
        defined = Kpi._metric_definitions

        def without_pipeline(kpis):
            definitions = defined(kpis)
            return {
                **definitions,
                "won_revenue": dataclasses.replace(definitions["won_revenue"], pipeline=None),
            }

        with patch.object(Kpi, "_metric_definitions", without_pipeline):
            Forecast = self.env["sales.target.forecast"]
            self.assertFalse(Forecast.search([("target_id", "=", target.id)]))

    def test_boards_add_up_and_nothing_else(self):
        """Rep 1 $12,000 and rep 2 $4,000 on won revenue in March (T1), rep 1 4 won
        deals, and the team's own $20,000: the board of T1's salespeople adds up to
        $16,000, won $3,000 (rep 1's L1 + L2; rep 2 won nothing in March local); won
        deals are another board; the team is never added to its salespeople."""
        rows = self.forecast("won_revenue", self.rep1)
        rows |= self.forecast("won_revenue", self.rep2, value=4000)
        rows |= self.forecast("won_count", self.rep1)
        rows |= self.forecast("won_revenue", self.team1, value=20000)
        Forecast = self.env["sales.target.forecast"].with_user(self.manager)
        domain = [("id", "in", rows.ids)]
        # what the graph asks (every group at once) and the list's group rows
        boards = Forecast.read_group(
            domain,
            ["target_value:sum", "won_value:sum", "commit_value:sum"],
            ["board_id"],
            lazy=False,
        )
        figures = {row["board_id"][1]: (row["target_value"], row["won_value"]) for row in boards}
        self.assertEqual(
            figures,
            {
                "Won revenue (USD) · Mar 2026 · SO Team 1": (16000, 3000),
                "Won deals (count) · Mar 2026 · SO Team 1": (4, 2),
                "Won revenue (USD) · Mar 2026 · Sales teams of SO Company A": (20000, 3000),
            },
        )
        by_kpi = Forecast.read_group(domain, ["target_value:sum"], ["kpi_id"])
        self.assertEqual(
            {row["kpi_id"][1]: row["target_value"] for row in by_kpi},
            {"Won revenue (USD)": False, "Won deals (count)": 4},
        )
        everything = Forecast.read_group(domain, ["commit_value:sum"], [])
        self.assertFalse(everything[0]["commit_value"])

    def test_it_opens_on_this_periods_boards_of_my_teams(self):
        action = self.env.ref("sales_objectives.sales_target_forecast_action")
        context = action.context
        for default in ("filter_current", "filter_my_teams", "filter_users", "group_board"):
            self.assertIn(f"'search_default_{default}': 1", context)
        views = (
            self.env["sales.target.forecast"]
            .with_user(self.rep1)
            .get_views([(False, "list"), (False, "search")])["views"]
        )
        self.assertEqual(etree.fromstring(views["list"]["arch"]).get("expand"), "1")
        search = etree.fromstring(views["search"]["arch"])
        self.assertTrue(search.xpath("//filter[@name='filter_my_teams']"))
        # a sales manager looks after every team: the filter is there, not by default
        manager_search = etree.fromstring(
            self.env["sales.target.forecast"]
            .with_user(self.manager)
            .get_views([(False, "search")])["views"]["search"]["arch"]
        )
        self.assertFalse(manager_search.xpath("//filter[@name='filter_my_teams']"))
        self.assertTrue(manager_search.xpath("//filter[@name='filter_my_teams_manager']"))
