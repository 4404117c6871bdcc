from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time
from psycopg2 import errors

from odoo import fields
from odoo.tests import tagged

from ..tools.job import MAX_TRIES, run_again_on_conflict
from .common import SalesObjectivesCase


@tagged("post_install", "-at_install", "sales_objectives")
class TestCron(SalesObjectivesCase):
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
