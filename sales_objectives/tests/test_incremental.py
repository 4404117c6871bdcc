"""The incremental refresh never misses a change: for each kind of change made through
Odoo, the incremental pass gives exactly the figures of a full refresh, on every
target (and the change did move some figure)."""

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged

from odoo.addons.sales_objectives.tools.refresh_state import STORED_FIGURES

from .common import SalesObjectivesCase

KPIS = (
    "won_revenue",
    "won_count",
    "win_rate",
    "avg_deal_size",
    "cycle_days",
    "new_leads",
    "new_opportunities",
    "pipeline_created",
    "activities_done",
    "calls_done",
    "new_customers",
    "repeat_revenue_share",
    "objective_achievement_rate",
    "smart_coverage",
)
NAMES = [name for name, _type in STORED_FIGURES]


@tagged("post_install", "-at_install", "sales_objectives")
@freeze_time("2026-03-20 12:00:00")
class TestIncremental(SalesObjectivesCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        targets = cls.env["sales.target"]
        owners = [
            (cls.team1, {}),
            (cls.team2, {}),
            (cls.rep1, {}),
            (cls.rep2, {}),
            (cls.rep3, {"team": cls.team2}),
            (cls.company_a, {}),
        ]
        for kpi in KPIS:
            for owner, extra in owners:
                targets |= cls._target(kpi, owner, value=50, **extra)
                targets |= cls._target(
                    kpi, owner, period="quarter", date_from="2026-01-01", **extra
                )
        # a week: those KPIs are kept by day
        for owner, extra in owners:
            targets |= cls._target(
                "won_revenue", owner, period="week", date_from="2026-03-16", **extra
            )
        cls.targets = targets
        cls._archive_other_targets(targets)
        cls.product = cls.env["product.product"].create({"name": "SO Incremental Licence"})

    def figures(self):
        self.env.flush_all()
        self.env.cr.execute(
            f"SELECT id, {', '.join(NAMES)} FROM sales_target WHERE id = ANY(%s) ORDER BY id",
            [self.targets.ids],
        )
        return {
            row[0]: [round(v, 6) if isinstance(v, float) else v for v in row[1:]]
            for row in self.env.cr.fetchall()
        }

    def full(self):
        self.env["sales.kpi.engine"].refresh(self.targets.exists(), complete=True)
        return self.figures()

    def check(self, change):
        """Full pass, ``change``, incremental pass: the same figures as a full pass,
        and the change moved some of them."""
        before = self.full()
        change()
        self.env["sales.kpi.refresh"]._incremental_pass("2999-01-01")
        incremental = self.figures()
        self.assertTrue(incremental != before, "the change should move some figure")
        expected = self.full()
        differences = [
            (target_id, name, incremental[target_id][i], value[i])
            for target_id, value in expected.items()
            for i, name in enumerate(NAMES)
            if incremental[target_id][i] != value[i]
        ]
        self.assertFalse(differences, "incremental and full refresh disagree")
        self.assertFalse(self.env["sales.kpi.change"].search_count([]), "the log is consumed")

    def test_reassignment(self):
        self.check(lambda: self.l1.write({"user_id": self.rep2.id}))

    def test_move_to_another_team(self):
        # the lead and its done call (on L4) move to team 2
        self.check(lambda: self.l4.write({"team_id": self.team2.id, "user_id": self.rep3.id}))

    def test_archive(self):
        self.check(lambda: self.l2.action_set_lost())

    def test_deletion(self):
        self.check(lambda: self.l6.unlink())

    def test_stage_change(self):
        self.check(lambda: self.l7.write({"stage_id": self.stage_won.id}))

    def test_amount_change(self):
        self.check(lambda: self.l1.write({"expected_revenue": 5000}))

    def test_change_to_a_deal_won_in_an_earlier_month(self):
        # L11 (team 1, won before March) is in the first bucket of the 12-month history:
        # its new amount moves team 1's average deal, re-measured over that bucket
        self.check(lambda: self.l11.write({"expected_revenue": 900}))

    def test_expected_closing_change(self):
        self.check(lambda: self.l8.write({"date_deadline": "2026-03-28"}))

    def test_new_lead(self):
        def change():
            self.env["crm.lead"].create(
                {
                    "name": "New one",
                    "type": "opportunity",
                    "user_id": self.rep3.id,
                    "team_id": self.team2.id,
                    "expected_revenue": 700,
                    "probability": 40,
                    "date_deadline": "2026-03-27",
                }
            )

        self.check(change)

    def test_customer_change(self):
        # L2 now for P1, who won before: L2 is no longer a new customer's first deal
        self.check(lambda: self.l2.write({"partner_id": self.p1.id}))

    def test_new_done_activity(self):
        call = self.env.ref("mail.mail_activity_data_call")

        def change():
            activity = self.env["mail.activity"].create(
                {
                    "res_model_id": self.env["ir.model"]._get_id("crm.lead"),
                    "res_id": self.l8.id,
                    "activity_type_id": call.id,
                    "user_id": self.rep1.id,
                }
            )
            activity.with_user(self.rep1).action_feedback(feedback="Done")

        self.check(change)

    def test_deleted_done_activity(self):
        def change():
            self.env["mail.message"].search(
                [("model", "=", "crm.lead"), ("res_id", "=", self.l1.id)]
            ).filtered("mail_activity_type_id").unlink()

        self.check(change)

    def test_objective_outcome(self):
        def change():
            objective = self.env["sales.objective"].create(
                {
                    "lead_id": self.l7.id,
                    "user_id": self.rep1.id,
                    "statement": "Order of 10 licences signed",
                    "product_id": self.product.id,
                    "measure": "quantity",
                    "target_value": 10,
                    "deadline": "2026-03-24",
                }
            )
            objective.action_open()
            objective._record_outcome("achieved", 10)

        self.check(change)

    def test_meeting(self):
        def change():
            self.env["calendar.event"].create(
                {
                    "name": "Demo",
                    "opportunity_id": self.l3.id,
                    "user_id": self.rep2.id,
                    "start": "2026-03-18 10:00:00",
                    "stop": "2026-03-18 11:00:00",
                }
            )

        self.check(change)

    def test_new_target(self):
        def change():
            self.targets |= self._target("won_revenue", self.rep4, value=10)

        self.check(change)

    def test_kpi_definition(self):
        def change():
            self.kpi["won_revenue"].domain = f"[('partner_id', '=', {self.p2.id})]"

        self.check(change)

    def test_kept_cells_ignore_the_last_bit(self):
        """A full pass rewrites only the kept cells that changed: the same floats added
        in another order by a parallel aggregate (the last bit differs) are no change."""
        Cell = self.env["sales.kpi.cell"]
        month = fields.Date.to_date("2026-03-01")
        self.assertEqual(Cell._write("test:bits", [(1, 2, 3, month, [23.2, 55.0])]), 1)
        self.assertEqual(Cell._write("test:bits", [(1, 2, 3, month, [23.200000000000003, 55])]), 0)
        self.assertEqual(Cell._read("test:bits"), [(1, 2, 3, month, [23.2, 55.0])])
        self.assertEqual(Cell._write("test:bits", [(1, 2, 3, month, [23.21, 55.0])]), 1)
        self.assertEqual(Cell._read("test:bits"), [(1, 2, 3, month, [23.21, 55.0])])
        self.assertEqual(Cell._write("test:bits", [(1, 2, 3, month, [23.21, 55.0, 1.0])]), 1)

    def test_global_changes_call_for_a_full_pass(self):
        """A new currency rate (or calendar, holiday, company, stage change) moves
        figures of every target: the job runs a full pass, not an incremental one."""
        state = {
            "full_day": {str(c.id): "2026-03-20" for c in self.env["res.company"].search([])},
            "full_start": str(self.env.cr.now()),
        }
        self.env.flush_all()
        self.env.cr.execute("UPDATE res_company SET write_date = %s", [fields.Datetime.now()])
        self.env.cr.execute("SELECT MAX(write_date) FROM res_currency_rate")
        self.assertFalse(
            self.env["sales.kpi.refresh"]._full_pass_due(dict(state, full_start="2999-01-01"))
        )
        self.env["res.currency.rate"].create(
            {
                "currency_id": self.eur.id,
                "company_id": self.company_a.id,
                "name": "2026-03-19",
                "rate": 0.9,
            }
        )
        self.env.flush_all()
        self.assertTrue(self.env["sales.kpi.refresh"]._full_pass_due(state))
        # and a new day in one company's time zone
        self.assertTrue(
            self.env["sales.kpi.refresh"]._full_pass_due(
                {
                    "full_day": dict(state["full_day"], **{str(self.company_a.id): "2026-03-19"}),
                    "full_start": "2999-01-01",
                }
            )
        )
