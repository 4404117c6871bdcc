"""Territories: sales teams under a parent team (a region under the whole world, the
teams 1 and 2 of company A under the region). A team target of a parent team counts the
records of every team below it, each record once (a deal split between two of its teams
too); the scheduled passes keep it right when a grand-child team's record changes and
when a team moves to another parent; the leader of a region sets the targets of its
teams, not the other way round; the leaderboard filters by territory; measuring a
parent team costs the same queries whatever the depth and number of its sub-teams.

Won in March 2026 (company A, Brussels time): team 1 L1 1000 and L2 2000 (L3 closes on
April 1 local), team 2 L6 800; open and due in March: L7 10000 (team 1).
"""

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import (
    ActualsMixin,
    IncrementalEqualsFullMixin,
    QueryCountsMixin,
    SalesObjectivesCase,
)


class TerritoryCase(SalesObjectivesCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.region_leader = new_test_user(
            cls.env,
            login="so_region_leader",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company_a.id,
            company_ids=[Command.set(cls.company_a.ids)],
        )
        Team = cls.env["crm.team"]
        cls.world = Team.create({"name": "SO World", "company_id": cls.company_a.id})
        cls.region = Team.create(
            {
                "name": "SO Region",
                "company_id": cls.company_a.id,
                "user_id": cls.region_leader.id,
                "so_parent_id": cls.world.id,
            }
        )
        cls.region2 = Team.create(
            {"name": "SO Region 2", "company_id": cls.company_a.id, "so_parent_id": cls.world.id}
        )
        (cls.team1 | cls.team2).so_parent_id = cls.region


@tagged("post_install", "-at_install", "sales_objectives", "so_territory")
@freeze_time("2026-03-20 12:00:00")
class TestTerritory(ActualsMixin, TerritoryCase):
    def test_region_and_world_add_up_their_teams(self):
        self.assertActual("won_revenue", self.team1, 3000, sample=2)
        self.assertActual("won_revenue", self.team2, 800, sample=1)
        region = self.assertActual("won_revenue", self.region, 3800, sample=3)
        world = self.assertActual("won_revenue", self.world, 3800, sample=3)
        self.assertActual("won_revenue", self.region2, 0, sample=0)
        self.assertActual("won_count", self.world, 3, sample=3)
        # the pipeline of the teams below rolls up too (L7, team 1)
        self.assertEqual((region.pipeline_value, world.pipeline_value), (10000, 10000))
        # the records counted are those of the teams below
        action = world.action_open_records()
        leads = self.env["crm.lead"].with_context(active_test=False).search(action["domain"])
        self.assertEqual(leads, self.l1 | self.l2 | self.l6)

    def test_deal_split_between_two_teams_of_a_region_counts_once(self):
        self.l1.with_user(self.manager).write(
            {
                "so_credit_split_ids": [
                    Command.create({"user_id": self.rep1.id, "share": 60, "kind": "revenue"}),
                    Command.create({"user_id": self.rep3.id, "share": 40, "kind": "revenue"}),
                ]
            }
        )
        self.assertEqual(self.l1.so_credit_split_ids.team_id, self.team1 | self.team2)
        self.assertActual("won_revenue", self.team1, 2600)  # L1 60 %, L2
        self.assertActual("won_revenue", self.team2, 1200)  # L6, L1 40 %
        self.assertActual("won_revenue", self.region, 3800)  # L1 once
        self.assertActual("won_count", self.region, 3)
        self.assertActual("won_count", self.world, 3)

    def test_region_leader_sets_the_targets_of_its_teams(self):
        Target = self.env["sales.target"]
        values = {
            "kpi_id": self.kpi["won_revenue"].id,
            "period_type": "month",
            "date_from": "2026-05-01",
            "target_value": 5000,
            "owner_type": "team",
            "company_id": self.company_a.id,
        }
        # the region's leader sets a target of a team of his region (a grand-child of
        # nobody he leads directly), reads it and changes it
        country = Target.with_user(self.region_leader).create(dict(values, team_id=self.team1.id))
        self.assertTrue(country.with_user(self.region_leader).can_edit)
        country.with_user(self.region_leader).write({"target_value": 6000})
        self.assertEqual(country.target_value, 6000)
        self.assertTrue(Target.with_user(self.region_leader)._so_sets_targets_of(self.team2))
        # team 1's leader sets team 1's, not the region's nor the world's
        self.assertTrue(country.with_user(self.leader).can_edit)
        with self.assertRaises(AccessError):
            Target.with_user(self.leader).create(dict(values, team_id=self.region.id))
        region_target = Target.create(dict(values, team_id=self.region.id))
        with self.assertRaises(AccessError):
            region_target.with_user(self.leader).write({"target_value": 1})
        self.assertFalse(Target.with_user(self.leader)._so_sets_targets_of(self.region))
        # the region's leader does not lead the world
        with self.assertRaises(AccessError):
            Target.with_user(self.region_leader).create(dict(values, team_id=self.world.id))
        # nor another region's teams
        self.assertFalse(Target.with_user(self.region_leader)._so_sets_targets_of(self.region2))

    def test_region_leader_splits_the_deals_of_its_teams(self):
        # he reads his teams' deals (Odoo's "all documents"), as team 1's leader does
        all_leads = self.env.ref("sales_team.group_sale_salesman_all_leads")
        (self.region_leader | self.leader).groups_id += all_leads
        self.assertTrue(self.l1.with_user(self.region_leader).so_credit_editable)
        self.l1.with_user(self.region_leader).write(
            {
                "so_credit_split_ids": [
                    Command.create({"user_id": self.rep1.id, "share": 50, "kind": "revenue"}),
                    Command.create({"user_id": self.rep3.id, "share": 50, "kind": "revenue"}),
                ]
            }
        )
        self.assertEqual(len(self.l1.so_credit_split_ids), 2)
        # team 1's leader does not split team 2's deals
        with self.assertRaises(AccessError):
            self.env["sales.credit.split"].with_user(self.leader).create(
                {"lead_id": self.l6.id, "user_id": self.rep1.id, "share": 10, "kind": "overlay"}
            )

    def test_a_team_cannot_belong_to_itself_or_below_itself(self):
        with self.assertRaises(ValidationError):
            self.world.so_parent_id = self.team1
        with self.assertRaises(ValidationError):
            self.region.so_parent_id = self.region
        self.assertEqual(
            self.world._so_subteams(),
            self.world | self.region | self.region2 | self.team1 | self.team2,
        )
        self.assertEqual(self.team1._so_parent_teams(), self.region | self.world)

    def test_leaderboard_by_territory(self):
        def confirmed(owner, actual, **extra):
            target = self._target("manual", owner, value=100, manual_value=actual, **extra)
            target.action_confirm()
            return target

        t_rep1 = confirmed(self.rep1, 80)
        t_rep3 = confirmed(self.rep3, 90, team=self.team2)
        t_region = confirmed(self.region, 70)
        t_team1 = confirmed(self.team1, 60)
        Board = self.env["sales.target.leaderboard"]
        kpi = [("kpi_id", "=", self.kpi["manual"].id)]
        # the region's leader sees the rankings of the salespeople of his teams
        rows = Board.with_user(self.region_leader).search(kpi)
        self.assertEqual(rows.target_id, t_rep1 | t_rep3 | t_region | t_team1)
        # a territory: the team and the teams below it
        rows = Board.with_user(self.manager).search(kpi + [("team_id", "child_of", self.region.id)])
        self.assertEqual(rows.target_id, t_rep1 | t_rep3 | t_region | t_team1)
        groups = Board.with_user(self.manager)._read_group(
            kpi + [("owner_type", "=", "user")], ["territory_id"], ["__count"]
        )
        self.assertEqual(groups, [(self.region, 2)])
        # team 1's leader: his team only (not team 2's salespeople nor the region)
        rows = Board.with_user(self.leader).search(kpi)
        self.assertEqual(rows.target_id, t_rep1 | t_team1)

    def test_teams_rank_among_the_teams_of_their_parent(self):
        def confirmed(owner, actual):
            target = self._target("manual", owner, value=100, manual_value=actual)
            target.action_confirm()
            return target

        t_world = confirmed(self.world, 95)
        t_region = confirmed(self.region, 70)
        t_region2 = confirmed(self.region2, 50)
        t_team1 = confirmed(self.team1, 60)
        t_team2 = confirmed(self.team2, 90)
        Board = self.env["sales.target.leaderboard"].with_user(self.manager)
        rows = {
            row.target_id: row
            for row in Board.search(
                [("kpi_id", "=", self.kpi["manual"].id), ("owner_type", "=", "team")]
            )
        }
        # the region's teams among themselves, the regions among themselves: a region
        # never ranked against the teams it adds up, a board never adding them twice
        self.assertEqual(
            {t: (rows[t].rank, rows[t].participants) for t in rows},
            {
                t_world: (1, 1),
                t_region: (1, 2),
                t_region2: (2, 2),
                t_team2: (1, 2),
                t_team1: (2, 2),
            },
        )
        self.assertEqual(rows[t_team1].board_id, rows[t_team2].board_id)
        self.assertNotEqual(rows[t_team1].board_id, rows[t_region].board_id)
        # in the company, every team together
        self.assertEqual(rows[t_team2].company_rank, 2)
        self.assertEqual(
            rows[t_team1].board_id.display_name,
            f"{self.kpi['manual'].display_name} · Mar 2026 · Teams of SO Region",
        )
        self.assertIn("Sales teams of", rows[t_world].board_id.display_name)
        # grouped by territory: the region's teams under the region
        groups = Board._read_group(
            [("kpi_id", "=", self.kpi["manual"].id), ("owner_type", "=", "team")],
            ["territory_id"],
            ["__count"],
        )
        self.assertEqual(dict(groups), {self.env["crm.team"]: 1, self.world: 2, self.region: 2})

    def test_contest_of_a_region_takes_its_teams_members(self):
        contest = self.env["sales.contest"].new({"team_id": self.region.id})
        contest._onchange_team_id()
        self.assertEqual(
            contest.participant_ids._origin, self.team1.member_ids | self.team2.member_ids
        )


@tagged("post_install", "-at_install", "sales_objectives", "so_territory", "so_refresh")
@freeze_time("2026-03-20 12:00:00")
class TestTerritoryIncremental(IncrementalEqualsFullMixin, TerritoryCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        owners = [
            (owner, {}) for owner in (cls.world, cls.region, cls.region2, cls.team1, cls.team2)
        ]
        cls.make_checked_targets(
            ["won_revenue", "won_count", "new_customers", "activities_done"],
            owners + [(cls.rep1, {}), (cls.company_a, {})],
        )

    def test_change_in_a_grand_child_team(self):
        won = self.kpi["won_revenue"]
        self.check(lambda: self.l1.write({"expected_revenue": 5000}))
        self.assertEqual(self.actual(won, self.world), 7800)
        self.assertEqual(self.actual(won, self.region), 7800)

    def test_team_moves_to_another_parent(self):
        won = self.kpi["won_revenue"]
        self.check(lambda: self.team2.write({"so_parent_id": self.region2.id}))
        self.assertEqual(self.actual(won, self.region), 3000)
        self.assertEqual(self.actual(won, self.region2), 800)
        self.assertEqual(self.actual(won, self.world), 3800)

    def test_team_leaves_its_territory(self):
        won = self.kpi["won_revenue"]
        self.check(lambda: self.team1.write({"so_parent_id": False}))
        self.assertEqual(self.actual(won, self.region), 800)
        self.assertEqual(self.actual(won, self.world), 800)


@tagged("post_install", "-at_install", "sales_objectives", "is_query_count", "so_territory")
@freeze_time("2026-03-20 12:00:00")
class TestTerritoryQueries(QueryCountsMixin, TerritoryCase):
    def test_parent_team_costs_the_same_whatever_its_depth(self):
        kpis = ("won_revenue", "win_rate", "activities_done")
        Target = self.env["sales.target"]
        world = Target.browse([self._target(kpi, self.world).id for kpi in kpis])
        team = Target.browse([self._target(kpi, self.team2).id for kpi in kpis])
        engine = self.env["sales.kpi.engine"]
        engine.refresh(world | team)
        shallow = self.queries(lambda: engine.refresh(world))
        leaf = self.queries(lambda: engine.refresh(team))
        # five more levels and ten more teams below team 2
        parent = self.team2
        for level in range(5):
            for index in range(2):
                child = self.env["crm.team"].create(
                    {
                        "name": f"SO Deep {level}.{index}",
                        "company_id": self.company_a.id,
                        "so_parent_id": parent.id,
                    }
                )
            parent = child
        self._make_lead("Deep", self.rep3, parent, 100, "2026-03-02 10:00", won="2026-03-10 10:00")
        engine.refresh(world)
        deep = self.queries(lambda: engine.refresh(world))
        self.assertEqual(deep, shallow)
        self.assertEqual(leaf, shallow)
        self.assertAlmostEqual(world[0].actual_value, 3900)
