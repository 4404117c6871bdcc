"""Sales targets in Odoo's digest emails, per recipient and window (hand-worked)."""

from datetime import datetime

from freezegun import freeze_time

from odoo.tests import tagged

from .common import SalesObjectivesCase


@tagged("post_install", "-at_install", "sales_objectives", "so_digest")
@freeze_time("2026-03-16 12:00:00")
class TestDigest(SalesObjectivesCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()

        def target(owner, actual, **extra):
            t = cls._target("manual", owner, value=100, manual_value=actual, **extra)
            t.action_confirm()
            return t

        # expected by now: 50 of 100 (half of March's working days)
        target(cls.rep1, 60)  # on track, 60 %
        target(cls.rep2, 30)  # behind, 30 %
        target(cls.rep3, 90, team=cls.team2)  # on track, 90 %
        target(cls.team1, 45)  # at risk
        target(cls.rep1, 10, date_from="2026-02-01")  # February's: not current
        product = cls.env["product.product"].create({"name": "SO Digest Licence"})
        for state, when in (
            ("achieved", "2026-03-10 10:00"),
            ("missed", "2026-03-11 10:00"),
            ("achieved", "2026-03-12 10:00"),
            ("achieved", "2026-02-10 10:00"),  # before the window
        ):
            objective = cls.env["sales.objective"].create(
                {
                    "lead_id": cls.l7.id,
                    "user_id": cls.rep1.id,
                    "objective_type": "sales",
                    "statement": "Order of 20 licences signed",
                    "product_id": product.id,
                    "measure": "amount",
                    "target_value": 100,
                    "deadline": "2026-03-20",
                }
            )
            with freeze_time(when):
                objective._record_outcome(state, 100 if state == "achieved" else 0)
        cls.digest = cls.env["digest.digest"].create(
            {"name": "SO digest", "periodicity": "monthly"}
        )

    def values(self, user):
        self.env.invalidate_all()  # the digest reads its values once per recipient
        digest = (
            self.digest.with_user(user)
            .with_company(self.company_a)
            .with_context(
                start_datetime=datetime(2026, 3, 1), end_datetime=datetime(2026, 3, 16, 12)
            )
        )
        return (
            round(digest.kpi_sales_target_attainment_value, 2),
            digest.kpi_sales_target_at_risk_value,
            round(digest.kpi_sales_objective_achieved_value, 2),
        )

    def test_values_per_recipient(self):
        # the manager: salesperson targets 60, 30, 90 -> 60 %; at risk or behind: rep 2
        # and team 1; objectives closed in the window: 2 achieved of 3
        self.assertEqual(self.values(self.manager), (60.0, 2, 66.67))
        # rep 1: their own target and their team's; their own objectives
        self.assertEqual(self.values(self.rep1), (60.0, 1, 66.67))
        # rep 3 (team 2): their own target; no objective
        self.assertEqual(self.values(self.rep3), (90.0, 0, 0.0))

    def columns(self, user):
        """{KPI: (last 24 hours, last 7 days, last 30 days)} as the digest e-mail of
        ``user`` shows them, for our KPIs."""
        self.env.invalidate_all()
        kpis = self.digest._compute_kpis(self.company_a, user)
        return {
            kpi["kpi_name"]: tuple(kpi[f"kpi_col{i}"]["value"] for i in (1, 2, 3))
            for kpi in kpis
            if kpi["kpi_name"].startswith("kpi_sales_")
        }

    def test_no_figure_is_not_zero(self):
        """Objectives were closed on March 10, 11 and 12 (2 of 3 achieved): none in the
        last 24 hours (no figure, not 0.00), 66.67 % over the last 7 and 30 days. Rep 3
        closed none: the KPI is left out of their digest. Rep 4 has no salesperson
        target of their own: no attainment."""
        self.digest.write(
            {
                "kpi_sales_target_attainment": True,
                "kpi_sales_target_at_risk": True,
                "kpi_sales_objective_achieved": True,
            }
        )
        columns = self.columns(self.manager)
        self.assertEqual(columns["kpi_sales_objective_achieved"], ("–", "66.67", "66.67"))
        self.assertEqual(columns["kpi_sales_target_attainment"], ("60.00", "60.00", "60.00"))
        columns = self.columns(self.rep3)
        self.assertNotIn("kpi_sales_objective_achieved", columns)
        self.assertEqual(columns["kpi_sales_target_attainment"], ("90.00", "90.00", "90.00"))
        self.assertEqual(columns["kpi_sales_target_at_risk"], (0, 0, 0))
        columns = self.columns(self.rep4)
        self.assertNotIn("kpi_sales_target_attainment", columns)
        self.assertEqual(columns["kpi_sales_target_at_risk"], (1, 1, 1))  # the team's

    def test_in_the_digest_email(self):
        self.digest.kpi_sales_target_at_risk = True
        kpis = self.digest._compute_kpis(self.company_a, self.manager)
        names = [kpi["kpi_name"] for kpi in kpis]
        self.assertIn("kpi_sales_target_at_risk", names)
