from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, RecordCapturer, tagged

from .common import MAIL_CONTEXT, SalesObjectivesCase


@tagged("post_install", "-at_install", "sales_objectives", "so_targets")
@freeze_time("2026-04-15 12:00:00")
class TestSplit(SalesObjectivesCase):
    def split(self, target, method="equal", weights=None, remainder=None, **values):
        wizard = Form(self.env["sales.target.split"].with_context(default_target_id=target.id))
        if target.is_additive:
            wizard.method = method
        for field, value in values.items():
            setattr(wizard, field, value)
        if weights:
            for index in range(len(wizard.line_ids)):
                with wizard.line_ids.edit(index) as line:
                    if line.user_id in weights:
                        line.weight = weights[line.user_id]
        if remainder:
            wizard.remainder_user_id = remainder
        record = wizard.save()
        record.action_apply()
        return {child.user_id: child.target_value for child in target.child_ids}

    def test_equal_split_places_the_remainder(self):
        team_target = self._target(
            "won_revenue", self.team1, value=10000, period="quarter", date_from="2026-04-01"
        )
        parts = self.split(team_target, remainder=self.rep4)
        # 10000 / 3 = 3333.33 each, the 0.01 left over goes to rep 4
        self.assertEqual(parts, {self.rep1: 3333.33, self.rep2: 3333.33, self.rep4: 3333.34})
        self.assertAlmostEqual(team_target.children_target_sum, 10000, places=2)
        self.assertFalse(team_target.split_mismatch)
        self.assertTrue(all(c.parent_id == team_target for c in team_target.child_ids))

    def test_one_message_per_salesperson(self):
        """A leader splits a team target: each salesperson gets one message with their
        part (not Odoo's assignment mail)."""
        team_target = self._target(
            "won_revenue", self.team1, value=9000, period="quarter", date_from="2026-04-01"
        )
        wizard = Form(
            self.env["sales.target.split"]
            .with_user(self.leader)
            .with_context(default_target_id=team_target.id, **MAIL_CONTEXT)
        )
        with RecordCapturer(self.env["mail.message"], []) as capture:
            wizard.save().action_apply()
        for rep in self.rep1 | self.rep2 | self.rep4:
            received = capture.records.filtered(lambda m, rep=rep: rep.partner_id in m.partner_ids)
            self.assertEqual(len(received), 1, rep.name)
            self.assertEqual(received.author_id, self.leader.partner_id)
            self.assertIn("Won revenue · Q2 2026: $&nbsp;3,000.00</li>", received.body)
            self.assertNotIn("You have been assigned", received.subject or "")

    def test_the_team_leader_is_not_proposed(self):
        """As plans do: the leader's quota is the team's (they can be added by hand)."""
        self.team1.member_ids = [Command.link(self.leader.id)]
        team_target = self._target("won_count", self.team1, value=9, date_from="2026-05-01")
        wizard = Form(self.env["sales.target.split"].with_context(default_target_id=team_target.id))
        users = [wizard.line_ids.edit(i).user_id for i in range(len(wizard.line_ids))]
        self.assertEqual(set(users), {self.rep1, self.rep2, self.rep4})

    def test_the_remainder_follows_the_lines(self):
        """Removing the line of who gets the remainder: the first line's salesperson gets
        it; nothing to place, nobody needed; nobody chosen, the largest fractions."""
        team_target = self._target(
            "won_count", self.team1, value=10, period="quarter", date_from="2026-04-01"
        )
        wizard = Form(self.env["sales.target.split"].with_context(default_target_id=team_target.id))
        self.assertEqual(wizard.remainder_user_id, self.rep1)
        self.assertEqual(wizard.remainder, 1)  # 10 deals over 3: 3 each and 1 left
        wizard.line_ids.remove(0)  # rep 1
        self.assertEqual(wizard.remainder_user_id, self.rep2)
        self.assertEqual(wizard.remainder, 0)  # 10 over 2: 5 each
        wizard.remainder_user_id = self.env["res.users"]  # nothing to place: nobody needed
        wizard.save().action_apply()
        self.assertEqual(
            {c.user_id: c.target_value for c in team_target.child_ids},
            {self.rep2: 5, self.rep4: 5},
        )
        other = self._target(
            "won_count", self.team1, value=11, period="quarter", date_from="2026-07-01"
        )
        wizard = Form(self.env["sales.target.split"].with_context(default_target_id=other.id))
        wizard.remainder_user_id = self.env["res.users"]
        wizard.save().action_apply()  # 3.67 each: the 2 left go to the first lines
        self.assertEqual(sorted(other.child_ids.mapped("target_value")), [3, 4, 4])

    def test_values_in_their_unit(self):
        amount = self._target(
            "won_revenue", self.team1, value=10000, period="quarter", date_from="2026-04-01"
        )
        wizard = Form(self.env["sales.target.split"].with_context(default_target_id=amount.id))
        self.assertEqual(wizard.total_label, "$\xa010,000.00")
        self.assertEqual(wizard.remainder_label, "$\xa00.01")
        self.assertEqual(wizard.split_total_label, "$\xa010,000.00")
        labels = [wizard.line_ids.edit(i).value_label for i in range(3)]
        self.assertEqual(labels, ["$\xa03,333.34", "$\xa03,333.33", "$\xa03,333.33"])
        count = self._target("won_count", self.team1, value=10, date_from="2026-05-01")
        wizard = Form(self.env["sales.target.split"].with_context(default_target_id=count.id))
        self.assertEqual(wizard.total_label, "10")
        labels = [wizard.line_ids.edit(i).value_label for i in range(3)]
        self.assertEqual(labels, ["4", "3", "3"])

    def test_weights_split(self):
        team_target = self._target(
            "won_revenue", self.team1, value=10000, period="quarter", date_from="2026-04-01"
        )
        parts = self.split(
            team_target, "weights", {self.rep1: 1, self.rep2: 2, self.rep4: 3}, remainder=self.rep4
        )
        # 1666.666 -> 1666.66, 3333.333 -> 3333.33, 5000 -> 5000.00, + 0.01 remainder
        self.assertEqual(parts, {self.rep1: 1666.66, self.rep2: 3333.33, self.rep4: 5000.01})
        self.assertAlmostEqual(sum(parts.values()), 10000, places=6)

    def test_a_line_without_salesperson_has_no_share(self):
        """A Tab off the last cell adds a line without a salesperson (weight 1): it
        counts in nobody's share and gets no part; the shares of the real lines still
        make 100 % and the parts the team target."""
        team_target = self._target("won_count", self.team1, value=12, date_from="2026-05-01")
        wizard = Form(
            self.env["sales.target.split"]
            .with_user(self.leader)
            .with_context(default_target_id=team_target.id)
        )
        wizard.method = "weights"
        wizard.line_ids.remove(2)  # rep 4
        weights = {self.rep1: 3, self.rep2: 0}
        for index in range(2):
            with wizard.line_ids.edit(index) as line:
                line.weight = weights[line.user_id]
        # the new line, as the Tab adds it: weight 1, no salesperson (not saved)
        line = wizard.line_ids.new()
        self.assertEqual((line.weight, line.share, line.value_label), (1, 0, False))
        # and with the lines of the dialog: 12 deals by weights 3 and 0 (and 1 for
        # nobody): 100 % and 12 deals, 0 % and nothing, no share and no part
        split = (
            self.env["sales.target.split"]
            .with_user(self.leader)
            .new(
                {
                    "target_id": team_target.id,
                    "method": "weights",
                    "line_ids": [
                        Command.create({"user_id": self.rep1.id, "weight": 3}),
                        Command.create({"user_id": self.rep2.id, "weight": 0}),
                        Command.create({"weight": 1}),
                    ],
                }
            )
        )
        shares = [(line.share, line.value_label) for line in split.line_ids]
        self.assertEqual(shares, [(100, "12"), (0, "0"), (0, False)])
        self.assertEqual((split.split_total_label, split.remainder_label), ("12", "0"))

    def test_count_split_in_whole_units(self):
        team_target = self._target(
            "won_count", self.team1, value=10, period="quarter", date_from="2026-04-01"
        )
        parts = self.split(team_target, remainder=self.rep1)
        self.assertEqual(parts, {self.rep1: 4, self.rep2: 3, self.rep4: 3})

    def test_split_by_past_results(self):
        team_target = self._target(
            "won_revenue", self.team1, value=10000, period="quarter", date_from="2026-04-01"
        )
        # past results from 2025-04-01 to 2026-03-31 (Brussels): rep 1 won L11 700, L1
        # 1000, L2 2000 = 3700; rep 2 won L12 1300 (L3 is April's); rep 4 nothing.
        parts = self.split(team_target, "history")
        self.assertEqual(parts, {self.rep1: 7400.0, self.rep2: 2600.0, self.rep4: 0.0})

    def test_mismatch_when_parts_no_longer_add_up(self):
        team_target = self._target(
            "won_revenue", self.team1, value=9000, period="quarter", date_from="2026-04-01"
        )
        self.split(team_target, remainder=self.rep1, confirm_parts=False)
        self.assertFalse(team_target.split_mismatch)
        team_target.target_value = 9500
        self.assertTrue(team_target.split_mismatch)
        self.assertAlmostEqual(team_target.children_target_sum, 9000)
        # splitting again updates the same salesperson targets: 949,998 cents and 2 left,
        # one to the chosen salesperson, one to the next
        parts = self.split(team_target, remainder=self.rep1)
        self.assertEqual(parts, {self.rep1: 3166.67, self.rep2: 3166.67, self.rep4: 3166.66})
        self.assertEqual(len(team_target.child_ids), 3)
        self.assertFalse(team_target.split_mismatch)

    def test_rate_kpis_are_not_divided(self):
        team_target = self._target(
            "win_rate", self.team1, value=40, period="quarter", date_from="2026-04-01"
        )
        parts = self.split(team_target)
        self.assertEqual(set(parts.values()), {40.0})

    def test_a_rate_split_does_not_warn(self):
        target = self._target("win_rate", self.team1, value=40)
        wizard = Form(
            self.env["sales.target.split"]
            .with_user(self.leader)
            .with_context(default_target_id=target.id)
        ).save()
        wizard.action_apply()
        self.assertEqual(target.child_ids.mapped("target_value"), [40, 40, 40])
        self.assertFalse(target.split_mismatch)
        # an additive KPI still warns when the parts no longer add up
        deals = self._target("won_count", self.team1, value=9)
        form = Form(
            self.env["sales.target.split"]
            .with_user(self.leader)
            .with_context(default_target_id=deals.id)
        )
        form.confirm_parts = False  # drafts, to adjust before submitting them
        form.save().action_apply()
        self.assertFalse(deals.split_mismatch)
        deals.child_ids[0].with_user(self.leader).target_value = 1
        self.assertTrue(deals.split_mismatch)

    def test_team_actual_and_members_sum(self):
        # March: team 1 won 3000 (L1, L2); its members: rep 1 3000, rep 2 0, rep 4 0
        team_target = self._target("won_revenue", self.team1, value=9000)
        self.split(team_target, remainder=self.rep1)
        (team_target | team_target.child_ids).action_refresh()
        self.assertAlmostEqual(team_target.actual_value, 3000)
        self.assertAlmostEqual(team_target.children_actual_sum, 3000)

    def test_split_refuses_bad_input(self):
        team_target = self._target(
            "won_revenue", self.team1, value=9000, period="quarter", date_from="2026-04-01"
        )
        with self.assertRaises(UserError):
            self.split(
                team_target,
                "weights",
                {self.rep1: 0, self.rep2: 0, self.rep4: 0},
                remainder=self.rep1,
            )
        self.split(team_target, remainder=self.rep1)
        team_target.child_ids[0].action_confirm()
        with self.assertRaisesRegex(UserError, "Reset these salesperson targets to draft"):
            self.split(team_target, remainder=self.rep1)
        rep_target = team_target.child_ids[0]
        with self.assertRaisesRegex(UserError, "Only a sales team target can be split"):
            self.env["sales.target.split"].with_context(default_target_id=rep_target.id).create({})
