"""Many targets at once: a plan's salesperson targets as a grid (salespeople x
periods), read and changed in one call each through the targets' own checks and
history; and targets imported from a spreadsheet through Odoo's import, as the web
client runs it, with the same checks, all or nothing. Figures worked out by hand."""

import re
from pathlib import Path

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import SalesObjectivesCase

NBSP = "\N{NO-BREAK SPACE}"


def usd(text):
    """An amount in US dollars as people read it: "$ 3,000.00" (a no-break space)."""
    return f"${NBSP}{text}"


@tagged(
    "post_install", "-at_install", "sales_objectives", "so_plans", "so_plan_grid", "is_query_count"
)
@freeze_time("2026-09-15 12:00:00")
class TestPlanGrid(SalesObjectivesCase):
    """Team 1's plan for Q4 2026 (October to December): won revenue 12,000, 4,000 a
    month, 1,000 for each of its four salespeople: reps 1, 2 and 4 and the team's
    leader, who sells too (his own quota: he does not set it)."""

    def make_plan(self, members=None, horizon="quarter", date_from="2026-10-01", total=12000):
        members = self.rep1 | self.rep2 | self.rep4 | self.leader if members is None else members
        plan = (
            self.env["sales.target.plan"]
            .with_user(self.manager)
            .create(
                {
                    "team_id": self.team1.id,
                    "company_id": self.company_a.id,
                    "horizon": horizon,
                    "date_from": date_from,
                    "granularity": "month",
                    "member_ids": [Command.create({"user_id": user.id}) for user in members],
                    "line_ids": [
                        Command.create({"kpi_id": self.kpi["won_revenue"].id, "total_value": total})
                    ],
                }
            )
        )
        plan.action_generate()
        return plan

    def target(self, plan, user, month):
        return plan.target_ids.filtered(
            lambda t: t.owner_type == "user" and t.user_id == user and t.date_from.month == month
        )

    def cells(self, grid):
        """{(salesperson, first day): (value, state, editable)} of the grid."""
        return {
            (self.env["res.users"].browse(c["user"]), c["column"]): (
                c["value"],
                c["state"],
                c["editable"],
            )
            for c in grid["cells"]
        }

    def change(self, user, day, value):
        return {
            "kpi_id": self.kpi["won_revenue"].id,
            "user_id": user.id,
            "date_from": day,
            "value": value,
        }

    def history(self, target):
        audit = (
            self.env["sales.target.audit"]
            .with_user(self.manager)
            .search([("target_id", "=", target.id), ("what", "=", "target_value")], order="id")
        )
        return [(a.old_value, a.new_value, a.user_id, a.reason) for a in audit]

    # ------------------------------------------------------------------

    def test_a_leader_reads_his_teams_grid(self):
        plan = self.make_plan()
        self.target(plan, self.rep1, 10).with_user(self.manager).action_confirm()
        # rep 3 sells in team 2: his October target is not team 1's
        self._target("won_revenue", self.rep3, date_from="2026-10-01", team=self.team2)
        grid = plan.with_user(self.leader).grid_read()
        self.assertEqual(
            [
                (kpi["name"], kpi["unit_label"], kpi["digits"], kpi["additive"])
                for kpi in grid["kpis"]
            ],
            [("Won revenue", "USD", 2, True)],
        )
        self.assertEqual(
            [(c["key"], c["label"]) for c in grid["columns"]],
            [("2026-10-01", "Oct 2026"), ("2026-11-01", "Nov 2026"), ("2026-12-01", "Dec 2026")],
        )
        self.assertEqual(
            [(row["id"], row["editable"]) for row in grid["rows"]],
            [
                (self.rep1.id, True),
                (self.rep2.id, True),
                (self.rep4.id, True),
                (self.leader.id, False),
            ],
        )
        self.assertIn("Your own quota", grid["rows"][3]["why"])
        cells = self.cells(grid)
        self.assertEqual(len(cells), 12, "4 salespeople x 3 months, none of team 2")
        self.assertEqual(cells[(self.rep1, "2026-10-01")], (1000.0, "confirmed", False))
        self.assertEqual(cells[(self.rep2, "2026-10-01")], (1000.0, "draft", True))
        self.assertEqual(cells[(self.leader, "2026-10-01")], (1000.0, "draft", False))
        locked = next(
            c for c in grid["cells"] if c["user"] == self.rep1.id and c["column"] == "2026-10-01"
        )
        self.assertEqual(locked["why"], "Approved: send it back or reset it to draft to change it.")
        self.assertEqual([t["value"] for t in grid["team"]], [4000.0] * 3)
        self.assertTrue(grid["editable"])
        # an "all documents" salesperson reads it, changes nothing
        grid = plan.with_user(self.all_leads).grid_read()
        self.assertFalse(grid["editable"])
        self.assertFalse(any(c["editable"] for c in grid["cells"]))
        # a salesperson reads only his own targets: no grid (and no tab)
        self.assertFalse(plan.with_user(self.rep1).can_open_grid)
        self.assertTrue(plan.with_user(self.leader).can_open_grid)
        with self.assertRaisesRegex(AccessError, "set by the leader of the sales team"):
            plan.with_user(self.rep1).grid_read()

    def test_several_cells_saved_together_with_their_history(self):
        plan = self.make_plan()
        # rep 4 has no November target yet: the cell is empty
        self.target(plan, self.rep4, 11).with_user(self.manager).unlink()
        reason = "Rep 2 is on leave in November"
        grid = plan.with_user(self.leader).grid_write(
            [
                self.change(self.rep1, "2026-10-01", 1200),
                self.change(self.rep2, "2026-11-01", 800),
                self.change(self.rep4, "2026-11-01", 1000.5),
                self.change(self.rep2, "2026-10-01", 1000),  # as it was: no change
            ],
            reason=reason,
        )
        cells = self.cells(grid)
        self.assertEqual(cells[(self.rep1, "2026-10-01")], (1200.0, "draft", True))
        self.assertEqual(cells[(self.rep2, "2026-11-01")], (800.0, "draft", True))
        self.assertEqual(cells[(self.rep4, "2026-11-01")], (1000.5, "draft", True))
        new = self.target(plan, self.rep4, 11)
        self.assertEqual((new.state, new.plan_id, new.team_id), ("draft", plan, self.team1))
        team_november = plan.target_ids.filtered(
            lambda t: t.owner_type == "team" and t.date_from.month == 11
        )
        self.assertEqual(new.parent_id, team_november)
        self.assertEqual(
            self.history(self.target(plan, self.rep1, 10))[-1],
            (usd("1,000.00"), usd("1,200.00"), self.leader, reason),
        )
        self.assertEqual(
            self.history(self.target(plan, self.rep2, 11))[-1],
            (usd("1,000.00"), usd("800.00"), self.leader, reason),
        )
        self.assertEqual(self.history(new), [(False, usd("1,000.50"), self.leader, reason)])
        self.assertEqual(
            len(self.history(self.target(plan, self.rep2, 10))), 1, "created only: unchanged"
        )

    def test_one_refused_cell_saves_nothing(self):
        plan = self.make_plan()
        self.target(plan, self.rep1, 10).with_user(self.manager).action_confirm()
        self.target(plan, self.rep4, 11).with_user(self.manager).unlink()
        Target = self.env["sales.target"].with_context(active_test=False)
        Audit = self.env["sales.target.audit"]
        counts = (Target.search_count([]), Audit.search_count([]))
        good = [
            self.change(self.rep2, "2026-10-01", 900),
            self.change(self.rep4, "2026-11-01", 1000),  # a new target
        ]
        for refused, error, message in [
            (self.change(self.rep1, "2026-10-01", 1100), UserError, "no longer a draft"),
            (self.change(self.leader, "2026-10-01", 1500), AccessError, "your own quota"),
            (self.change(self.rep4, "2026-12-01", -5), ValidationError, "cannot be negative"),
            (self.change(self.rep4, "2026-12-01", "abc"), UserError, "takes a number"),
            (self.change(self.rep3, "2026-12-01", 10), UserError, "not a cell of the plan"),
            (self.change(self.rep2, "2027-01-01", 10), UserError, "not a cell of the plan"),
        ]:
            with self.subTest(message=message):
                # the refused change comes last: the others were written, and go too
                with self.assertRaisesRegex(error, message):
                    plan.with_user(self.leader).grid_write([*good, refused], reason="Try")
                self.assertEqual(self.target(plan, self.rep2, 10).target_value, 1000.0)
                self.assertFalse(self.target(plan, self.rep4, 11))
                self.assertEqual((Target.search_count([]), Audit.search_count([])), counts)
        # the grid's message names the target refused
        with self.assertRaisesRegex(
            ValidationError,
            re.escape(f"“Won revenue · {self.rep4.name} · Dec 2026” cannot be negative"),
        ):
            plan.with_user(self.leader).grid_write([self.change(self.rep4, "2026-12-01", -5)])
        # a salesperson changes nothing, not even his own
        with self.assertRaises(AccessError):
            plan.with_user(self.rep2).grid_write([self.change(self.rep2, "2026-10-01", 5)])

    def test_the_grid_is_read_in_a_constant_number_of_queries(self):
        """A quarter of 4 salespeople (12 cells) and a year of 8 (96 cells): the same
        number of queries."""
        more = [
            new_test_user(
                self.env,
                login=f"so_grid_rep{i}",
                groups="sales_team.group_sale_salesman",
                company_id=self.company_a.id,
                company_ids=[Command.set(self.company_a.ids)],
            )
            for i in range(4)
        ]
        self.team1.member_ids = [Command.link(user.id) for user in more]
        small = self.make_plan()
        members = self.rep1 | self.rep2 | self.rep4 | self.leader
        for user in more:
            members |= user
        large = self.make_plan(members, horizon="year", date_from="2027-01-01", total=96000)
        self.assertEqual(len(large.target_ids.filtered(lambda t: t.owner_type == "user")), 96)

        def queries(plan):
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            grid = plan.with_user(self.leader).grid_read()
            return self.cr.sql_log_count - before, len(grid["cells"])

        queries(small)  # the registry's caches (record rules, groups)
        self.assertEqual([queries(small), queries(large)], [(16, 12), (16, 96)])
        for plan in (small, large):
            self.env.invalidate_all()
            with self.assertQueryCount(16):
                plan.with_user(self.leader).grid_read()


