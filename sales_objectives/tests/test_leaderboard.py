"""The leaderboard: ranks by attainment with ties, the trend versus the previous
period, what each user sees, and a constant number of queries; its boards (a column per
ranking, in the reader's language), what adds up on them, and that it opens on the
current period's rankings of the user's teams, as a board (a Chromium tour: as a
salesperson, the names, photos and positions are there without a click)."""

from freezegun import freeze_time
from lxml import etree

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import SQL
from odoo.tools.safe_eval import safe_eval

from .common import SalesObjectivesCase


@tagged("post_install", "-at_install", "sales_objectives", "so_leaderboard")
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

    def test_no_figure_has_no_rank_and_comes_last(self):
        """Sales cycle in March (lower is better): rep 1 won L1 (Jan 10 → Mar 5: 54
        days) and L2 (Feb 1 → Mar 31, 23:30 local: 58.6 days); rep 2 and rep 4 won
        nothing in March (L3 closed on April 1, local): they have no figure (no
        attainment stored, not 0), no rank, come after rep 1, who is first of 3; the
        digest's average of the team leaves them out."""
        targets = self.env["sales.target"]
        for rep in (self.rep1, self.rep2, self.rep4):
            target = self._target("cycle_days", rep, value=60, date_from="2026-03-01")
            target.action_confirm()
            targets |= target
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT user_id, attainment FROM sales_target WHERE id = ANY(%s)", [targets.ids]
        )
        stored = dict(self.env.cr.fetchall())
        self.assertIsNone(stored[self.rep2.id])
        self.assertIsNone(stored[self.rep4.id])
        self.assertGreater(stored[self.rep1.id], 100)
        rows = self.Board.with_user(self.leader).search(
            [("target_id", "in", targets.ids)], order="rank, user_id"
        )
        self.assertEqual(rows.mapped("user_id"), self.rep1 | self.rep2 | self.rep4)
        self.assertEqual(
            [(row.user_id, row.has_figure, row.participants) for row in rows],
            [(self.rep1, True, 3), (self.rep2, False, 3), (self.rep4, False, 3)],
        )
        self.assertEqual(rows[0].rank, 1)
        self.env.cr.execute(
            SQL(
                "SELECT count(rank) FROM %s AS l WHERE target_id = ANY(%s)",
                self.env["sales.target.leaderboard"]._table_sql,
                targets.ids,
            )
        )
        self.assertEqual(self.env.cr.fetchone()[0], 1)
        [(average, measured)] = (
            self.env["sales.target"]
            .with_user(self.leader)
            ._read_group([("id", "in", targets.ids)], [], ["attainment:avg", "attainment:count"])
        )
        self.assertEqual(measured, 1)
        self.assertAlmostEqual(average, stored[self.rep1.id])

    def test_trend_versus_previous_period(self):
        march = self.board(date_from="2026-03-01", owner_type="user")
        self.assertTrue(march[self.t_rep1].has_previous)
        self.assertAlmostEqual(march[self.t_rep1].previous_attainment, 60)
        self.assertAlmostEqual(march[self.t_rep1].trend, 20)
        self.assertFalse(march[self.t_rep2].has_previous)
        self.assertTrue(march[self.t_rep1].is_current)
        self.assertFalse(self.board()[self.t_rep1_feb].is_current)

    def test_rows_read_by_id_are_ranked_on_their_boards(self):
        """Rows read by id (a field not read with the search) are ranked as the whole
        leaderboard ranks them, several boards and periods read together: the read
        narrows the ranking to their boards' KPI, owner type, company and period."""
        names = ["rank", "participants", "company_rank", "previous_attainment", "has_previous"]

        def values(rows):
            return {row.id: tuple(row[name] for name in names) for row in rows}

        expected = values(self.Board.search_fetch([], names))
        self.env.invalidate_all()
        rows = self.Board.browse([self.t_rep1.id, self.t_rep1_feb.id, self.t_team2.id])
        self.assertEqual(values(rows), {row_id: expected[row_id] for row_id in rows.ids})
        self.assertEqual(values(rows)[self.t_rep1.id], (1, 3, 2, 60.0, True))

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

    def test_coverage_only_where_the_pipeline_covers_the_kpi(self):
        """A sales cycle over its target of days has a gap but no pipeline to cover it:
        no coverage (not "0.0"); won revenue below its target has one, even none
        ("0.0×")."""
        cycle = self._target("cycle_days", self.rep1, value=0.5)
        revenue = self._target("won_revenue", self.rep1, value=10**9)
        (cycle | revenue).action_confirm()
        self.assertTrue(cycle.has_figure and cycle.gap_value > 0)
        rows = self.Board.with_user(self.rep1).search([("target_id", "in", (cycle | revenue).ids)])
        coverage = {row.target_id: row.coverage_label for row in rows}
        self.assertFalse(coverage[cycle])
        self.assertTrue(coverage[revenue].endswith("×"))
        self.assertEqual(coverage[revenue], revenue.coverage_label)
        arch = self.Board.get_views([(False, "list")])["views"]["list"]["arch"]
        self.assertIn('name="coverage_label"', arch)
        self.assertNotIn('name="coverage_ratio"', arch)

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
                "coverage_label",
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

    def test_rankings_are_boards(self):
        """A board per ranking: T1's salespeople in March, T2's, the company's teams in
        March, T1's salespeople in February; headed in the reader's language."""
        self.env["res.lang"]._activate_lang("nl_NL")
        rows = (
            self.Board.with_user(self.manager)
            .with_context(lang="nl_NL")
            .web_read_group(
                [("kpi_id", "=", self.kpi["manual"].id)], ["actual_value:sum"], ["board_id"]
            )["groups"]
        )
        boards = {row["board_id"][1]: (row["board_id_count"], row["actual_value"]) for row in rows}
        self.assertEqual(
            boards,
            {
                # 80 + 80 + 50: the board's actuals add up (a count of units)
                "Manual KPI (aantal) · mrt. 2026 · SO Team 1": (3, 210),
                "Manual KPI (aantal) · mrt. 2026 · SO Team 2": (1, 90),
                "Manual KPI (aantal) · mrt. 2026 · Verkoopteams van SO Company A": (2, 160),
                "Manual KPI (aantal) · feb. 2026 · SO Team 1": (1, 60),
            },
        )
        # the same ranks as the board says: ranked on it, the others never mixed in
        march = self.board(date_from="2026-03-01", owner_type="user")
        self.assertEqual(march[self.t_rep1].board_id, march[self.t_rep4].board_id)
        self.assertNotEqual(march[self.t_rep1].board_id, march[self.t_rep3].board_id)
        # a KPI's boards together do not add up (salespeople and teams, two months)
        by_kpi = self.Board.with_user(self.manager).read_group(
            [("kpi_id", "=", self.kpi["manual"].id)], ["actual_value:sum"], ["kpi_id"]
        )
        self.assertFalse(by_kpi[0]["actual_value"])

    def test_it_opens_on_this_periods_rankings_of_my_teams_as_a_board(self):
        action = self.env.ref("sales_objectives.sales_target_leaderboard_action")
        self.assertEqual(action.view_mode, "kanban,list")
        for default in ("filter_current", "filter_my_teams", "filter_users"):
            self.assertIn(f"'search_default_{default}': 1", action.context)
        # grouped by ranking by the views, not by the search: grouping by territory
        # replaces it (a kanban shows its first grouping only)
        self.assertNotIn("search_default_group_board", action.context)
        views = self.Board.with_user(self.rep1).get_views(
            [(False, "kanban"), (False, "list"), (False, "search")]
        )["views"]
        for view in ("kanban", "list"):
            arch = etree.fromstring(views[view]["arch"])
            self.assertEqual(arch.get("default_group_by"), "board_id")
        self.assertEqual(etree.fromstring(views["list"]["arch"]).get("expand"), "1")
        # "My teams": the salespeople of the user's teams, and the teams' rankings
        search = etree.fromstring(views["search"]["arch"])
        (my_teams,) = search.xpath("//filter[@name='filter_my_teams']")
        domain = safe_eval(my_teams.get("domain"), {"uid": self.leader.id})
        mine = self.Board.with_user(self.all_leads).search(
            [("kpi_id", "=", self.kpi["manual"].id), *domain]
        )
        self.assertEqual(
            set(mine.target_id),
            {self.t_rep1, self.t_rep2, self.t_rep4, self.t_rep1_feb, self.t_team1, self.t_team2},
        )
        # sales managers look after every team: not by default
        manager_search = etree.fromstring(
            self.Board.with_user(self.manager).get_views([(False, "search")])["views"]["search"][
                "arch"
            ]
        )
        self.assertFalse(manager_search.xpath("//filter[@name='filter_my_teams']"))


