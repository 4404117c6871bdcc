"""The incremental refresh never misses a change: for each kind of change made through
Odoo, the incremental pass gives exactly the figures of a full refresh, on every
target (and the change did move some figure)."""

from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import tagged

from .common import (
    MEASURED_KPIS,
    IncrementalEqualsFullMixin,
    QueryCountsMixin,
    SalesObjectivesCase,
)


@tagged("post_install", "-at_install", "sales_objectives", "so_refresh")
@freeze_time("2026-03-20 12:00:00")
class TestIncremental(IncrementalEqualsFullMixin, SalesObjectivesCase):
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
        for kpi in MEASURED_KPIS:
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


class WatchCase(IncrementalEqualsFullMixin, SalesObjectivesCase):
    """KPIs whose filter reads fields of related records: P1 (with its contact P1a)
    and P2 are in France, P3 in Belgium; L1 (P1a) and L7 are tagged "Key account", L8
    "Strategic"; rep 1 achieved an objective on L8 on March 20 and called on the lead
    L9 on March 12. Each check runs the scheduled job."""

    by_scheduled_job = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.france, cls.belgium = env.ref("base.fr"), env.ref("base.be")
        (cls.p1 | cls.p2).country_id = cls.france
        cls.p3.country_id = cls.belgium
        # a salesperson with the default rights of a new user (contact creation)
        cls.rep1.groups_id |= env.ref("base.group_partner_manager")
        cls.key = env["crm.tag"].create({"name": "SO Key account"})
        cls.other_tag = env["crm.tag"].create({"name": "SO Strategic"})
        (cls.l1 | cls.l7).tag_ids = cls.key
        cls.l8.tag_ids = cls.other_tag
        cls.vip = env["res.partner.category"].create({"name": "SO VIP"})
        # rep 1's call on the lead L9, before it is converted
        cls._done_activity(
            cls.l9, cls.rep1, env.ref("mail.mail_activity_data_call"), "2026-03-12 10:00"
        )
        cls.objective = env["sales.objective"].create(
            {
                "lead_id": cls.l8.id,
                "user_id": cls.rep1.id,
                "statement": "Order of 10 licences signed",
                "product_id": env["product.product"].create({"name": "SO Licence"}).id,
                "measure": "quantity",
                "target_value": 10,
                "deadline": "2026-03-24",
            }
        )
        cls.objective.action_open()
        cls.objective._record_outcome("achieved", 10)
        Kpi = env["sales.kpi"].with_user(cls.manager)

        def kpi(name, metric, domain):
            return Kpi.create({"name": name, "metric": metric, "domain": domain})

        cls.kpi_belgium = kpi(
            "Won revenue, Belgium", "won_revenue", "[('partner_id.country_id.code', '=', 'BE')]"
        )
        cls.kpi_france = kpi(
            "Won revenue, France",
            "won_revenue",
            f"[('partner_id.country_id', '=', {cls.france.id})]",
        )
        cls.kpi_key_calls = kpi(
            "Activities on key accounts", "activities_done", f"[('tag_ids', 'in', [{cls.key.id}])]"
        )
        cls.kpi_opportunity_calls = kpi(
            "Activities on opportunities", "activities_done", "[('type', '=', 'opportunity')]"
        )
        cls.kpi_key_objectives = kpi(
            "Objectives on key accounts",
            "objective_achievement_rate",
            "[('tag_ids.name', 'ilike', 'key')]",
        )
        cls.kpi_vip = kpi(
            "Won deals, VIP customers", "won_count", "[('partner_id.category_id', '=', 'SO VIP')]"
        )
        targets = env["sales.target"]
        owners = [
            (cls.team1, {}),
            (cls.team2, {}),
            (cls.rep1, {}),
            (cls.rep2, {}),
            (cls.rep3, {"team": cls.team2}),
            (cls.company_a, {}),
        ]
        kpis = [
            cls.kpi_belgium,
            cls.kpi_france,
            cls.kpi_key_calls,
            cls.kpi_opportunity_calls,
            cls.kpi_key_objectives,
            cls.kpi_vip,
            cls.kpi["new_customers"],
            cls.kpi["repeat_revenue_share"],
        ]
        for kpi_record in kpis:
            for owner, extra in owners:
                targets |= cls._target(kpi_record, owner, value=50, **extra)
                targets |= cls._target(
                    kpi_record, owner, period="quarter", date_from="2026-01-01", **extra
                )
        cls.targets = targets
        cls._archive_other_targets(targets)


