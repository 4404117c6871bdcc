"""What changed since the last scheduled refresh, so that the next pass re-measures
only the owners and buckets concerned (models/sales_kpi_refresh.py).

A change row names a record that was created, changed or deleted through Odoo (a lead
or opportunity, a done activity, an objective, a meeting) and, when the change may
move it to other owners or other dates, its state *before* the change: the owners it
counted for (sales team, salesperson, company), its commercial customer and the moments
that date it. The state after the change is read from the record itself by the next
pass. No business figure is copied. A change made in SQL behind Odoo's back is not
seen: the daily full pass repairs it.
"""

from datetime import datetime, time

from odoo import api, fields, models
from odoo.tools import SQL, create_index

# the changes of a transaction, written once when it commits (or when a refresh pass
# of the same transaction reads the log)
BUFFER = "sales_objectives.changes"
COLUMNS = (
    "kind",
    "record_id",
    "team_id",
    "user_id",
    "company_id",
    "partner_id",
    "moment_1",
    "moment_2",
    "moment_3",
    "moment_4",
    "touched",
)
ARRAY_TYPES = ("text", "int4", "int4", "int4", "int4", "int4") + ("timestamp",) * 4 + ("bool",)

KINDS = [
    ("lead", "Lead or opportunity"),
    ("message", "Done activity"),
    ("objective", "Objective"),
    ("event", "Meeting"),
]
# A lead's company when it has none: its sales team's, else its salesperson's.
LEAD_COMPANY = SQL(
    "COALESCE(l.company_id, (SELECT t.company_id FROM crm_team t WHERE t.id = l.team_id),"
    " (SELECT u.company_id FROM res_users u WHERE u.id = l.user_id))"
)

# A done activity's salesperson: the user of its author (the engine's activity query
# reads the same, sales_kpi_engine._activity_query).
MESSAGE_AUTHOR = SQL("(SELECT MIN(u.id) FROM res_users u WHERE u.partner_id = m.author_id)")


def _state_sql(kind, ids):
    """SELECT (record id, team, user, company, customer, moments 1-4) of ``ids``."""
    if kind == "lead":
        # a lead counts for its salesperson and team, and for the people and teams its
        # credit is split with (a row each)
        return SQL(
            """SELECT l.id, COALESCE(c.team_id, l.team_id), COALESCE(c.user_id, l.user_id), %s,
                      p.commercial_partner_id, l.create_date,
                      COALESCE(l.date_conversion, l.create_date), l.date_closed,
                      l.date_deadline::timestamp
                 FROM crm_lead l LEFT JOIN res_partner p ON p.id = l.partner_id
                 LEFT JOIN LATERAL (
                       SELECT NULL::int4 AS team_id, NULL::int4 AS user_id
                        UNION ALL
                       SELECT s.team_id, s.user_id FROM sales_credit_split s
                        WHERE s.lead_id = l.id
                 ) AS c ON TRUE
                WHERE l.id = ANY(%s)""",
            LEAD_COMPANY,
            ids,
        )
    if kind == "message":
        return SQL(
            """SELECT m.id, l.team_id, %s,
                      %s, NULL::int, m.date, NULL::timestamp, NULL::timestamp, NULL::timestamp
                 FROM mail_message m JOIN crm_lead l ON l.id = m.res_id
                WHERE m.id = ANY(%s) AND m.model = 'crm.lead'
                  AND m.mail_activity_type_id IS NOT NULL""",
            MESSAGE_AUTHOR,
            LEAD_COMPANY,
            ids,
        )
    if kind == "objective":
        return SQL(
            """SELECT o.id, o.team_id, o.user_id, o.company_id, NULL::int, o.date_closed,
                      NULL::timestamp, NULL::timestamp, NULL::timestamp
                 FROM sales_objective o WHERE o.id = ANY(%s)""",
            ids,
        )
    return SQL(
        """SELECT e.id, l.team_id, e.user_id, %s, NULL::int, e.start, NULL::timestamp,
                  NULL::timestamp, NULL::timestamp
             FROM calendar_event e JOIN crm_lead l ON l.id = e.opportunity_id
            WHERE e.id = ANY(%s)""",
        LEAD_COMPANY,
        ids,
    )


# The incremental pass re-measures a salesperson's records over a few buckets: these
# indexes on CRM's and Discuss's tables take it straight to them (the full pass reads
# whole tables and does not use them). They go when the add-on is uninstalled.
INDEXES = (
    ("sales_objectives_lead_user_closed_idx", "crm_lead", ["user_id", "date_closed"], ""),
    ("sales_objectives_lead_user_created_idx", "crm_lead", ["user_id", "create_date"], ""),
    (
        "sales_objectives_lead_user_opportunity_idx",
        "crm_lead",
        ["user_id", "(COALESCE(date_conversion, create_date))"],
        "",
    ),
    (
        "sales_objectives_lead_user_deadline_idx",
        "crm_lead",
        ["user_id", "date_deadline"],
        "",
    ),
    (
        # a customer's later wins (new customers, repeat revenue)
        "sales_objectives_lead_partner_closed_idx",
        "crm_lead",
        ["partner_id", "date_closed"],
        "active AND date_closed IS NOT NULL",
    ),
    (
        "sales_objectives_message_author_date_idx",
        "mail_message",
        ["author_id", "date"],
        "mail_activity_type_id IS NOT NULL",
    ),
)


