from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time
from psycopg2 import errors

import odoo
from odoo import fields
from odoo.tests import tagged
from odoo.tools import SQL, mute_logger

from ..models.sales_kpi_refresh import NEXT_ASK, PASS_GAP_S
from ..tools.job import MAX_TRIES, run_again_on_conflict
from .common import IncrementalEqualsFullMixin, QueryCountsMixin, SalesObjectivesCase
from .test_bad_input import ENGINE_LOGGER, broken


@tagged("post_install", "-at_install", "sales_objectives", "so_refresh")
class TestCron(IncrementalEqualsFullMixin, SalesObjectivesCase):
    @freeze_time("2026-03-16 12:00:00")
    def test_refresh_cron_works_in_bounded_batches(self):
        targets = self.env["sales.target"]
        for kpi in ("won_revenue", "won_count", "new_leads", "win_rate", "calls_done"):
            targets |= self._target(kpi, self.team1, value=50)
        targets[:2].action_confirm()
        closed = self._target("won_revenue", self.team1, date_from="2026-02-01")
        closed.action_confirm()
        self._archive_other_targets(targets | closed)
        closed.action_close()
        stale = fields.Datetime.now() - timedelta(hours=1)
        self.env.cr.execute(
            "UPDATE sales_target SET refreshed_at = %s, refresh_attempted_at = %s"
            " WHERE id = ANY(%s)",
            [stale, stale, targets.ids],
        )
        targets.invalidate_recordset()
        Target = self.env["sales.target"]
        progress = self.env["ir.cron.progress"].create(
            {"cron_id": self.env.ref("sales_objectives.ir_cron_sales_target_refresh").id}
        )
        Target = Target.with_context(ir_cron_progress_id=progress.id)
        Target._cron_refresh_actuals(batch_size=3)
        self.assertEqual((progress.done, progress.remaining), (3, 2))
        Target._cron_refresh_actuals(batch_size=3)
        self.assertEqual((progress.done, progress.remaining), (2, 0))
        self.assertTrue(all(t.figures_as_of > stale for t in targets))
        self.assertEqual(
            targets.filtered(lambda t: t.kpi_id == self.kpi["won_revenue"]).actual_value, 3000
        )
        # the next call starts the next pass
        Target._cron_refresh_actuals(batch_size=3)
        self.assertEqual((progress.done, progress.remaining), (3, 2))

    def _run_pass(self, progress, batch_size, between=None):
        """Calls the job as the cron does, until the pass says nothing remains;
        ``between``: what users do after the first batch. Returns the batches' sizes."""
        Target = self.env["sales.target"].with_context(ir_cron_progress_id=progress.id)
        sizes = []
        for _call in range(10):
            Target._cron_refresh_actuals(batch_size=batch_size)
            sizes.append((progress.done, progress.remaining))
            if not progress.remaining:
                return sizes
            if between and len(sizes) == 1:
                between()
        self.fail(f"the pass never ends: {sizes}")

    def _make_stale(self, targets):
        """Figures no refresh would give, dated an hour ago: a target the pass skips
        keeps them."""
        stale = fields.Datetime.now() - timedelta(hours=1)
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE sales_target SET actual_value = -1, refreshed_at = %s,"
            " refresh_attempted_at = %s WHERE id = ANY(%s)",
            [stale, stale, targets.ids],
        )
        targets.invalidate_recordset()
        return stale

    def _assert_as_full_refresh(self, targets):
        """Every open target of ``targets`` has the figures of a full refresh."""
        open_targets = targets.filtered(lambda t: t.active and t.state != "closed")
        self.assertAsFullRefresh(open_targets, "the scheduled pass left figures stale")

    @freeze_time("2026-03-16 12:00:00")
    def test_full_pass_in_batches_refreshes_every_kpi(self):
        """A KPI a manager adds (a higher id, the default sequence 10) is listed
        before the shipped Won deals (sequence 20): a full pass whose batches split the
        KPIs still refreshes every open target, and says it is done only then."""
        own = (
            self.env["sales.kpi"]
            .with_user(self.manager)
            .create({"name": "Won revenue of P2", "domain": f"[('partner_id', '=', {self.p2.id})]"})
        )
        self.assertEqual(own.sequence, 10)
        kpis = self.env["sales.kpi"].search(
            [("id", "in", (own | self.kpi["won_revenue"] | self.kpi["won_count"]).ids)]
        )
        self.assertEqual(kpis.mapped("metric"), ["won_revenue", "won_revenue", "won_count"])
        targets = self.env["sales.target"]
        for kpi in (self.kpi["won_revenue"], own, self.kpi["won_count"]):
            for owner in (self.team1, self.rep1):
                targets |= self._target(kpi, owner, value=50)
        targets.action_confirm()
        self._archive_other_targets(targets)
        stale = self._make_stale(targets)
        progress = self.env["ir.cron.progress"].create(
            {"cron_id": self.env.ref("sales_objectives.ir_cron_sales_target_refresh").id}
        )
        # two KPIs (4 targets) per batch: two batches, the last of 2 targets
        self.assertEqual(self._run_pass(progress, 4), [(4, 2), (2, 0)])
        self.assertTrue(all(t.figures_as_of > stale for t in targets))
        won_count = targets.filtered(lambda t: t.kpi_id == self.kpi["won_count"])
        # team 1 won L1 (March 5) and L2 (March 31, 23:30 in Brussels)
        self.assertEqual(won_count.mapped("actual_value"), [2, 2])
        # P2's deal won in March: L2 (2,000), rep 1's
        self.assertEqual(
            targets.filtered(lambda t: t.kpi_id == own).mapped("actual_value"), [2000, 2000]
        )
        self._assert_as_full_refresh(targets)

    @freeze_time("2026-03-16 12:00:00")
    def test_full_pass_with_kpis_changed_between_batches(self):
        """Between two batches of a pass, a manager adds a KPI with two targets and
        moves it to the top of the list, adds a target to a KPI the pass has done and
        archives a target: the pass goes on over the KPIs left, and the next run brings
        every open target to the figures of a full refresh."""
        targets = self.env["sales.target"]
        for kpi in ("won_revenue", "won_count", "win_rate", "new_leads"):
            for owner in (self.team1, self.rep1):
                targets |= self._target(kpi, owner, value=50)
        targets.action_confirm()
        self._archive_other_targets(targets)
        stale = self._make_stale(targets)
        progress = self.env["ir.cron.progress"].create(
            {"cron_id": self.env.ref("sales_objectives.ir_cron_sales_target_refresh").id}
        )
        added = self.env["sales.target"]

        def between():
            nonlocal added
            own = (
                self.env["sales.kpi"]
                .with_user(self.manager)
                .create(
                    {
                        "name": "Won deals of P2",
                        "metric": "won_count",
                        "domain": f"[('partner_id', '=', {self.p2.id})]",
                    }
                )
            )
            added = self._target(own, self.rep1, value=5) | self._target(own, self.team1, value=5)
            # and a target on a KPI the pass has done: the next incremental pass
            added |= self._target(
                "won_revenue", self.rep1, period="quarter", date_from="2026-01-01"
            )
            added.with_user(self.manager).action_confirm()
            own.with_user(self.manager).sequence = 1
            new_leads = targets.filtered(lambda t: t.kpi_id == self.kpi["new_leads"])
            new_leads[:1].with_user(self.manager).action_archive()

        sizes = self._run_pass(progress, 4, between)
        self.assertEqual(sizes[0], (4, 4))
        # then Win rate and New leads (3 targets), then the KPI added (2)
        self.assertEqual(sizes[1:], [(3, 2), (2, 0)])
        # the next run: an incremental pass
        self.env["sales.target"]._cron_refresh_actuals(batch_size=4)
        everything = (targets | added).filtered("active")
        self.assertEqual(len(everything), 10)
        self.assertTrue(all(t.figures_as_of and t.figures_as_of > stale for t in everything))
        # team 1 and rep 1 won one deal of P2 in March: L2; rep 1 won L1 and L2 in the
        # quarter
        self.assertEqual(added.mapped("actual_value"), [1, 1, 3000])
        self._assert_as_full_refresh(everything)

    @freeze_time("2026-04-15 12:00:00")
    def test_failing_kpis_do_not_starve_the_scheduled_refresh(self):
        failing = self.env["sales.target"]
        for owner in (self.team1, self.team2, self.rep1):
            failing |= self._target("win_rate", owner, value=50)
        others = self._target("won_revenue", self.team1) | self._target("won_count", self.team1)
        self._archive_other_targets(failing | others)
        progress = self.env["ir.cron.progress"].create(
            {"cron_id": self.env.ref("sales_objectives.ir_cron_sales_target_refresh").id}
        )
        Target = self.env["sales.target"].with_context(ir_cron_progress_id=progress.id)
        with (
            patch.object(self.registry["sales.kpi.engine"], "_query_win_rate", broken),
            mute_logger(ENGINE_LOGGER),
        ):
            # a pass takes the KPIs in turn, whole, 3 targets at most per call (or one
            # KPI): the failing KPI is tried once and the pass goes on
            Target._cron_refresh_actuals(batch_size=3)
            Target._cron_refresh_actuals(batch_size=3)
            self.assertEqual(progress.remaining, 0)
            self.assertTrue(all(failing.mapped("refresh_failed")))
            # the next pass starts again, and still reaches the others
            Target._cron_refresh_actuals(batch_size=3)
            Target._cron_refresh_actuals(batch_size=3)
        self.assertEqual(others.mapped("actual_value"), [3000, 2])
        self.assertTrue(all(others.mapped("refreshed_at")))
        self.assertFalse(any(failing.mapped("refreshed_at")))

    def test_close_cron(self):
        with freeze_time("2026-03-16 12:00:00"):
            march = self._target("won_revenue", self.team1, value=1000)
            march.action_confirm()
            draft = self._target("won_count", self.team1, value=1000)
        with freeze_time("2026-03-31 20:00:00"):  # still March 31 in Brussels
            self.env["sales.target"]._cron_close_ended()
            self.assertEqual(march.state, "confirmed")
        with freeze_time("2026-04-01 06:00:00"):
            self.env["sales.target"]._cron_close_ended()
            self.assertEqual(march.state, "closed")
            self.assertEqual(march.actual_value, 3000)
            self.assertEqual(draft.state, "draft")

    def test_period_close_in_each_companys_local_date(self):
        """Company B in Auckland (UTC+13 in March): at 12:00 UTC on 31 March it is
        already 1 April there, so its March targets close; company A's (Brussels) wait.
        A target whose final refresh failed stays confirmed and is retried."""
        self.company_b.resource_calendar_id.tz = "Pacific/Auckland"
        with freeze_time("2026-03-20 12:00:00"):
            target_b = self._target("won_revenue", self.team_b, value=100)
            rate_b = self._target("win_rate", self.team_b, value=100)
            target_a = self._target("won_revenue", self.team1, value=100)
            (target_b | rate_b | target_a).action_confirm()
        with (
            freeze_time("2026-03-31 12:00:00"),
            patch.object(self.registry["sales.kpi.engine"], "_query_win_rate", broken),
            mute_logger(ENGINE_LOGGER),
        ):
            self.env["sales.target"]._cron_close_ended()
        self.assertEqual(target_b.state, "closed")
        self.assertEqual(target_b.actual_value, 100)  # LB1
        self.assertEqual(rate_b.state, "confirmed")
        self.assertTrue(rate_b.refresh_failed)
        self.assertEqual(target_a.state, "confirmed")
        with freeze_time("2026-04-01 06:00:00"):
            self.env["sales.target"]._cron_close_ended()
        self.assertEqual((rate_b.state, target_a.state), ("closed", "closed"))
        self.assertFalse(rate_b.refresh_failed)

    @freeze_time("2026-03-16 12:00:00")
    def test_team_kanban_shows_current_targets(self):
        target = self._target("won_revenue", self.team1, value=10000)
        self.assertFalse(self.team1.sales_target_progress)
        target.action_confirm()
        self.team1.invalidate_recordset(["sales_target_progress"])
        html = str(self.team1.sales_target_progress)
        self.assertIn("Won revenue", html)
        self.assertIn("width: 30%", html)
        self.assertIn("bg-danger", html)  # behind
        self.assertFalse(self.team2.sales_target_progress)

    def test_a_job_conflicting_with_a_click_runs_again(self):
        """A serialization failure (a salesperson's Refresh committed first) rolls the
        job's work back and runs it again in a new transaction, up to MAX_TRIES; then
        the error goes up (the job fails and runs at its next call)."""
        calls = []

        def body(model, conflicts):
            calls.append(model._name)
            if len(calls) <= conflicts:
                raise errors.SerializationFailure("could not serialize access")
            return "done"

        job = run_again_on_conflict(body)
        Target = self.env["sales.target"]
        with (
            patch.object(self.env.cr, "rollback") as rollback,
            patch.object(type(self.env), "reset") as reset,
            patch("odoo.addons.sales_objectives.tools.job.time.sleep") as sleep,
        ):
            self.assertEqual(job(Target, 2), "done")
            self.assertEqual(len(calls), 3)
            self.assertEqual((rollback.call_count, reset.call_count, sleep.call_count), (2, 2, 2))
            calls.clear()
            with self.assertRaises(errors.SerializationFailure):
                job(Target, MAX_TRIES)
            self.assertEqual(len(calls), MAX_TRIES)
        # the scheduled jobs are wrapped
        for model, method in (
            ("sales.target", "_cron_refresh_actuals"),
            ("sales.target", "_cron_close_ended"),
            ("sales.target.news", "_cron_send"),
            ("sales.target.plan", "_cron_roll_over"),
            ("sales.contest", "_cron_close_ended"),
        ):
            function = getattr(type(self.env[model]), method)
            self.assertEqual(function.__code__, run_again_on_conflict(len).__code__, method)


