"""Bad input gets a clear message and nothing is half-written; a failing KPI does not
stop the others; closed targets keep their final actual."""

from unittest.mock import patch

from freezegun import freeze_time
from psycopg2.errors import ExclusionViolation

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import SQL, mute_logger

from .common import SalesObjectivesCase

ENGINE_LOGGER = "odoo.addons.sales_objectives.models.sales_kpi_engine"


def broken(*args, **kwargs):
    """A KPI's query that fails (patched over the engine's)."""
    raise ValueError("simulated failure: relation so_secret does not exist")


@tagged("post_install", "-at_install", "sales_objectives", "so_targets")
@freeze_time("2026-04-15 12:00:00")
class TestBadInput(SalesObjectivesCase):
    def count(self):
        return self.env["sales.target"].with_context(active_test=False).search_count([])

    def test_inverted_period(self):
        with self.assertRaisesRegex(ValidationError, "ends .* before it starts"):
            self._target("won_revenue", self.team1, period="custom", date_to="2026-02-01")

    def test_period_not_aligned(self):
        with self.assertRaisesRegex(ValidationError, "is not one month"):
            self._target("won_revenue", self.team1, date_from="2026-03-01", date_to="2026-03-30")
        with self.assertRaisesRegex(ValidationError, "is not one week"):
            self._target(
                "won_revenue",
                self.team1,
                period="week",
                date_from="2026-03-03",
                date_to="2026-03-09",
            )
        # the period type fills in the dates of the period that contains the start
        target = self._target("won_revenue", self.team1, period="quarter", date_from="2026-05-17")
        self.assertEqual(
            (target.date_from, target.date_to), (self.day("2026-04-01"), self.day("2026-06-30"))
        )
        week = self._target("won_revenue", self.team1, period="week", date_from="2026-03-18")
        self.assertEqual(
            (week.date_from, week.date_to), (self.day("2026-03-16"), self.day("2026-03-22"))
        )

    def test_negative_values(self):
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self._target("won_revenue", self.team1, value=-5)
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self._target("manual", self.team1, manual_value=-1)

    def test_percent_over_100(self):
        with self.assertRaisesRegex(ValidationError, "percentage"):
            self._target("win_rate", self.team1, value=120)
        with self.assertRaisesRegex(ValidationError, "percentage"):
            self._target("win_rate", self.team1, value=60, stretch_value=101)

    def test_stretch_on_the_wrong_side(self):
        with self.assertRaisesRegex(ValidationError, "must be above the target"):
            self._target("won_revenue", self.team1, value=1000, stretch_value=900)
        with self.assertRaisesRegex(ValidationError, "must be below the target"):
            self._target("cycle_days", self.team1, value=30, stretch_value=40)
        target = self._target("cycle_days", self.team1, value=30, stretch_value=20)
        self.assertEqual(target.stretch_value, 20)

    def test_second_live_target(self):
        first = self._target("won_revenue", self.rep1)
        with self.assertRaisesRegex(
            ValidationError, "already a target for this KPI, owner and period"
        ):
            self._target("won_revenue", self.rep1, value=5)
        # the same salesperson through another team is still the same owner
        self.env["ir.config_parameter"].set_param("sales_team.membership_multi", True)
        self.team2.member_ids |= self.rep1
        with self.assertRaisesRegex(ValidationError, "already a target"):
            self._target("won_revenue", self.rep1, team=self.team2)
        # archived targets do not count
        first.active = False
        self._target("won_revenue", self.rep1, value=5)

    def test_the_database_holds_one_live_target(self):
        """Two transactions may both pass the check in words: the database refuses the
        second live target of a KPI, owner and period (at commit: here at once)."""
        first = self._target("won_revenue", self.rep1)
        self.env.flush_all()
        self.env.cr.execute(
            """SELECT column_name FROM information_schema.columns
                WHERE table_name = 'sales_target' AND column_name != 'id'"""
        )
        columns = SQL(", ").join(SQL.identifier(name) for (name,) in self.env.cr.fetchall())
        copy = SQL(
            "INSERT INTO sales_target (%s) SELECT %s FROM sales_target WHERE id = %s",
            columns,
            columns,
            first.id,
        )
        with mute_logger("odoo.sql_db"), self.assertRaises(ExclusionViolation):
            with self.env.cr.savepoint():
                self.env.cr.execute("SET CONSTRAINTS sales_target_unique_live IMMEDIATE")
                self.env.cr.execute(copy)

    def test_rep_outside_the_team(self):
        with self.assertRaisesRegex(ValidationError, "is not a member of the sales team"):
            self._target("won_revenue", self.rep3)  # rep 3 sells in team 2
        with self.assertRaisesRegex(ValidationError, "needs the salesperson and the sales team"):
            self.env["sales.target"].create(
                {
                    "kpi_id": self.kpi["won_revenue"].id,
                    "owner_type": "user",
                    "user_id": self.rep1.id,
                }
            )

    def test_team_of_another_company(self):
        with self.assertRaises(UserError):  # (a ValidationError is a UserError)
            self._target("won_revenue", self.team_b, company_id=self.company_a.id)

    def test_invalid_filter_domain(self):
        kpi = self.kpi["won_revenue"]
        for bad in [
            "[('no_such_field', '=', 1)]",
            "[('name', '=',",
            "{'a': 1}",
            "[('name', 'lik', 'x')]",
        ]:
            with self.assertRaisesRegex(ValidationError, "is not a valid filter"):
                kpi.domain = bad
        self.assertEqual(kpi.domain, "[]")
        kpi.domain = "[('tag_ids.name', 'ilike', 'vip')]"

    def test_kpi_filter_on_the_user_is_explained(self):
        with self.assertRaisesRegex(ValidationError, "may not depend on the user"):
            self.env["sales.kpi"].with_user(self.manager).create(
                {"name": "Mine", "metric": "won_count", "domain": "[('user_id', '=', uid)]"}
            )

    def test_batch_with_one_bad_target_writes_nothing(self):
        before = self.count()
        with self.assertRaises(ValidationError):
            self.env["sales.target"].create(
                [
                    {
                        "kpi_id": self.kpi["won_count"].id,
                        "owner_type": "team",
                        "team_id": self.team1.id,
                        "company_id": self.company_a.id,
                        "date_from": "2026-03-01",
                        "target_value": 5,
                    },
                    {
                        "kpi_id": self.kpi["won_count"].id,
                        "owner_type": "team",
                        "team_id": self.team2.id,
                        "company_id": self.company_a.id,
                        "date_from": "2026-03-01",
                        "target_value": -5,
                    },
                ]
            )
        self.assertEqual(self.count(), before)

    @mute_logger("odoo.sql_db", "odoo.models")
    def test_import_with_one_bad_row(self):
        """An import (what the CSV import calls) with one bad row imports nothing and
        says which row is wrong."""
        before = self.count()
        fields = ["kpi_id", "owner_type", "team_id", "period_type", "date_from", "target_value"]
        rows = [
            ["Won deals", "team", "SO Team 1", "month", "2026-05-01", "5"],
            ["Won deals", "team", "SO Team 2", "month", "2026-05-01", "-3"],
            ["Won deals", "team", "SO Team 1", "month", "2026-06-01", "6"],
        ]
        result = self.env["sales.target"].load(fields, rows)
        self.assertFalse(result["ids"])
        self.assertTrue(result["messages"])
        self.assertTrue(
            any("cannot be negative" in m["message"] for m in result["messages"]),
            result["messages"],
        )
        self.assertEqual(self.count(), before)
        rows[1][5] = "3"
        result = self.env["sales.target"].load(fields, rows)
        self.assertEqual(len(result["ids"]), 3, result["messages"])

    def test_confirmed_target_is_locked(self):
        target = self._target("won_revenue", self.team1, value=1000)
        target.action_confirm()
        with self.assertRaisesRegex(UserError, "reset it to draft"):
            target.target_value = 2000
        target.note = "<p>Still allowed</p>"
        target.action_reset_draft()
        target.target_value = 2000
        self.assertEqual(target.target_value, 2000)

    def test_close_keeps_the_final_actual(self):
        target = self._target("won_revenue", self.team1, value=1000)
        target.action_confirm()
        target.action_close()
        self.assertEqual((target.state, target.actual_value), ("closed", 3000))
        # a deal is moved into the closed period afterwards: the final actual stays
        self.env.cr.execute(
            "UPDATE crm_lead SET date_closed = '2026-03-20 10:00' WHERE id = %s", [self.l3.id]
        )
        target.action_refresh()
        self.assertEqual(target.actual_value, 3000)
        with self.assertRaisesRegex(UserError, "has not ended yet"):
            running = self._target("won_revenue", self.team1, date_from="2026-04-01")
            running.action_confirm()
            running.action_close()
        with self.assertRaisesRegex(UserError, "Only draft targets can be deleted"):
            target.unlink()

    def test_failing_kpi_keeps_last_values_and_others_refresh(self):
        win_rate = self._target("win_rate", self.team1, value=50)
        won = self._target("won_revenue", self.team1, value=1000)
        (win_rate | won).action_refresh()
        self.assertEqual((win_rate.actual_value, won.actual_value), (50, 3000))
        # new data: L3 moves into March
        self.env.cr.execute(
            "UPDATE crm_lead SET date_closed = '2026-03-20 10:00' WHERE id = %s", [self.l3.id]
        )
        self.env["crm.lead"].invalidate_model()

        def broken(*args, **kwargs):
            raise ValueError("simulated failure")

        with (
            patch.object(self.registry["sales.kpi.engine"], "_query_win_rate", broken),
            self.assertLogs(
                "odoo.addons.sales_objectives.models.sales_kpi_engine", "WARNING"
            ) as logs,
        ):
            failed = self.env["sales.kpi.engine"].refresh(win_rate | won)
        self.assertEqual(failed, [self.kpi["win_rate"].id])
        self.assertIn("simulated failure", logs.output[0])
        self.assertEqual(win_rate.actual_value, 50)  # last good value
        self.assertEqual(won.actual_value, 7000)  # refreshed: L1 + L2 + L3
        self.assertIn("simulated failure", self.kpi["win_rate"].last_error)
        with (
            patch.object(self.registry["sales.kpi.engine"], "_query_win_rate", broken),
            mute_logger("odoo.addons.sales_objectives.models.sales_kpi_engine"),
        ):
            action = win_rate.action_refresh()
        self.assertEqual(action["tag"], "display_notification")
        self.assertIn("could not be measured", action["params"]["message"])
        win_rate.action_refresh()
        self.assertFalse(self.kpi["win_rate"].last_error)
        self.assertAlmostEqual(win_rate.actual_value, 60)  # 3 won / 5 closed

    def test_refresh_button_keeps_what_it_measured(self):
        """One click, one request: the good KPI is stored, the failing one is named in
        a warning and its error kept; nothing raises (which would roll it all back)."""
        win_rate = self._target("win_rate", self.team1, value=50)
        won = self._target("won_revenue", self.team1, value=1000)
        targets = (win_rate | won).with_user(self.leader)
        with (
            patch.object(self.registry["sales.kpi.engine"], "_query_win_rate", broken),
            mute_logger(ENGINE_LOGGER),
            self.env.cr.savepoint(),  # the request: rolled back if anything raised
        ):
            action = targets.action_refresh()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(action["params"]["type"], "warning")
        self.assertIn("Win rate", action["params"]["message"])
        self.assertEqual(won.with_user(self.leader).actual_value, 3000)
        self.assertTrue(win_rate.with_user(self.leader).refresh_failed)
        self.assertFalse(win_rate.with_user(self.leader).refreshed_at)
        kpi = self.kpi["win_rate"].with_user(self.manager)
        self.assertTrue(kpi.last_failed)
        self.assertIn("simulated failure", kpi.last_error)

    def test_thresholds_and_interval_settings(self):
        with self.assertRaisesRegex(ValidationError, "between 0 and the on-track one"):
            self.company_a.write({"sales_target_on_track": 70, "sales_target_at_risk": 90})
        settings = self.env["res.config.settings"].create({})
        with self.assertRaisesRegex(ValidationError, "at least every minute"):
            settings.sales_target_refresh_interval = 0
            settings.execute()
        settings = self.env["res.config.settings"].create({"sales_target_refresh_interval": 30})
        settings.execute()
        cron = self.env.ref("sales_objectives.ir_cron_sales_target_refresh")
        self.assertEqual((cron.interval_number, cron.interval_type), (30, "minutes"))
