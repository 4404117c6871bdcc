"""A small, hand-built CRM whose figures are worked out by hand in the tests.

Company A (currency USD, calendar in Europe/Brussels, Monday-Friday 8 h) and company B
(currency EUR). Company-specific rates make conversions exact:

- in company A: USD 1.0 since 2020-01-01; EUR 0.5 since 2020-01-01, 0.8 since 2026-03-10;
- in company B: EUR 1.0 and USD 1.25 since 2020-01-01.

Team T1 (company A, led by ``leader``): reps R1, R2, R4. Team T2 (company A): R3.
Team TB (company B): RB. All dates are UTC unless said otherwise; Brussels is UTC+1
until 2026-03-29 and UTC+2 after.

Opportunities (revenue in the lead's company currency):

====  =====  ====  ======  ===================  ===================================  =========
lead  owner  team  amount  created              closed                               customer
====  =====  ====  ======  ===================  ===================================  =========
L1    R1     T1    1000    2026-01-10 10:00     won 2026-03-05 10:00                 P1a (P1)
L2    R1     T1    2000    2026-02-01 09:00     won 2026-03-31 21:30 (23:30 local)   P2
L3    R2     T1    4000    2026-03-02 08:00     won 2026-03-31 22:30 (Apr 1 local)   P2
L4    R2     T1     500    2026-02-28 23:30     lost 2026-03-10 12:00                -
                           (Mar 1 00:30 local)
L5    R1     T1    3000    2026-03-15 10:00     lost 2026-03-20 12:00                -
L6    R3     T2     800    2026-03-01 12:00     won 2026-03-12 12:00                 P3
L7    R1     T1   10000    2026-03-03 10:00     open, 30 %, expected 2026-03-25      -
L8    R1     T1    5000    2026-02-20 10:00     open, 60 %, expected 2026-04-10      -
L9    R1     T1       0    2026-03-04 10:00     a lead (not an opportunity), open    -
L10   R2     T1    1500    2026-02-15 10:00     open, 20 %, converted 2026-03-06     -
L11   R1     T1     700    2025-11-01 10:00     won 2025-11-10 10:00                 P1
L12   R2     T1    1300    2025-11-20 10:00     won 2025-12-01 10:00                 P4
LB1   RB     TB     100    2026-03-01 10:00     won 2026-03-10 10:00 (EUR)           -
====  =====  ====  ======  ===================  ===================================  =========

Done activities (the messages Odoo keeps): R1 call on L1 2026-03-05 10:00, R1 meeting
on L7 2026-03-06 10:00, R2 call on L4 2026-03-10 10:00, R2 call on L3 2026-03-31 22:30
(April 1 local). Meetings in the calendar: R1 on L1 2026-02-20 10:00 and on L7
2026-03-02 10:00.
"""

from contextlib import contextmanager
from datetime import date, datetime, timedelta

from odoo import Command
from odoo.tests import new_test_user

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT, BaseCommon
from odoo.addons.sales_objectives.engine.state import STORED_FIGURES

# what a user's request has and the tests leave out (DISABLED_MAIL_CONTEXT): the tests
# of messages, tracking and followers run with it
MAIL_CONTEXT = dict.fromkeys(DISABLED_MAIL_CONTEXT, False)

