"""The scheduled refresh costs what changed.

The job runs a *full pass* over every open target, KPI by KPI, once a day (each
company's "today" moves pace and status) and whenever what every figure depends on
changes (currency rates, working calendars and public holidays, companies, stages);
the engine keeps the cells it measured (sales.kpi.cell). In between, each run is an
*incremental pass*: it reads the change log (sales.kpi.change), re-measures only the
cells of the owners and buckets that the changed records touched (before and after
the change), and refreshes the targets of those owners (with their teams' and
companies', and those of the teams above theirs: territories) plus the targets created
or changed since the last pass, adding them up from the kept cells. A team moved under
another parent team moves the figures of the teams above it, before and after: their
targets are refreshed too (the kept cells, per team, stay as they are).
"""

import bisect
import functools
import json
import logging
import time
from collections import defaultdict

import pytz

from odoo import api, fields, models
from odoo.tools import SQL

from ..engine.buckets import previous_period
from ..engine.state import ChangeState

_logger = logging.getLogger(__name__)

# the passes' state (the full pass under way, the last incremental pass), kept with the
# cells' sources: a system parameter, as up to 18.0.1.3.0, cleared every worker's caches
# each time a pass wrote it
STATE = "refresh_state"
# the kept source naming the territories (each team's parent) the last pass knew
TERRITORIES = "territories"
# a change asks Odoo's job runner to run the refresh at once (instead of at its next
# minute); a run that starts less than this many seconds after the last one ended waits
# the rest first: figures follow within seconds, and under a stream of changes the
# passes stay this far apart
PASS_GAP_S = 15
# per database: until when this process asks for no pass again (time.monotonic()): at
# most one statement per process and second
ASK_MEMO_S = 1
NEXT_ASK = {}
# tables whose change moves figures of every target: a full pass follows
GLOBAL_TABLES = (
    "res_currency_rate",
    "resource_calendar",
    "resource_calendar_attendance",
    "resource_calendar_leaves",
    "res_company",
    "crm_stage",
)


