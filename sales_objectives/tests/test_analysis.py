"""Targets analysis (pivot, graph, list group rows: read_group, as the web client calls
it): rates and averages are never summed, nor figures of different KPIs, currencies,
owner types or overlapping periods; a group of one target shows its figure; each KPI is
headed with its unit. Figures worked out by hand."""

from freezegun import freeze_time

from odoo.tests import tagged

from .common import SalesObjectivesCase


@tagged("post_install", "-at_install", "sales_objectives", "so_analysis")
@freeze_time("2026-03-16 12:00:00")
class TestAnalysis(SalesObjectivesCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.usd_rev1 = cls._target("won_revenue", cls.rep1, value=12000)
        cls.usd_rev2 = cls._target("won_revenue", cls.rep2, value=4000)
        cls.rate1 = cls._target("win_rate", cls.rep1, value=60)
        cls.rate2 = cls._target("win_rate", cls.rep2, value=50)
        cls.cycle1 = cls._target("cycle_days", cls.rep1, value=30)
        cls.cycle2 = cls._target("cycle_days", cls.rep2, value=30)
        cls.mine = cls.usd_rev1 | cls.usd_rev2 | cls.rate1 | cls.rate2 | cls.cycle1 | cls.cycle2
        cls.mine.action_confirm()
        cls.Target = cls.env["sales.target"].with_user(cls.manager)

    def groups(self, domain, groupby, fields=("target_value:sum", "actual_value:sum"), lazy=True):
        rows = self.Target.read_group(
            [("id", "in", self.mine.ids), *domain], list(fields), groupby, lazy=lazy
        )
        return rows

    def by_kpi(self, rows, field="target_value"):
        return {row["kpi_id"][1]: row[field] for row in rows}

    def test_rates_and_averages_are_never_summed(self):
        rows = self.groups([], ["kpi_id"])
        self.assertEqual(
            self.by_kpi(rows),
            # 12,000 + 4,000; win rate 60 and 50 (not 110); cycles 30 and 30 (not 60)
            {"Won revenue (USD)": 16000, "Win rate (%)": False, "Sales cycle (days)": False},
        )
        # the actuals likewise: rep 1 won L1 1,000 + L2 2,000 in March, rep 2 nothing
        self.assertEqual(self.by_kpi(rows, "actual_value")["Won revenue (USD)"], 3000)
        self.assertFalse(self.by_kpi(rows, "actual_value")["Win rate (%)"])
        # one target per cell: its own figure, rates included
        cells = self.groups([], ["kpi_id", "user_id"], lazy=False)
        rate = {
            row["user_id"][0]: row["target_value"] for row in cells if "Win" in row["kpi_id"][1]
        }
        self.assertEqual(rate, {self.rep1.id: 60, self.rep2.id: 50})
        # an attainment is a rate of its own: no group has one, not even an average
        # (rep 1's won revenue 25 %, rep 2's 0 %: their mean says nothing of the team)
        attained = self.groups([], ["kpi_id"], fields=("attainment:avg", "coverage_ratio:avg"))
        self.assertEqual(
            {row["kpi_id"][1]: (row["attainment"], row["coverage_ratio"]) for row in attained},
            dict.fromkeys(
                ["Won revenue (USD)", "Win rate (%)", "Sales cycle (days)"], (False, False)
            ),
        )
        alone = self.groups([("id", "=", self.usd_rev1.id)], ["kpi_id"], fields=("attainment:avg",))
        self.assertEqual(alone[0]["attainment"], self.usd_rev1.attainment)
        # the list's group rows (web_read_group) follow the same rule
        listed = self.Target.web_read_group(
            [("id", "in", self.mine.ids)], ["target_value:sum"], ["kpi_id"]
        )["groups"]
        self.assertEqual(
            {row["kpi_id"][1]: row["target_value"] for row in listed},
            {"Won revenue (USD)": 16000, "Win rate (%)": False, "Sales cycle (days)": False},
        )

    def test_kpis_are_never_added_together(self):
        # rep 1's targets: $12,000, 60 %, 30 days: no total; the total row neither
        rows = self.groups([], ["user_id"])
        self.assertEqual([row["target_value"] for row in rows], [False, False])
        total = self.groups([], [])
        self.assertFalse(total[0]["target_value"])

    def test_a_team_and_its_salespeople_are_not_added_together(self):
        team = self._target("won_revenue", self.team1, value=20000)
        team.action_confirm()
        rows = self.Target.read_group(
            [("id", "in", (self.usd_rev1 | self.usd_rev2 | team).ids)], ["target_value:sum"], []
        )
        self.assertFalse(rows[0]["target_value"])
        by_owner = self.Target.read_group(
            [("id", "in", (self.usd_rev1 | self.usd_rev2 | team).ids)],
            ["target_value:sum"],
            ["owner_type"],
        )
        self.assertEqual(
            {row["owner_type"]: row["target_value"] for row in by_owner},
            {"user": 16000, "team": 20000},
        )

    def test_a_month_and_its_quarter_are_not_added_together(self):
        quarter = self._target("won_revenue", self.rep1, period="quarter", value=30000)
        april = self._target("won_revenue", self.rep1, date_from="2026-04-01", value=11000)
        rows = self.Target.read_group(
            [("id", "in", (self.usd_rev1 | quarter).ids)], ["target_value:sum"], ["user_id"]
        )
        self.assertFalse(rows[0]["target_value"])
        # two months of one salesperson add up: 12,000 + 11,000
        rows = self.Target.read_group(
            [("id", "in", (self.usd_rev1 | april).ids)], ["target_value:sum"], ["user_id"]
        )
        self.assertEqual(rows[0]["target_value"], 23000)

    def test_amounts_in_different_currencies_are_not_added_together(self):
        euros = self._target("won_revenue", self.rep4, value=5000, currency_id=self.eur.id)
        ids = (self.usd_rev1 | self.usd_rev2 | euros).ids
        rows = self.Target.read_group([("id", "in", ids)], ["target_value:sum"], ["kpi_id"])
        self.assertEqual(
            [(row["kpi_id"][1], row["target_value"]) for row in rows],
            [("Won revenue (EUR, USD)", False)],
        )
        by_currency = self.Target.read_group(
            [("id", "in", ids)], ["target_value:sum"], ["currency_id"]
        )
        self.assertEqual(
            {row["currency_id"][1]: row["target_value"] for row in by_currency},
            {"USD": 16000, "EUR": 5000},
        )

    def test_bonuses_add_up_in_one_currency(self):
        self.usd_rev1.bonus_base = 1000
        self.usd_rev2.bonus_base = 500
        rows = self.Target.read_group(
            [("id", "in", (self.usd_rev1 | self.usd_rev2 | self.rate1).ids)],
            ["bonus_base:sum"],
            [],
        )
        self.assertEqual(rows[0]["bonus_base"], 1500)
        # a bonus is paid in its company's currency: company B's in euros
        euros = self._target("won_revenue", self.rep_b, team=self.team_b, value=5000)
        euros.bonus_base = 100
        both_companies = self.manager.copy(
            {"company_ids": [(6, 0, (self.company_a | self.company_b).ids)], "login": "so_m2"}
        )
        rows = (
            self.Target.with_user(both_companies)
            .with_context(allowed_company_ids=(self.company_a | self.company_b).ids)
            .read_group([("id", "in", (self.usd_rev1 | euros).ids)], ["bonus_base:sum"], [])
        )
        self.assertFalse(rows[0]["bonus_base"])

    def test_each_kpi_is_headed_with_its_unit(self):
        self.env["res.lang"]._activate_lang("nl_NL")
        deals = self._target("won_count", self.rep1, value=4)
        rows = self.Target.with_context(lang="nl_NL").read_group(
            [("id", "in", (self.mine | deals).ids)], ["target_value:sum"], ["kpi_id"]
        )
        names = [row["kpi_id"][1] for row in rows]
        self.assertIn("Sales cycle (days)", names)  # the name says it already
        self.assertIn("Won revenue (USD)", names)
        self.assertIn("Win rate (%)", names)
        self.assertEqual(len(names), 4)

    def test_the_analysis_keeps_salespeople_apart_from_teams(self):
        action = self.env.ref("sales_objectives.sales_target_action_analysis")
        self.assertIn("search_default_filter_user", action.context)
        # each owner's figure at once (a rate is shown for each salesperson)
        self.assertIn(
            "'search_default_group_kpi': 1, 'search_default_group_owner': 1", action.context
        )
        arch = self.Target.get_views([(False, "pivot")])["views"]["pivot"]["arch"]
        self.assertNotIn("js_class", arch)  # the rule is the server's, for every view
        self.assertIn('name="period_id" type="col"', arch)


@tagged("post_install", "-at_install", "sales_objectives", "so_analysis")
@freeze_time("2026-03-16 12:00:00")
class TestObjectiveAnalysis(SalesObjectivesCase):
    """Objectives: amounts of one currency add up; quantities of different products and
    yes/no commitments do not."""

    def objective(self, measure, value, lead=None):
        return self.env["sales.objective"].create(
            {
                "lead_id": (lead or self.l7).id,
                "user_id": self.rep1.id,
                "objective_type": "sales",
                "statement": "An order signed this week",
                "measure": measure,
                "target_value": value,
            }
        )

    def test_amounts_add_up_quantities_do_not(self):
        amounts = self.objective("amount", 1000) | self.objective("amount", 500)
        quantity = self.objective("quantity", 20)
        Objective = self.env["sales.objective"].with_user(self.manager)
        rows = Objective.read_group([("id", "in", amounts.ids)], ["target_value:sum"], [])
        self.assertEqual(rows[0]["target_value"], 1500)
        rows = Objective.read_group(
            [("id", "in", (amounts | quantity).ids)], ["target_value:sum"], []
        )
        self.assertFalse(rows[0]["target_value"])
        rows = Objective.read_group(
            [("id", "in", (amounts | quantity).ids)], ["target_value:sum"], ["measure"]
        )
        self.assertEqual(
            {row["measure"]: row["target_value"] for row in rows},
            {"amount": 1500, "quantity": 20},  # a group of one: its figure
        )

    def test_scores_are_never_averaged(self):
        """An objective's score is its attainment: the pivot's total of a missed (0 %)
        and a partly achieved (60 %) objective is empty, not 30 %; a group of one shows
        its score (the walk found "Total 30.00")."""
        missed = self.objective("amount", 1000)
        partly = self.objective("amount", 1000, lead=self.l8)
        self.env.flush_all()  # the scores as a closing leaves them (set below)
        self.env.cr.execute(
            "UPDATE sales_objective SET state = 'missed', score = 0 WHERE id = %s", [missed.id]
        )
        self.env.cr.execute(
            "UPDATE sales_objective SET state = 'partly', score = 60 WHERE id = %s", [partly.id]
        )
        self.env.invalidate_all()
        Objective = self.env["sales.objective"].with_user(self.manager)
        domain = [("id", "in", (missed | partly).ids)]
        (total,) = Objective.read_group(domain, ["score:avg"], [])
        self.assertIs(total["score"], False)
        rows = Objective.read_group(domain, ["score:avg"], ["state"])
        self.assertEqual({row["state"]: row["score"] for row in rows}, {"missed": 0, "partly": 60})
