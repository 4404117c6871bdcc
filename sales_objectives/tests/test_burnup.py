"""The burn-up of a target, with hand-worked points."""

from freezegun import freeze_time

from odoo.tests import tagged

from .common import SalesObjectivesCase


@tagged("post_install", "-at_install", "sales_objectives")
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