class SalesKpiChange(models.Model):
    _name = "sales.kpi.change"
    _description = "Sales KPI change log"
    _log_access = False
    _order = "id"

    kind = fields.Selection(KINDS, required=True)
    record_id = fields.Integer(required=True)
    # the record changed in no field that places it (owners, customer, dates, stage)
    touched = fields.Boolean()
    # the state before the change (empty for a created record)
    team_id = fields.Integer()
    user_id = fields.Integer()
    company_id = fields.Integer()
    partner_id = fields.Integer("Customer")
    moment_1 = fields.Datetime()
    moment_2 = fields.Datetime()
    moment_3 = fields.Datetime()
    moment_4 = fields.Datetime()

    def init(self):
        """The indexes of the incremental pass (INDEXES)."""
        cr = self.env.cr
        for name, table, expressions, where in INDEXES:
            create_index(cr, name, table, expressions, where=where)

    @api.model
    def _buffer(self):
        """This transaction's pending change rows (and moved leads)."""
        data = self.env.cr.precommit.data
        pending = data.get(BUFFER)
        if pending is None:
            # rows: change rows; moved: leads moved to other owners; reached: {Watch:
            # ids} records changed in a field a KPI reads (sales_kpi_watch.py), whose
            # counted records are found when the buffer is written; created: {model:
            # ids} records created in this transaction
            pending = data[BUFFER] = {"rows": [], "moved": [], "reached": {}, "created": {}}
            self.env.cr.precommit.add(self.sudo()._flush_buffer)
        return pending

    @api.model
    def _flush_buffer(self):
        """Writes this transaction's change rows: one statement, and one for the done
        activities and meetings of the leads that moved to other owners (they counted in
        the lead's former team and company); and asks for a pass soon (one statement,
        ``sales.kpi.refresh.ask_for_pass``)."""
        pending = self.env.cr.precommit.data.pop(BUFFER, None)
        if not pending:
            return
        cr = self.env.cr
        logged = 0
        if pending["reached"]:
            self._log_reached(pending["reached"])
            logged += max(cr.rowcount, 0)
        rows = pending["rows"]
        if rows:
            columns = list(zip(*rows))
            self.env.cr.execute(
                SQL(
                    "INSERT INTO sales_kpi_change (%s) SELECT * FROM unnest(%s)",
                    SQL(", ").join(SQL.identifier(c) for c in COLUMNS),
                    SQL(", ").join(
                        SQL("%s::%s[]", list(values), SQL(kind))
                        for values, kind in zip(columns, ARRAY_TYPES)
                    ),
                )
            )
            logged += max(cr.rowcount, 0)
        if pending["moved"]:
            leads, teams, companies = (list(c) for c in zip(*pending["moved"]))
            self.env.cr.execute(
                SQL(
                    """INSERT INTO sales_kpi_change (kind, record_id, team_id, user_id,
                                                     company_id, moment_1)
                       SELECT 'message', m.id, d.team, %s, d.company, m.date
                         FROM mail_message m
                         JOIN unnest(%s::int4[], %s::int4[], %s::int4[]) AS d(lead, team, company)
                           ON m.res_id = d.lead
                        WHERE m.model = 'crm.lead' AND m.mail_activity_type_id IS NOT NULL
                    UNION ALL
                       SELECT 'event', e.id, d.team, e.user_id, d.company, e.start
                         FROM calendar_event e
                         JOIN unnest(%s::int4[], %s::int4[], %s::int4[]) AS d(lead, team, company)
                           ON e.opportunity_id = d.lead""",
                    MESSAGE_AUTHOR,
                    leads,
                    teams,
                    companies,
                    leads,
                    teams,
                    companies,
                )
            )
            logged += max(cr.rowcount, 0)
        if logged:
            self.env["sales.kpi.refresh"].ask_for_pass()

    @api.model
    def _log_reached(self, by_watch, flush=False):
        """Logs, in one statement, the counted records that reach the records changed
        in a field a KPI reads ({Watch: ids of the changed records}, see
        sales_kpi_watch.py): touched (their current state is read by the next pass)
        or, for a ``changed`` watch, as created (their customers' later records are
        measured again too). ``flush``: the ORM may hold changes not written yet."""
        query = SQL(
            "INSERT INTO sales_kpi_change (kind, record_id, touched) %s",
            SQL(" UNION ").join(self._reached_query(watch, ids) for watch, ids in by_watch.items()),
        )
        if flush:
            self.env.execute_query(query)
        else:
            self.env.cr.execute(query)

    @api.model
    def _log_reached_before(self, watch, ids):
        """Logs the state, as the database has it now, of the counted records that
        reach the records ``ids`` (changed in a field that places them: ``watch``)."""
        source = self._reached_sources(watch, ids)
        self.env.cr.execute(
            SQL(
                "INSERT INTO sales_kpi_change (kind, record_id, team_id, user_id, company_id,"
                " partner_id, moment_1, moment_2, moment_3, moment_4) %s",
                SQL(
                    "SELECT %s, s.* FROM (%s) AS s",
                    watch.kind,
                    self._state_query(watch.kind, SQL("ARRAY(%s)", source.select())),
                ),
            )
        )

    @api.model
    def _reached_sources(self, watch, ids):
        """Query: the records of ``watch.source`` whose ``watch.path`` reaches ``ids``."""
        source = self.env[watch.source].sudo().with_context(active_test=False)
        return source._search([(watch.path or "id", watch.operator, sorted(ids))])

    @api.model
    def _reached_query(self, watch, ids):
        """SQL: (kind, record id, touched) of the records of ``watch.kind`` reached
        from the changed records ``ids``."""
        if not watch.path and watch.operator == "in":
            sources = SQL("%s", tuple(sorted(ids)))
        else:
            sources = self._reached_sources(watch, ids).subselect()
        return self._counted_of(watch.kind, watch.source, sources, watch.mode == "touched")

    @api.model
    def _counted_of(self, kind, source, sources, touched):
        """SQL: (kind, record id, touched) of the records of ``kind`` counted for the
        records ``sources`` (SQL: ``IN`` them) of ``source``, the model the KPI's
        filter applies to: the leads themselves, or their done activities or
        objectives. An add-on logging another kind of record extends it."""
        if kind == "message":
            return SQL(
                """SELECT 'message', m.id, %s FROM mail_message m
                    WHERE m.model = %s AND m.res_id IN %s
                      AND m.mail_activity_type_id IS NOT NULL""",
                touched,
                source,
                sources,
            )
        if kind == "objective":
            return SQL(
                "SELECT 'objective', o.id, %s FROM sales_objective o WHERE o.lead_id IN %s",
                touched,
                sources,
            )
        return SQL(
            "SELECT %s, r.id, %s FROM %s r WHERE r.id IN %s",
            kind,
            touched,
            SQL.identifier(self.env[source]._table),
            sources,
        )

    @api.model
    def _log_created(self, kind, ids, touched=False):
        """Records created (or ``touched``: changed in no field that places them): the
        next pass reads their state."""
        self._buffer()["rows"].extend(
            (kind, record_id, None, None, None, None, None, None, None, None, touched)
            for record_id in ids
        )

    @api.model
    def _log_leads_before(self, leads, moving):
        """The state of ``leads`` before a change, from their fields (no query when
        they are loaded, as they are when being written); ``moving``: they may move to
        other owners, and their done activities and meetings with them."""
        pending = self._buffer()
        for lead in leads.sudo():
            company = lead.company_id or lead.team_id.company_id or lead.user_id.company_id
            deadline = lead.date_deadline and datetime.combine(lead.date_deadline, time.min)
            pending["rows"].append(
                (
                    "lead",
                    lead.id,
                    lead.team_id.id or None,
                    lead.user_id.id or None,
                    company.id or None,
                    lead.partner_id.commercial_partner_id.id or None,
                    lead.create_date or None,
                    lead.date_conversion or lead.create_date or None,
                    lead.date_closed or None,
                    deadline or None,
                    False,
                )
            )
            for line in lead.so_credit_split_ids:
                pending["rows"].append(
                    (
                        "lead",
                        lead.id,
                        line.team_id.id or None,
                        line.user_id.id,
                        *pending["rows"][-1][4:],
                    )
                )
            if moving:
                pending["moved"].append((lead.id, lead.team_id.id or None, company.id or None))

    @api.model
    def _log_before(self, kind, ids):
        """Records about to change or go: their state now, before the change."""
        if ids:
            self.env.cr.execute(
                SQL(
                    "INSERT INTO sales_kpi_change (kind, record_id, team_id, user_id,"
                    " company_id, partner_id, moment_1, moment_2, moment_3, moment_4) %s",
                    SQL("SELECT %s, s.* FROM (%s) AS s", kind, self._state_query(kind, list(ids))),
                )
            )

    @api.model
    def _current_states(self, kind, ids):
        """[(record id, team, user, company, customer, moments...)] of the records
        ``ids`` that still exist, as they are now."""
        if not ids:
            return []
        self.env.cr.execute(self._state_query(kind, list(ids)))
        return self.env.cr.fetchall()

    @api.model
    def _state_query(self, kind, ids):
        """SQL: SELECT (record id, team, user, company, customer, moments 1-4) of the
        records ``ids`` of ``kind``; an add-on logging another kind of record extends
        it (and the ``kind`` selection)."""
        return _state_sql(kind, ids)
