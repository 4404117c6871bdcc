"""A metric added by an add-on reaches every part of the product.

This add-on adds the base metric *won revenue by expected closing date* (the deals won,
dated by the day they were expected to close: what the forecast projected into a period
and was won) as docs/extending.md says, in 37 lines, blank ones left out
(``test_the_metric_is_small``): its definition and query builder
(models/sales_kpi_engine.py, 21), the selection value (models/sales_kpi.py, 7) and a KPI
(data/sales_kpi_data.xml, 9). Nothing else of the product names it, yet a target on it
is measured, a plan spreads and splits it, the leaderboard ranks it and the forecast
projects it with the open pipeline (its definition has ``pipeline="amount"``).

The figures are those of sales_objectives' test CRM (sales_objectives/tests/common.py),
with these expected closing dates given to the won deals:

====  =====  ====  ======  ===========================  ================
lead  owner  team  amount  won                          expected closing
====  =====  ====  ======  ===========================  ================
L1    R1     T1    1000    2026-03-05                   2026-03-09
L2    R1     T1    2000    2026-03-31 (local)           2026-04-02
L3    R2     T1    4000    2026-04-01 (local)           2026-03-13
L6    R3     T2     800    2026-03-12                   2026-03-31
====  =====  ====  ======  ===========================  ================

Open in March: L7 10,000 at 30 % due March 25, L8 5,000 at 60 % due March 28; company
A commits at 50 %.
"""

from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools.misc import file_path

from odoo.addons.sales_objectives.tests.common import (
    ActualsMixin,
    IncrementalEqualsFullMixin,
    SalesObjectivesCase,
)

METRIC_FILES = ("models/sales_kpi_engine.py", "models/sales_kpi.py", "data/sales_kpi_data.xml")