@tagged("post_install", "-at_install", "sales_objectives", "so_refresh")
@freeze_time("2026-03-16 12:00:00")
class TestQuietMinute(QueryCountsMixin, SalesObjectivesCase):
    """The job runs every minute: a minute in which nothing changed costs a probe, the
    same few statements whatever the number of targets; a change of any kind the
    figures depend on makes the next run a pass."""

    def _quiet_state(self):
        """The state of a pass just done, the next full pass not due: ``since`` later
        than anything this test's transaction writes (its clock stands still)."""
        today = self.env["res.company"].search([])._sales_today()
        self.env["sales.kpi.refresh"]._save_pass_state(
            {
                "full_day": {str(cid): str(day) for cid, day in today.items()},
                "full_start": "2999-01-01",
                "since": "2999-01-01",
            }
        )

    def _run(self):
        return self.env["sales.kpi.refresh"]._run_scheduled(50000)

    def test_a_quiet_minute_costs_a_probe(self):
        Target = self.env["sales.target"]
        counts = []
        for per_kpi, team in ((2, self.team1), (20, self.team2)):
            owner = {"owner_type": "team", "team_id": team.id, "company_id": self.company_a.id}
            self.make_targets(["won_revenue", "activities_done"], per_kpi, owner)
            self._quiet_state()
            self._run()  # the changes logged so far
            self._quiet_state()
            counts.append(self.queries(self._run))
            self._quiet_state()
            self.assertEqual(self._run(), (0, 0), "nothing refreshed")
        self.assertEqual(counts[0], counts[1], "the same statements whatever the targets")
        self.assertLessEqual(counts[0], 7)
        # the state says when the figures were last known current
        self.assertEqual(
            self.env["sales.kpi.refresh"].checked_at(),
            self.env.cr.now().replace(microsecond=0),
        )
        # a lead changed: the next run is a pass (the change logged at the commit)
        self.l1.expected_revenue = 1234
        self.env["sales.kpi.change"]._flush_buffer()
        self._quiet_state()
        self.assertGreater(self._run()[0], 0)
        # a target, a KPI, a team (a territory) written in a later transaction: a pass
        # too (this transaction's clock stands still: the write is dated later by hand)
        self._quiet_state()
        self._run()

        def changed(since):
            return self.env["sales.kpi.refresh"]._changed_since(since)[0]

        for record in (Target.search([], limit=1), self.kpi["won_revenue"], self.team2):
            self.assertFalse(changed("2999-01-01"))
            self.env.cr.execute(
                SQL(
                    "UPDATE %s SET write_date = '2999-01-02' WHERE id = %s",
                    SQL.identifier(record._table),
                    record.id,
                )
            )
            self.assertTrue(changed("2999-01-01"), record._name)
            self.env.cr.execute(
                SQL(
                    "UPDATE %s SET write_date = '2026-03-16' WHERE id = %s",
                    SQL.identifier(record._table),
                    record.id,
                )
            )

    def test_a_pass_looks_again_from_a_transaction_still_open(self):
        """A transaction open while a pass runs writes its targets with its own start as
        their write date, visible only once it commits: the pass hands the next one
        that start, not its own, or those targets would never be measured."""
        db = odoo.sql_db.db_connect(self.env.cr.dbname)
        with db.cursor() as other:
            other.execute(
                "SELECT xact_start AT TIME ZONE 'UTC' FROM pg_stat_activity"
                " WHERE pid = pg_backend_pid()"
            )
            (started,) = other.fetchone()
            # this test's transaction may have read the activity before (kept until
            # its end): a pass reads it afresh, in its own transaction
            self.env.cr.execute("SELECT pg_stat_clear_snapshot()")
            changed, open_since = self.env["sales.kpi.refresh"]._changed_since(None)
            self.assertTrue(changed, "the first pass")
            self.assertIsNotNone(open_since)
            self.assertLessEqual(open_since, started)
            other.rollback()


