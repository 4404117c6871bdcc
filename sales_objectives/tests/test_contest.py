"""Contests: the ranking from the engine (ties share a rank), closing once the period
has ended in the company's time zone, the winners and their badge, and rights."""

from datetime import timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import SalesObjectivesCase


@tagged("post_install", "-at_install", "sales_objectives", "so_contests")
class TestContest(SalesObjectivesCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.badge = cls.env["gamification.badge"].create({"name": "SO Closer"})

    def contest(self, kpi, date_from, date_to, users, **values):
        contest = (
            self.env["sales.contest"]
            .with_user(self.manager)
            .create(
                {
                    "name": f"SO {kpi}",
                    "kpi_id": self.kpi[kpi].id,
                    "company_id": self.company_a.id,
                    "date_from": date_from,
                    "date_to": date_to,
                    "participant_ids": [(6, 0, users.ids)],
                    **values,
                }
            )
        )
        contest.action_start()
        return contest

    def ranking(self, contest):
        return {line.user_id: (line.rank, line.actual_value) for line in contest.line_ids}

    @freeze_time("2026-03-20 12:00:00")
    def test_ranking_while_running(self):
        # March (Brussels): rep 1 won L1 1,000 + L2 2,000; rep 3 L6 800; rep 2 nothing
        # (L3 was won on April 1 local)
        contest = self.contest(
            "won_revenue", "2026-03-01", "2026-03-31", self.rep1 | self.rep2 | self.rep3
        )
        self.assertEqual(
            self.ranking(contest),
            {self.rep1: (1, 3000.0), self.rep3: (2, 800.0), self.rep2: (3, 0.0)},
        )
        # nobody wins before the contest closes: rep 1 leads
        self.assertFalse(contest.line_ids.filtered("is_winner"))
        self.assertEqual(contest.line_ids.filtered("is_leading").user_id, self.rep1)
        self.assertFalse(contest.winner_ids)
        # the last day is written as the user's language writes dates
        with self.assertRaisesRegex(UserError, "runs until 03/31/2026"):
            contest.action_close()
        self.env["res.lang"]._activate_lang("nl_NL")
        with self.assertRaisesRegex(UserError, "31-03-2026"):
            contest.with_context(lang="nl_NL").action_close()

    @freeze_time("2026-03-20 12:00:00")
    def test_no_figure_is_ranked_last_and_never_wins(self):
        """Sales cycle in March (lower is better): rep 3 won L6 in 11 days, rep 1 L1 in
        54 and L2 in 58 (56 on average); rep 2 won nothing in March: no cycle to
        measure, so no figure: not 0 days, not first, never a winner."""
        contest = self.contest(
            "cycle_days", "2026-03-01", "2026-03-31", self.rep1 | self.rep2 | self.rep3
        )
        lines = {line.user_id: line for line in contest.line_ids}
        self.assertEqual(
            {user: (line.rank, line.actual_value, line.has_figure) for user, line in lines.items()},
            {
                self.rep3: (1, 11.0, True),
                self.rep1: (2, 56.0, True),
                self.rep2: (0, 0.0, False),
            },
        )
        self.assertEqual(contest.line_ids.user_id.ids, (self.rep3 | self.rep1 | self.rep2).ids)
        self.assertEqual(lines[self.rep2].value_label, "No figure")
        self.assertEqual(lines[self.rep3].value_label, "11.0 days")
        self.assertEqual(contest.line_ids.filtered("is_leading").user_id, self.rep3)
        with freeze_time("2026-04-01 12:00:00"):
            contest.action_close()
        self.assertEqual(contest.winner_ids, self.rep3)
        self.assertEqual(contest.line_ids.filtered("is_winner").user_id, self.rep3)

    @freeze_time("2026-03-20 12:00:00")
    def test_nobody_measured_nobody_wins(self):
        # rep 4 won no deal in March: no sales cycle, no winner
        contest = self.contest("cycle_days", "2026-03-01", "2026-03-31", self.rep4)
        with freeze_time("2026-04-01 12:00:00"):
            contest.action_close()
        self.assertFalse(contest.winner_ids)
        self.assertFalse(contest.line_ids.filtered("is_winner"))
        announcement = contest.message_ids.filtered(lambda m: "closed" in (m.body or ""))
        self.assertIn("No participant has a figure", announcement.body)

    def test_ties_winners_and_badge(self):
        # won deals in Nov-Dec 2025: rep 1 L11, rep 2 L12: a tie; rep 3 none
        with freeze_time("2025-12-31 22:30:00"):  # still December 31 in Brussels
            contest = self.contest(
                "won_count",
                "2025-11-01",
                "2025-12-31",
                self.rep1 | self.rep2 | self.rep3,
                badge_id=self.badge.id,
                reward="Dinner for two",
            )
            self.env["sales.contest"]._cron_close_ended()
            self.assertEqual(contest.state, "running")
        with freeze_time("2025-12-31 23:30:00"):  # January 1 in Brussels
            self.env["sales.contest"]._cron_close_ended()
        self.assertEqual(contest.state, "done")
        self.assertEqual(
            self.ranking(contest), {self.rep1: (1, 1.0), self.rep2: (1, 1.0), self.rep3: (3, 0.0)}
        )
        self.assertEqual(contest.winner_ids, self.rep1 | self.rep2)
        badges = self.env["gamification.badge.user"].search([("badge_id", "=", self.badge.id)])
        self.assertEqual(badges.user_id, self.rep1 | self.rep2)
        announcement = contest.message_ids.filtered(lambda m: "Winner" in (m.body or ""))
        self.assertEqual(len(announcement), 1)
        with self.assertRaisesRegex(UserError, "keeps its KPI"):
            contest.write({"date_to": "2026-01-31"})

    @freeze_time("2026-03-20 12:00:00")
    def test_rights(self):
        contest = self.contest("won_revenue", "2026-03-01", "2026-03-31", self.rep1 | self.rep2)
        self.assertEqual(contest.with_user(self.rep3).line_ids.user_id, self.rep1 | self.rep2)
        with self.assertRaises(AccessError):
            contest.with_user(self.leader).write({"reward": "More"})
        with self.assertRaises(AccessError):
            contest.with_user(self.rep1).action_refresh_ranking()
        with self.assertRaises(AccessError):
            self.env["sales.contest"].with_user(self.rep1).create(
                {
                    "name": "Mine",
                    "kpi_id": self.kpi["won_revenue"].id,
                    "date_from": "2026-03-01",
                    "date_to": "2026-03-31",
                    "participant_ids": [(6, 0, self.rep1.ids)],
                }
            )
        self.assertFalse(self.env["sales.contest"].with_user(self.rep_b).search([]))

    @freeze_time("2026-03-20 12:00:00")
    def test_every_path_to_the_ranking_is_guarded(self):
        """A manager cannot skip the ranking: no contest created running or closed, no
        state written, no ranking typed."""
        contest = self.contest("won_revenue", "2026-03-01", "2026-03-31", self.rep1 | self.rep2)
        Contest = self.env["sales.contest"].with_user(self.manager)
        with self.assertRaisesRegex(UserError, "created as a draft"):
            Contest.create(
                {
                    "name": "Closed already",
                    "kpi_id": self.kpi["won_revenue"].id,
                    "company_id": self.company_a.id,
                    "date_from": "2026-03-01",
                    "date_to": "2026-03-31",
                    "participant_ids": [(6, 0, self.rep1.ids)],
                    "state": "done",
                }
            )
        with self.assertRaisesRegex(UserError, "changes with its buttons"):
            contest.with_user(self.manager).write({"state": "done"})
        line = contest.line_ids.filtered(lambda line: line.user_id == self.rep2)
        with self.assertRaises(AccessError):
            line.with_user(self.manager).write({"rank": 1, "is_winner": True})
        self.assertEqual(contest.state, "running")


@tagged("post_install", "-at_install", "sales_objectives", "so_contests", "so_tours")
class TestContestTour(HttpCase):
    def test_running_contest_screen(self):
        """The ranking of a running sales-cycle contest in Chromium: labelled, the first
        one leading (no winner yet), who won nothing without a figure or a rank."""
        new_test_user(self.env, login="so_rules_contest", groups="sales_team.group_sale_manager")
        closer, idle = (
            new_test_user(self.env, login=login, groups="sales_team.group_sale_salesman", name=name)
            for login, name in (
                ("so_rules_closer", "SO Rules Closer"),
                ("so_rules_idle", "SO Rules Idle"),
            )
        )
        won = self.env["crm.stage"].search([("is_won", "=", True)], limit=1)
        self.env["crm.lead"].create(
            {"name": "SO Rules Won", "type": "opportunity", "user_id": closer.id}
        ).stage_id = won
        company = self.env.company
        today = company._sales_today()[company.id]
        contest = self.env["sales.contest"].create(
            {
                "name": "SO Rules Cycle Contest",
                "kpi_id": self.env.ref("sales_objectives.sales_kpi_cycle_days").id,
                "company_id": company.id,
                "date_from": today - timedelta(days=5),
                "date_to": today + timedelta(days=5),
                "participant_ids": [Command.set((closer | idle).ids)],
            }
        )
        contest.action_start()
        self.start_tour(
            "/odoo/action-sales_objectives.sales_contest_action",
            "sales_objectives_rules_contest_tour",
            login="so_rules_contest",
        )