@tagged("post_install", "-at_install", "sales_objectives", "so_metrics")
@freeze_time("2026-03-16 12:00:00")
class TestMetricFromAnAddon(ActualsMixin, IncrementalEqualsFullMixin, SalesObjectivesCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.kpi["won_by_deadline"] = cls.env.ref(
            "test_sales_objectives_metric.sales_kpi_won_by_deadline"
        )
        for lead, day in [
            (cls.l1, "2026-03-09"),
            (cls.l2, "2026-04-02"),
            (cls.l3, "2026-03-13"),
            (cls.l6, "2026-03-31"),
            (cls.l8, "2026-03-28"),
        ]:
            lead.date_deadline = day
        cls.company_a.sales_forecast_commit_probability = 50

    def confirmed(self, owner, value, **kwargs):
        """A target on the metric for ``owner`` in March, set and confirmed by the sales
        manager."""
        target = self._target("won_by_deadline", owner, value=value, **kwargs)
        target = target.with_user(self.manager)
        target.action_confirm()
        return target

    def test_the_metric_is_small(self):
        lines = 0
        for name in METRIC_FILES:
            with open(file_path(f"test_sales_objectives_metric/{name}"), encoding="utf-8") as f:
                lines += sum(1 for line in f if line.strip())
        self.assertEqual(lines, 37)
        definition = self.env["sales.kpi.engine"].metric_definitions()["won_by_deadline"]
        self.assertEqual((definition.pipeline, definition.additive), ("amount", True))
        kpi = self.kpi["won_by_deadline"]
        self.assertEqual((kpi.unit, kpi.direction), ("money", "higher"))

    def test_targets_get_their_actuals(self):
        # March, by expected closing: R1 L1; R2 L3 (won on April 1 local, due March 13);
        # T1 both; T2 L6 (due on March 31, the last day); company A all three
        self.assertActual("won_by_deadline", self.rep1, 1000, sample=1)
        self.assertActual("won_by_deadline", self.rep2, 4000, sample=1)
        self.assertActual("won_by_deadline", self.team1, 5000, sample=2)
        self.assertActual("won_by_deadline", self.team2, 800, sample=1)
        self.assertActual("won_by_deadline", self.company_a, 5800, sample=3)
        # April: L2 (won in March, due April 2)
        self.assertActual("won_by_deadline", self.rep1, 2000, date_from="2026-04-01")
        # in EUR, at the rate of each deal's expected closing day: L1 1,000 at 0.5
        # (March 9) + L3 4,000 at 0.8 (since March 10) = 500 + 3,200
        in_eur = self.kpi["won_by_deadline"].copy({"name": "Won by expected closing, EUR"})
        self.assertActual(in_eur, self.team1, 3700, currency_id=self.eur.id, sample=2)

    def test_a_salesperson_refreshes_and_opens_what_counted(self):
        target = self.confirmed(self.rep1, 2000)
        mine = target.with_user(self.rep1)
        mine.action_refresh()
        self.assertEqual((mine.actual_value, mine.attainment), (1000, 50))
        model, ids = self.env["sales.kpi.engine"].counted_records(target)
        self.assertEqual((model, ids), ("crm.lead", self.l1.ids))

    def test_the_incremental_refresh_follows_it(self):
        """R1 moves L1's expected closing to April 20: his March target loses its 1,000,
        April's has 3,000 (L1 + L2); the change log reaches the metric, and the
        incremental pass gives what a full refresh gives."""
        kpi = self.kpi["won_by_deadline"]
        self.targets = self.confirmed(self.rep1, 2000)
        self.targets |= self.confirmed(self.rep1, 2000, date_from="2026-04-01")
        self._archive_other_targets(self.targets)
        self.check(lambda: self.l1.with_user(self.rep1).write({"date_deadline": "2026-04-20"}))
        self.assertEqual(self.actual(kpi, self.rep1), 0)
        self.assertEqual(self.actual(kpi, self.rep1, month="2026-04-01"), 3000)

    def test_a_plan_spreads_and_splits_it(self):
        """Q2 2026, 18,750, split by the last 12 months (April 2025 - March 2026): R1
        1,000 (L1), R2 4,000 (L3), R4 nothing: half the average of the others (2,500 x
        50 % = 1,250); each month 6,250 = 1,000 + 4,000 + 1,250."""
        plan = (
            self.env["sales.target.plan"]
            .with_user(self.manager)
            .create(
                {
                    "team_id": self.team1.id,
                    "company_id": self.company_a.id,
                    "horizon": "quarter",
                    "date_from": "2026-04-01",
                    "granularity": "month",
                    "split_method": "history",
                    "member_ids": [
                        (0, 0, {"user_id": user.id}) for user in (self.rep1, self.rep2, self.rep4)
                    ],
                    "line_ids": [
                        (0, 0, {"kpi_id": self.kpi["won_by_deadline"].id, "total_value": 18750})
                    ],
                }
            )
        )
        plan.action_generate()
        targets = plan.target_ids
        self.assertEqual(targets.kpi_id, self.kpi["won_by_deadline"])
        teams = targets.filtered(lambda t: t.owner_type == "team").sorted("date_from")
        self.assertEqual(teams.mapped("target_value"), [6250.0] * 3)
        may = {
            t.user_id: t.target_value
            for t in targets
            if t.owner_type == "user" and t.date_from.month == 5
        }
        self.assertEqual(may, {self.rep1: 1000, self.rep2: 4000, self.rep4: 1250})

    def test_the_leaderboard_ranks_it(self):
        """2,000 each in March: R2 4,000 (200 %), R1 1,000 (50 %), R4 nothing (0 %)."""
        targets = self.confirmed(self.rep1, 2000)
        targets |= self.confirmed(self.rep2, 2000)
        targets |= self.confirmed(self.rep4, 2000)
        rows = (
            self.env["sales.target.leaderboard"]
            .with_user(self.leader)
            .search([("target_id", "in", targets.ids)], order="rank")
        )
        self.assertEqual(
            [(r.user_id, r.rank, r.participants, r.attainment) for r in rows],
            [(self.rep2, 1, 3, 200), (self.rep1, 2, 3, 50), (self.rep4, 3, 3, 0)],
        )

    def test_the_forecast_projects_it(self):
        """R1 in March, target 12,000: won 1,000 (L1); commit + L8 5,000 (60 %, due
        March 28) = 6,000; best case + L7 10,000 x 30 % = 9,000; gap 12,000 - 6,000."""
        target = self.confirmed(self.rep1, 12000)
        row = (
            self.env["sales.target.forecast"]
            .with_user(self.rep1)
            .search([("target_id", "=", target.id)])
        )
        self.assertEqual(
            (row.won_value, row.commit_value, row.best_value, row.gap_value),
            (1000, 6000, 9000, 6000),
        )
        self.assertEqual(row.gap_label, "$\xa06,000.00 to go")
