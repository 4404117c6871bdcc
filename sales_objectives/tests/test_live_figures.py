"""Screens that follow: a refresh that changes figures tells the open screens of the
users concerned, and only them (a bus message naming the targets, never a figure);
each reader can read every target named to them."""

import json

from freezegun import freeze_time

from odoo.tests import tagged

from .common import QueryCountsMixin, SalesObjectivesCase


@tagged("post_install", "-at_install", "sales_objectives", "so_refresh")
@freeze_time("2026-03-20 12:00:00")
class TestLiveFigures(QueryCountsMixin, SalesObjectivesCase):
    def _messages(self):
        """{user: set of target ids} of the figures messages this transaction would
        send at its commit."""
        found = {}
        partners = {}
        for value in self.env.cr.precommit.data.get("bus.bus.values", []):
            message = json.loads(value["message"])
            if message["type"] != "sales_objectives/figures":
                continue
            channel = json.loads(value["channel"])
            self.assertEqual(channel[1], "res.partner")
            partners.setdefault(channel[2], set()).update(message["payload"]["target_ids"])
        users = self.env["res.users"].search([("partner_id", "in", list(partners))])
        for user in users:
            found[user] = partners[user.partner_id.id]
        return found

    def _drop_messages(self):
        self.env.cr.precommit.data.pop("bus.bus.values", None)

    def test_a_changed_figure_reaches_the_users_concerned_only(self):
        rep1 = self._target("won_revenue", self.rep1, value=5000)
        rep1.action_confirm()
        draft = self._target("won_count", self.rep1, value=5)
        team1 = self._target("won_revenue", self.team1, value=9000)
        rep3 = self._target("won_revenue", self.rep3, team=self.team2, value=5000)
        b = self._target("won_revenue", self.rep_b, team=self.team_b, value=5000)
        everything = rep1 | draft | team1 | rep3 | b
        self.env["sales.kpi.engine"].refresh(everything, complete=True)
        self._drop_messages()
        # a deal of rep1 (team 1) changes its amount: his targets and his team's move
        self.l1.expected_revenue = 4321
        self.env.flush_all()
        self.env["sales.kpi.engine"].refresh(everything, complete=True)
        sent = self._messages()
        changed = set().union(*sent.values())
        self.assertLessEqual(set((rep1 | team1).ids), changed)
        self.assertFalse(changed & set((rep3 | b).ids), "their figures did not move")
        mine = changed & set((rep1 | draft | team1).ids)
        for user in (self.rep1, self.leader, self.manager, self.all_leads):
            self.assertEqual(sent[user], mine, user.login)
        # his teammates: the team's target and his approved one (the leaderboard), not
        # his draft
        self.assertEqual(sent[self.rep2], set((rep1 | team1).ids))
        # another team's salesperson, another company's: nothing
        for user in (self.rep3, self.rep_b, self.manager_b):
            self.assertNotIn(user, sent)
        # every target named to a user is one they may read (a target or a ranking)
        for user, ids in sent.items():
            readable = self.env["sales.target"].with_user(user).search([("id", "in", list(ids))])
            ranked = (
                self.env["sales.target.leaderboard"]
                .with_user(user)
                .search([("id", "in", list(ids))])
            )
            self.assertEqual(set(readable.ids) | set(ranked.ids), ids, user.login)
        # nothing changed: nothing sent
        self._drop_messages()
        self.env["sales.kpi.engine"].refresh(everything, complete=True)
        self.assertEqual(self._messages(), {})

    def test_telling_the_screens_costs_the_same_queries_whatever_the_targets(self):
        Target = self.env["sales.target"]
        few = self._target("won_revenue", self.rep1, value=10)
        many = Target
        for kpi in ("won_count", "new_leads", "win_rate", "calls_done"):
            many |= self._target(kpi, self.rep1, value=10) | self._target(kpi, self.team1, value=10)
        Target._so_announce_figures(few.ids)  # the group's id, cached by the registry
        counts = [
            self.queries(lambda ids=targets.ids: Target._so_announce_figures(ids))
            for targets in (few, few | many)
        ]
        self.assertEqual(counts[0], counts[1])
        self.assertLessEqual(counts[0], 3)
