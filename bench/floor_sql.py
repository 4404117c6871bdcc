"""The floor: hand-written SQL computing the actual of every target of one KPI in one
statement, without the ORM. Same definitions as the engine (won = active and in a won
stage; lost = archived with probability 0; local days in the company's time zone;
amounts converted with the target company's rates at the record's day), written the
way one would by hand: facts bucketed by owner and local day, converted with a daily
rate table, joined to the targets on owner and date range.

It covers the metrics of the benchmark workloads.
"""

FACTS = {
    # metric: (SQL selecting team_id, user_id, company_id, ts, c0, c1 ; money components)
    "won_revenue": (
        """SELECT l.team_id, l.user_id, l.company_id, l.date_closed AS ts,
                  l.expected_revenue AS c0, 0 AS c1
             FROM crm_lead l JOIN crm_stage s ON s.id = l.stage_id AND s.is_won
            WHERE l.active AND l.date_closed >= %(start)s AND l.date_closed < %(stop)s""",
        (0,),
    ),
    "won_count": (
        """SELECT l.team_id, l.user_id, l.company_id, l.date_closed AS ts, 1 AS c0, 0 AS c1
             FROM crm_lead l JOIN crm_stage s ON s.id = l.stage_id AND s.is_won
            WHERE l.active AND l.date_closed >= %(start)s AND l.date_closed < %(stop)s""",
        (),
    ),
    "avg_deal_size": (
        """SELECT l.team_id, l.user_id, l.company_id, l.date_closed AS ts,
                  l.expected_revenue AS c0, 1 AS c1
             FROM crm_lead l JOIN crm_stage s ON s.id = l.stage_id AND s.is_won
            WHERE l.active AND l.date_closed >= %(start)s AND l.date_closed < %(stop)s""",
        (0,),
    ),
    "cycle_days": (
        """SELECT l.team_id, l.user_id, l.company_id, l.date_closed AS ts,
                  l.day_close AS c0, 1 AS c1
             FROM crm_lead l JOIN crm_stage s ON s.id = l.stage_id AND s.is_won
            WHERE l.active AND l.date_closed >= %(start)s AND l.date_closed < %(stop)s""",
        (),
    ),
    "win_rate": (
        """SELECT l.team_id, l.user_id, l.company_id, l.date_closed AS ts,
                  CASE WHEN l.active THEN 1 ELSE 0 END AS c0,
                  CASE WHEN l.active THEN 0 ELSE 1 END AS c1
             FROM crm_lead l LEFT JOIN crm_stage s ON s.id = l.stage_id
            WHERE l.date_closed >= %(start)s AND l.date_closed < %(stop)s
              AND ((l.active AND s.is_won) OR (NOT l.active AND l.probability = 0))""",
        (),
    ),
    "new_opportunities": (
        """SELECT l.team_id, l.user_id, l.company_id,
                  COALESCE(l.date_conversion, l.create_date) AS ts, 1 AS c0, 0 AS c1
             FROM crm_lead l
            WHERE l.type = 'opportunity'
              AND COALESCE(l.date_conversion, l.create_date) >= %(start)s
              AND COALESCE(l.date_conversion, l.create_date) < %(stop)s""",
        (),
    ),
    "activities_done": (
        """SELECT l.team_id, u.user_id, l.company_id, m.date AS ts, 1 AS c0, 0 AS c1
             FROM mail_message m
             JOIN crm_lead l ON l.id = m.res_id
        LEFT JOIN (SELECT partner_id, MIN(id) AS user_id FROM res_users GROUP BY partner_id) u
               ON u.partner_id = m.author_id
            WHERE m.model = 'crm.lead' AND m.mail_activity_type_id = ANY(%(activity_types)s)
              AND m.date >= %(start)s AND m.date < %(stop)s""",
        (),
    ),
    "new_customers": (
        """SELECT l.team_id, l.user_id, l.company_id, l.date_closed AS ts, 1 AS c0, 0 AS c1
             FROM crm_lead l
             JOIN crm_stage s ON s.id = l.stage_id AND s.is_won
             JOIN res_partner p ON p.id = l.partner_id
            WHERE l.active AND l.date_closed >= %(start)s AND l.date_closed < %(stop)s
              AND NOT EXISTS (
                    SELECT 1 FROM crm_lead e
                      JOIN crm_stage es ON es.id = e.stage_id AND es.is_won
                      JOIN res_partner ep ON ep.id = e.partner_id
                     WHERE e.active AND ep.commercial_partner_id = p.commercial_partner_id
                       AND e.company_id IS NOT DISTINCT FROM l.company_id
                       AND (e.date_closed, e.id) < (l.date_closed, l.id))""",
        (),
    ),
}

COMBINE = {
    "won_revenue": "c0",
    "won_count": "c0",
    "new_opportunities": "c0",
    "activities_done": "c0",
    "new_customers": "c0",
    "avg_deal_size": "CASE WHEN c1 <> 0 THEN c0 / c1 ELSE 0 END",
    "cycle_days": "CASE WHEN c1 <> 0 THEN c0 / c1 ELSE 0 END",
    "win_rate": "CASE WHEN c0 + c1 <> 0 THEN 100.0 * c0 / (c0 + c1) ELSE 0 END",
}

