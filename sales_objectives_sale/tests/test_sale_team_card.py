"""The sales team card shows one invoicing figure: Odoo's own "Invoicing" bar counts
this month's paid customer invoices (by accounting date) against the team's monthly
invoicing target; a team target on the invoiced amount counts its period's posted
invoices minus credit notes (by invoice date, paid or not). When the team has such a
target, the card shows it (saying its period and what it counts) and not Odoo's bar."""

from freezegun import freeze_time
from lxml import etree

from odoo.tests import tagged

from .common import SaleObjectivesCase


@tagged("post_install", "-at_install", "sales_objectives", "so_screens")
@freeze_time("2026-03-16 12:00:00")
class TestTeamCard(SaleObjectivesCase):
    def test_one_invoicing_figure_per_team_card(self):
        target = self._target("invoiced_amount", self.team1, value=2000)
        target.action_confirm()
        Team = self.env["crm.team"].with_user(self.manager)
        team1, team2 = Team.browse(self.team1.id), Team.browse(self.team2.id)
        self.assertTrue(team1.so_invoicing_on_target)
        self.assertFalse(team2.so_invoicing_on_target)
        # a draft, or last month's target, does not replace this month's figure
        self._target("invoiced_amount", self.team2, value=2000)
        last_month = self._target("invoiced_amount", self.team2, value=2000, date_from="2026-02-01")
        last_month.action_confirm()
        team2.invalidate_recordset()
        self.assertFalse(team2.so_invoicing_on_target)

        # the card: Odoo's invoicing bar only for the teams without such a target
        arch = etree.fromstring(Team.get_views([(False, "kanban")])["views"]["kanban"]["arch"])
        (bar,) = arch.xpath("//field[@name='invoiced'][@widget='sales_team_progressbar']/..")
        self.assertEqual(bar.get("t-if"), "!record.so_invoicing_on_target.raw_value")

        # our row says its period and what it counts: I1 750 + I2 375 (300 EUR) - RF1
        # 125 (100 EUR) = $1,000 of $2,000, posted in March whether paid or not (Odoo's
        # bar counts this month's paid invoices: none here)
        row = str(team1.sales_target_progress)
        self.assertIn("Invoiced amount · Mar 2026", row)
        self.assertIn("$\xa01,000.00 / $\xa02,000.00", row)
        self.assertIn(
            "Mar 2026, 03/01/2026 to 03/31/2026: Untaxed amount of the customer invoices "
            "posted in the period minus the credit notes",
            row,
        )
        self.assertEqual(team1.sudo().invoiced, 0)

    def test_the_team_form_says_why_odoos_target_is_not_on_the_card(self):
        arch = etree.fromstring(
            self.env["crm.team"]
            .with_user(self.manager)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        (note,) = arch.xpath("//div[@id='invoiced_target']/following-sibling::div[1]")
        self.assertEqual(note.get("invisible"), "not so_invoicing_on_target")
        self.assertIn("this monthly target counts this month's paid invoices", note.text)