# the KPIs the add-on ships that measure CRM records (all but the manual one), by the
# end of their XML id (``cls.kpi``)
MEASURED_KPIS = (
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

# the figures the refresh stores on a target, compared between two ways of refreshing
STORED_NAMES = [name for name, _type in STORED_FIGURES]


class SalesObjectivesCase(BaseCommon):
    """Two companies (USD in Brussels, EUR in UTC) with rates of their own, their
    salespeople, leaders and managers in real groups, teams and KPIs. Odoo's
    ``setup_other_currency`` gives rates to one company only: the rates here are each
    company's."""

    @classmethod
    def default_env_context(cls):
        # no mail side effects; tests of messages and tracking post or track on purpose
        return {**DISABLED_MAIL_CONTEXT}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.usd = env.ref("base.USD")
        cls.eur = env.ref("base.EUR")
        (cls.usd | cls.eur).active = True
        cls.company_a = env["res.company"].create(
            {"name": "SO Company A", "currency_id": cls.usd.id}
        )
        cls.company_b = env["res.company"].create(
            {"name": "SO Company B", "currency_id": cls.eur.id}
        )
        cls.company_a.resource_calendar_id.tz = "Europe/Brussels"
        cls.company_b.resource_calendar_id.tz = "UTC"
        rates = env["res.currency.rate"]
        for company, currency, day, rate in [
            (cls.company_a, cls.usd, "2020-01-01", 1.0),
            (cls.company_a, cls.eur, "2020-01-01", 0.5),
            (cls.company_a, cls.eur, "2026-03-10", 0.8),
            (cls.company_b, cls.eur, "2020-01-01", 1.0),
            (cls.company_b, cls.usd, "2020-01-01", 1.25),
        ]:
            rates.create(
                {"company_id": company.id, "currency_id": currency.id, "name": day, "rate": rate}
            )

        def user(login, groups="sales_team.group_sale_salesman", company=None):
            company = company or cls.company_a
            return new_test_user(
                env,
                login=login,
                groups=groups,
                company_id=company.id,
                company_ids=[Command.set(company.ids)],
                tz="Europe/Brussels",
            )

        cls.rep1 = user("so_rep1")
        cls.rep2 = user("so_rep2")
        cls.rep3 = user("so_rep3")
        cls.rep4 = user("so_rep4")
        cls.leader = user("so_leader")
        cls.all_leads = user("so_all_leads", "sales_team.group_sale_salesman_all_leads")
        cls.manager = user("so_manager", "sales_team.group_sale_manager")
        cls.rep_b = user("so_rep_b", company=cls.company_b)
        cls.manager_b = user("so_manager_b", "sales_team.group_sale_manager", cls.company_b)

        Team = env["crm.team"]
        cls.team1 = Team.create(
            {
                "name": "SO Team 1",
                "company_id": cls.company_a.id,
                "user_id": cls.leader.id,
                "member_ids": [Command.set((cls.rep1 | cls.rep2 | cls.rep4).ids)],
            }
        )
        cls.team2 = Team.create(
            {
                "name": "SO Team 2",
                "company_id": cls.company_a.id,
                "member_ids": [Command.set(cls.rep3.ids)],
            }
        )
        cls.team_b = Team.create(
            {
                "name": "SO Team B",
                "company_id": cls.company_b.id,
                "member_ids": [Command.set(cls.rep_b.ids)],
            }
        )
        cls.stage_new = env["crm.stage"].create({"name": "SO New", "sequence": 1})
        cls.stage_won = env["crm.stage"].create({"name": "SO Won", "is_won": True, "sequence": 99})

        Partner = env["res.partner"]
        cls.p1 = Partner.create({"name": "P1 Corp", "is_company": True})
        cls.p1a = Partner.create({"name": "P1 Alice", "parent_id": cls.p1.id})
        cls.p2 = Partner.create({"name": "P2 Corp", "is_company": True})
        cls.p3 = Partner.create({"name": "P3 Corp", "is_company": True})
        cls.p4 = Partner.create({"name": "P4 Corp", "is_company": True})

        lead = cls._make_lead
        cls.l1 = lead(
            "L1",
            cls.rep1,
            cls.team1,
            1000,
            "2026-01-10 10:00",
            won="2026-03-05 10:00",
            partner=cls.p1a,
        )
        cls.l2 = lead(
            "L2",
            cls.rep1,
            cls.team1,
            2000,
            "2026-02-01 09:00",
            won="2026-03-31 21:30",
            partner=cls.p2,
        )
        cls.l3 = lead(
            "L3",
            cls.rep2,
            cls.team1,
            4000,
            "2026-03-02 08:00",
            won="2026-03-31 22:30",
            partner=cls.p2,
        )
        cls.l4 = lead("L4", cls.rep2, cls.team1, 500, "2026-02-28 23:30", lost="2026-03-10 12:00")
        cls.l5 = lead("L5", cls.rep1, cls.team1, 3000, "2026-03-15 10:00", lost="2026-03-20 12:00")
        cls.l6 = lead(
            "L6",
            cls.rep3,
            cls.team2,
            800,
            "2026-03-01 12:00",
            won="2026-03-12 12:00",
            partner=cls.p3,
        )
        cls.l7 = lead(
            "L7",
            cls.rep1,
            cls.team1,
            10000,
            "2026-03-03 10:00",
            probability=30,
            deadline="2026-03-25",
        )
        cls.l8 = lead(
            "L8",
            cls.rep1,
            cls.team1,
            5000,
            "2026-02-20 10:00",
            probability=60,
            deadline="2026-04-10",
        )
        cls.l9 = lead("L9", cls.rep1, cls.team1, 0, "2026-03-04 10:00", lead_type="lead")
        cls.l10 = lead(
            "L10",
            cls.rep2,
            cls.team1,
            1500,
            "2026-02-15 10:00",
            probability=20,
            converted="2026-03-06 10:00",
        )
        cls.l11 = lead(
            "L11",
            cls.rep1,
            cls.team1,
            700,
            "2025-11-01 10:00",
            won="2025-11-10 10:00",
            partner=cls.p1,
        )
        cls.l12 = lead(
            "L12",
            cls.rep2,
            cls.team1,
            1300,
            "2025-11-20 10:00",
            won="2025-12-01 10:00",
            partner=cls.p4,
        )
        cls.lb1 = lead(
            "LB1",
            cls.rep_b,
            cls.team_b,
            100,
            "2026-03-01 10:00",
            won="2026-03-10 10:00",
            company=cls.company_b,
        )

        call = env.ref("mail.mail_activity_data_call")
        meeting = env.ref("mail.mail_activity_data_meeting")
        cls._done_activity(cls.l1, cls.rep1, call, "2026-03-05 10:00")
        cls._done_activity(cls.l7, cls.rep1, meeting, "2026-03-06 10:00")
        cls._done_activity(cls.l4, cls.rep2, call, "2026-03-10 10:00")
        cls._done_activity(cls.l3, cls.rep2, call, "2026-03-31 22:30")
        Event = env["calendar.event"]
        for opportunity, start in [
            (cls.l1, "2026-02-20 10:00:00"),
            (cls.l7, "2026-03-02 10:00:00"),
        ]:
            Event.create(
                {
                    "name": f"Meeting {opportunity.name}",
                    "opportunity_id": opportunity.id,
                    "user_id": cls.rep1.id,
                    "start": start,
                    "stop": start.replace("10:00", "11:00"),
                }
            )

        cls.kpi = {
            xid: env.ref(f"sales_objectives.sales_kpi_{xid}") for xid in (*MEASURED_KPIS, "manual")
        }
        env["sales.kpi"].search([]).company_id = False

    # ------------------------------------------------------------------

    @classmethod
    def _make_lead(
        cls,
        name,
        user,
        team,
        revenue,
        created,
        *,
        won=None,
        lost=None,
        partner=None,
        probability=10,
        deadline=None,
        converted=None,
        lead_type="opportunity",
        company=None,
    ):
        env = cls.env
        lead = env["crm.lead"].create(
            {
                "name": name,
                "type": lead_type,
                "user_id": user.id,
                "team_id": team.id,
                "company_id": (company or cls.company_a).id,
                "expected_revenue": revenue,
                "probability": probability,
                "partner_id": partner.id if partner else False,
                "stage_id": cls.stage_new.id,
                "date_deadline": deadline,
            }
        )
        if won:
            lead.write({"stage_id": cls.stage_won.id})
        if lost:
            lead.action_set_lost()
        env.flush_all()
        env.cr.execute(
            "UPDATE crm_lead SET create_date = %s, date_closed = %s, date_conversion = %s "
            "WHERE id = %s",
            (created, won or lost, converted, lead.id),
        )
        lead.invalidate_recordset()
        lead.modified(["create_date", "date_closed"])
        env.flush_all()
        return lead

    @classmethod
    def _done_activity(cls, lead, user, activity_type, when):
        """What Odoo keeps when an activity is marked done: a message on the record."""
        message = cls.env["mail.message"].create(
            {
                "model": "crm.lead",
                "res_id": lead.id,
                "message_type": "notification",
                "subtype_id": cls.env.ref("mail.mt_activities").id,
                "mail_activity_type_id": activity_type.id,
                "author_id": user.partner_id.id,
                "body": f"{activity_type.name} done",
            }
        )
        cls.env.flush_all()
        cls.env.cr.execute("UPDATE mail_message SET date = %s WHERE id = %s", (when, message.id))
        message.invalidate_recordset()
        return message

    @classmethod
    def _target(cls, kpi, owner, period="month", date_from="2026-03-01", value=100.0, **values):
        """``owner``: a team, a user (in team T1 unless ``team`` is given) or a company."""
        vals = {
            "kpi_id": cls.kpi[kpi].id if isinstance(kpi, str) else kpi.id,
            "period_type": period,
            "date_from": date_from,
            "target_value": value,
        }
        if owner._name == "crm.team":
            vals.update(owner_type="team", team_id=owner.id, company_id=owner.company_id.id)
        elif owner._name == "res.users":
            team = values.pop("team", cls.team1)
            vals.update(
                owner_type="user", user_id=owner.id, team_id=team.id, company_id=team.company_id.id
            )
        else:
            vals.update(owner_type="company", company_id=owner.id)
        vals.update(values)
        return cls.env["sales.target"].create(vals)

    @classmethod
    def _archive_other_targets(cls, keep):
        """The scheduled jobs see every target: archive those the test did not make
        (demo data) so that its counts are its own."""
        others = cls.env["sales.target"].search([("id", "not in", keep.ids)])
        others.write({"active": False})

    @contextmanager
    def assertRaisesRegex(self, exception, regex):  # pylint: disable=arguments-differ
        """Like unittest's, but in a savepoint (as Odoo's assertRaises), so that the
        failed operation leaves nothing behind for the rest of the test."""
        with self.assertRaises(exception) as caught:
            yield caught
        self.assertRegex(str(caught.exception), regex)

    @staticmethod
    def day(text):
        return date.fromisoformat(text)

    @staticmethod
    def moment(text):
        return datetime.fromisoformat(text)


class ActualsMixin:
    """Measures a KPI for an owner as a user's Refresh does, and compares the actual
    with a figure worked out by hand (with a :class:`SalesObjectivesCase`)."""

    def measure(self, kpi, owner, **kwargs):
        """A target on ``kpi`` for ``owner`` (``_target``'s arguments), refreshed."""
        target = self._target(kpi, owner, **kwargs)
        target.action_refresh()
        return target

    def assertActual(self, kpi, owner, expected, sample=None, **kwargs):
        """The actual of a target on ``kpi`` for ``owner`` is ``expected`` (and it is
        made of ``sample`` records, when given), measured by the Refresh of a few
        owners' targets and again by the scheduled full pass, which scans whole tables:
        the same figures."""
        target = self.measure(kpi, owner, **kwargs)
        for refresh in ("Refresh", "full pass"):
            if refresh == "full pass":
                self.env["sales.kpi.engine"].refresh(target, complete=True)
            message = f"{target.display_name} ({refresh})"
            self.assertAlmostEqual(target.actual_value, expected, places=2, msg=message)
            if sample is not None:
                self.assertEqual(target.actual_sample, sample, message)
        return target


class QueryCountsMixin:
    """Counts the SQL statements of a piece of work, to show that a hot path takes a
    number of queries that does not depend on the number of records."""

    #: False: each count starts from an empty cache, as a new request does (screens,
    #: refreshes). True: from the cache as it is, and the statements that the end of
    #: the transaction runs are counted too (the change log is written then, once).
    queries_until_commit = False

    def queries(self, func):
        """The number of statements ``func()`` runs, its pending writes included."""
        self.env.flush_all()
        if self.queries_until_commit:
            self.env.cr.flush()
        else:
            self.env.invalidate_all()
        before = self.cr.sql_log_count
        func()
        self.env.flush_all()
        if self.queries_until_commit:
            self.env.cr.flush()
        return self.cr.sql_log_count - before

    @classmethod
    def make_targets(cls, kpis, per_kpi, owner):
        """``per_kpi`` custom-period targets per KPI of ``kpis`` (keys of ``cls.kpi``)
        for ``owner`` (the owner's fields), each over a distinct range ending on
        2026-03-31."""
        vals = []
        for kpi in kpis:
            for index in range(per_kpi):
                vals.append(
                    {
                        "kpi_id": cls.kpi[kpi].id,
                        "period_type": "custom",
                        "date_from": date(2026, 3, 1) - timedelta(days=index),
                        "date_to": date(2026, 3, 31),
                        "target_value": 10.0 + index,
                        **owner,
                    }
                )
        return cls.env["sales.target"].create(vals)

    @classmethod
    def make_small_and_large(cls, kpis):
        """(one team and one salesperson target per KPI of ``kpis``, twenty of each
        per KPI for another team and salesperson): ``cls.small`` and ``cls.large``."""
        team = {"owner_type": "team", "team_id": cls.team1.id, "company_id": cls.company_a.id}
        rep = dict(team, owner_type="user", user_id=cls.rep1.id)
        cls.small = cls.make_targets(kpis, 1, team) | cls.make_targets(kpis, 1, rep)
        cls.large = cls.make_targets(kpis, 20, dict(team, team_id=cls.team2.id)) | cls.make_targets(
            kpis, 20, dict(rep, user_id=cls.rep3.id, team_id=cls.team2.id)
        )
        cls.env.flush_all()

    def assertRefreshQueries(self, expected):
        """Refreshing ``self.small`` and ``self.large`` takes ``expected`` statements
        each, once the registry's caches are warm."""
        engine = self.env["sales.kpi.engine"]
        # warm the registry caches; a first refresh also records where each target
        # stands (milestones reached: one more statement, whatever the number)
        engine.refresh(self.small)
        engine.refresh(self.large)
        small = self.queries(lambda: engine.refresh(self.small))
        large = self.queries(lambda: engine.refresh(self.large))
        self.assertEqual(small, large)
        for targets in (self.small, self.large):
            self.env.invalidate_all()
            # with the statement the commit runs: the bus messages telling the open
            # screens that the figures changed (one INSERT whatever their number)
            with self.assertQueryCount(expected + 1):
                engine.refresh(targets)
        self.assertEqual(small, expected)


class IncrementalEqualsFullMixin:
    """The incremental refresh gives exactly the figures of a full refresh: after a
    change made through Odoo, the figures the incremental pass (or the scheduled job,
    with ``by_scheduled_job``) leaves on ``self.targets`` are those a full refresh
    gives them, and the change moved some of them (else the test proves nothing)."""

    #: False: the engine's incremental pass over the changes logged; True: the
    #: scheduled job as its cron runs it between two daily full passes
    by_scheduled_job = False

    @classmethod
    def make_checked_targets(cls, kpis, owners=None):
        """``cls.targets``: for each KPI of ``kpis`` and (owner, extra values) of
        ``owners`` (by default both teams of company A, two of team 1's salespeople and
        the company), targets of March and April 2026 and of Q1 2026, the only targets
        not archived."""
        if owners is None:
            owners = [(owner, {}) for owner in (cls.team1, cls.team2, cls.rep1, cls.rep2)]
            owners.append((cls.company_a, {}))
        targets = cls.env["sales.target"]
        for kpi in kpis:
            for owner, extra in owners:
                targets |= cls._target(kpi, owner, value=50, **extra)
                targets |= cls._target(kpi, owner, date_from="2026-04-01", value=50, **extra)
                targets |= cls._target(
                    kpi, owner, period="quarter", date_from="2026-01-01", value=50, **extra
                )
        cls.targets = targets
        cls._archive_other_targets(targets)
        return targets

    def figures(self, targets=None):
        """{target id: its stored figures} of ``targets`` (default ``self.targets``),
        as the database holds them (floats to 6 decimals)."""
        targets = self.targets if targets is None else targets
        self.env.flush_all()
        self.env.cr.execute(
            f"SELECT id, {', '.join(STORED_NAMES)} FROM sales_target"
            " WHERE id = ANY(%s) ORDER BY id",
            [targets.ids],
        )
        return {
            row[0]: [round(v, 6) if isinstance(v, float) else v for v in row[1:]]
            for row in self.env.cr.fetchall()
        }

    def full(self):
        """A full refresh of ``self.targets``; their figures."""
        self.env["sales.kpi.engine"].refresh(self.targets.exists(), complete=True)
        return self.figures()

    def scheduled(self):
        """The scheduled job as the cron runs it between two daily full passes: an
        incremental pass over the changes logged since."""
        today = self.env["res.company"].search([])._sales_today()
        state = {
            "full_day": {str(company_id): str(day) for company_id, day in today.items()},
            "full_start": "2999-01-01",
            "since": "2999-01-01",
        }
        Refresh = self.env["sales.kpi.refresh"]
        Refresh._save_pass_state(state)
        self.env["sales.target"]._cron_refresh_actuals()
        state = Refresh._pass_state()
        self.assertEqual(state["full_start"], "2999-01-01", "an incremental pass, not a full one")

    def next_pass(self):
        """The pass that follows a change: the scheduled job or the engine's
        incremental pass."""
        if self.by_scheduled_job:
            self.scheduled()
        else:
            self.env["sales.kpi.refresh"]._incremental_pass("2999-01-01")

    def actual(self, kpi, owner, month="2026-03-01", period="month"):
        """The actual of the target of ``self.targets`` on ``kpi`` (a record) for
        ``owner`` (a salesperson, a team or a company) starting on ``month``."""
        field = {"res.users": "user_id", "crm.team": "team_id", "res.company": "company_id"}
        owner_type = {"res.users": "user", "crm.team": "team", "res.company": "company"}
        target = self.targets.filtered(
            lambda t: t.kpi_id == kpi
            and t.period_type == period
            and str(t.date_from) == month
            and t.owner_type == owner_type[owner._name]
            and t[field[owner._name]] == owner
        )
        target.ensure_one()
        return target.actual_value

    def assertAsFullRefresh(self, targets, msg="the incremental pass and a full refresh disagree"):
        """The figures stored on ``targets`` are those a full refresh gives them
        (which it then leaves); returns them."""
        kept = self.figures(targets)
        self.env["sales.kpi.engine"].refresh(targets, complete=True)
        full = self.figures(targets)
        differences = [
            (self.env["sales.target"].browse(target_id).display_name, name, kept[target_id][i], v)
            for target_id, values in full.items()
            for i, (name, v) in enumerate(zip(STORED_NAMES, values, strict=True))
            if kept[target_id][i] != v
        ]
        self.assertFalse(differences, msg)
        return full

    def check(self, change):
        """Full refresh, a pass (it consumes the changes made so far: the test's data),
        ``change`` (through the ORM, as a user), a pass: the figures of a full refresh,
        and the change moved some of them; the change log is consumed."""
        Change = self.env["sales.kpi.change"]
        before = self.full()
        self.next_pass()
        self.assertFalse(Change.search_count([]), "the log is consumed")
        self.assertEqual(self.figures(), before)
        change()
        self.next_pass()
        self.assertTrue(self.figures() != before, "the change should move some figure")
        self.assertAsFullRefresh(self.targets.exists())
        self.assertFalse(Change.search_count([]), "the log is consumed")
        self.env.invalidate_all()