@tagged("post_install", "-at_install", "sales_objectives", "so_refresh")
@freeze_time("2026-03-20 12:00:00")
class TestIncrementalWatch(WatchCase):
    """What a KPI's filter or its metric reads beyond the records counted: a change of
    it through Odoo reaches the next scheduled (incremental) pass, which then gives the
    figures of a full refresh."""

    def test_customer_moves_to_another_country(self):
        """P2 moves from France to Belgium: L2 (2,000, won by rep 1 on March 31 at
        23:30 in Brussels) moves from the French won revenue to the Belgian one."""
        self.full()
        self.assertEqual(self.actual(self.kpi_belgium, self.rep1), 0)
        self.check(lambda: self.p2.with_user(self.rep1).write({"country_id": self.belgium.id}))
        self.assertEqual(self.actual(self.kpi_belgium, self.rep1), 2000)
        self.assertEqual(self.actual(self.kpi_belgium, self.team1), 2000)
        # L3 (4,000 for P2) was won on April 1 in Brussels: not in March
        self.assertEqual(self.actual(self.kpi_belgium, self.company_a), 2000 + 800)
        self.assertEqual(self.actual(self.kpi_france, self.rep1), 1000)  # L1, P1a

    def test_company_moves_and_its_contacts_follow(self):
        """P1 moves to Belgium; Odoo moves its contact P1a with it (bypassing the
        contact's ``write``): L1 (1,000, P1a, won by rep 1 on March 5) is Belgian."""
        self.check(lambda: self.p1.with_user(self.manager).write({"country_id": self.belgium.id}))
        self.assertEqual(self.p1a.country_id, self.belgium)
        self.assertEqual(self.actual(self.kpi_belgium, self.rep1), 1000)
        self.assertEqual(self.actual(self.kpi_france, self.rep1), 2000)  # L2, P2

    def test_tag_added_to_a_lead(self):
        """A manager tags L4 (rep 2's lost deal, with rep 2's call of March 10)."""
        self.full()
        self.assertEqual(self.actual(self.kpi_key_calls, self.rep2), 0)
        self.check(
            lambda: self.l4.with_user(self.manager).write({"tag_ids": [Command.link(self.key.id)]})
        )
        self.assertEqual(self.actual(self.kpi_key_calls, self.rep2), 1)
        # rep 1's call on L1 and meeting on L7, rep 2's call on L4
        self.assertEqual(self.actual(self.kpi_key_calls, self.team1), 3)

    def test_lead_converted_to_opportunity(self):
        """L9, a lead with rep 1's call of March 12, becomes an opportunity: the call
        now counts among the activities on opportunities."""
        self.full()
        self.assertEqual(self.actual(self.kpi_opportunity_calls, self.rep1), 2)
        self.check(lambda: self.l9.with_user(self.rep1).convert_opportunity(self.l9.partner_id))
        self.assertEqual(self.l9.type, "opportunity")
        self.assertEqual(self.actual(self.kpi_opportunity_calls, self.rep1), 3)

    def test_tag_renamed(self):
        """The tag of L8 is renamed "SO Key partner": the objective achieved on L8 by
        rep 1 (March 20) counts on the key accounts' objectives."""
        self.check(lambda: self.other_tag.with_user(self.manager).write({"name": "SO Key partner"}))
        self.assertEqual(self.actual(self.kpi_key_objectives, self.rep1), 100)

    def test_tag_deleted(self):
        """The "Key account" tag is deleted: L1 and L7 lose it, and their activities
        no longer count."""
        self.check(lambda: self.key.with_user(self.manager).unlink())
        self.assertEqual(self.actual(self.kpi_key_calls, self.rep1), 0)

    def test_customer_tagged(self):
        """P2 gets the customer tag VIP: L2, won by rep 1 in March, counts."""
        self.check(
            lambda: self.p2.with_user(self.rep1).write({"category_id": [Command.link(self.vip.id)]})
        )
        self.assertEqual(self.actual(self.kpi_vip, self.rep1), 1)

    def test_contact_moves_to_another_company(self):
        """P1a, the contact of L1 (1,000, won by rep 1 on March 5), joins P2: L1 was a
        deal of P1, which won L11 in November (repeat), and becomes P2's first deal;
        L2 (2,000, P2, won by rep 1 on March 31) is now a repeat customer's deal.
        Rep 1's share of repeat revenue in March goes from 1,000 / 3,000 to
        2,000 / 3,000."""
        self.full()
        self.assertAlmostEqual(self.actual(self.kpi["repeat_revenue_share"], self.rep1), 100 / 3)
        self.check(lambda: self.p1a.with_user(self.manager).write({"parent_id": self.p2.id}))
        self.assertEqual(self.p1a.commercial_partner_id, self.p2)
        self.assertAlmostEqual(self.actual(self.kpi["repeat_revenue_share"], self.rep1), 200 / 3)
        # still one new customer in March: P2 (L1) instead of P2 (L2)
        self.assertEqual(self.actual(self.kpi["new_customers"], self.rep1), 1)


