"""Every base metric, on the hand-built CRM of common.py (figures worked out by hand)."""

import itertools

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged

from .common import ActualsMixin, SalesObjectivesCase


@tagged("post_install", "-at_install", "sales_objectives", "so_metrics")
@freeze_time("2026-04-15 12:00:00")
class TestMetrics(ActualsMixin, SalesObjectivesCase):
    def test_won_revenue(self):
        # March in Brussels: L1 1000 + L2 2000 (won at 23:30 local on March 31);
        # L3 was won at 00:30 local on April 1, so it is April's.
        self.assertActual("won_revenue", self.team1, 3000)
        self.assertActual("won_revenue", self.rep1, 3000)
        self.assertActual("won_revenue", self.team2, 800)
        self.assertActual("won_revenue", self.rep2, 4000, date_from="2026-04-01")
        # a quarter: L1, L2, L6 (team 2), and not L3 (April)
        self.assertActual(
            "won_revenue", self.company_a, 3800, period="quarter", date_from="2026-01-01"
        )

    def test_won_revenue_owner_without_records_gets_zero(self):
        target = self._target("won_revenue", self.rep2)
        self.env.cr.execute("UPDATE sales_target SET actual_value = 999 WHERE id = %s", [target.id])
        target.invalidate_recordset()
        target.action_refresh()
        self.assertEqual(target.actual_value, 0.0)

    def test_won_revenue_converted_at_close_date(self):
        # Company A in EUR: L1 1000 USD at 0.5 (March 5) = 500, L2 2000 at 0.8
        # (March 31, rate of March 10) = 1600, L6 800 at 0.8 (March 12) = 640.
        self.assertActual("won_revenue", self.company_a, 2740, currency_id=self.eur.id)
        # Company B in USD: LB1 100 EUR at 1.25 = 125 USD.
        self.assertActual("won_revenue", self.company_b, 125, currency_id=self.usd.id)
        self.assertActual("won_revenue", self.team_b, 100)

    def test_a_lead_without_company_counts_once_converted(self):
        """L13: rep 1, team 1 (company A), no company, 1000 USD won on 15 March. It
        counts in company A (its team's), converted from USD: in EUR at 0.8 = 800, so
        rep 1's March in EUR is 500 (L1) + 1600 (L2) + 800 = 2900. Rep 1 also leads
        team B (company B): their company B target does not count it."""
        lead = self._make_lead(
            "L13", self.rep1, self.team1, 1000, "2026-03-10 10:00", won="2026-03-15 10:00"
        )
        self.env.cr.execute("UPDATE crm_lead SET company_id = NULL WHERE id = %s", [lead.id])
        lead.invalidate_recordset()
        self.rep1.company_ids |= self.company_b
        self.team_b.user_id = self.rep1
        in_eur = self._target("won_revenue", self.rep1, currency_id=self.eur.id)
        in_b = self._target("won_revenue", self.rep1, team=self.team_b)
        (in_eur | in_b).action_refresh()
        self.assertAlmostEqual(in_eur.actual_value, 2900)
        self.assertEqual((in_b.actual_value, in_b.actual_sample), (0, 0))
        # the company target of A counts it once too: 1000 + 2000 + 800 (L6) + 1000
        company = self._target("won_revenue", self.company_a)
        company.action_refresh()
        self.assertAlmostEqual(company.actual_value, 4800)

    def test_won_count(self):
        self.assertActual("won_count", self.team1, 2)
        self.assertActual("won_count", self.rep2, 0)
        self.assertActual("won_count", self.company_a, 3)

    def test_win_rate(self):
        # team 1 in March: won L1, L2; lost L4, L5 -> 2 / 4
        self.assertActual("win_rate", self.team1, 50, sample=4, value=60)
        # rep 1: won L1, L2, lost L5 -> 2 / 3
        self.assertActual("win_rate", self.rep1, 200 / 3, sample=3, value=60)
        # rep 2: lost L4 only (L3 is April's) -> 0 / 1
        self.assertActual("win_rate", self.rep2, 0, sample=1, value=60)

    def test_average_deal_size(self):
        self.assertActual("avg_deal_size", self.team1, 1500, sample=2)
        # the quarter of company A: (1000 + 2000 + 800) / 3, never an average of averages
        self.assertActual(
            "avg_deal_size",
            self.company_a,
            3800 / 3,
            sample=3,
            period="quarter",
            date_from="2026-01-01",
        )

    def test_cycle_days(self):
        # crm's own days to close: L1 54 days (Jan 10 -> Mar 5), L2 58 days (Feb 1 09:00 ->
        # Mar 31 21:30): average 56
        self.assertEqual((self.l1.day_close, self.l2.day_close), (54, 58))
        self.assertActual("cycle_days", self.team1, 56, sample=2, value=60)

    def test_new_leads(self):
        # created in March, local time: L3, L4 (00:30 on March 1), L5, L7, L9
        self.assertActual("new_leads", self.team1, 5)
        self.assertActual("new_leads", self.rep1, 3)  # L5, L7, L9

    def test_new_opportunities(self):
        # opportunities created or converted in March: L3, L4, L5, L7, L10 (converted);
        # L9 is still a lead.
        self.assertActual("new_opportunities", self.team1, 5)
        self.assertActual("new_opportunities", self.rep2, 3)  # L3, L4, L10

    def test_pipeline_created(self):
        # L3 4000 + L4 500 + L5 3000 + L7 10000 + L10 1500
        self.assertActual("pipeline_created", self.team1, 19000)

    def test_activities_done(self):
        # March: R1 call (L1), R1 meeting (L7), R2 call (L4); R2's call on L3 was on
        # April 1 local time.
        self.assertActual("activities_done", self.team1, 3)
        self.assertActual("activities_done", self.rep1, 2)
        self.assertActual("calls_done", self.team1, 2)
        self.assertActual("calls_done", self.rep2, 1)
        self.assertActual("calls_done", self.rep2, 1, date_from="2026-04-01")

    def test_activities_count_on_leads_and_opportunities_only(self):
        """A call done on the lead L9 counts (prospecting); a call logged on a contact
        does not; a KPI filtered on opportunities leaves L9 out. March, team 1: 3 in
        common.py + L9's call = 4; opportunities only: 3."""
        call = self.env.ref("mail.mail_activity_data_call")
        self._done_activity(self.l9, self.rep1, call, "2026-03-12 10:00")
        partner_call = self._done_activity(self.l9, self.rep1, call, "2026-03-12 11:00")
        partner_call.write({"model": "res.partner", "res_id": self.p1.id})
        everything = self._target("activities_done", self.team1)
        everything.action_refresh()
        self.assertEqual(everything.actual_value, 4)
        opportunities = self.env["sales.kpi"].create(
            {
                "name": "Activities on opportunities",
                "metric": "activities_done",
                "domain": "[('type', '=', 'opportunity')]",
            }
        )
        narrowed = self._target(opportunities, self.team1)
        narrowed.action_refresh()
        self.assertEqual(narrowed.actual_value, 3)
        # "Counted records" shows the same activities, on the lead and the opportunities
        action = everything.with_user(self.leader).action_open_records()
        messages = self.env["mail.message"].search(action["domain"])
        self.assertEqual(len(messages), 4)
        self.assertEqual(set(messages.mapped("model")), {"crm.lead"})
        self.assertIn(self.l9.id, messages.mapped("res_id"))

    def test_new_customers(self):
        # March, team 1: L2 is P2's first win (new); L1 is for P1, who won L11 before.
        self.assertActual("new_customers", self.team1, 1)
        # November 2025: L11 is P1's first win
        self.assertActual("new_customers", self.rep1, 1, date_from="2025-11-01")
        # April: L3 is P2's second win, not a new customer
        self.assertActual("new_customers", self.rep2, 0, date_from="2026-04-01")
        self.assertActual("new_customers", self.company_a, 2)  # L2 and L6 (P3)

    def test_repeat_revenue_share(self):
        # March, team 1: L1 (1000, P1 won before) of 3000 won -> 33.33 %
        self.assertActual("repeat_revenue_share", self.team1, 100 / 3, value=50)
        # April, rep 2: L3 (4000), P2 won L2 before -> 100 %
        self.assertActual("repeat_revenue_share", self.rep2, 100, value=50, date_from="2026-04-01")

    def test_manual(self):
        target = self._target("manual", self.rep1, value=10, manual_value=7)
        target.action_confirm()
        self.assertEqual(target.actual_value, 7)
        self.assertAlmostEqual(target.attainment, 70)
        target.with_context(tracking_disable=True).manual_value = 12
        self.assertEqual(target.actual_value, 12)
        self.assertEqual(target.status, "achieved")

    def test_kpi_filter(self):
        """A KPI with a filter counts only the matching opportunities."""
        kpi = self.env["sales.kpi"].create(
            {
                "name": "Won revenue — P2",
                "metric": "won_revenue",
                "domain": f"[('partner_id', '=', {self.p2.id})]",
            }
        )
        self.assertActual(kpi, self.team1, 2000)  # L2 only
        kpi_calls = self.env["sales.kpi"].create(
            {
                "name": "Calls on L4",
                "metric": "activities_done",
                "domain": f"[('id', '=', {self.l4.id})]",
            }
        )
        self.assertActual(kpi_calls, self.team1, 1)

    def test_counted_records_are_those_in_the_actual(self):
        cases = [
            ("won_count", self.team1, self.l1 | self.l2),
            ("new_leads", self.team1, self.l3 | self.l4 | self.l5 | self.l7 | self.l9),
            ("new_opportunities", self.rep2, self.l3 | self.l4 | self.l10),
            ("win_rate", self.team1, self.l1 | self.l2 | self.l4 | self.l5),
            ("new_customers", self.company_a, self.l2 | self.l6),
        ]
        for kpi, owner, leads in cases:
            target = self.measure(kpi, owner, value=50)
            action = target.action_open_records()
            self.assertEqual(action["res_model"], "crm.lead")
            found = self.env["crm.lead"].with_context(active_test=False).search(action["domain"])
            self.assertEqual(found, leads, kpi)
        target = self.measure("calls_done", self.team1)
        action = target.action_open_records()
        self.assertEqual(action["res_model"], "mail.message")
        messages = self.env["mail.message"].search(action["domain"])
        self.assertEqual(sorted(messages.mapped("res_id")), sorted((self.l1 | self.l4).ids))

    def test_records_measured_is_a_count(self):
        cases = [
            # three won deals in company A's first quarter: L1, L2, L6
            ("won_revenue", self.company_a, {"period": "quarter", "date_from": "2026-01-01"}, 3),
            ("won_count", self.team1, {}, 2),  # L1, L2
            ("calls_done", self.team1, {}, 2),  # calls on L1 and L4
            ("new_leads", self.team1, {}, 5),
            ("pipeline_created", self.team1, {}, 5),
            ("win_rate", self.team1, {}, 4),  # 2 won + 2 lost
            ("repeat_revenue_share", self.team1, {}, 2),  # the won deals measured
        ]
        for kpi, owner, values, sample in cases:
            target = self._target(kpi, owner, value=50, **values)
            target.action_refresh()
            self.assertEqual(target.actual_sample, sample, kpi)


@tagged("post_install", "-at_install", "sales_objectives", "so_metrics")
class TestRatesAsOdoo(SalesObjectivesCase):
    """The engine converts many amounts at once with its own table of rates
    (engine/rates.py); on every company, pair of currencies and day around the rates'
    changes, it gives exactly Odoo's ``res.currency._get_conversion_rate``."""

    def test_rates_are_odoos(self):
        Currency = self.env["res.currency"]
        state = self.env["sales.kpi.engine"].pass_state({})
        days = [
            fields.Date.to_date(day)
            for day in ("2019-12-31", "2020-01-01", "2026-03-09", "2026-03-10", "2026-12-31")
        ]
        companies = self.company_a | self.company_b | self.env.ref("base.main_company")
        checked = 0
        for company in companies:
            for source, dest in itertools.permutations(self.usd | self.eur, 2):
                for day in days:
                    self.assertAlmostEqual(
                        state.rates.factor(source.id, dest.id, state.root(company.id), day),
                        Currency._get_conversion_rate(source, dest, company, day),
                        places=12,
                        msg=f"{source.name} to {dest.name} in {company.name} on {day}",
                    )
                    checked += 1
        self.assertEqual(checked, 30)
