"""The floor: hand-written SQL computing the actual of every target of one KPI (and
company time zone) in one statement, without the ORM. Same definitions as the engine
(won = active and in a won stage; lost = archived with probability 0; local days in
the company's time zone; amounts converted with the target company's rates at the
record's day). Written for the benchmark workloads, whose targets are months,
quarters and years, and whose opportunities all have a company: facts are summed per
owner and local month, then each target adds up its months. (The engine handles any
period, custom ranges and weeks included, and opportunities without a company.)

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
     WHERE st.kpi_id = %(kpi)s AND st.state != 'closed' AND st.company_id = ANY(%(companies)s)
),
pairs AS (SELECT DISTINCT currency_id AS cur, root FROM t),
rates AS (  -- the rate of each currency, for each target company root, on each day
    SELECT days.d, cu.cur, p.root, COALESCE(
        (SELECT r.rate FROM res_currency_rate r WHERE r.currency_id = cu.cur AND r.company_id = p.root AND r.name <= days.d ORDER BY r.name DESC LIMIT 1),
        (SELECT r.rate FROM res_currency_rate r WHERE r.currency_id = cu.cur AND r.company_id IS NULL AND r.name <= days.d ORDER BY r.name DESC LIMIT 1),
        (SELECT r.rate FROM res_currency_rate r WHERE r.currency_id = cu.cur AND r.company_id = p.root ORDER BY r.name LIMIT 1),
        (SELECT r.rate FROM res_currency_rate r WHERE r.currency_id = cu.cur AND r.company_id IS NULL ORDER BY r.name LIMIT 1),
        1.0) AS rate
      FROM generate_series(%(first)s::date, %(last)s::date, '1 day') AS days(d)
CROSS JOIN (SELECT cur FROM pairs UNION SELECT currency_id FROM res_company) cu
CROSS JOIN (SELECT DISTINCT root FROM pairs) p
     WHERE %(money)s
),
f AS ({facts}),
fd AS (  -- facts on local days, amounts converted into each target currency
    SELECT f.team_id, f.user_id, f.company_id, p.cur, p.root,
           date_trunc('month', x.d)::date AS m,
           CASE WHEN %(money0)s AND sc.currency_id <> p.cur THEN f.c0 * rt.rate / rs.rate ELSE f.c0 END AS c0,
           CASE WHEN %(money1)s AND sc.currency_id <> p.cur THEN f.c1 * rt.rate / rs.rate ELSE f.c1 END AS c1
      FROM f
CROSS JOIN LATERAL (SELECT (timezone(%(tz)s, timezone('UTC', f.ts)))::date AS d) x
CROSS JOIN pairs p
 LEFT JOIN res_company sc ON sc.id = f.company_id
 LEFT JOIN rates rt ON %(money)s AND rt.d = x.d AND rt.cur = p.cur AND rt.root = p.root
 LEFT JOIN rates rs ON %(money)s AND rs.d = x.d AND rs.cur = sc.currency_id AND rs.root = p.root
),
monthly AS (  -- per month (the targets of the workload are months, quarters and years)
    SELECT GROUPING(team_id) AS no_team, GROUPING(user_id) AS no_user, team_id, user_id,
           company_id, cur, root, m, SUM(c0) AS c0, SUM(c1) AS c1
      FROM fd
  GROUP BY cur, root, m, GROUPING SETS ((team_id, company_id), (user_id, company_id), (company_id))
),
owned AS (
    SELECT t.id AS target_id, mo.c0, mo.c1
      FROM t JOIN monthly mo ON t.owner_type = 'team' AND mo.no_team = 0 AND mo.team_id = t.team_id
       AND mo.cur = t.currency_id AND mo.root = t.root AND mo.m BETWEEN t.date_from AND t.date_to
    UNION ALL
    SELECT t.id, mo.c0, mo.c1
      FROM t JOIN monthly mo ON t.owner_type = 'user' AND mo.no_team = 1 AND mo.no_user = 0
       AND mo.user_id = t.user_id AND mo.company_id = t.company_id
       AND mo.cur = t.currency_id AND mo.root = t.root AND mo.m BETWEEN t.date_from AND t.date_to
    UNION ALL
    SELECT t.id, mo.c0, mo.c1
      FROM t JOIN monthly mo ON t.owner_type = 'company' AND mo.no_team = 1 AND mo.no_user = 1
       AND mo.company_id = t.company_id
       AND mo.cur = t.currency_id AND mo.root = t.root AND mo.m BETWEEN t.date_from AND t.date_to
),
summed AS (SELECT target_id, SUM(c0) AS c0, SUM(c1) AS c1 FROM owned GROUP BY target_id)
SELECT t.id, COALESCE({combine}, 0)
  FROM t LEFT JOIN (SELECT target_id, COALESCE(c0, 0) AS c0, COALESCE(c1, 0) AS c1 FROM summed) x
    ON x.target_id = t.id
"""


def floor_query(metric, kpi_id, tz, companies, start, stop, first, last, activity_types=()):
    """(sql, params) computing {target id: actual} for the targets of ``kpi_id`` of
    ``companies`` (whose time zone is ``tz``); facts are read between ``start`` and
    ``stop`` (UTC)."""
    facts, money = FACTS[metric]
    sql = TEMPLATE.format(facts=facts, combine=COMBINE[metric])
    params = {
        "kpi": kpi_id,
        "tz": tz,
        "companies": list(companies),
        "start": start,
        "stop": stop,
        "first": first,
        "last": last,
        "money": bool(money),
        "money0": 0 in money,
        "money1": 1 in money,
        "activity_types": list(activity_types),
    }
    return sql, params
