"""The burn-up of a target, with hand-worked points."""

from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import SalesObjectivesCase


@tagged("post_install", "-at_install", "sales_objectives", "so_burnup")
class TestBurnup(SalesObjectivesCase):
    @freeze_time("2026-04-15 12:00:00")
    def test_points(self):
        target = self._target("won_revenue", self.rep1, value=6600)
        target.action_confirm()
        data = target.with_user(self.rep1).so_burnup_data()
        self.assertEqual(len(data["labels"]), 31)
        # L1 1,000 won on March 5; L2 2,000 on March 31 at 23:30 in Brussels
        self.assertEqual(data["actual"][3], 0.0)  # March 4
        self.assertEqual(data["actual"][4], 1000.0)  # March 5
        self.assertEqual(data["actual"][29], 1000.0)  # March 30
        self.assertEqual(data["actual"][30], 3000.0)  # March 31
        # the pace: 6,600 over March's 22 working days (Monday to Friday) = 300 a day;
        # March 1 is a Sunday, March 6 a Friday (5 working days)
        self.assertEqual(data["pace"][0], 0.0)
        self.assertEqual(data["pace"][5], 1500.0)
        self.assertEqual(data["pace"][30], 6600.0)
        self.assertEqual(data["target"], 6600)

    @freeze_time("2026-03-16 12:00:00")
    def test_no_line_after_today_nor_for_rates(self):
        target = self._target("won_revenue", self.rep1, value=6600)
        target.action_confirm()
        data = target.so_burnup_data()
        self.assertEqual(data["actual"][15], 1000.0)  # March 16, today
        self.assertIsNone(data["actual"][16])
        rate = self._target("win_rate", self.rep1, value=50)
        rate.action_confirm()
        self.assertEqual(rate.so_burnup_data(), {})


@tagged("post_install", "-at_install", "sales_objectives", "so_burnup")
class TestBurnupFromKeptCells(SalesObjectivesCase):
    """After a scheduled pass, the burn-up reads the cells the pass kept: the current
    month by day, the months before as totals (known at each month's end)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # R1 won 400 on February 10 (the quarter's second month)
        cls.l20 = cls._make_lead(
            "SO L20", cls.rep1, cls.team1, 400, "2026-01-20 10:00:00", won="2026-02-10 10:00:00"
        )
        cls.quarter = cls._target(
            "won_revenue", cls.rep1, period="quarter", date_from="2026-01-01", value=9000
        )
        cls.team_quarter = cls._target(
            "won_revenue", cls.team1, period="quarter", date_from="2026-01-01", value=9000
        )
        cls.targets = cls.quarter | cls.team_quarter
        cls._archive_other_targets(cls.targets)
        cls.targets.action_confirm()

    def full_pass(self):
        self.env["sales.kpi.engine"].refresh(self.targets, complete=True)

    def points(self, target, *days):
        data = target.with_user(self.rep1).so_burnup_data()
        labels = [self.day(f"2026-{day}") for day in days]
        first = self.day("2026-01-01")
        return [data["actual"][(label - first).days] for label in labels], data

    @freeze_time("2026-03-20 12:00:00")
    def test_months_then_days(self):
        self.full_pass()
        signature = self.env["sales.kpi.cell.source"]._signature(
            f"kpi:{self.kpi['won_revenue'].id}"
        )
        self.assertIn("|month[2026-03-01..2026-03-31]|", signature)
        days = ("01-15", "01-31", "02-10", "02-28", "03-01", "03-04", "03-05", "03-20", "03-21")
        # January and February are kept as totals: known at their ends only; March by day
        # (L1 1,000 won on March 5); nothing after today
        points, data = self.points(self.quarter, *days)
        self.assertEqual(points, [None, 0.0, None, 400.0, 400.0, 400.0, 1400.0, 1400.0, None])
        self.assertEqual(len(data["labels"]), 90)
        self.assertIn("month totals", data["note"])
        # the team's: R1's and R2's deals of the quarter (L3 is April 1 in Brussels)
        points, _data = self.points(self.team_quarter, *days)
        self.assertEqual(points, [None, 0.0, None, 400.0, 400.0, 400.0, 1400.0, 1400.0, None])
        # the stored actual counts L2 too (won on March 31): the same cells
        self.assertEqual(self.quarter.actual_value, 3400.0)

    @freeze_time("2026-03-20 12:00:00")
    def test_reads_the_cells_not_the_records(self):
        self.full_pass()
        self.env.flush_all()
        statements = []
        execute = type(self.env.cr).execute

        def spy(cr, query, params=None, log_exceptions=True):
            statements.append(str(query))
            return execute(cr, query, params, log_exceptions)

        self.points(self.quarter, "03-05")  # the access rights and caches loaded
        self.env.flush_all()
        with patch.object(type(self.env.cr), "execute", spy):
            with self.assertQueryCount(8):
                points, _data = self.points(self.quarter, "03-05")
        self.assertEqual(points, [1400.0])
        self.assertTrue([s for s in statements if "sales_kpi_cell " in s])
        self.assertFalse([s for s in statements if "crm_lead" in s or "mail_message" in s])
        # a change shows after the pass that moves the stored actual, not before
        self.l1.write({"expected_revenue": 5000})
        self.assertEqual(self.points(self.quarter, "03-05")[0], [1400.0])
        self.env["sales.kpi.refresh"]._incremental_pass("2999-01-01")
        self.assertEqual(self.points(self.quarter, "03-05")[0], [5400.0])
        self.assertEqual(self.quarter.actual_value, 7400.0)

    @freeze_time("2026-04-15 12:00:00")
    def test_a_past_quarter_at_its_months_ends(self):
        self.full_pass()
        # L2 2,000 won on March 31 at 23:30 in Brussels
        points, _data = self.points(self.quarter, "01-31", "02-28", "03-30", "03-31")
        self.assertEqual(points, [0.0, 400.0, None, 3400.0])

    @freeze_time("2026-03-20 12:00:00")
    def test_measured_by_day_before_any_pass(self):
        points, data = self.points(self.quarter, "01-31", "02-10", "03-05")
        self.assertEqual(points, [0.0, 400.0, 1400.0])
        self.assertFalse(data["note"])

    @freeze_time("2026-03-20 12:00:00")
    def test_only_for_whom_may_read_the_target(self):
        self.full_pass()
        # R3 (team 2) does not see R1's target (team 1), nor its kept cells through it
        with self.assertRaises(AccessError):
            self.quarter.with_user(self.rep3).so_burnup_data()
        # R2, R1's teammate, sees the team's target and its burn-up
        data = self.team_quarter.with_user(self.rep2).so_burnup_data()
        self.assertEqual(
            data["actual"][(self.day("2026-03-05") - self.day("2026-01-01")).days], 1400.0
        )
