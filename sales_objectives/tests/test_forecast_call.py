"""Forecast calls, worked out by hand: a salesperson's call, the leader's and the
manager's adjustments layered above it (never overwriting it), who has not called this
week (the company's week), snapshots in each company's week, accuracy once the period is
over, a team's call rolled up from its members and a sub-team, and the forecast list read
in a number of queries that does not grow with the salespeople and periods.

Figures (SalesObjectivesCase, commit probability 50 %, L8 due on March 28): in March,
rep 1 has won L1 1,000 + L2 2,000 = 3,000; L8 5,000 at 60 % is committed in full:
computed commit 8,000; best case 8,000 + L7 10,000 x 30 % = 11,000."""

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import QueryCountsMixin, SalesObjectivesCase


class ForecastCallCase(SalesObjectivesCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a.sales_forecast_commit_probability = 50
        cls.l8.date_deadline = "2026-03-28"
        cls.Call = cls.env["sales.forecast.call"]
        cls.Adjustment = cls.env["sales.forecast.adjustment"]

    def approved(self, owner, **kwargs):
        kwargs.setdefault("value", 12000)
        target = self._target("won_revenue", owner, **kwargs)
        target.action_confirm()
        target.action_refresh()
        return target

    def calls(self, *targets):
        targets = self.env["sales.target"].concat(*targets)
        calls = self.Call.sudo()._so_ensure_calls(targets)
        return [calls.filtered(lambda c, t=t: c.target_id == t).sudo(False) for t in targets]

    def submit(self, call, user, commit, best, note="", at=None):
        mine = call.with_user(user)
        mine.write({"commit_value": commit, "best_value": best, "note": note})
        if at:
            with freeze_time(at):
                mine.action_submit()
        else:
            mine.action_submit()

    def adjust(self, call, user, level, commit, best, note=""):
        return self.Adjustment.with_user(user).create(
            {
                "call_id": call.id,
                "level": level,
                "commit_value": commit,
                "best_value": best,
                "note": note,
            }
        )


@tagged("post_install", "-at_install", "sales_objectives", "so_forecast_call")
@freeze_time("2026-03-16 12:00:00")
class TestForecastCall(ForecastCallCase):
    def test_call_then_leader_then_manager(self):
        (call,) = self.calls(self.approved(self.rep1))
        mine = call.with_user(self.rep1)
        # prefilled with the figures we compute; not called yet
        self.assertEqual((mine.commit_value, mine.best_value), (8000, 11000))
        self.assertEqual((mine.effective_commit, mine.effective_level), (8000, "computed"))
        self.assertEqual(mine.status, "not_submitted")
        self.assertTrue(mine.can_submit)
        self.assertFalse(mine.adjust_level)

        self.submit(call, self.rep1, 9000, 12000, "L7 closes this month")
        self.assertEqual(
            (mine.submitted_by_id, mine.submitted_at, mine.status),
            (self.rep1, fields.Datetime.now(), "submitted"),
        )
        self.assertEqual((mine.effective_commit, mine.effective_level), (9000, "rep"))

        # the leader's layer, prefilled with what is below it (the rep's call)
        as_leader = call.with_user(self.leader)
        self.assertEqual(as_leader.adjust_level, "leader")
        action = as_leader.action_adjust()
        self.assertEqual(
            (action["context"]["default_commit_value"], action["context"]["default_level"]),
            (9000, "leader"),
        )
        self.adjust(call, self.leader, "leader", 8500, 11500, "L7 is a coin toss")
        self.assertEqual(
            (as_leader.effective_commit, as_leader.effective_best, as_leader.effective_level),
            (8500, 11500, "leader"),
        )
        # the manager's layer above it
        as_manager = call.with_user(self.manager)
        self.assertEqual(as_manager.action_adjust()["context"]["default_commit_value"], 8500)
        self.adjust(call, self.manager, "manager", 8000, 11000, "Prudence")
        call.invalidate_recordset()
        self.assertEqual(
            (
                mine.commit_value,
                mine.best_value,
                mine.leader_commit,
                mine.leader_note,
                mine.manager_commit,
                mine.effective_commit,
                mine.effective_best,
                mine.effective_level,
            ),
            (9000, 12000, 8500, "L7 is a coin toss", 8000, 8000, 11000, "manager"),
        )
        self.assertEqual(mine.adjustment_ids.user_id, self.leader | self.manager)
        # the leader revises their adjustment: the same layer, not another one
        action = as_leader.action_adjust()
        leader_layer = call.adjustment_ids.filtered(lambda a: a.level == "leader")
        self.assertEqual(action["res_id"], leader_layer.id)
        self.Adjustment.with_user(self.leader).browse(action["res_id"]).write(
            {"commit_value": 8200}
        )
        call.invalidate_recordset()
        self.assertEqual(
            (mine.leader_commit, mine.commit_value, mine.effective_commit), (8200, 9000, 8000)
        )
        self.assertEqual(len(call.adjustment_ids), 2)

    def test_a_call_changed_after_its_submission_waits_for_submit(self):
        (call,) = self.calls(self.approved(self.rep1))
        mine = call.with_user(self.rep1)
        self.submit(call, self.rep1, 9000, 12000)
        mine.write({"commit_value": 9500})
        self.assertEqual((mine.submitted_at, mine.status), (False, "not_submitted"))
        self.assertEqual((mine.effective_commit, mine.effective_level), (8000, "computed"))
        mine.action_submit()
        self.assertEqual((mine.submitted_by_id, mine.effective_commit), (self.rep1, 9500))
        # who and when are not typed: nor back-dated, nor in another's name
        with self.assertRaisesRegex(AccessError, "keeps its target, and who submitted it"):
            mine.write({"submitted_at": "2026-03-01 10:00:00"})
        with self.assertRaisesRegex(AccessError, "keeps its target"):
            mine.write({"submitted_by_id": self.rep2.id})
        with self.assertRaisesRegex(AccessError, "keeps its target"):
            mine.write({"target_id": self.approved(self.rep2).id})
        self.assertEqual(mine.submitted_at, fields.Datetime.now())

    def test_the_chatter_says_who_called_and_adjusted(self):
        (call,) = self.calls(self.approved(self.rep1))
        self.submit(call, self.rep1, 9000, 12000)
        self.adjust(call, self.leader, "leader", 8500, 11500, "L7 is a coin toss")
        bodies = call.message_ids.mapped("body")
        self.assertTrue(any("Call submitted: commit $&nbsp;9,000.00" in body for body in bodies))
        leader_message = call.message_ids.filtered(lambda m: "adjustment" in m.body)
        self.assertEqual(leader_message.author_id, self.leader.partner_id)
        self.assertIn("L7 is a coin toss", leader_message.body)

    def test_a_rep_submits_their_own_call_only(self):
        mine, theirs = self.calls(self.approved(self.rep1), self.approved(self.rep2))
        # another's call: not even read
        self.assertFalse(self.Call.with_user(self.rep1).search([("id", "=", theirs.id)]))
        with self.assertRaises(AccessError):
            theirs.with_user(self.rep1).write({"commit_value": 1})
        with self.assertRaises(AccessError):
            theirs.with_user(self.rep1).action_submit()
        # nor for their leader, nor a manager: they adjust
        with self.assertRaisesRegex(AccessError, "Only so_rep1 .* submits their own forecast call"):
            mine.with_user(self.leader).write({"commit_value": 1})
        with self.assertRaisesRegex(AccessError, "Only so_rep1 .* submits"):
            mine.with_user(self.manager).action_submit()
        # nor do they make calls
        with self.assertRaises(AccessError):
            self.Call.with_user(self.rep1).create({"target_id": mine.target_id.id})
        self.assertFalse(mine.submitted_at)
        self.assertEqual(theirs.commit_value, theirs.computed_commit)

    def test_a_rep_adjusts_nothing(self):
        mine, theirs = self.calls(self.approved(self.rep1), self.approved(self.rep2))
        self.submit(mine, self.rep1, 9000, 12000)
        with self.assertRaisesRegex(AccessError, "Nobody adjusts their own call"):
            mine.with_user(self.rep1).action_adjust()
        with self.assertRaisesRegex(AccessError, "Nobody adjusts their own call"):
            self.adjust(mine, self.rep1, "leader", 1, 2)
        with self.assertRaisesRegex(AccessError, "Only the leader of the sales team"):
            self.adjust(theirs, self.rep1, "leader", 1, 2)
        # a leader does not adjust at the manager's layer, nor another team's calls
        with self.assertRaisesRegex(AccessError, "layer of a Team leader only"):
            self.adjust(mine, self.leader, "manager", 1, 2)
        (other,) = self.calls(self.approved(self.rep3, team=self.team2))
        with self.assertRaises(AccessError):
            self.adjust(other, self.leader, "leader", 1, 2)
        adjustment = self.adjust(mine, self.leader, "leader", 8000, 9000)
        with self.assertRaises(AccessError):
            adjustment.with_user(self.rep1).write({"commit_value": 20000})
        with self.assertRaisesRegex(UserError, "cannot be below the commit"):
            adjustment.with_user(self.leader).write({"best_value": 7000})
        self.assertEqual(mine.effective_commit, 8000)
        self.assertFalse(mine.adjustment_ids.filtered(lambda a: a.level == "manager"))

    def test_who_has_not_submitted_this_week(self):
        """The company's week: Brussels (company A) is UTC+1 in March. A call submitted
        on Sunday March 15 at 23:30 Brussels (22:30 UTC) is last week's; at 00:30 on
        Monday (23:30 UTC on Sunday) this week's."""
        one, two, four, team = self.calls(
            self.approved(self.rep1),
            self.approved(self.rep2),
            self.approved(self.rep4),
            self.approved(self.team1),
        )
        self.submit(one, self.rep1, 9000, 12000, at="2026-03-15 23:30:00")
        self.submit(two, self.rep2, 100, 200, at="2026-03-15 22:30:00")
        Call = self.Call.with_user(self.leader)
        not_submitted = Call.search([("status", "=", "not_submitted")])
        self.assertEqual(not_submitted, two | four | team)
        self.assertEqual(Call.search([("status", "=", "submitted")]), one)
        self.assertEqual(Call.search([("status", "!=", "not_submitted")]), one)
        self.assertEqual(
            (one.status, two.status, four.status), ("submitted", "not_submitted", "not_submitted")
        )
        # a team's call is made when its leader adjusts it
        self.adjust(team, self.leader, "leader", 12000, 15000)
        self.assertEqual(Call.search([("status", "=", "not_submitted")]), two | four)
        self.assertEqual(team.status, "submitted")

    def test_a_team_call_rolls_up_members_and_sub_teams(self):
        """Region R (led by a second leader) holds team 1 (its own call) and team 2 (no
        team call: its salesperson's call counts directly). Team 1 = rep 1 9,000 / 12,000
        + rep 2 2,000 / 3,000 = 11,000 / 15,000, adjusted by its leader to 10,000 /
        14,000; region = 10,000 + rep 3's 1,000 = 11,000 / 15,500."""
        region_leader = new_test_user(
            self.env,
            login="so_region_leader",
            groups="sales_team.group_sale_salesman",
            company_id=self.company_a.id,
            company_ids=[Command.set(self.company_a.ids)],
        )
        region = self.env["crm.team"].create(
            {"name": "SO Region", "company_id": self.company_a.id, "user_id": region_leader.id}
        )
        (self.team1 | self.team2).so_parent_id = region
        one, two, three, team, region_call = self.calls(
            self.approved(self.rep1),
            self.approved(self.rep2),
            self.approved(self.rep3, team=self.team2),
            self.approved(self.team1),
            self.approved(region),
        )
        self.submit(one, self.rep1, 9000, 12000)
        self.submit(two, self.rep2, 2000, 3000)
        self.submit(three, self.rep3, 1000, 1500)
        as_leader = team.with_user(self.leader)
        self.assertEqual((as_leader.rollup_commit, as_leader.rollup_best), (11000, 15000))
        self.assertEqual(
            (as_leader.effective_commit, as_leader.effective_level), (11000, "rolled_up")
        )
        self.adjust(team, self.leader, "leader", 10000, 14000)
        as_region = region_call.with_user(region_leader)
        self.assertEqual(
            (as_region.rollup_commit, as_region.rollup_best, as_region.effective_commit),
            (11000, 15500, 11000),
        )
        # each level adjusts its own call: the region's leader the region's, not team 1's
        self.assertEqual(as_region.adjust_level, "leader")
        self.assertFalse(team.with_user(region_leader).adjust_level)
        with self.assertRaises(AccessError):
            self.adjust(team, region_leader, "leader", 1, 2)
        self.adjust(region_call, region_leader, "leader", 12000, 16000)
        self.assertEqual((as_region.effective_commit, as_region.rollup_commit), (12000, 11000))
        # a manager's adjustment of team 1 moves the region's roll-up
        self.adjust(team, self.manager, "manager", 9500, 13000)
        region_call.invalidate_recordset()
        self.assertEqual(
            (as_region.rollup_commit, as_region.rollup_best, as_region.effective_commit),
            (10500, 14500, 12000),
        )
        # the region's leader follows the calls of the teams below them
        visible = self.Call.with_user(region_leader).search([])
        self.assertEqual(visible, one | two | three | team | region_call)
        self.assertEqual(self.Call.with_user(self.leader).search([]), one | two | team)

    def test_a_team_call_converts_its_members_calls(self):
        """Rep 2's target is in euros (1 USD = 0.5 EUR): his call of 2,000 EUR counts
        4,000 USD in team 1's call, rep 1's 9,000 USD as it is: 13,000 USD."""
        eur = self.env.ref("base.EUR")
        eur.active = True
        self.env["res.currency.rate"].search([("currency_id", "=", eur.id)]).unlink()
        self.env["res.currency.rate"].create(
            {
                "currency_id": eur.id,
                "rate": 0.5,
                "name": "2026-01-01",
                "company_id": self.company_a.id,
            }
        )
        euros = self._target("won_revenue", self.rep2, value=6000)
        euros.currency_id = eur
        euros.action_confirm()
        euros.action_refresh()
        one, two, team = self.calls(self.approved(self.rep1), euros, self.approved(self.team1))
        self.submit(one, self.rep1, 9000, 12000)
        self.submit(two, self.rep2, 2000, 3000)
        as_leader = team.with_user(self.leader)
        self.assertEqual((as_leader.rollup_commit, as_leader.rollup_best), (13000, 18000))

    def test_groups_add_up_only_what_adds_up(self):
        """Grouped by team, the calls of won revenue ($) and won deals (a count) are not
        summed together; grouped by KPI and owner type, they are."""
        deals = self._target("won_count", self.rep2, value=3)
        deals.action_confirm()
        one, two = self.calls(self.approved(self.rep1), deals)
        self.submit(one, self.rep1, 9000, 12000)
        self.submit(two, self.rep2, 2, 3)
        Call = self.Call.with_user(self.manager)
        domain = [("id", "in", (one | two).ids)]
        (by_team,) = Call.read_group(domain, ["commit_value:sum"], ["team_id"])
        self.assertFalse(by_team["commit_value"])
        rows = Call.read_group(domain, ["commit_value:sum"], ["kpi_id"])
        self.assertEqual(sorted(row["commit_value"] for row in rows), [2, 9000])

    def test_a_call_says_figures_that_make_sense(self):
        """A negative commit, or a best case below the commit, is refused with what is
        wrong, on the call and on an adjustment; nothing is kept."""
        (call,) = self.calls(self.approved(self.rep1))
        before = (call.commit_value, call.best_value)
        for commit, best, said in ((-5000, 1000, "negative"), (50000, 45000, "below")):
            with self.subTest(commit=commit, best=best):
                with self.assertRaisesRegex(ValidationError, said):
                    with self.env.cr.savepoint():
                        self.submit(call, self.rep1, commit, best)
                call.invalidate_recordset()
                self.assertEqual((call.commit_value, call.best_value), before)
                with self.assertRaisesRegex(ValidationError, said):
                    with self.env.cr.savepoint():
                        self.adjust(call, self.leader, "leader", commit, best)
        self.assertFalse(call.adjustment_ids)

    def test_a_team_nobody_calls_for_stands_on_its_computed_figures(self):
        """No salesperson target of team 1 in March: its call is the team's computed
        figures (won 3,000 + L8 5,000 committed), not a roll-up of nothing."""
        (team,) = self.calls(self.approved(self.team1))
        as_leader = team.with_user(self.leader)
        self.assertEqual(
            (as_leader.has_rollup, as_leader.effective_commit, as_leader.effective_best),
            (False, 8000, 11000),
        )
        self.assertEqual(as_leader.effective_level, "computed")
        # a team's call is not submitted: its leader adjusts it
        self.assertFalse(as_leader.can_submit)
        with self.assertRaisesRegex(AccessError, "rolls up its members"):
            as_leader.write({"commit_value": 1})

    def test_company_rule(self):
        (call,) = self.calls(self.approved(self.rep1))
        self.assertFalse(self.Call.with_user(self.manager_b).search([("id", "=", call.id)]))


@tagged("post_install", "-at_install", "sales_objectives", "so_forecast_call")
class TestForecastSnapshots(ForecastCallCase):
    def test_a_snapshot_in_each_companys_week(self):
        """Sunday March 22, 23:30 UTC: Monday March 23, 00:30 in Brussels (company A's
        week of March 23), still Sunday in company B (UTC: the week of March 16). A second
        run in the same week updates the snapshot."""
        with freeze_time("2026-03-16 12:00:00"):
            rep_a = self.approved(self.rep1)
            rep_b = self.approved(self.rep_b, team=self.team_b, value=500)
            call_a, call_b = self.calls(rep_a, rep_b)
            self.submit(call_a, self.rep1, 9000, 12000)
        Snapshot = self.env["sales.forecast.snapshot"]
        with freeze_time("2026-03-22 23:30:00"):
            Snapshot._take_snapshots()
            snaps = Snapshot.search([("call_id", "in", (call_a | call_b).ids)])
            self.assertEqual(
                sorted((s.call_id.id, str(s.week_start)) for s in snaps),
                sorted([(call_a.id, "2026-03-23"), (call_b.id, "2026-03-16")]),
            )
            snap_a = snaps.filtered(lambda s: s.call_id == call_a)
            self.assertEqual(
                (snap_a.submitted_commit, snap_a.effective_commit, snap_a.computed_commit),
                (9000, 9000, 8000),
            )
            self.adjust(call_a, self.leader, "leader", 8500, 11000)
        with freeze_time("2026-03-24 10:00:00"):
            Snapshot._take_snapshots()
        snaps = Snapshot.search([("call_id", "in", (call_a | call_b).ids)])
        # A: still its week of March 23 (updated); B: its week of March 23 now (a new one)
        self.assertEqual(len(snaps), 3)
        snap_a = snaps.filtered(lambda s: s.call_id == call_a)
        self.assertEqual(
            (snap_a.submitted_commit, snap_a.leader_commit, snap_a.effective_commit),
            (9000, 8500, 8500),
        )
        self.assertEqual(snap_a.adjusted_by, "leader")
        snap_b = snaps.filtered(lambda s: s.call_id == call_b).sorted("week_start")
        self.assertEqual(
            snap_b.mapped("week_start"), [self.day("2026-03-16"), self.day("2026-03-23")]
        )
        # not submitted: no submitted figure; the effective one is the computed one
        self.assertEqual(
            (snap_b[1].submitted, snap_b[1].submitted_commit, snap_b[1].effective_commit),
            (False, 0, snap_b[1].computed_commit),
        )
        # read as their calls: the rep's own, the leader's team's
        self.assertEqual(Snapshot.with_user(self.rep1).search([]).call_id, call_a)
        self.assertFalse(Snapshot.with_user(self.rep2).search([]))
        self.assertEqual(Snapshot.with_user(self.manager_b).search([]).call_id, call_b)

    def test_the_weekly_job(self):
        with freeze_time("2026-03-16 12:00:00"):
            target = self.approved(self.rep1)
            self._archive_other_targets(target)
            self.env["sales.forecast.snapshot"]._cron_take_snapshots()
            call = self.Call.search([("target_id", "=", target.id)])
            self.assertTrue(call)
            snapshots = self.env["sales.forecast.snapshot"].search([("call_id", "=", call.id)])
            self.assertEqual(snapshots.week_start, self.day("2026-03-16"))


@tagged("post_install", "-at_install", "sales_objectives", "so_forecast_call")
class TestForecastAccuracy(ForecastCallCase):
    def test_accuracy_once_the_period_is_closed(self):
        """Rep 1 calls 9,000, the leader adjusts to 4,000; won in March: 3,000. Error
        3,000 - 4,000 = -1,000 (-25 % of the call); accuracy 100 - 1,000 / 3,000 =
        66.67 %."""
        with freeze_time("2026-03-16 12:00:00"):
            target = self.approved(self.rep1)
            (call,) = self.calls(target)
            self.submit(call, self.rep1, 9000, 12000)
            self.adjust(call, self.leader, "leader", 4000, 5000)
            self.Call.sudo()._so_finalize()
            self.assertFalse(call.is_final)
        with freeze_time("2026-04-01 12:00:00"):
            self._archive_other_targets(target)
            self.env["sales.target"]._cron_close_ended()
            self.assertEqual(target.state, "closed")
            self.Call.with_user(self.leader).action_open_accuracy()
            mine = call.with_user(self.rep1)
            self.assertEqual(
                (mine.is_final, mine.final_commit, mine.final_best, mine.final_actual),
                (True, 4000, 5000, 3000),
            )
            self.assertEqual((mine.error_value, mine.error_percent), (-1000, -25))
            self.assertAlmostEqual(mine.accuracy, 200 / 3, places=2)
            self.assertEqual(mine.status, "over")
            # kept as it was: no more submission, no more adjustment
            with self.assertRaisesRegex(UserError, "is over"):
                mine.write({"commit_value": 3000})
            with self.assertRaisesRegex(AccessError, "is over"):
                call.with_user(self.manager).action_adjust()
            # the report, per salesperson: the leader reads it, averaged
            groups = self.Call.with_user(self.leader).read_group(
                [("is_final", "=", True)], ["accuracy:avg", "error_value:sum"], ["user_id"]
            )
            self.assertEqual(len(groups), 1)
            self.assertAlmostEqual(groups[0]["accuracy"], 200 / 3, places=2)

    def test_accuracy_when_the_period_ended_in_the_companys_today(self):
        """March 31, 22:30 UTC is April 1 in Brussels: the period is over for company A
        without its target being closed; the actual is what was last measured."""
        with freeze_time("2026-03-16 12:00:00"):
            target = self.approved(self.rep1)
            (call,) = self.calls(target)
            self.submit(call, self.rep1, 3000, 4000)
        with freeze_time("2026-03-31 21:00:00"):
            self.Call.sudo()._so_finalize()
            self.assertFalse(call.is_final)
        with freeze_time("2026-03-31 22:30:00"):
            self.Call.sudo()._so_finalize()
            self.assertEqual(target.state, "confirmed")
            self.assertEqual(
                (call.is_final, call.final_commit, call.final_actual), (True, 3000, 3000)
            )
            self.assertEqual((call.error_value, call.accuracy), (0, 100))


@tagged("post_install", "-at_install", "sales_objectives", "so_forecast_call")
@freeze_time("2026-03-16 12:00:00")
class TestForecastCallQueries(QueryCountsMixin, ForecastCallCase):
    def test_the_list_reads_in_constant_queries(self):
        spec = {
            name: {}
            for name in (
                "target_value",
                "computed_commit",
                "commit_value",
                "rollup_commit",
                "leader_commit",
                "manager_commit",
                "effective_commit",
                "effective_best",
                "effective_level",
                "status",
                "is_submitted",
                "has_leader",
                "has_manager",
                "unit",
                "owner_type",
            )
        }
        spec.update(
            user_id={"fields": {"display_name": {}}},
            team_id={"fields": {"display_name": {}}},
            period_id={"fields": {"display_name": {}}},
            currency_id={"fields": {}},
        )
        Call = self.Call.with_user(self.manager)

        def read():
            return Call.web_search_read([], spec)

        def read_teams():
            # the team calls alone: their salespeople's calls are read to roll them up
            return Call.web_search_read([("owner_type", "=", "team")], spec)

        def make(owners, months):
            targets = self.env["sales.target"]
            for month in months:
                for owner in owners:
                    targets |= self.approved(owner, date_from=f"2026-{month:02d}-01")
            calls = self.Call.sudo()._so_ensure_calls(targets)
            for call in calls.filtered(lambda c: c.owner_type == "user"):
                self.submit(call.sudo(False), call.user_id, 10, 20)
            for call in calls:
                self.adjust(call, self.manager, "manager", 5, 6)
            return calls

        make([self.rep1, self.team1], [3])
        # measured in a steady state: the rights and rules read and cached once, the
        # stored figures of the records just made computed
        self.queries(read)
        small = self.queries(read)
        self.queries(read_teams)
        small_teams = self.queries(read_teams)
        make([self.rep1, self.rep2, self.rep4, self.team1], [4, 5, 6])
        make([self.rep2, self.rep4], [3])
        self.assertEqual(read()["length"], 2 + 12 + 2)
        self.queries(read)
        self.assertEqual(self.queries(read), small)
        self.assertEqual(read_teams()["length"], 4)
        self.queries(read_teams)
        self.assertEqual(self.queries(read_teams), small_teams)


@tagged("post_install", "-at_install", "sales_objectives", "so_forecast_call", "so_tours")
class TestForecastCallTour(HttpCase):
    """Anna submits her call; Lucas, her team leader, adjusts it: on the screens."""

    def test_submit_then_adjust(self):
        env = self.env
        anna = env.ref("sales_objectives.user_demo_rep_strong")
        leader = env.ref("sales_objectives.user_demo_team_leader")
        target = env.ref("sales_objectives.sales_target_demo_anna_won_revenue")
        call = env["sales.forecast.call"].sudo()._so_ensure_calls(target)
        # not called yet this week, not adjusted
        call.adjustment_ids.unlink()
        call.write({"submitted_at": False, "submitted_by_id": False})
        url = f"/odoo/action-sales_objectives.sales_forecast_call_action/{call.id}"
        self.start_tour(url, "sales_objectives_forecast_call_submit_tour", login=anna.login)
        self.env.invalidate_all()
        self.assertEqual((call.submitted_by_id, call.commit_value), (anna, 41000))
        self.assertEqual(call.note, "Two renewals close in the last week.")
        self.start_tour(url, "sales_objectives_forecast_call_adjust_tour", login=leader.login)
        self.env.invalidate_all()
        adjustment = call.adjustment_ids
        self.assertEqual(
            (adjustment.level, adjustment.user_id, adjustment.commit_value),
            ("leader", leader, 38000),
        )
        self.assertEqual((call.commit_value, call.effective_commit), (41000, 38000))