HEADER = ("KPI", "Owner", "Sales team", "Salesperson", "Period", "From", "Target")
OPTIONS = {
    "has_headers": True,
    "quoting": '"',
    "separator": ",",
    "date_format": "%Y-%m-%d",
    "float_decimal_separator": ".",
    "float_thousand_separator": ",",
}


@tagged("post_install", "-at_install", "sales_objectives", "so_targets", "so_plan_grid")
@freeze_time("2026-09-15 12:00:00")
class TestTargetImport(SalesObjectivesCase):
    """A spreadsheet of targets imported as the web client does (base_import: the
    columns matched by their headers, then the import), by team 1's leader."""

    def wizard(self, content, user=None):
        return (
            self.env["base_import.import"]
            .with_user(user or self.leader)
            .create(
                {
                    "res_model": "sales.target",
                    "file": content.encode(),
                    "file_type": "text/csv",
                    "file_name": "targets.csv",
                }
            )
        )

    def import_rows(self, rows, user=None, header=HEADER, fields=None):
        """Imports ``rows`` under ``header``, its columns matched as the import screen
        matches them (or to ``fields``); (the fields, the import's result)."""
        wizard = self.wizard("\n".join(",".join(row) for row in [header, *rows]), user)
        preview = wizard.parse_preview(dict(OPTIONS))
        if fields is None:
            fields = ["/".join(preview["matches"].get(i, [])) or False for i in range(len(header))]
        return fields, wizard.execute_import(fields, preview["headers"], dict(OPTIONS))

    def count(self):
        return self.env["sales.target"].with_context(active_test=False).search_count([])

    def test_the_template_is_offered_and_its_columns_are_matched(self):
        (template,) = self.env["sales.target"].with_user(self.leader).get_import_templates()
        self.assertEqual(template["template"], "/sales_objectives/static/xls/sales_target.csv")
        path = Path(__file__).parents[1] / "static" / "xls" / "sales_target.csv"
        preview = self.wizard(path.read_text(encoding="utf-8")).parse_preview(dict(OPTIONS))
        self.assertEqual(
            [preview["matches"].get(i) for i in range(len(preview["headers"]))],
            [
                ["kpi_id"],
                ["owner_type"],
                ["team_id"],
                ["user_id"],
                ["period_type"],
                ["date_from"],
                ["target_value"],
                ["stretch_value"],
            ],
        )

    def test_a_leader_imports_his_teams_targets(self):
        before = self.count()
        fields, result = self.import_rows(
            [
                [
                    "Won revenue",
                    "Salesperson",
                    "SO Team 1",
                    self.rep1.name,
                    "Month",
                    "2026-11-01",
                    "3000",
                ],
                [
                    "Won revenue",
                    "Salesperson",
                    "SO Team 1",
                    self.rep2.name,
                    "Month",
                    "2026-11-15",
                    "2500",
                ],
                [
                    "Won deals",
                    "Salesperson",
                    "SO Team 1",
                    self.rep4.name,
                    "Quarter",
                    "2026-10-01",
                    "6",
                ],
            ]
        )
        self.assertFalse(result["messages"])
        self.assertEqual(self.count(), before + 3)
        targets = self.env["sales.target"].browse(result["ids"])
        self.assertEqual(
            [
                (
                    t.user_id,
                    t.period_type,
                    str(t.date_from),
                    str(t.date_to),
                    t.target_value,
                    t.state,
                )
                for t in targets
            ],
            [
                (self.rep1, "month", "2026-11-01", "2026-11-30", 3000.0, "draft"),
                # a day of the month: the month
                (self.rep2, "month", "2026-11-01", "2026-11-30", 2500.0, "draft"),
                (self.rep4, "quarter", "2026-10-01", "2026-12-31", 6.0, "draft"),
            ],
        )
        audit = (
            self.env["sales.target.audit"]
            .with_user(self.manager)
            .search([("target_id", "in", targets.ids), ("what", "=", "target_value")])
        )
        self.assertEqual(audit.user_id, self.leader)
        # exported with readable columns (by who may export)
        self.leader.groups_id = [Command.link(self.env.ref("base.group_allow_export").id)]
        exported = targets[:1].with_user(self.leader).export_data(fields)["datas"]
        self.assertEqual(
            exported,
            [
                [
                    "Won revenue",
                    "Salesperson",
                    "SO Team 1",
                    self.rep1.name,
                    "Month",
                    self.day("2026-11-01"),
                    3000.0,
                ]
            ],
        )

    @mute_logger("odoo.sql_db", "odoo.models")
    def test_a_file_with_a_bad_row_saves_nothing_and_names_it(self):
        self._target("won_count", self.rep2, date_from="2026-12-01", value=4)
        good = [
            "Won revenue",
            "Salesperson",
            "SO Team 1",
            self.rep1.name,
            "Month",
            "2026-11-01",
            "3000",
        ]
        after = [
            "Won revenue",
            "Salesperson",
            "SO Team 1",
            self.rep2.name,
            "Month",
            "2026-11-01",
            "2000",
        ]
        cases = [
            # value
            (
                [
                    "Won revenue",
                    "Salesperson",
                    "SO Team 1",
                    self.rep4.name,
                    "Month",
                    "2026-11-01",
                    "-5",
                ],
                "cannot be negative",
            ),
            (
                [
                    "Win rate",
                    "Salesperson",
                    "SO Team 1",
                    self.rep4.name,
                    "Month",
                    "2026-11-01",
                    "120",
                ],
                "cannot exceed 100",
            ),
            # owner: rep 3 sells in team 2
            (
                [
                    "Won revenue",
                    "Salesperson",
                    "SO Team 1",
                    self.rep3.name,
                    "Month",
                    "2026-11-01",
                    "10",
                ],
                "is not a member of the sales team SO Team 1",
            ),
            # rights: team 2 is not his
            (
                ["Won revenue", "Sales team", "SO Team 2", "", "Month", "2026-11-01", "10"],
                "Only the leader of the sales team “SO Team 2” or a sales manager",
            ),
            # own quota: the team's target is the leader's
            (
                ["Won revenue", "Sales team", "SO Team 1", "", "Month", "2026-11-01", "10"],
                "is your own quota",
            ),
            # a period overlapping a live target of the same KPI and owner
            (
                [
                    "Won deals",
                    "Salesperson",
                    "SO Team 1",
                    self.rep2.name,
                    "Month",
                    "2026-12-01",
                    "5",
                ],
                "There is already a target for this KPI, owner and period",
            ),
            # company: team B is company B's, which the leader does not read
            (
                ["Won revenue", "Sales team", "SO Team B", "", "Month", "2026-11-01", "10"],
                "SO Team B",
            ),
            # KPI
            (
                [
                    "Lost revenue",
                    "Salesperson",
                    "SO Team 1",
                    self.rep4.name,
                    "Month",
                    "2026-11-01",
                    "10",
                ],
                "Lost revenue",
            ),
        ]
        for bad, message in cases:  # each in the same file, between two good rows
            with self.subTest(row=bad):
                before = self.count()
                _fields, result = self.import_rows([good, bad, after])
                self.assertFalse(result.get("ids"))
                self.assertEqual(self.count(), before, "nothing saved")
                errors = [m for m in result["messages"] if m["type"] == "error"]
                self.assertTrue(errors, result["messages"])
                # said of the row refused, the second of the file, only (not repeated
                # at the file's first row, as Odoo's import does: "at multiple rows")
                rows = {m["rows"]["from"] for m in errors}
                self.assertEqual(rows, {1}, [(m["message"], m["rows"]) for m in errors])
                if message:
                    self.assertTrue(
                        any(message in m["message"] and m["rows"]["from"] == 1 for m in errors),
                        [(m["message"], m["rows"]) for m in errors],
                    )

    @mute_logger("odoo.sql_db", "odoo.models")
    def test_states_by_import(self):
        """A leader imports drafts and submitted targets; approving is a manager's."""
        row = [
            "Won revenue",
            "Salesperson",
            "SO Team 1",
            self.rep1.name,
            "Month",
            "2026-11-01",
            "3000",
        ]
        _fields, result = self.import_rows([[*row, "Approved"]], header=(*HEADER, "state"))
        self.assertFalse(result.get("ids"))
        self.assertIn("Only a sales manager approves", result["messages"][0]["message"])
        _fields, result = self.import_rows([[*row, "Submitted"]], header=(*HEADER, "state"))
        self.assertFalse(result["messages"])
        target = self.env["sales.target"].browse(result["ids"])
        self.assertEqual((target.state, target.submitted_by_id), ("submitted", self.leader))
        # a submitted target is locked: an import that changes it is refused
        _fields, result = self.import_rows(
            [[str(target.id), "4000"]],
            header=["Database ID", "Target"],
            fields=[".id", "target_value"],
        )
        self.assertIn("no longer a draft", result["messages"][0]["message"])
        self.assertEqual(target.target_value, 3000.0)