@tagged("post_install", "-at_install", "sales_objectives", "is_query_count", "so_refresh")
@freeze_time("2026-03-20 12:00:00")
class TestWatchQueries(QueryCountsMixin, WatchCase):
    """Watching costs nothing where no KPI reads: a write of a field no KPI reads adds
    no query; one that a KPI reads adds one statement when the transaction ends,
    whatever the number of records written."""

    queries_until_commit = True

    def test_unwatched_writes_add_no_query(self):
        partner = self.p2.with_user(self.rep1)
        leads = (self.l1 | self.l7 | self.l8).with_user(self.manager)
        reading = (
            self.kpi_belgium
            | self.kpi_france
            | self.kpi_vip
            | self.kpi_key_calls
            | self.kpi_key_objectives
            | self.kpi["new_customers"]
            | self.kpi["repeat_revenue_share"]
        ).with_user(self.manager)

        values = iter(range(1000, 2000))

        def writes():
            """Each write changes the value (the ORM writes nothing otherwise)."""
            return {
                "phone": self.queries(
                    lambda: partner.write({"phone": f"+32 2 555 {next(values)}"})
                ),
                "country": self.queries(lambda: partner.write({"country_id": self.belgium.id})),
                "country back": self.queries(lambda: partner.write({"country_id": self.france.id})),
                "amount": self.queries(lambda: leads[:1].write({"expected_revenue": next(values)})),
                "tag": self.queries(lambda: leads[:1].write({"tag_ids": [Command.clear()]})),
                "tags": self.queries(lambda: leads.write({"tag_ids": [Command.set(self.key.ids)]})),
            }

        # nobody reads the partners' country and tags, nor the leads' tags
        reading.action_archive()
        writes()  # the caches warm
        plain = writes()
        reading.action_unarchive()
        writes()
        with self.assertQueryCount(plain["phone"]):
            partner.write({"phone": "+32 2 555 01 02"})
        with self.assertQueryCount(plain["amount"]):
            leads[:1].write({"expected_revenue": 2500})
        # the leads of the partners (and contacts) moved: one statement
        with self.assertQueryCount(plain["country"] + 1):
            partner.write({"country_id": self.belgium.id})
        # the leads' done activities and objectives: one statement, for 1 lead or 3
        watched = writes()
        self.assertEqual(watched["tag"], plain["tag"] + 1)
        self.assertEqual(watched["tags"], plain["tags"] + 1)
