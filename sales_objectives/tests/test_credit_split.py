"""Shared credit on opportunities: a deal split 60/40 between two salespeople of two
teams counts 60 % and 40 % for each of them and their teams, and once for the
company; overlay credit counts for the specialist only, on the KPIs set to count it;
the split is set by the deal's salesperson or leader, totals 100 %, is said in the
chatter, and the incremental refresh follows its changes."""

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import IncrementalEqualsFullMixin, SalesObjectivesCase


def revenue(user, share, team=None, kind="revenue"):
    vals = {"user_id": user.id, "share": share, "kind": kind}
    if team:
        vals["team_id"] = team.id
    return Command.create(vals)


@tagged("post_install", "-at_install", "sales_objectives", "so_metrics", "so_credit")
@freeze_time("2026-03-20 12:00:00")
class TestCreditSplit(SalesObjectivesCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.overlay_kpi = cls.kpi["won_revenue"].copy(
            {"name": "Won revenue with overlay", "count_overlay": True}
        )

    def targets(self, kpi, owners):
        """{owner: its target on ``kpi`` for March 2026} (rep3 in team 2), measured."""
        found = {
            owner: self._target(kpi, owner, **({"team": self.team2} if owner == self.rep3 else {}))
            for owner in owners
        }
        for target in found.values():
            target.action_refresh()
        return found

    def assertMoved(self, targets, before, moved):
        """The targets' actuals, by a Refresh and by the full pass, are ``before`` plus
        ``moved`` {owner: change}."""
        for refresh in ("Refresh", "full pass"):
            for target in targets.values():
                if refresh == "Refresh":
                    target.action_refresh()
                else:
                    self.env["sales.kpi.engine"].refresh(target, complete=True)
            for owner, target in targets.items():
                self.assertAlmostEqual(
                    target.actual_value,
                    before[owner] + moved.get(owner, 0),
                    places=4,
                    msg=f"{target.display_name} ({refresh})",
                )

    def actuals(self, targets):
        return {owner: target.actual_value for owner, target in targets.items()}

    def owners(self):
        return [self.rep1, self.rep3, self.team1, self.team2, self.company_a]

    def split_l1(self, user, *lines):
        """rep1's deal L1 (1,000 won on 5 March) split by ``user`` through its form."""
        self.l1.with_user(user).write({"so_credit_split_ids": list(lines)})

    def test_60_40_across_two_teams(self):
        """L1 (1,000, rep1 of team 1) split 60 % rep1 / 40 % rep3 (team 2): rep1 and
        team 1 lose 400 of won revenue and 0.4 of a won deal, rep3 and team 2 gain
        them, the company counts it once."""
        won = self.targets("won_revenue", self.owners())
        deals = self.targets("won_count", self.owners())
        won_before, deals_before = self.actuals(won), self.actuals(deals)
        self.assertEqual(won_before[self.rep1], 3000.0)  # L1 1,000 + L2 2,000
        self.split_l1(self.rep1, revenue(self.rep1, 60), revenue(self.rep3, 40))
        self.assertEqual(self.l1.so_credit_split_ids.mapped("team_id"), self.team1 | self.team2)
        self.assertMoved(
            won, won_before, {self.rep1: -400, self.rep3: 400, self.team1: -400, self.team2: 400}
        )
        self.assertMoved(
            deals,
            deals_before,
            {self.rep1: -0.4, self.rep3: 0.4, self.team1: -0.4, self.team2: 0.4},
        )

    def test_actuals_of_shares_sum_exactly(self):
        """L1 split 40/40/20 between rep1, rep2 (team 1) and rep3 (team 2): team 1's
        won deals lose exactly 0.2 of a deal, team 2 gains it, the company keeps its
        actual; summed shares are exact (no 2.8000000000000003)."""
        owners = [self.rep1, self.rep2, self.team1, self.team2, self.company_a]
        deals = self.targets("won_count", owners)
        before = {owner: target.actual_value for owner, target in deals.items()}
        self.split_l1(
            self.rep1, revenue(self.rep1, 40), revenue(self.rep2, 40), revenue(self.rep3, 20)
        )
        for target in deals.values():
            target.action_refresh()
        moved = {self.rep1: -0.6, self.rep2: 0.4, self.team1: -0.2, self.team2: 0.2}
        for owner, target in deals.items():
            self.assertEqual(target.actual_value, round(before[owner] + moved.get(owner, 0), 6))

    def test_records_measured_once_per_owner(self):
        """The records measured count a split deal once for each person credited, once
        for each of its teams and once for the company, whatever its lines: L1 split
        40/40/20 between rep1, rep2 (team 1) and rep3 (team 2) with a 10 % overlay for
        rep1 (credited already), L2 (rep1's) with a 50 % overlay for rep2: rep2 counts
        two deals more, rep3 and team 2 one, rep1, team 1 and the company none."""
        owners = [self.rep1, self.rep2, self.rep3, self.team1, self.team2, self.company_a]
        targets = self.targets(self.overlay_kpi, owners)
        before = {owner: target.actual_sample for owner, target in targets.items()}
        self.split_l1(
            self.rep1,
            revenue(self.rep1, 40),
            revenue(self.rep2, 40),
            revenue(self.rep3, 20),
            revenue(self.rep1, 10, kind="overlay"),
        )
        self.l2.with_user(self.rep1).write(
            {"so_credit_split_ids": [revenue(self.rep2, 50, kind="overlay")]}
        )
        moved = {self.rep2: 2, self.rep3: 1, self.team2: 1}
        for refresh in ("Refresh", "full pass"):
            for target in targets.values():
                if refresh == "Refresh":
                    target.action_refresh()
                else:
                    self.env["sales.kpi.engine"].refresh(target, complete=True)
            for owner, target in targets.items():
                self.assertEqual(
                    target.actual_sample,
                    before[owner] + moved.get(owner, 0),
                    f"{target.display_name} ({refresh})",
                )

    def test_counted_records_show_the_share(self):
        self.split_l1(self.rep1, revenue(self.rep1, 60), revenue(self.rep3, 40))
        targets = self.targets("won_revenue", [self.rep3, self.team1])
        action = targets[self.rep3].with_user(self.manager).action_open_records()
        leads = self.env["crm.lead"].with_context(**action["context"]).search(action["domain"])
        self.assertIn(self.l1, leads)
        self.assertEqual(leads.filtered(lambda lead: lead == self.l1).so_credit_share, 40.0)
        # the list adds up what the target counts: 40 % of L1's 1,000
        credited = leads.filtered(lambda lead: lead == self.l1).so_credited_amount
        self.assertEqual(credited, 400.0)
        self.assertEqual(sum(leads.mapped("so_credited_amount")), targets[self.rep3].actual_value)
        action = targets[self.team1].action_open_records()
        lead = self.env["crm.lead"].with_context(**action["context"]).browse(self.l1.id)
        self.assertEqual(lead.so_credit_share, 60.0)

    def test_overlay_counts_for_the_specialist_only(self):
        """rep2 helps on L1 with a 50 % overlay: on the KPI counting overlay rep2 gains
        500; rep1 keeps all of it; the teams and the company count it once; on the
        plain won revenue nobody moves."""
        owners = [self.rep1, self.rep2, self.team1, self.company_a]
        plain = self.targets("won_revenue", owners)
        overlay = self.targets(self.overlay_kpi, owners)
        plain_before, overlay_before = self.actuals(plain), self.actuals(overlay)
        self.assertEqual(plain_before, overlay_before)
        self.split_l1(self.manager, revenue(self.rep2, 50, kind="overlay"))
        self.assertMoved(plain, plain_before, {})
        self.assertMoved(overlay, overlay_before, {self.rep2: 500})

    def test_customer_counted_for_each_credited_person(self):
        """L2 is P2's first won deal: a new customer, counted as a share of a deal as
        the won deals are: half for rep1 and half for rep3 once it is split 50/50;
        still one for the company."""
        targets = self.targets("new_customers", [self.rep1, self.rep3, self.company_a])
        before = self.actuals(targets)
        self.l2.with_user(self.rep1).write(
            {"so_credit_split_ids": [revenue(self.rep1, 50), revenue(self.rep3, 50)]}
        )
        self.assertMoved(targets, before, {self.rep1: -0.5, self.rep3: 0.5})

    def test_who_sets_a_split(self):
        """The deal's salesperson, their team leader and a sales manager set it;
        another salesperson who sees every lead does not (on every path)."""
        self.leader.groups_id += self.env.ref("sales_team.group_sale_salesman_all_leads")
        with self.assertRaisesRegex(AccessError, "Only the salesperson"):
            self.split_l1(self.all_leads, revenue(self.rep1, 50), revenue(self.rep2, 50))
        with self.assertRaisesRegex(AccessError, "Only the salesperson"):
            self.env["sales.credit.split"].with_user(self.all_leads).create(
                {"lead_id": self.l1.id, "user_id": self.rep2.id, "share": 100}
            )
        self.split_l1(self.leader, revenue(self.rep1, 50), revenue(self.rep2, 50))
        line = self.l1.so_credit_split_ids.filtered(lambda s: s.user_id == self.rep2)
        with self.assertRaisesRegex(AccessError, "Only the salesperson"):
            line.with_user(self.all_leads).unlink()
        with self.assertRaisesRegex(AccessError, "Only the salesperson"):
            line.with_user(self.all_leads).write({"share": 60})
        self.split_l1(self.manager, Command.clear())
        self.assertFalse(self.l1.so_credit_split_ids)
        self.assertFalse(self.l1.with_user(self.all_leads).so_credit_editable)
        self.assertTrue(self.l1.with_user(self.leader).so_credit_editable)

    def test_a_salesperson_credited_reads_the_deal(self):
        """rep3 (own documents only, another team) credited with 40 % of rep1's L1 reads
        it, so that his Counted records add up to his actual; he does not change it."""
        with self.assertRaises(AccessError):
            self.l1.with_user(self.rep3).read(["name"])
        self.split_l1(self.rep1, revenue(self.rep1, 60), revenue(self.rep3, 40))
        self.assertEqual(self.l1.with_user(self.rep3).read(["name"])[0]["name"], "L1")
        with self.assertRaises(AccessError):
            self.l1.with_user(self.rep3).write({"name": "Mine"})
        with self.assertRaisesRegex(ValidationError, "The share of .* is 150 %"):
            self.split_l1(self.rep1, Command.clear(), revenue(self.rep1, 150))

    def test_revenue_totals_100(self):
        with self.assertRaisesRegex(ValidationError, "totals 90"):
            self.split_l1(self.rep1, revenue(self.rep1, 60), revenue(self.rep3, 30))
        with self.assertRaisesRegex(ValidationError, "totals 50"):
            self.env["sales.credit.split"].with_user(self.rep1).create(
                {"lead_id": self.l1.id, "user_id": self.rep3.id, "share": 50}
            )
        self.assertFalse(self.l1.so_credit_split_ids, "nothing is left of a refused split")
        # 60/40 to 50/50 in one save: each line changes, the total holds at the end
        self.split_l1(self.rep1, revenue(self.rep1, 60), revenue(self.rep3, 40))
        mine, theirs = self.l1.so_credit_split_ids.sorted(lambda s: s.user_id != self.rep1)
        self.split_l1(
            self.rep1,
            Command.update(mine.id, {"share": 50}),
            Command.update(theirs.id, {"share": 50}),
        )
        self.assertEqual(self.l1.so_credit_split_ids.mapped("share"), [50.0, 50.0])
        with self.assertRaisesRegex(ValidationError, "credited twice"):
            self.split_l1(
                self.rep1,
                revenue(self.rep3, 10, kind="overlay"),
                revenue(self.rep3, 5, kind="overlay"),
            )
        # overlay is extra: 100 % revenue + 30 % overlay is whole
        self.split_l1(self.rep1, revenue(self.rep2, 30, kind="overlay"))
        self.assertEqual(len(self.l1.so_credit_split_ids), 3)

    def test_the_split_is_said_in_the_chatter(self):
        self.split_l1(self.rep1, revenue(self.rep1, 60), revenue(self.rep3, 40))
        body = self.l1.message_ids[:1].body
        self.assertIn("Credit split changed", body)
        self.assertIn(f"{self.rep3.name} 40 % (Revenue)", body)


@tagged("post_install", "-at_install", "sales_objectives", "so_refresh", "so_credit")
@freeze_time("2026-03-20 12:00:00")
class TestCreditSplitIncremental(IncrementalEqualsFullMixin, SalesObjectivesCase):
    """A split set, changed after the deal was won, or removed: the incremental pass
    gives the figures of a full refresh."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        overlay = cls.kpi["won_revenue"].copy({"name": "Overlay", "count_overlay": True})
        owners = [(owner, {}) for owner in (cls.team1, cls.team2, cls.rep1, cls.rep2)]
        owners += [(cls.rep3, {"team": cls.team2}), (cls.company_a, {})]
        kpis = [cls.kpi[k] for k in ("won_revenue", "won_count", "new_customers")] + [overlay]
        cls.make_checked_targets(kpis, owners)

    def test_split_set(self):
        self.check(
            lambda: self.l1.with_user(self.rep1).write(
                {
                    "so_credit_split_ids": [
                        Command.create({"user_id": self.rep1.id, "share": 60}),
                        Command.create({"user_id": self.rep3.id, "share": 40}),
                    ]
                }
            )
        )

    def test_split_changed_after_the_deal_was_won(self):
        self.l1.write(
            {
                "so_credit_split_ids": [
                    Command.create({"user_id": self.rep1.id, "share": 60}),
                    Command.create({"user_id": self.rep3.id, "share": 40}),
                ]
            }
        )
        line = self.l1.so_credit_split_ids.filtered(lambda s: s.user_id == self.rep3)
        mine = self.l1.so_credit_split_ids - line
        self.check(
            lambda: self.l1.with_user(self.manager).write(
                {
                    "so_credit_split_ids": [
                        Command.update(mine.id, {"share": 20}),
                        Command.update(line.id, {"share": 30, "user_id": self.rep2.id}),
                        Command.create({"user_id": self.rep3.id, "share": 50}),
                    ]
                }
            )
        )

    def test_split_removed_and_overlay_added(self):
        self.l1.write(
            {
                "so_credit_split_ids": [
                    Command.create({"user_id": self.rep1.id, "share": 50}),
                    Command.create({"user_id": self.rep3.id, "share": 50}),
                ]
            }
        )
        self.check(
            lambda: self.l1.with_user(self.rep1).write(
                {
                    "so_credit_split_ids": [
                        Command.clear(),
                        Command.create({"user_id": self.rep2.id, "share": 25, "kind": "overlay"}),
                    ]
                }
            )
        )

    def test_split_line_deleted_directly(self):
        self.l1.write(
            {
                "so_credit_split_ids": [
                    Command.create({"user_id": self.rep3.id, "share": 100}),
                    Command.create({"user_id": self.rep2.id, "share": 40, "kind": "overlay"}),
                ]
            }
        )
        overlay = self.l1.so_credit_split_ids.filtered(lambda s: s.kind == "overlay")
        self.check(lambda: overlay.with_user(self.manager).unlink())


@tagged("post_install", "-at_install", "sales_objectives", "so_screens", "so_tours", "so_credit")
class TestCreditSplitTour(HttpCase):
    def test_a_salesperson_splits_a_deal(self):
        rep = new_test_user(
            self.env,
            login="so_split_tour_rep",
            groups="sales_team.group_sale_salesman",
            name="Split Tour Rep",
        )
        colleague = new_test_user(
            self.env,
            login="so_split_tour_colleague",
            groups="sales_team.group_sale_salesman",
            name="Split Tour Colleague",
        )
        Team = self.env["crm.team"]
        team_a = Team.create({"name": "Split Tour Team A", "member_ids": [Command.set(rep.ids)]})
        team_b = Team.create(
            {"name": "Split Tour Team B", "member_ids": [Command.set(colleague.ids)]}
        )
        lead = self.env["crm.lead"].create(
            {
                "name": "Split Tour Deal",
                "type": "opportunity",
                "user_id": rep.id,
                "team_id": team_a.id,
                "expected_revenue": 10000,
            }
        )
        self.start_tour(
            f"/odoo/crm/{lead.id}", "sales_objectives_credit_split_tour", login=rep.login
        )
        lines = lead.so_credit_split_ids
        self.assertEqual(
            sorted((line.user_id, line.team_id, line.share, line.kind) for line in lines),
            sorted([(rep, team_a, 60.0, "revenue"), (colleague, team_b, 40.0, "revenue")]),
        )