@tagged("post_install", "-at_install", "sales_objectives", "so_leaderboard", "so_tours")
class TestLeaderboardTour(HttpCase):
    """As a salesperson: the leaderboard opens on this month's ranking of their team,
    names, photos and positions at once; the list has the rows open; the forecast opens
    on their row."""

    def test_a_salesperson_sees_the_ranking_at_once(self):
        reps = self.env["res.users"]
        for letter in "ABC":
            reps |= new_test_user(
                self.env,
                login=f"so_board_rep_{letter.lower()}",
                groups="sales_team.group_sale_salesman",
                name=f"SO Board Rep {letter}",
            )
        team = self.env["crm.team"].create(
            {"name": "SO Board Team", "member_ids": [Command.set(reps.ids)]}
        )
        other = new_test_user(
            self.env,
            login="so_board_other",
            groups="sales_team.group_sale_salesman",
            name="SO Board Outsider",
        )
        other_team = self.env["crm.team"].create(
            {"name": "SO Board Other Team", "member_ids": [Command.set(other.ids)]}
        )
        kpi = self.env["sales.kpi"].create({"name": "SO Board Calls", "metric": "manual"})
        revenue = self.env.ref("sales_objectives.sales_kpi_won_revenue")
        month = fields.Date.context_today(self.env.user).replace(day=1)
        Target = self.env["sales.target"]
        targets = Target
        # attainments 90 %, 70 %, 50 %: ranks 1, 2, 3
        for rep, actual in zip(reps, (90, 70, 50), strict=True):
            targets |= Target.create(
                {
                    "kpi_id": kpi.id,
                    "owner_type": "user",
                    "user_id": rep.id,
                    "team_id": team.id,
                    "date_from": month,
                    "target_value": 100,
                    "manual_value": actual,
                }
            )
        targets |= Target.create(
            {
                "kpi_id": kpi.id,
                "owner_type": "user",
                "user_id": other.id,
                "team_id": other_team.id,
                "date_from": month,
                "target_value": 100,
                "manual_value": 99,
            }
        )
        targets |= Target.create(
            {
                "kpi_id": revenue.id,
                "owner_type": "user",
                "user_id": reps[0].id,
                "team_id": team.id,
                "date_from": month,
                "target_value": 1000,
            }
        )
        targets.action_confirm()
        self.start_tour(
            "/odoo/action-sales_objectives.sales_target_leaderboard_action",
            "sales_objectives_board_tour",
            login="so_board_rep_a",
        )


@tagged("post_install", "-at_install", "sales_objectives", "so_strip")
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

    def test_strip_says_the_unit_once(self):
        """ "Sales cycle (days)" over "0.0 days / 10.0 days": the figures say the unit,
        the KPI's name does not say it again, in English as in Persian."""
        self.env["res.lang"]._activate_lang("fa_IR")
        self.env["ir.module.module"]._load_module_terms(
            ["sales_objectives"], ["fa_IR"], overwrite=True
        )
        cycle = self._target("cycle_days", self.rep1, value=10)
        revenue = self._target("won_revenue", self.rep1, value=10)
        (cycle | revenue).action_confirm()
        for lang, name, days in (("en_US", "Sales cycle", "days"), ("fa_IR", "چرخه فروش", "روز")):
            Target = self.env["sales.target"].with_user(self.rep1).with_context(lang=lang)
            strip = {row["id"]: row for row in Target.so_strip_data()}
            self.assertEqual(strip[cycle.id]["kpi"], name)
            self.assertIn(days, strip[cycle.id]["value"])
            self.assertEqual(
                strip[revenue.id]["kpi"], self.kpi["won_revenue"].with_context(lang=lang).name
            )
