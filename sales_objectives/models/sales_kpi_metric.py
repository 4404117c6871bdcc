"""The metric registry's query builders: for each base metric, one batched query over
the CRM's own records (a MetricQuery), whatever the targets being refreshed.

A metric is its definition (``sales.kpi._metric_definitions``) plus one method
``_query_<metric>(kpi, start, stop)`` here; another add-on adds a metric by extending
both (``_inherit``), without touching the engine.
"""

from collections import namedtuple

from odoo import api, models
from odoo.osv import expression
from odoo.tools import SQL

# A measurable query: an Odoo Query (FROM/WHERE) plus the SQL expressions of the
# owner columns, of the moment that dates a record (a UTC datetime, or a date when
# ``is_date``), and of the components summed per bucket.
#
# For the incremental refresh: ``kind`` is the kind of record counted (lead, message,
# objective, event: sales.kpi.change), ``moment_index`` which of its logged moments
# dates it (1-4), ``key`` the indexed column of the base table that names its
# salesperson, and ``key_kind`` whether that column holds a user or its partner.
# ``distinct``: for a metric of distinct customers, the SQL expression naming the
# customer (res.partner) of a record; the engine then counts customers, not sums.
MetricQuery = namedtuple(
    "MetricQuery",
    "model query team user company moment is_date components kind moment_index key key_kind"
    " distinct",
    defaults=("lead", 3, None, "user", None),
)
# which logged moment of a lead dates it, by the field that dates it
LEAD_MOMENTS = {"create_date": 1, "date_conversion": 2, "date_closed": 3, "date_deadline": 4}