@tagged("post_install", "-at_install", "sales_objectives", "so_plan_grid", "so_tours")
class TestPlanGridTour(HttpCase):
    """The leader of Direct Sales edits his plan's grid: two cells, saved, the totals
    follow; a word and a negative number are refused, and what was typed stays."""

    def test_grid(self):
        env = self.env
        manager = env.ref("sales_objectives.user_demo_sales_manager")
        leader = env.ref("sales_objectives.user_demo_team_leader")
        anna = env.ref("sales_objectives.user_demo_rep_strong")
        ben = env.ref("sales_objectives.user_demo_rep_new")
        plan = (
            env["sales.target.plan"]
            .with_user(manager)
            .create(
                {
                    "team_id": env.ref("sales_objectives.crm_team_demo_direct").id,
                    "horizon": "quarter",
                    "date_from": "2032-01-01",
                    "granularity": "month",
                    "member_ids": [Command.create({"user_id": u.id}) for u in (anna, ben)],
                    "line_ids": [
                        Command.create(
                            {
                                "kpi_id": env.ref("sales_objectives.sales_kpi_won_revenue").id,
                                "total_value": 6000,
                            }
                        )
                    ],
                }
            )
        )
        plan.action_generate()
        url = f"/odoo/action-sales_objectives.sales_target_plan_action/{plan.id}"
        self.start_tour(url, "sales_objectives_plan_grid_tour", login=leader.login)
        values = {
            (t.user_id, t.date_from.month): t.target_value
            for t in plan.target_ids
            if t.owner_type == "user"
        }
        self.assertEqual(
            values,
            {
                (anna, 1): 1500.0,
                (anna, 2): 1200.0,
                (anna, 3): 1000.0,
                (ben, 1): 700.0,
                (ben, 2): 1000.0,
                (ben, 3): 1000.0,
            },
        )
        anna_january = plan.target_ids.filtered(
            lambda t: t.user_id == anna and t.date_from.month == 1
        )
        audit = env["sales.target.audit"].search(
            [("target_id", "=", anna_january.id), ("what", "=", "target_value")], order="id"
        )
        self.assertEqual(audit[-1].reason, "Anna's new accounts")
        self.assertEqual(audit[-1].user_id, leader)
