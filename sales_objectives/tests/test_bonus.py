"""Bonus tiers on a salesperson's target: the payout at the boundaries (worked out by
hand), the same through the refresh engine as through the form, and who sees it."""

from freezegun import freeze_time

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from odoo.addons.sales_objectives.engine.figures import bonus_payout

from .common import SalesObjectivesCase


@tagged("post_install", "-at_install", "sales_objectives", "so_bonus")
@freeze_time("2026-03-16 12:00:00")
class TestBonus(SalesObjectivesCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.target = cls._target(
            "manual",
            cls.rep1,
            value=200,
            manual_value=100,
            bonus_base=1000,
            bonus_floor=80,
            bonus_accelerator=2,
            bonus_cap=1500,
        )
        cls.target.action_confirm()

    def test_payout_tiers_at_their_boundaries(self):
        cases = [
            (0, 0.0),
            (79.99, 0.0),  # below the floor: nothing
            (80, 800.0),  # from the floor, linear: 80 % of the bonus
            (99.5, 995.0),
            (100, 1000.0),
            (110, 1200.0),  # 2 points of bonus per point above 100 %
            (125, 1500.0),  # the cap
            (140, 1500.0),
        ]
        for attainment, payout in cases:
            with self.subTest(attainment=attainment):
                self.assertAlmostEqual(bonus_payout(attainment, 1000, 80, 2, 1500), payout)
        self.assertEqual(bonus_payout(150, 1000, 80, 2, 0), 2000.0)  # no cap
        self.assertEqual(bonus_payout(150, 0, 80, 2, 0), 0.0)

    def test_refresh_and_form_agree(self):
        # actual 100 of 200: 50 %, below the floor
        self.assertEqual(self.target.bonus_payout, 0.0)
        for actual, payout in ((160, 800.0), (199.98, 999.9), (220, 1200.0), (300, 1500.0)):
            self.target.write({"manual_value": actual})
            self.target.action_refresh()
            self.assertAlmostEqual(self.target.bonus_payout, payout, msg=actual)
        # the tiers changed on the form: recomputed from the stored attainment (150 %)
        self.target.bonus_cap = 0
        self.assertAlmostEqual(self.target.bonus_payout, 2000.0)
        self.assertAlmostEqual(self.target.attainment, 150.0)

    def test_who_sees_the_payout(self):
        self.target.write({"manual_value": 200})
        self.target.action_refresh()
        for user in (self.rep1, self.leader):
            mine = self.target.with_user(user)
            self.assertEqual(mine.my_bonus_payout, 1000.0)
            self.assertIn("80 %", mine.my_bonus_terms)
            with self.assertRaises(AccessError):
                mine.read(["bonus_payout"])
        # an "all documents" salesperson reads the target, not the bonus
        other = self.target.with_user(self.all_leads)
        self.assertEqual(other.actual_value, 200)
        self.assertEqual(other.my_bonus_payout, 0.0)
        with self.assertRaises(AccessError):
            other.read(["bonus_base"])
        # nobody but a manager sets it, and nobody types the payout
        with self.assertRaises(AccessError):
            self.target.with_user(self.leader).write({"bonus_base": 5000})
        with self.assertRaisesRegex(Exception, "not typed"):
            self.target.with_user(self.manager).write({"bonus_payout": 1})
        self.target.with_user(self.manager).write({"bonus_base": 2000, "bonus_cap": 0})
        self.assertEqual(self.target.bonus_payout, 2000.0)

    def test_the_bonus_is_named_for_whoever_reads_it(self):
        """The salesperson and their team leader read the same tab of the target (which
        names its owner): "the bonus", never "my bonus", which is not the leader's."""
        for user in (self.rep1, self.leader):
            strings = (
                self.env["sales.target"]
                .with_user(user)
                .fields_get(["my_bonus_base", "my_bonus_payout", "my_bonus_terms"], ["string"])
            )
            for fname, description in strings.items():
                self.assertNotRegex(description["string"], r"(?i)\bmy\b", fname)
        self.assertEqual(
            self.target.with_user(self.leader).my_bonus_terms,
            "nothing below 80 % of the target, 2× above 100 %, at most $\xa01,500.00",
        )

    def test_payouts_sum_in_the_analysis(self):
        self.target.write({"manual_value": 200})
        self.target.action_refresh()
        other = self._target(
            "manual", self.rep2, value=100, manual_value=90, bonus_base=500, bonus_floor=80
        )
        other.action_confirm()
        groups = (
            self.env["sales.target"]
            .with_user(self.manager)
            .read_group([("id", "in", (self.target | other).ids)], ["bonus_payout:sum"], [])
        )
        self.assertAlmostEqual(groups[0]["bonus_payout"], 1000 + 450)

    def test_bad_bonus_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "paid to a person"):
            self._target("manual", self.team1, value=10, bonus_base=100)
        with self.assertRaisesRegex(ValidationError, "cap"):
            self.target.write({"bonus_cap": 500})
        with self.assertRaisesRegex(ValidationError, "between 0 and 100"):
            self.target.write({"bonus_floor": 120})
        with self.assertRaisesRegex(ValidationError, "company's currency"):
            self._target("manual", self.rep2, value=10, bonus_base=100, currency_id=self.eur.id)