class SalesKpiEngine(models.AbstractModel):
    _inherit = "sales.kpi.engine"

    # ------------------------------------------------------------------
    # Metric queries
    # ------------------------------------------------------------------

    def _metric_query(self, kpi, start, stop):
        """The MetricQuery of ``kpi`` for records dated in [start, stop) (UTC; a date
        metric may read a few more days: only the targets' days are summed)."""
        method = getattr(self, f"_query_{kpi.metric}", None)
        if method is None:
            raise ValueError(f"no measure for metric {kpi.metric!r}")
        return method(kpi, start, stop)

    def _leads(self):
        return self.env["crm.lead"].sudo().with_context(active_test=False)

    def _lead_query(self, kpi, domain, date_fname, components, is_date=False):
        """MetricQuery over crm.lead; ``components`` is a function of a column getter."""
        leads = self._leads()
        if kpi:
            domain = expression.AND([kpi._get_filter_domain(), domain])
        query = leads._search(domain)

        def col(fname):
            return leads._field_to_sql(query.table, fname, query)

        return MetricQuery(
            "crm.lead",
            query,
            col("team_id"),
            col("user_id"),
            self._lead_company(query, query.table),
            col(date_fname) if date_fname else None,
            is_date,
            components(col, query),
            "lead",
            LEAD_MOMENTS.get(date_fname, 2),
            col("user_id"),
            "user",
        )

    @api.model
    def _lead_company(self, query, lead):
        """SQL: the company the lead ``lead`` (an alias of ``query``) counts in: its own,
        else its sales team's, else its salesperson's, so that a lead without a company
        counts once, and is converted from that company's currency. The teams' and
        users' companies travel as constant arrays indexed by id (no join, no subquery:
        the planner keeps its estimates and its parallel hash aggregation)."""
        teams, users = self._owner_companies()
        return SQL(
            "COALESCE(%s, (%s::int4[])[%s], (%s::int4[])[%s])",
            SQL.identifier(lead, "company_id"),
            teams,
            SQL.identifier(lead, "team_id"),
            users,
            SQL.identifier(lead, "user_id"),
        )

    @api.model
    def _owner_companies(self):
        """(teams, users): text array literals of the company of each sales team and
        user, indexed by id; read once per refresh (the engine passes them on)."""
        maps = self.env.context.get("sales_objectives_owner_companies")
        if maps:
            return maps
        return self._owner_maps()[:2]

    @api.model
    def _owner_maps(self):
        """(teams, users, commit probabilities): array literals of the company of each
        sales team and user, and of each company's commit probability, indexed by id;
        one query."""
        self.env.cr.execute(
            "SELECT 'team', id, company_id::float8 FROM crm_team"
            " UNION ALL SELECT 'user', id, company_id FROM res_users"
            " UNION ALL SELECT 'commit', id, sales_forecast_commit_probability FROM res_company"
        )
        values = {"team": {}, "user": {}, "commit": {}}
        for kind, record_id, value in self.env.cr.fetchall():
            values[kind][record_id] = value

        def literal(by_id, text):
            size = max(by_id, default=0)
            items = ",".join(
                text(by_id[i]) if by_id.get(i) is not None else "NULL" for i in range(1, size + 1)
            )
            return f"{{{items}}}"

        return (
            literal(values["team"], lambda v: str(int(v))),
            literal(values["user"], lambda v: str(int(v))),
            literal(values["commit"], repr),
        )

    @api.model
    def _local_day(self, tz, column):
        return SQL("(timezone(%s, timezone('UTC', %s)))::date", tz, column)

    @api.model
    def _won_domain(self, start, stop):
        return [
            ("active", "=", True),
            ("stage_id.is_won", "=", True),
            ("date_closed", ">=", start),
            ("date_closed", "<", stop),
        ]

    @api.model
    def _closed_domain(self, start, stop):
        """Won or lost (archived with probability 0), closed in [start, stop)."""
        return [
            ("date_closed", ">=", start),
            ("date_closed", "<", stop),
            "|",
            "&",
            ("active", "=", True),
            ("stage_id.is_won", "=", True),
            "&",
            ("active", "=", False),
            ("probability", "=", 0),
        ]

    def _query_won_revenue(self, kpi, start, stop):
        return self._lead_query(
            kpi,
            self._won_domain(start, stop),
            "date_closed",
            lambda col, q: [col("expected_revenue")],
        )

    def _query_won_count(self, kpi, start, stop):
        return self._lead_query(
            kpi, self._won_domain(start, stop), "date_closed", lambda col, q: [SQL("1")]
        )

    def _query_avg_deal_size(self, kpi, start, stop):
        return self._lead_query(
            kpi,
            self._won_domain(start, stop),
            "date_closed",
            lambda col, q: [col("expected_revenue"), SQL("1")],
        )

    def _query_cycle_days(self, kpi, start, stop):
        return self._lead_query(
            kpi,
            self._won_domain(start, stop),
            "date_closed",
            lambda col, q: [col("day_close"), SQL("1")],
        )

    def _query_win_rate(self, kpi, start, stop):
        return self._lead_query(
            kpi,
            self._closed_domain(start, stop),
            "date_closed",
            lambda col, q: [
                SQL("CASE WHEN %s THEN 1 ELSE 0 END", col("active")),
                SQL("CASE WHEN %s THEN 0 ELSE 1 END", col("active")),
            ],
        )

    def _query_new_leads(self, kpi, start, stop):
        domain = [("create_date", ">=", start), ("create_date", "<", stop)]
        return self._lead_query(kpi, domain, "create_date", lambda col, q: [SQL("1")])

    def _opportunity_query(self, kpi, start, stop, components):
        """Opportunities by the date they became one (conversion, else creation)."""
        mq = self._lead_query(kpi, [("type", "=", "opportunity")], None, components)
        leads = self._leads()
        date = SQL(
            "COALESCE(%s, %s)",
            leads._field_to_sql(mq.query.table, "date_conversion", mq.query),
            leads._field_to_sql(mq.query.table, "create_date", mq.query),
        )
        mq.query.add_where(SQL("%s >= %s AND %s < %s", date, start, date, stop))
        return mq._replace(moment=date)

    def _query_new_opportunities(self, kpi, start, stop):
        return self._opportunity_query(kpi, start, stop, lambda col, q: [SQL("1")])

    def _query_pipeline_created(self, kpi, start, stop):
        return self._opportunity_query(kpi, start, stop, lambda col, q: [col("expected_revenue")])

    @api.model
    def _earlier_win(self, query, col):
        """SQL: the customer (commercial entity) of the lead had won an earlier deal
        in the same company."""
        query.add_join(
            "LEFT JOIN",
            "so_partner",
            "res_partner",
            SQL("%s = %s", SQL.identifier("so_partner", "id"), col("partner_id")),
        )
        return SQL(
            """EXISTS (
                SELECT 1 FROM crm_lead so_prev
                  JOIN crm_stage so_prev_stage
                    ON so_prev_stage.id = so_prev.stage_id AND so_prev_stage.is_won
                  JOIN res_partner so_prev_partner ON so_prev_partner.id = so_prev.partner_id
                 WHERE so_prev.active
                   AND so_prev_partner.commercial_partner_id = so_partner.commercial_partner_id
                   AND so_prev.company_id IS NOT DISTINCT FROM %s
                   AND (so_prev.date_closed, so_prev.id) < (%s, %s))""",
            col("company_id"),
            col("date_closed"),
            col("id"),
        )

    def _query_new_customers(self, kpi, start, stop):
        def components(col, query):
            query.add_where(SQL("NOT %s", self._earlier_win(query, col)))
            return [SQL("1")]

        domain = self._won_domain(start, stop) + [("partner_id", "!=", False)]
        return self._lead_query(kpi, domain, "date_closed", components)

    def _query_repeat_revenue_share(self, kpi, start, stop):
        def components(col, query):
            earlier = self._earlier_win(query, col)
            revenue = col("expected_revenue")
            return [SQL("CASE WHEN %s THEN %s ELSE 0 END", earlier, revenue), revenue]

        return self._lead_query(kpi, self._won_domain(start, stop), "date_closed", components)

    def _query_activities_done(self, kpi, start, stop):
        return self._activity_query(kpi, start, stop, kpi.activity_type_ids)

    def _activity_query(self, kpi, start, stop, activity_types):
        """Activities marked done on leads and opportunities (never on other models): the
        messages Odoo keeps for them, credited to their author, in the lead's team and
        company. The KPI's filter on the lead narrows them."""
        messages = self.env["mail.message"].sudo()
        domain = [("model", "=", "crm.lead"), ("date", ">=", start), ("date", "<", stop)]
        if activity_types:
            domain.append(("mail_activity_type_id", "in", activity_types.ids))
        else:
            domain.append(("mail_activity_type_id", "!=", False))
        query = messages._search(domain)
        res_id = messages._field_to_sql(query.table, "res_id", query)
        query.add_join(
            "JOIN", "so_lead", "crm_lead", SQL("%s = %s", SQL.identifier("so_lead", "id"), res_id)
        )
        lead_filter = kpi._get_filter_domain()
        if lead_filter:
            query.add_where(
                SQL(
                    "%s IN %s",
                    SQL.identifier("so_lead", "id"),
                    self._leads()._search(lead_filter).subselect(),
                )
            )
        query.add_join(
            "LEFT JOIN",
            "so_author",
            SQL("(SELECT partner_id, MIN(id) AS user_id FROM res_users GROUP BY partner_id)"),
            SQL(
                "%s = %s",
                SQL.identifier("so_author", "partner_id"),
                messages._field_to_sql(query.table, "author_id", query),
            ),
        )
        return MetricQuery(
            "mail.message",
            query,
            SQL.identifier("so_lead", "team_id"),
            SQL.identifier("so_author", "user_id"),
            self._lead_company(query, "so_lead"),
            messages._field_to_sql(query.table, "date", query),
            False,
            [SQL("1")],
            "message",
            1,
            messages._field_to_sql(query.table, "author_id", query),
            "partner",
        )

    def _query_objective_achievement_rate(self, kpi, start, stop):
        """Sales objectives achieved / closed (achieved, partly, missed), by the moment
        their outcome was recorded, credited to the objective's owner, team and company."""
        objectives = self.env["sales.objective"].sudo()
        query = objectives._search(
            [
                ("objective_type", "=", "sales"),
                ("state", "in", ("achieved", "partly", "missed")),
                ("date_closed", ">=", start),
                ("date_closed", "<", stop),
            ]
        )

        def col(fname):
            return objectives._field_to_sql(query.table, fname, query)

        lead_filter = kpi._get_filter_domain()
        if lead_filter:
            query.add_where(
                SQL("%s IN %s", col("lead_id"), self._leads()._search(lead_filter).subselect())
            )
        return MetricQuery(
            "sales.objective",
            query,
            col("team_id"),
            col("user_id"),
            col("company_id"),
            col("date_closed"),
            False,
            [SQL("CASE WHEN %s = 'achieved' THEN 1 ELSE 0 END", col("state")), SQL("1")],
            "objective",
            1,
            col("user_id"),
            "user",
        )

    def _query_smart_coverage(self, kpi, start, stop):
        """Done calls and meetings on leads and opportunities (the KPI's activity types,
        if any) that pursued a sales objective meeting the specific, measurable and
        time-bound rules."""
        types = kpi.activity_type_ids or self.env["mail.activity.type"].sudo().search(
            [("category", "in", ("phonecall", "meeting"))]
        )
        mq = self._activity_query(kpi, start, stop, types)
        message_id = SQL.identifier(mq.query.table, "id")
        smart = SQL(
            "CASE WHEN EXISTS (SELECT 1 FROM sales_objective so_obj"
            " WHERE so_obj.done_message_id = %s AND so_obj.is_smart"
            " AND so_obj.objective_type = 'sales') THEN 1 ELSE 0 END",
            message_id,
        )
        return mq._replace(components=[smart, SQL("1")])

    def _pipeline_query(self, kpi, first, last):
        """Open opportunities expected to close between ``first`` and ``last``."""
        domain = [
            ("active", "=", True),
            ("type", "=", "opportunity"),
            "|",
            ("stage_id", "=", False),
            ("stage_id.is_won", "=", False),
            ("date_deadline", ">=", first),
            ("date_deadline", "<=", last),
        ]

        def components(col, query):
            amount, probability = col("expected_revenue"), col("probability")
            committed = SQL(
                "%s >= COALESCE((%s::float8[])[%s], 100)",
                probability,
                self._commit_thresholds(),
                self._lead_company(query, query.table),
            )
            return [
                amount,
                SQL("%s * %s / 100.0", amount, probability),
                SQL("1"),
                SQL("%s / 100.0", probability),
                # the committed opportunities (forecast): in full, and weighted
                SQL("CASE WHEN %s THEN %s ELSE 0 END", committed, amount),
                SQL("CASE WHEN %s THEN %s * %s / 100.0 ELSE 0 END", committed, amount, probability),
                SQL("CASE WHEN %s THEN 1 ELSE 0 END", committed),
                SQL("CASE WHEN %s THEN %s / 100.0 ELSE 0 END", committed, probability),
            ]

        return self._lead_query(kpi, domain, "date_deadline", components, is_date=True)

    @api.model
    def _commit_thresholds(self):
        """A float8 array literal of each company's commit probability, indexed by id;
        read once per refresh (the engine passes it on)."""
        literal = self.env.context.get("sales_objectives_commit_thresholds")
        if literal:
            return literal
        return self._owner_maps()[2]

    def _closed_query(self, start, stop):
        return self._lead_query(
            None,
            self._closed_domain(start, stop),
            "date_closed",
            lambda col, q: [
                SQL("CASE WHEN %s THEN %s ELSE 0 END", col("active"), col("expected_revenue")),
                SQL("CASE WHEN %s THEN 1 ELSE 0 END", col("active")),
                SQL("CASE WHEN %s THEN 0 ELSE 1 END", col("active")),
            ],
        )

    def _meeting_query(self, start, stop):
        """Meetings held (calendar events linked to an opportunity)."""
        events = self.env["calendar.event"].sudo()
        query = events._search(
            [("opportunity_id", "!=", False), ("start", ">=", start), ("start", "<", stop)]
        )
        query.add_join(
            "JOIN",
            "so_lead",
            "crm_lead",
            SQL(
                "%s = %s",
                SQL.identifier("so_lead", "id"),
                events._field_to_sql(query.table, "opportunity_id", query),
            ),
        )
        return MetricQuery(
            "calendar.event",
            query,
            SQL.identifier("so_lead", "team_id"),
            events._field_to_sql(query.table, "user_id", query),
            self._lead_company(query, "so_lead"),
            events._field_to_sql(query.table, "start", query),
            False,
            [SQL("1")],
            "event",
            1,
            events._field_to_sql(query.table, "user_id", query),
            "user",
        )
