"""The audit trail of targets: each kind of change (value, stretch, period, owner, bonus
terms, state, and the creation) kept with who, when, before, after and why, whatever the
path (the form, a write, a button, an import, a split); read by managers and the owner;
nobody edits or deletes it; the engine's refresh is no change."""

from datetime import datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import Form, new_test_user, tagged

from .common import SalesObjectivesCase

NBSP = "\N{NO-BREAK SPACE}"
NOW = datetime(2026, 4, 15, 12, 0)


def usd(text):
    """An amount in US dollars as people read it: "$ 3,000.00" (a no-break space)."""
    return f"${NBSP}{text}"


@tagged("post_install", "-at_install", "sales_objectives", "so_targets", "so_audit")
@freeze_time("2026-04-15 12:00:00")
class TestAudit(SalesObjectivesCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Audit = cls.env["sales.target.audit"]
        cls.rep1_owner = f"{cls.rep1.name} (SO Team 1)"

    def lines(self, target, user=None):
        """(what, before, after, by, reason) of the target's history, oldest first, as
        ``user`` reads it (a sales manager by default)."""
        audit = self.Audit.with_user(user or self.manager).search(
            [("target_id", "=", target.id)], order="id"
        )
        return [(a.what, a.before, a.after, a.user_id, a.reason) for a in audit]

    def new_target(self, user=None, **values):
        """A draft won revenue target of 3,000 for rep 1 in April, set by ``user`` (the
        leader of team 1 by default)."""
        vals = {
            "kpi_id": self.kpi["won_revenue"].id,
            "owner_type": "user",
            "team_id": self.team1.id,
            "user_id": self.rep1.id,
            "company_id": self.company_a.id,
            "period_type": "month",
            "date_from": "2026-04-01",
            "target_value": 3000,
            **values,
        }
        return self.env["sales.target"].with_user(user or self.leader).create(vals)

    # ------------------------------------------------------------------
    # Each kind of change
    # ------------------------------------------------------------------

    def test_creation_keeps_the_first_values(self):
        form = Form(self.env["sales.target"].with_user(self.leader))
        form.kpi_id = self.kpi["won_revenue"]
        form.owner_type = "user"
        form.team_id = self.team1
        form.user_id = self.rep1
        form.period_type = "month"
        form.date_from = self.day("2026-04-01")
        form.target_value = 3000
        form.change_reason = "April quota"
        target = form.save()
        reason = "April quota"
        self.assertEqual(
            self.lines(target),
            [
                ("target_value", False, usd("3,000.00"), self.leader, reason),
                ("period", False, "Apr 2026", self.leader, reason),
                ("owner", False, self.rep1_owner, self.leader, reason),
                ("state", False, "Draft", self.leader, reason),
            ],
        )
        audit = self.Audit.with_user(self.manager).search([("target_id", "=", target.id)])
        self.assertEqual(set(audit.mapped("event")), {"create"})
        self.assertEqual(set(audit.mapped("date")), {NOW})
        self.assertEqual(set(audit.company_id.ids), set(self.company_a.ids))
        # the reason is kept in the history, not on the target (as the next request
        # reads it)
        target.invalidate_recordset()
        self.assertFalse(target.change_reason)
        # a target created confirmed, with a stretch value: both are kept
        confirmed = self.new_target(
            self.manager, date_from="2026-05-01", stretch_value=3600, state="confirmed"
        )
        self.assertEqual(
            self.lines(confirmed),
            [
                ("target_value", False, usd("3,000.00"), self.manager, False),
                ("stretch_value", False, usd("3,600.00"), self.manager, False),
                ("period", False, "May 2026", self.manager, False),
                ("owner", False, self.rep1_owner, self.manager, False),
                ("state", False, "Approved", self.manager, False),
            ],
        )

    def test_value_and_stretch_changed_on_the_form(self):
        target = self.new_target()
        form = Form(target.with_user(self.leader))
        form.target_value = 3500
        form.stretch_value = 4000
        form.change_reason = "Two new accounts"
        form.save()
        self.assertEqual(
            self.lines(target)[4:],
            [
                (
                    "target_value",
                    usd("3,000.00"),
                    usd("3,500.00"),
                    self.leader,
                    "Two new accounts",
                ),
                ("stretch_value", False, usd("4,000.00"), self.leader, "Two new accounts"),
            ],
        )
        changed = self.Audit.with_user(self.manager).search(
            [("target_id", "=", target.id), ("event", "=", "write")]
        )
        self.assertEqual(len(changed), 2)
        # the same value written again, or a field that is not audited: no line
        target.with_user(self.leader).write({"target_value": 3500, "note": "<p>Go</p>"})
        self.assertEqual(len(self.lines(target)), 6)

    def test_period_and_owner_changed_by_a_write(self):
        """A write with the reason in the context (as code passes it): the period and
        the owner (another salesperson) are one line each, in words."""
        target = self.new_target()
        target.with_user(self.leader).with_context(
            sales_target_change_reason="Rep 1 on leave in April"
        ).write({"date_from": "2026-05-01", "user_id": self.rep2.id})
        self.assertEqual(
            self.lines(target)[4:],
            [
                ("period", "Apr 2026", "May 2026", self.leader, "Rep 1 on leave in April"),
                (
                    "owner",
                    self.rep1_owner,
                    f"{self.rep2.name} (SO Team 1)",
                    self.leader,
                    "Rep 1 on leave in April",
                ),
            ],
        )
        # a quarter instead of a month, then the team instead of a salesperson
        target.with_user(self.manager).write({"period_type": "quarter", "date_from": "2026-04-01"})
        target.with_user(self.manager).write({"owner_type": "team", "user_id": False})
        self.assertEqual(
            self.lines(target)[6:],
            [
                ("period", "May 2026", "Q2 2026", self.manager, False),
                ("owner", f"{self.rep2.name} (SO Team 1)", "SO Team 1", self.manager, False),
            ],
        )

    def test_state_changes_by_each_path(self):
        """The buttons, a write of the state, the scheduled closing: each is kept."""
        target = self.new_target(date_from="2026-03-01")
        target.with_user(self.leader).action_submit()
        target.with_user(self.manager).action_confirm()
        target.with_user(self.manager).action_reset_draft()
        target.with_user(self.leader).write({"state": "submitted"})
        target.with_user(self.manager).write({"state": "confirmed"})
        target.with_user(self.manager).action_close()
        target.with_user(self.manager).with_context(
            sales_target_change_reason="Late invoice booked in March"
        ).action_reopen()
        self.env["sales.target"]._cron_close_ended()
        self.assertEqual(
            [line[:4] for line in self.lines(target)[4:]],
            [
                ("state", "Draft", "Submitted", self.leader),
                ("state", "Submitted", "Approved", self.manager),
                ("state", "Approved", "Draft", self.manager),
                ("state", "Draft", "Submitted", self.leader),
                ("state", "Submitted", "Approved", self.manager),
                ("state", "Approved", "Closed", self.manager),
                ("state", "Closed", "Approved", self.manager),
                ("state", "Approved", "Closed", self.env.user),
            ],
        )
        self.assertEqual(self.lines(target)[10][4], "Late invoice booked in March")

    def test_bonus_terms_by_a_manager(self):
        """The bonus terms a manager sets are kept; the estimated payout the refresh
        measures is not a change."""
        target = self.new_target(date_from="2026-03-01")
        form = Form(target.with_user(self.manager))
        form.bonus_base = 1000
        form.bonus_floor = 90
        form.bonus_cap = 1500
        form.change_reason = "Q1 plan"
        form.save()
        self.assertEqual(
            self.lines(target)[4:],
            [
                ("bonus_base", False, usd("1,000.00"), self.manager, "Q1 plan"),
                ("bonus_floor", "80 %", "90 %", self.manager, "Q1 plan"),
                ("bonus_cap", False, usd("1,500.00"), self.manager, "Q1 plan"),
            ],
        )
        target.with_user(self.manager).write({"bonus_accelerator": 1.5})
        self.assertEqual(
            self.lines(target)[7],
            ("bonus_accelerator", "1× above 100 %", "1.50× above 100 %", self.manager, False),
        )
        before = len(self.lines(target))
        target.with_user(self.manager).action_confirm()  # measured: a payout, a state
        self.assertTrue(target.sudo().bonus_payout)
        self.assertEqual([line[0] for line in self.lines(target)[before:]], ["state"])

    def test_split_and_import_are_kept(self):
        """A leader splits a team target (the parts are created, then changed by a
        second split); a manager imports a new value."""
        team_target = self._target("won_revenue", self.team1, value=9000, date_from="2026-05-01")

        def split(reason):
            wizard = Form(
                self.env["sales.target.split"]
                .with_user(self.leader)
                .with_context(default_target_id=team_target.id, sales_target_change_reason=reason)
            )
            wizard.confirm_parts = False
            wizard.save().action_apply()

        split("First split")
        part = team_target.child_ids.filtered(lambda t: t.user_id == self.rep1)
        self.assertEqual(
            self.lines(part)[0],
            ("target_value", False, usd("3,000.00"), self.leader, "First split"),
        )
        team_target.write({"target_value": 12000})
        split("Bigger team target")
        self.assertEqual(
            self.lines(part)[-1],
            (
                "target_value",
                usd("3,000.00"),
                usd("4,000.00"),
                self.leader,
                "Bigger team target",
            ),
        )
        result = (
            self.env["sales.target"]
            .with_user(self.manager)
            .load([".id", "target_value"], [[str(part.id), "4200"]])
        )
        self.assertFalse(result["messages"])
        self.assertEqual(
            self.lines(part)[-1],
            ("target_value", usd("4,000.00"), usd("4,200.00"), self.manager, False),
        )

    def test_the_engine_writes_no_change(self):
        target = self.new_target(
            self.manager, date_from="2026-03-01", state="confirmed", bonus_base=500
        )
        lines = len(self.lines(target))
        self.env["sales.kpi.engine"].refresh(target, complete=True)
        target.with_user(self.rep1).action_refresh()
        self.env["sales.target"]._cron_refresh_actuals()
        self.assertTrue(target.refreshed_at)
        # L1 won on March 5, L2 on March 31 at 23:30 in Brussels
        self.assertEqual(target.actual_value, 3000)
        self.assertTrue(target.sudo().bonus_payout)
        self.assertEqual(len(self.lines(target)), lines)

    # ------------------------------------------------------------------
    # Who reads it; nobody changes it
    # ------------------------------------------------------------------

    def test_managers_and_owners_read_it(self):
        mine = self.new_target()
        other = self.new_target(user_id=self.rep2.id)
        team = self._target("won_revenue", self.team1, value=9000, date_from="2026-04-01")
        company_b = self._target("won_revenue", self.company_b, value=100, date_from="2026-04-01")

        def readable(user):
            return self.Audit.with_user(user).search([]).target_id

        self.assertEqual(readable(self.rep1), mine)
        self.assertEqual(readable(self.rep2), other)
        # the team leader reads the history of his team's targets
        self.assertEqual(readable(self.leader), mine | other | team)
        # "all documents" salespeople read the targets, not their history
        self.assertFalse(readable(self.all_leads))
        self.assertFalse(readable(self.rep3))
        self.assertEqual(
            readable(self.manager) & (mine | other | team | company_b), mine | other | team
        )
        self.assertEqual(readable(self.manager_b) & company_b, company_b)
        with self.assertRaises(AccessError):
            self.Audit.with_user(self.rep1).browse(
                self.Audit.search([("target_id", "=", other.id)], limit=1).id
            ).read(["new_value"])
        # the smart button: the lines the user may read
        self.assertEqual(mine.with_user(self.rep1).audit_count, 4)
        self.assertEqual(other.with_user(self.all_leads).audit_count, 0)
        action = mine.with_user(self.rep1).action_open_audit()
        self.assertEqual(action["res_model"], "sales.target.audit")
        self.assertEqual(self.Audit.with_user(self.rep1).search(action["domain"]).target_id, mine)

    def test_each_reader_reads_it_in_their_language(self):
        """A change made in English is read in Dutch by a Dutch-speaking manager (the
        values as his own form reads them: "3.500,00"), and exported with the kind of
        change named, not its key."""
        self.env["res.lang"]._activate_lang("nl_NL")
        target = self.new_target()
        target.with_user(self.leader).write({"target_value": 3500})
        # the web client reads in the user's language (the context's)
        line = (
            self.Audit.with_user(self.manager)
            .with_context(lang="nl_NL")
            .search(
                [
                    ("target_id", "=", target.id),
                    ("what", "=", "target_value"),
                    ("event", "=", "write"),
                ]
            )
        )
        self.assertEqual((line.before, line.after), (usd("3.000,00"), usd("3.500,00")))
        self.manager.groups_id += self.env.ref("base.group_allow_export")
        exported = line.with_context(lang="en_US").export_data(["what", "before", "after"])
        self.assertEqual(exported["datas"], [["Target", usd("3,000.00"), usd("3,500.00")]])

    def test_nobody_changes_it(self):
        target = self.new_target()
        line = self.Audit.search([("target_id", "=", target.id)], order="id", limit=1)
        admin = new_test_user(
            self.env,
            login="so_audit_admin",
            groups="base.group_system,sales_team.group_sale_manager",
            company_id=self.company_a.id,
            company_ids=[Command.set(self.company_a.ids)],
        )
        for user in (self.rep1, self.leader, self.manager, admin):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    line.with_user(user).write({"new_value": "$ 1.00"})
                with self.assertRaises(AccessError):
                    line.with_user(user).unlink()
                with self.assertRaises(AccessError):
                    self.Audit.with_user(user).create(
                        {"target_id": target.id, "what": "target_value", "new_value": "1"}
                    )
        self.assertEqual(line.new_value, usd("3,000.00"))