TEMPLATE = """
WITH t AS (
    SELECT st.id, st.owner_type, st.team_id, st.user_id, st.company_id, st.currency_id,
           st.date_from, st.date_to, split_part(c.parent_path, '/', 1)::int AS root
      FROM sales_target st JOIN res_company c ON c.id = st.company_id
     WHERE st.kpi_id = %(kpi)s AND st.state != 'closed'
       AND c.resource_calendar_id IN (SELECT id FROM resource_calendar WHERE COALESCE(tz, 'UTC') = %(tz)s)
),
f AS ({facts}),
fd AS (
    SELECT team_id, user_id, company_id, (timezone(%(tz)s, timezone('UTC', ts)))::date AS d, c0, c1
      FROM f
),
b AS (  -- g = 1: per team, 2: per salesperson, 3: per company (and source company, day)
    SELECT GROUPING(team_id, user_id) AS g, team_id, user_id, company_id, d,
           SUM(c0) AS c0, SUM(c1) AS c1
      FROM fd
  GROUP BY GROUPING SETS ((team_id, company_id, d), (user_id, company_id, d), (company_id, d))
),
pairs AS (SELECT DISTINCT currency_id, root FROM t),
currencies AS (SELECT currency_id AS cur FROM pairs UNION SELECT currency_id FROM res_company),
days AS (SELECT generate_series(%(first)s::date, %(last)s::date, '1 day')::date AS d),
rates AS (  -- the rate of each currency, for each target company root, on each day
    SELECT days.d, cu.cur, p.root, COALESCE(
        (SELECT r.rate FROM res_currency_rate r WHERE r.currency_id = cu.cur AND r.company_id = p.root AND r.name <= days.d ORDER BY r.name DESC LIMIT 1),
        (SELECT r.rate FROM res_currency_rate r WHERE r.currency_id = cu.cur AND r.company_id IS NULL AND r.name <= days.d ORDER BY r.name DESC LIMIT 1),
        (SELECT r.rate FROM res_currency_rate r WHERE r.currency_id = cu.cur AND r.company_id = p.root ORDER BY r.name LIMIT 1),
        (SELECT r.rate FROM res_currency_rate r WHERE r.currency_id = cu.cur AND r.company_id IS NULL ORDER BY r.name LIMIT 1),
        1.0) AS rate
      FROM days CROSS JOIN currencies cu CROSS JOIN (SELECT DISTINCT root FROM pairs) p
),
owned AS (
    SELECT t.id AS target_id, b.d, b.c0, b.c1, b.company_id AS source_company, t.currency_id, t.root
      FROM t JOIN b ON t.owner_type = 'team' AND b.g = 1 AND b.team_id = t.team_id
     WHERE b.d BETWEEN t.date_from AND t.date_to
    UNION ALL
    SELECT t.id, b.d, b.c0, b.c1, b.company_id, t.currency_id, t.root
      FROM t JOIN b ON t.owner_type = 'user' AND b.g = 2 AND b.user_id = t.user_id
     WHERE b.d BETWEEN t.date_from AND t.date_to
       AND (b.company_id = t.company_id OR b.company_id IS NULL)
    UNION ALL
    SELECT t.id, b.d, b.c0, b.c1, b.company_id, t.currency_id, t.root
      FROM t JOIN b ON t.owner_type = 'company' AND b.g = 3 AND b.company_id = t.company_id
     WHERE b.d BETWEEN t.date_from AND t.date_to
),
converted AS (
    SELECT o.target_id,
           SUM(CASE WHEN %(money0)s AND sc.currency_id IS NOT NULL AND sc.currency_id <> o.currency_id
                    THEN o.c0 * rt.rate / rs.rate ELSE o.c0 END) AS c0,
           SUM(CASE WHEN %(money1)s AND sc.currency_id IS NOT NULL AND sc.currency_id <> o.currency_id
                    THEN o.c1 * rt.rate / rs.rate ELSE o.c1 END) AS c1
      FROM owned o
 LEFT JOIN res_company sc ON sc.id = o.source_company
 LEFT JOIN rates rt ON rt.d = o.d AND rt.cur = o.currency_id AND rt.root = o.root
 LEFT JOIN rates rs ON rs.d = o.d AND rs.cur = sc.currency_id AND rs.root = o.root
  GROUP BY o.target_id
)
SELECT t.id, COALESCE({combine}, 0)
  FROM t LEFT JOIN (SELECT target_id, COALESCE(c0, 0) AS c0, COALESCE(c1, 0) AS c1 FROM converted) x
    ON x.target_id = t.id
"""


def floor_query(metric, kpi_id, tz, start, stop, first, last, activity_types=()):
    """(sql, params) computing {target id: actual} for the targets of ``kpi_id`` whose
    company uses time zone ``tz``; facts are read between ``start`` and ``stop`` (UTC)."""
    facts, money = FACTS[metric]
    sql = TEMPLATE.format(facts=facts, combine=COMBINE[metric])
    params = {
        "kpi": kpi_id,
        "tz": tz,
        "start": start,
        "stop": stop,
        "first": first,
        "last": last,
        "money0": 0 in money,
        "money1": 1 in money,
        "activity_types": list(activity_types),
    }
    return sql, params
