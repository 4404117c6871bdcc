"""The leaderboard: ranks by attainment with ties, the trend versus the previous
period, what each user sees, and a constant number of queries."""

from freezegun import freeze_time

from odoo.tests import tagged

from .common import SalesObjectivesCase


@tagged("post_install", "-at_install", "sales_objectives")
@freeze_time("2026-03-16 12:00:00")
class TestLeaderboard(SalesObjectivesCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()

        def target(owner, actual, date_from="2026-03-01", **extra):
            t = cls._target(
                "manual", owner, value=100, manual_value=actual, date_from=date_from, **extra
            )
            t.action_confirm()
            return t

        cls.t_rep1 = target(cls.rep1, 80)
        cls.t_rep2 = target(cls.rep2, 80)
        cls.t_rep4 = target(cls.rep4, 50)
        cls.t_rep3 = target(cls.rep3, 90, team=cls.team2)
        cls.t_team1 = target(cls.team1, 70)
        cls.t_team2 = target(cls.team2, 90)
        cls.t_rep1_feb = target(cls.rep1, 60, date_from="2026-02-01")
        # a draft is not ranked
        cls.draft = cls._target(
            "manual", cls.rep1, value=100, manual_value=99, date_from="2026-04-01"
        )
        cls.Board = cls.env["sales.target.leaderboard"]

    def board(self, user=None, **domain):
        Board = self.Board.with_user(user) if user else self.Board
        rows = Board.search(
            [("kpi_id", "=", self.kpi["manual"].id)]
            + [(name, "=", value) for name, value in domain.items()]
        )
        return {row.target_id: row for row in rows}

    def test_ranks_with_ties(self):
        march = self.board(date_from="2026-03-01", owner_type="user")
        ranks = {
            target: (row.rank, row.participants, row.company_rank) for target, row in march.items()
        }
        self.assertEqual(
            ranks,
            {
                self.t_rep1: (1, 3, 2),
                self.t_rep2: (1, 3, 2),
                self.t_rep4: (3, 3, 4),
                self.t_rep3: (1, 1, 1),
            },
        )
        teams = self.board(date_from="2026-03-01", owner_type="team")
        self.assertEqual({t: r.rank for t, r in teams.items()}, {self.t_team2: 1, self.t_team1: 2})
        self.assertNotIn(self.draft, self.board())

    def test_trend_versus_previous_period(self):
        march = self.board(date_from="2026-03-01", owner_type="user")
        self.assertTrue(march[self.t_rep1].has_previous)
        self.assertAlmostEqual(march[self.t_rep1].previous_attainment, 60)
        self.assertAlmostEqual(march[self.t_rep1].trend, 20)
        self.assertFalse(march[self.t_rep2].has_previous)
        self.assertTrue(march[self.t_rep1].is_current)
        self.assertFalse(self.board()[self.t_rep1_feb].is_current)

    def test_the_team_sees_its_rankings(self):
        mine = self.board(self.rep1)
        self.assertEqual(
            set(mine),
            {self.t_rep1, self.t_rep2, self.t_rep4, self.t_team1, self.t_rep1_feb},
        )
        # ranks are computed over everyone, whoever looks
        self.assertEqual(mine[self.t_rep4].company_rank, 4)
        self.assertEqual(set(self.board(self.rep3)), {self.t_rep3, self.t_team2})
        self.assertEqual(len(self.board(self.leader)), 5)
        self.assertEqual(len(self.board(self.all_leads)), 7)
        self.assertFalse(self.board(self.rep_b))
        # a peer's figures, with their unit, through the leaderboard only
        row = mine[self.t_rep2].with_user(self.rep1)
        self.assertEqual(row.value_label, self.t_rep2.value_label)

    def test_reads_in_constant_queries(self):
        Board = self.Board.with_user(self.manager)
        spec = {
            name: {}
            for name in (
                "rank",
                "participants",
                "attainment",
                "value_label",
                "gap_label",
                "trend",
                "has_previous",
                "status",
                "coverage_ratio",
            )
        }
        spec.update(
            user_id={"fields": {"display_name": {}}}, team_id={"fields": {"display_name": {}}}
        )

        def read():
            self.env.invalidate_all()
            return Board.web_search_read([("kpi_id", "=", self.kpi["manual"].id)], spec)

        read()
        before = self.cr.sql_log_count
        small = read()
        small_queries = self.cr.sql_log_count - before
        for index in range(20):
            target = self._target(
                "manual",
                self.rep4,
                value=100,
                manual_value=index,
                date_from=f"20{10 + index}-01-01",
                period="year",
            )
            target.action_confirm()
        before = self.cr.sql_log_count
        large = read()
        self.assertEqual(large["length"], small["length"] + 20)
        self.assertEqual(self.cr.sql_log_count - before, small_queries)


@tagged("post_install", "-at_install", "sales_objectives")
@freeze_time("2026-03-16 12:00:00")
class TestStrip(SalesObjectivesCase):
    def test_strip_shows_my_current_targets_in_constant_queries(self):
        Target = self.env["sales.target"]
        mine = Target
        for kpi in ("won_revenue", "won_count", "win_rate"):
            mine |= self._target(kpi, self.rep1, value=10)
        mine.action_confirm()
        self._target("won_count", self.rep1, value=10, date_from="2026-02-01").action_confirm()
        self._target("new_leads", self.rep1, value=10)  # a draft
        self._target("won_count", self.rep2, value=10).action_confirm()
        strip = Target.with_user(self.rep1).so_strip_data()
        self.assertEqual({row["id"] for row in strip}, set(mine.ids))
        row = next(r for r in strip if r["id"] == mine[0].id)
        self.assertEqual(row["value"], "$\xa03,000.00 / $\xa010.00")
        self.assertEqual(row["period"], "Mar 2026")

        def count():
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            Target.with_user(self.rep1).so_strip_data()
            return self.cr.sql_log_count - before

        count()
        small = count()
        more = Target
        for kpi in ("avg_deal_size", "cycle_days", "new_opportunities", "activities_done"):
            more |= self._target(kpi, self.rep1, value=10)
        more.action_confirm()
        self.assertEqual(count(), small)