@tagged("post_install", "-at_install", "sales_objectives", "so_refresh")
class TestPassSoon(SalesObjectivesCase):
    """A change committed wakes Odoo's job runner for a run at once, unless a wake-up
    is pending (asked for since the last run started); a run that starts less than
    PASS_GAP_S seconds after the last one ended waits the rest: figures follow within
    seconds, and the passes stay apart under a stream of changes."""

    def _pending(self):
        cron = self.env.ref("sales_objectives.ir_cron_sales_target_refresh")
        return self.env["ir.cron.trigger"].sudo().search_count([("cron_id", "=", cron.id)])

    def _job_ran(self, seconds_ago):
        self.env.cr.precommit.run()  # the test data's changes: logged before
        NEXT_ASK.clear()  # what this process knew of earlier passes
        cron = self.env.ref("sales_objectives.ir_cron_sales_target_refresh")
        self.env["ir.cron.trigger"].sudo().search([("cron_id", "=", cron.id)]).unlink()
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE ir_cron SET lastcall = (now() AT TIME ZONE 'UTC') - %s * interval '1 second'"
            " WHERE id = %s",
            [seconds_ago, cron.id],
        )

    def _commit_as_salesperson(self, revenue):
        """The salesperson edits their opportunity; the transaction's changes are
        logged as at its commit."""
        self.l1.with_user(self.rep1).write({"expected_revenue": revenue})
        self.env.cr.precommit.run()

    @freeze_time("2026-03-16 12:00:00")  # this process's clock stands still: within its memo
    def test_a_change_asks_for_a_pass_once(self):
        self._job_ran(PASS_GAP_S + 5)
        self._commit_as_salesperson(1234)
        self.assertEqual(self._pending(), 1, "the runner is woken for a pass")
        self._commit_as_salesperson(4321)
        self.assertEqual(self._pending(), 1, "one wake-up pending at a time")
        NEXT_ASK.clear()  # another process: it finds the wake-up pending
        self._commit_as_salesperson(5678)
        self.assertEqual(self._pending(), 1)

    def test_a_wake_up_taken_by_a_run_is_no_longer_pending(self):
        """A run started (Odoo commits its progress record as it starts) after the
        wake-up: a change logged during that run asks for another."""
        self._job_ran(PASS_GAP_S + 5)
        self._commit_as_salesperson(1234)
        cron = self.env.ref("sales_objectives.ir_cron_sales_target_refresh")
        trigger = self.env["ir.cron.trigger"].sudo().search([("cron_id", "=", cron.id)])
        progress = self.env["ir.cron.progress"].sudo().create({"cron_id": cron.id})
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE ir_cron_progress SET create_date = %s + interval '1 second' WHERE id = %s",
            [trigger.call_at, progress.id],
        )
        NEXT_ASK.clear()
        self._commit_as_salesperson(4321)
        self.assertEqual(self._pending(), 2, "the run under way took the first one")

    @freeze_time("2026-03-16 12:00:00")
    def test_later_changes_cost_no_statement(self):
        self._job_ran(PASS_GAP_S + 5)
        self._commit_as_salesperson(1234)
        lead = self.l1.with_user(self.rep1)
        lead.write({"expected_revenue": 4321})
        self.env.flush_all()
        with self.assertQueryCount(1):  # the change logged, nothing asked
            self.env.cr.precommit.run()

    def test_a_run_right_after_another_waits_the_rest_of_the_gap(self):
        self._job_ran(PASS_GAP_S - 10)
        self._commit_as_salesperson(1234)
        self.assertEqual(self._pending(), 1, "asked at once")
        Refresh = self.env["sales.kpi.refresh"]
        TestQuietMinute._quiet_state(self)  # the day's full pass done
        state = Refresh._pass_state()
        now = fields.Datetime.now()
        cron = self.env.ref("sales_objectives.ir_cron_sales_target_refresh")
        # as Odoo's job runner calls it: the job's last call and id in the context
        run = Refresh.with_context(
            lastcall=now - timedelta(seconds=PASS_GAP_S - 10), cron_id=cron.id
        )
        self.assertAlmostEqual(run._gap_wait(state), 10, delta=1)
        # the job's minute, or a run long after the last one: no wait
        late = Refresh.with_context(
            lastcall=now - timedelta(seconds=PASS_GAP_S + 5), cron_id=cron.id
        )
        self.assertEqual(late._gap_wait(state), 0)
        # not started by the job runner (a test, the job's Run Manually): no wait
        self.assertEqual(Refresh._gap_wait(state), 0)
        manual = Refresh.with_context(lastcall=now - timedelta(seconds=PASS_GAP_S - 10))
        self.assertEqual(manual._gap_wait(state), 0)
        # a full pass under way: its batches follow each other
        self.assertEqual(run._gap_wait({**state, "cursor": 0}), 0)

    def test_a_pass_with_changes_asks_for_one_more_run(self):
        """Changes logged during a pass by a process that asked just before it started
        are taken by the run the pass asks for; a quiet run asks for nothing."""
        Refresh = self.env["sales.kpi.refresh"]

        def run_taking_the_wake_ups():
            self._job_ran(PASS_GAP_S + 5)
            TestQuietMinute._quiet_state(self)
            Refresh._run_scheduled(50000)

        run_taking_the_wake_ups()  # the changes logged so far
        run_taking_the_wake_ups()
        self.assertEqual(self._pending(), 0, "a quiet run asks for nothing")
        self._commit_as_salesperson(1234)
        run_taking_the_wake_ups()
        self.assertEqual(self._pending(), 1, "one more run after a pass that had changes")

    def test_nothing_logged_asks_nothing(self):
        self._job_ran(PASS_GAP_S + 5)
        # a field no figure reads
        self.rep1.partner_id.write({"comment": "<p>Prefers calls in the morning</p>"})
        self.env.cr.precommit.run()
        self.assertEqual(self._pending(), 0)