class SalesKpiRefresh(models.AbstractModel):
    _name = "sales.kpi.refresh"
    _description = "Sales KPI scheduled refresh (full and incremental passes)"

    # ------------------------------------------------------------------
    # The scheduled job
    # ------------------------------------------------------------------

    @api.model
    def _run_scheduled(self, batch_size):
        """One run of the job: the next batch of the full pass under way or due, else
        an incremental pass. Returns (targets refreshed, targets left in the pass)."""
        self = self.sudo()
        state = self._pass_state()
        wait = self._gap_wait(state)
        if wait:
            # nothing written yet: end this transaction, so that the pass reads what
            # was committed during the wait
            self.env.cr.rollback()
            time.sleep(wait)
            state = self._pass_state()
        # the database's clock, the one that stamps write dates
        now = self.env.cr.now()
        if state.get("cursor") is None and not self._full_pass_due(state):
            since = state.get("since")
            # a minute in which nothing was logged nor any target, KPI or team written
            # costs one probe: the figures stand as they are
            changed, open_since = self._changed_since(since)
            refreshed = self._incremental_pass(since) if changed else 0
            # the next pass looks from here, or from the start of a transaction still
            # open (what it writes is stamped with its start and is not visible yet)
            state["since"] = str(min(now, open_since or now))
            self._save_pass_state(state)
            if changed:
                # what a process logged while this pass ran (after its snapshot) but did
                # not ask for, having asked less than ASK_MEMO_S before, is taken by one
                # more run, PASS_GAP_S later (a probe when nothing came)
                self.env.ref("sales_objectives.ir_cron_sales_target_refresh").sudo()._trigger()
            return refreshed, 0
        if state.get("cursor") is None:
            _changed, open_since = self._changed_since(str(now))
            state.update(cursor=0, full_start=str(min(now, open_since or now)))
        Target = self.env["sales.target"].with_context(active_test=False)
        domain = [("state", "in", ("draft", "submitted", "confirmed")), ("active", "=", True)]
        # the pass walks the KPIs by id and resumes after the last id done: neither the
        # order KPIs are listed in (their sequence, which a manager may change between
        # two batches) nor a KPI added meanwhile (a higher id, measured in this pass)
        # makes it skip one. Targets added meanwhile to a KPI already done are measured
        # by the next incremental pass (edited since the pass started).
        counts = sorted(
            (kpi.id, count)
            for kpi, count in Target._read_group(domain, ["kpi_id"], ["__count"])
            if kpi.id > state["cursor"]
        )
        pending = [(self.env["sales.kpi"].browse(kpi_id), count) for kpi_id, count in counts]
        batch, size = self.env["sales.kpi"], 0
        for kpi, count in pending:
            if batch and size + count > batch_size:
                break
            batch |= kpi
            size += count
        remaining = sum(count for _kpi, count in pending) - size
        targets = Target.search(domain + [("kpi_id", "in", batch.ids)])
        failed = self._engine().refresh(targets, complete=True)
        self._record_distinct(
            self._distinct_signatures(batch.filtered(lambda kpi: kpi.id not in failed))
        )
        if remaining:
            state["cursor"] = max(batch.ids)
        else:
            today = self._companies()._sales_today()
            state.update(
                cursor=None,
                full_day={str(cid): str(day) for cid, day in today.items()},
                since=state["full_start"],
            )
        self._save_pass_state(state)
        return len(targets), remaining

    def _engine(self):
        return self.env["sales.kpi.engine"].sudo()

    @api.model
    @api.private
    def ask_for_pass(self):
        """Called as a transaction logs changes: wakes the job runner for a run unless
        one was asked for since the last run started (a trigger newer than the job's
        last progress record, which Odoo commits as a run starts). Odoo notifies the
        runner once the transaction commits; the run keeps the passes PASS_GAP_S
        apart (``_gap_wait``). One statement, then none in this process for
        ASK_MEMO_S (NEXT_ASK): a change logged during a pass is taken by the run the
        pass itself asks for."""
        dbname = self.env.cr.dbname
        moment = time.monotonic()
        if NEXT_ASK.get(dbname, 0.0) > moment:
            return
        NEXT_ASK[dbname] = moment + ASK_MEMO_S
        cron = self.env.ref("sales_objectives.ir_cron_sales_target_refresh", False)
        if not cron:
            return
        self.env.cr.execute(
            SQL(
                """SELECT c.active AND NOT EXISTS (
                              SELECT 1 FROM ir_cron_trigger t
                               WHERE t.cron_id = c.id
                                 AND t.call_at >= COALESCE(
                                         (SELECT p.create_date FROM ir_cron_progress p
                                           WHERE p.cron_id = c.id ORDER BY p.id DESC LIMIT 1),
                                         '-infinity'))
                     FROM ir_cron c WHERE c.id = %s""",
                cron.id,
            )
        )
        row = self.env.cr.fetchone()
        if row and row[0]:
            cron.sudo()._trigger()

    def _gap_wait(self, state):
        """Seconds this run waits before its incremental pass: the rest of PASS_GAP_S
        since the last run ended (Odoo's job runner gives it in the context, with the
        job's id), none for a full pass or a run not started by the runner (a test, the
        job's "Run Manually", which holds its request's transaction)."""
        lastcall = self.env.context.get("lastcall")
        if not lastcall or not self.env.context.get("cron_id"):
            return 0.0
        ago = (fields.Datetime.now() - fields.Datetime.to_datetime(lastcall)).total_seconds()
        wait = min(max(PASS_GAP_S - ago, 0.0), PASS_GAP_S)
        if not wait or state.get("cursor") is not None or self._full_pass_due(state):
            return 0.0
        return wait

    def _companies(self):
        self.env.cr.execute("SELECT id FROM res_company")
        return self.env["res.company"].browse([row[0] for row in self.env.cr.fetchall()])

    def _pass_state(self):
        text = self.env["sales.kpi.cell.source"]._signature(STATE)
        return json.loads(text) if text else {}

    def _save_pass_state(self, state):
        self.env["sales.kpi.cell.source"]._set(STATE, json.dumps(state))

    def _changed_since(self, since):
        """(Whether an incremental pass has anything to do: a change logged, or a
        target, a KPI or a team (territories) written since ``since`` (None: the first
        pass); the start of the oldest other transaction of this database still open,
        or None). A transaction writes its records with its start as their write date,
        and they are visible once it commits: a pass must look again from that start
        (up to an hour back: a transaction open longer is repaired by the daily full
        pass). One statement over indexed or small tables: what a quiet minute costs."""
        self.env.flush_all()
        self.env["sales.kpi.change"]._flush_buffer()
        self.env.cr.execute(
            SQL(
                """SELECT %(since)s::timestamp IS NULL
                       OR EXISTS (SELECT 1 FROM sales_kpi_change)
                       OR EXISTS (SELECT 1 FROM sales_target WHERE write_date >= %(since)s)
                       OR EXISTS (SELECT 1 FROM sales_kpi WHERE write_date >= %(since)s)
                       OR EXISTS (SELECT 1 FROM crm_team WHERE write_date >= %(since)s),
                          (SELECT min(xact_start) AT TIME ZONE 'UTC' FROM pg_stat_activity
                            WHERE datname = current_database() AND pid != pg_backend_pid()
                              AND xact_start > now() - interval '1 hour')""",
                since=since or None,
            )
        )
        changed, open_since = self.env.cr.fetchone()
        return changed, open_since

    @api.model
    @api.private
    def checked_at(self):
        """When the figures were last known current (UTC, naive): the start of the
        last incremental pass, or of the last full pass when none followed it; None
        before the first pass."""
        state = self._pass_state()
        moment = state.get("since")
        return fields.Datetime.to_datetime(moment[:19]) if moment else None

    @api.model
    @api.private
    def full_pass_start(self):
        """When the last full pass began (its text, as the passes' state keeps it);
        None before the first one. What a pass keeps beside the cells may be measured
        again once after each full pass."""
        return self._pass_state().get("full_start")

    def _full_pass_due(self, state):
        """A full pass is due the first time, when a company's local date has changed
        since the last one, and when rates, calendars, holidays, companies or stages
        changed since it started."""
        if not state.get("full_day") or not state.get("full_start"):
            return True
        today = self._companies()._sales_today()
        if any(state["full_day"].get(str(cid)) != str(day) for cid, day in today.items()):
            return True
        self.env.cr.execute(
            SQL(
                "SELECT %s",
                SQL(" OR ").join(
                    SQL(
                        "EXISTS (SELECT 1 FROM %s WHERE write_date >= %s)",
                        SQL.identifier(table),
                        state["full_start"],
                    )
                    for table in GLOBAL_TABLES
                ),
            )
        )
        return self.env.cr.fetchone()[0]

    # ------------------------------------------------------------------
    # The incremental pass
    # ------------------------------------------------------------------

    def _incremental_pass(self, since):
        """Re-measures what the logged changes touched; returns the number of targets
        refreshed. The log rows it read are removed once every KPI was measured (a
        failed KPI leaves them for the next run)."""
        self.env.flush_all()
        self.env["sales.kpi.change"]._flush_buffer()
        cr = self.env.cr
        cr.execute(
            "SELECT id, kind, record_id, team_id, user_id, company_id, partner_id,"
            " moment_1, moment_2, moment_3, moment_4, touched FROM sales_kpi_change"
        )
        logged = cr.fetchall()
        states = [
            ChangeState(
                kind=kind,
                record_id=record_id,
                team_id=team,
                user_id=user,
                company_id=company,
                partner_id=partner,
                moments=tuple(moments),
            )
            for _id, kind, record_id, team, user, company, partner, *moments, _t in logged
            if team or user or company or any(moments)
        ]
        Change = self.env["sales.kpi.change"]
        ids_by_kind = defaultdict(set)
        for row in logged:
            ids_by_kind[row[1]].add(row[2])
        for kind, ids in ids_by_kind.items():
            states += self._states(kind, Change._current_states(kind, sorted(ids)))
        # records changed in no field that places them (a record also logged created,
        # changed or with a former state is not)
        touched = {(row[1], row[2]) for row in logged if row[11]}
        touched -= {(row[1], row[2]) for row in logged if not row[11]}
        customers = self._customer_states(states, touched)
        # the buckets every open target needs, read once for the whole pass, with the
        # targets edited since the last pass or never refreshed
        periods, edited = self._engine().open_periods_and_edited(since or "1970-01-01")
        parents = self._team_parents()
        territories = json.dumps(sorted(parents.items()))
        known = self.env["sales.kpi.cell.source"]._signature(TERRITORIES)
        ids = self._affected_targets(states, customers, periods, parents) | edited
        if known != territories:
            ids |= self._moved_territories(json.loads(known or "[]"), parents)
        distinct = self._distinct_signatures(
            self.env["sales.kpi"].browse([key[1] for key in periods if key[0] == "kpi"])
        )
        stale = self._stale_kpis(periods, distinct)
        if stale:
            cr.execute(
                SQL(
                    """SELECT id FROM sales_target
                        WHERE state IN ('draft', 'submitted', 'confirmed') AND active
                          AND kpi_id = ANY(%s)""",
                    stale,
                )
            )
            ids.update(row[0] for row in cr.fetchall())
        targets = self.env["sales.target"].browse(sorted(ids))
        failed = (
            self._engine().refresh(targets, changes=(states, customers), periods=periods)
            if targets
            else []
        )
        self._record_distinct(
            {kpi_id: pair for kpi_id, pair in distinct.items() if kpi_id not in failed}
        )
        if known != territories and not failed:
            self.env["sales.kpi.cell.source"]._set(TERRITORIES, territories)
        if logged and not failed:
            cr.execute(
                SQL("DELETE FROM sales_kpi_change WHERE id = ANY(%s)", [row[0] for row in logged])
            )
        _logger.info(
            "Sales objectives: incremental refresh of %s targets after %s changes",
            len(targets),
            len(logged),
        )
        return len(targets)

    @api.model
    def _states(self, kind, rows):
        return [
            ChangeState(
                kind=kind,
                record_id=row[0],
                team_id=row[1],
                user_id=row[2],
                company_id=row[3],
                partner_id=row[4],
                moments=tuple(row[5:9]),
            )
            for row in rows
        ]

    def _customer_states(self, states, touched):
        """The later won deals of the customers whose deals changed customer, company
        or closing (won, lost, reopened), or were created or deleted: whether a deal is
        a customer's first one (new customers, repeat revenue) depends on the
        customer's earlier deals. ``touched``: (kind, id) of the records changed in no
        such field."""
        by_lead = defaultdict(list)
        for change in states:
            if change.kind == "lead":
                by_lead[change.record_id].append(change)
        for kind, lead_id in touched:
            if kind == "lead" and len(by_lead.get(lead_id, ())) == 1:
                del by_lead[lead_id]  # only its current state: nothing placing it moved
        since = {}
        for versions in by_lead.values():
            keys = {(c.partner_id, c.company_id, c.moments[2]) for c in versions}
            if len(keys) == 1 and len(versions) > 1:
                continue  # same customer, company and closing before and after
            # the customer's deals after the earliest closing this deal had or has (a
            # deal never closed is nobody's earlier win)
            closings = [closed for _partner, _company, closed in keys if closed]
            for partner, _company, _closed in keys:
                if partner and closings:
                    first = min(closings)
                    since[partner] = min(since.get(partner, first), first)
        if not since:
            return []
        self.env.cr.execute(
            SQL(
                """SELECT l.id FROM crm_lead l
                     JOIN res_partner p ON p.id = l.partner_id
                     JOIN crm_stage s ON s.id = l.stage_id AND s.is_won
                     JOIN unnest(%s::int4[], %s::timestamp[]) AS c(partner, since)
                       ON c.partner = p.commercial_partner_id AND l.date_closed >= c.since
                    WHERE l.active""",
                list(since),
                [str(moment) for moment in since.values()],
            )
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        return self._states("lead", self.env["sales.kpi.change"]._current_states("lead", ids))

    def _team_parents(self):
        """{team id: its parent team id} of the teams that belong to another
        (territories)."""
        self.env.cr.execute("SELECT id, so_parent_id FROM crm_team WHERE so_parent_id IS NOT NULL")
        return dict(self.env.cr.fetchall())

    @api.model
    def _teams_above(self, team_id, parents):
        """The teams above ``team_id`` in ``parents`` ({team: parent}), nearest first."""
        found = []
        while (team_id := parents.get(team_id)) and team_id not in found:
            found.append(team_id)
        return found

    def _moved_territories(self, known, parents):
        """Ids of the open team targets of the teams above a team whose parent changed
        since the last pass (above it before and after the move): their figures count
        its records, or no longer do. ``known``: [(team, parent)] the last pass
        recorded (none yet: every team with a parent moved), ``parents``: {team:
        parent} now."""
        before = dict(known)
        concerned = set()
        for team in set(before) | set(parents):
            if before.get(team) != parents.get(team):
                concerned.update(self._teams_above(team, before))
                concerned.update(self._teams_above(team, parents))
        if not concerned:
            return set()
        self.env.cr.execute(
            SQL(
                """SELECT id FROM sales_target
                    WHERE state IN ('draft', 'submitted', 'confirmed') AND active
                      AND owner_type = 'team' AND team_id = ANY(%s)""",
                sorted(concerned),
            )
        )
        return {row[0] for row in self.env.cr.fetchall()}

    def _affected_targets(self, states, customers, periods, parents=None):
        """Ids of the open targets whose owner had a changed record dated in the
        target's period, for a KPI that counts that kind of record (any period for the
        KPIs projecting with the owner's history); a team's change is one of the teams
        above it too (``parents``: {team: parent}, territories). ``periods``: the
        engine's ``open_periods_and_edited()``."""
        if parents is None:
            parents = self._team_parents()
        above = {}
        state = self._engine().pass_state(periods)
        kpis = (
            self.env["sales.kpi"]
            .with_context(active_test=False)
            .browse([key[1] for key in state.periods if key[0] == "kpi"])
        )

        @functools.cache
        def local_day(moment, tz):
            return pytz.utc.localize(moment).astimezone(pytz.timezone(tz)).date()

        # (kind of record, moment, dated, with the customers' changes) -> owner -> local
        # days (None: any period); KPIs reading the same moments share them
        by_source = {}

        def source_marks(kind, index, dated, with_customers):
            key = (kind, index, dated, with_customers)
            if key in by_source:
                return by_source[key]
            found = by_source[key] = defaultdict(set)
            changes = [c for c in states if c.kind == kind]
            if with_customers:
                changes += [c for c in customers if c.kind == kind]
            for change in changes:
                moment = change.moments[index - 1]
                if moment is None:
                    continue
                day = None
                if dated:
                    clock = state.companies.get(change.company_id)
                    day = moment.date() if index == 4 or not clock else local_day(moment, clock.tz)
                if change.user_id:
                    found[("user", change.user_id)].add(day)
                if change.team_id:
                    teams = above.get(change.team_id)
                    if teams is None:
                        teams = above[change.team_id] = [
                            change.team_id,
                            *self._teams_above(change.team_id, parents),
                        ]
                    for team in teams:
                        found[("team", team)].add(day)
                if change.company_id:
                    found[("company", change.company_id)].add(day)
            return found

        marks = {}  # kpi -> [owner -> local days / None] of each source it reads
        owners = {"user": set(), "team": set(), "company": set()}
        lookback = set()
        for kpi in kpis:
            if kpi.metric == "manual":
                continue
            definition = kpi._metric_definition()
            found = [
                source_marks(kind, index, dated, definition.customers)
                for kind, index, dated in self._engine().record_sources(kpi, state)
            ]
            found = [m for m in found if m]
            if not found:
                continue
            marks[kpi.id] = found
            for by_owner in found:
                for owner_type, owner_id in by_owner:
                    owners[owner_type].add(owner_id)
            if definition.lookback:
                lookback.add(kpi.id)
        if not marks:
            return set()
        self.env.cr.execute(
            SQL(
                """SELECT id, kpi_id, owner_type,
                          CASE owner_type WHEN 'user' THEN user_id WHEN 'team' THEN team_id
                               ELSE company_id END,
                          date_from, date_to
                     FROM sales_target
                    WHERE state IN ('draft', 'submitted', 'confirmed') AND active
                      AND kpi_id = ANY(%s)
                      AND ((owner_type = 'user' AND user_id = ANY(%s))
                        OR (owner_type = 'team' AND team_id = ANY(%s))
                        OR (owner_type = 'company' AND company_id = ANY(%s)))""",
                list(marks),
                sorted(owners["user"]),
                sorted(owners["team"]),
                sorted(owners["company"]),
            )
        )
        # per KPI and owner: whether a change is undated (any period), and its days
        # sorted (a company's changes fall on many days, its targets on many periods)
        dated = {}
        affected = set()
        for target_id, kpi_id, owner_type, owner_id, first, last in self.env.cr.fetchall():
            key = (kpi_id, (owner_type, owner_id))
            found = dated.get(key)
            if found is None:
                days = set().union(*(by_owner.get(key[1], ()) for by_owner in marks[kpi_id]))
                found = dated[key] = (None in days, sorted(d for d in days if d is not None))
            undated, days = found
            if not days and not undated:
                continue
            if kpi_id in lookback:
                # compared with the previous period: a change in it moves the figure
                first = previous_period(first, last)[0]
            # a changed day within [first, last]
            index = bisect.bisect_left(days, first)
            if undated or (index < len(days) and days[index] <= last):
                affected.add(target_id)
        return affected

    def _distinct_signature(self, kpi):
        """What the figures of a KPI of distinct customers were measured with."""
        return self._engine().distinct_signature(kpi)

    def _distinct_signatures(self, kpis):
        """{kpi id: (signature recorded, signature now)} of the KPIs of distinct
        customers among ``kpis`` (``_stale_kpis``)."""
        Source = self.env["sales.kpi.cell.source"]
        return {
            kpi.id: (Source._signature(f"kpi:{kpi.id}"), self._distinct_signature(kpi))
            for kpi in kpis.with_context(active_test=False)
            if kpi.metric != "manual" and kpi._metric_definition().distinct
        }

    def _record_distinct(self, signatures):
        """Records the signatures now of the KPIs of distinct customers whose open
        targets were all just measured ({kpi id: (recorded, now)})."""
        Source = self.env["sales.kpi.cell.source"]
        for kpi_id, (known, now) in signatures.items():
            if known != now:
                Source._set(f"kpi:{kpi_id}", now)

    def _stale_kpis(self, periods, distinct):
        """KPIs whose kept cells no longer fit (a changed definition, targets over
        other periods, another time zone, a new day for the 12-month history), and
        KPIs of distinct customers changed since measured: all their targets are
        measured again. ``periods``: the engine's ``open_periods_and_edited()``;
        ``distinct``: ``_distinct_signatures()`` of their KPIs."""
        state = self._engine().pass_state(periods)
        Source = self.env["sales.kpi.cell.source"]
        stale = []
        kpis = (
            self.env["sales.kpi"]
            .with_context(active_test=False)
            .browse([key[1] for key in state.periods if key[0] == "kpi"])
        )
        for kpi in kpis:
            definition = kpi._metric_definition()
            if kpi.metric == "manual":
                continue  # typed
            if definition.distinct:
                # measured for the targets concerned only (no cells): all of them when
                # the KPI changed (its filter, its categories) since it was measured;
                # none recorded yet (a full pass of the engine alone, before this
                # release): the current one is taken as measured
                known, now = distinct[kpi.id]
                if known is not None and known != now:
                    stale.append(kpi.id)
                continue
            expected = self._engine().kept_signatures(kpi, state)
            if any(Source._signature(source) != sign for source, sign in expected.items()):
                stale.append(kpi.id)
        return stale
