"""The floor: the simplest fast SQL a PostgreSQL engineer would write to compute and
store every figure the engine stores, for the benchmark workloads (W0, W1).

What the workloads allow it to assume (it checks them and stops otherwise): every
target is a whole month, quarter or year; every target is in its company's currency
and every opportunity has a company, so nothing is converted; KPI filters are empty.

- Per KPI one scan: each record is dated once, in its company's time zone, with
  ``width_bucket`` over the precomputed UTC starts of the local months; a plain
  ``GROUP BY`` owner x month (parallel partial aggregation); quarters and years are
  summed from the months in Python.
- The open pipeline: one scan for the two KPIs that project with it (same filter),
  by owner x month of the expected closing, the committed part (forecast) in the same
  scan.
- The 12-month history (won amount, won, lost; meetings): one scan each, one bucket
  per owner (the window of each company's time zone).
- The sales bridge (sales_objectives_sale, _margin): one scan of the confirmed orders
  (by order date, in the company's time zone) or of the posted invoices (by invoice
  date: months as dates; the paid ones for a KPI counting paid invoices) per KPI, the
  same way; the discount with each order's lines
  summed in one lateral pass; the repeat share in one scan and
  sort numbering each customer's orders (``row_number()``); for cross-sell, the first
  orders of each customer and of each customer and product category with
  ``DISTINCT ON``; the customers of each owner x month (one scan, grouped by customer
  too, shared by customers served, retention and churn), their union over a target's
  months in Python, retention and churn against the previous period's.
- The derived figures with the same pure function as the engine (engine/figures.py),
  and one UPDATE of the targets whose figures changed, each column sent as one text
  array literal.
"""

import bisect
from collections import defaultdict
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo.addons.sales_objectives.engine import figures
from odoo.addons.sales_objectives.engine.buckets import _utc, previous_period
from odoo.addons.sales_objectives.engine.figures import HISTORY_DAYS
from odoo.addons.sales_objectives.engine.state import STORED_FIGURES

WON = "FROM crm_lead l JOIN crm_stage s ON s.id = l.stage_id AND s.is_won WHERE l.active"

# Credit splits (sales.credit.split) of the opportunities. Once per run, their lines
# are read into two small temporary tables (LINES): the revenue lines, each with its
# share as a fraction (f, exact; ff, a float) and in hundredths of a percent (h, an
# integer: counts are summed exactly), and whether it is the deal's first line of its
# team and the deal's first line (one sort); the overlay lines, with whether their
# salesperson has revenue credit on the deal and whether the deal has revenue lines.
# The scans of the leads join the revenue lines (hashed once): a split deal gives one
# row per line, for the line's salesperson and team, with the line's share of every
# component; an unsplit one its own row in full. Three samples close each row (the
# records measured, per kind of owner): 1 for the salesperson; for the team, 1 on the
# deal's first line of each team; for the company, 1 on the deal's first line (a deal
# counts once for its team and its company, whatever its lines).
LINES = [
    "DROP TABLE IF EXISTS so_floor_revenue, so_floor_overlay",
    """CREATE TEMP TABLE so_floor_revenue ON COMMIT DROP AS
       SELECT lead_id, user_id, team_id, share / 100.0 AS f, share::float8 / 100.0 AS ff,
              round(share * 100)::int4 AS h,
              (row_number() OVER (PARTITION BY lead_id, team_id ORDER BY id) = 1)::int
                  AS team_once,
              (row_number() OVER (PARTITION BY lead_id ORDER BY team_id, id) = 1)::int
                  AS lead_once
         FROM sales_credit_split WHERE kind = 'revenue' AND lead_id IS NOT NULL""",
    """CREATE TEMP TABLE so_floor_overlay ON COMMIT DROP AS
       SELECT o.lead_id, o.user_id, o.share / 100.0 AS f, o.share::float8 / 100.0 AS ff,
              round(o.share * 100)::int4 AS h, r.lead_id IS NOT NULL AS credited,
              d.lead_id IS NOT NULL AS split
         FROM sales_credit_split o
    LEFT JOIN so_floor_revenue r ON r.lead_id = o.lead_id AND r.user_id = o.user_id
    LEFT JOIN so_floor_revenue d ON d.lead_id = o.lead_id AND d.lead_once = 1
        WHERE o.kind = 'overlay' AND o.lead_id IS NOT NULL""",
    "ANALYZE so_floor_revenue",
    "ANALYZE so_floor_overlay",
]
SPLIT_JOIN = " LEFT JOIN so_floor_revenue c ON c.lead_id = l.id"
# the count a row stands for (1, or the line's share), summed exactly
COUNT = "SUM(COALESCE(c.h, 10000)) / 10000.0"
SHARE = "COALESCE(c.ff, 1.0)"
CREDITED = (
    "CASE WHEN c.lead_id IS NULL THEN l.team_id ELSE c.team_id END, "
    "COALESCE(c.user_id, l.user_id), l.company_id"
)
SAMPLES = "COUNT(*), SUM(COALESCE(c.team_once, 1)), SUM(COALESCE(c.lead_once, 1))"
# Overlay lines, on the KPIs counting overlay credit: few rows, each joined to its lead
# by primary key and added in the same statement, for their salesperson only (team 0:
# never a team's or the company's); one record more for the salesperson unless they
# are credited with the deal already.
OVERLAY_CREDITED = "0, c.user_id, l.company_id"
OVERLAY_SAMPLES = (
    "SUM(CASE WHEN c.credited OR (NOT c.split AND l.user_id = c.user_id) THEN 0 ELSE 1 END), 0, 0"
)


def counted(condition, value="COALESCE(c.h, 10000)", other="0"):
    """The exact sum of the counts of the rows meeting ``condition``."""
    return f"SUM(CASE WHEN {condition} THEN {value} ELSE {other} END) / 10000.0"


def money(amount):
    """An amount's part credited by the row (unsplit rows: the amount itself)."""
    return f"CASE WHEN c.lead_id IS NULL THEN {amount} ELSE {amount} * c.f END"


def split_source(source):
    """``source`` (FROM crm_lead l ... WHERE ...) with the revenue lines joined."""
    return source.replace(" WHERE ", f"{SPLIT_JOIN} WHERE ", 1)


def overlay_source(source):
    """``source`` read from the overlay lines: one row per line, its lead ``l``."""
    return source.replace(
        "FROM crm_lead l", "FROM so_floor_overlay c JOIN crm_lead l ON l.id = c.lead_id", 1
    )


# metric -> (moment column, FROM/WHERE, components: their sums); rows are (team, user,
# company, moment, components..., samples of the salesperson, team, company)
FACTS = {
    "won_revenue": ("l.date_closed", WON, [f"SUM({money('l.expected_revenue')})"]),
    "won_count": ("l.date_closed", WON, [COUNT]),
    "avg_deal_size": ("l.date_closed", WON, [f"SUM({money('l.expected_revenue')})", COUNT]),
    "cycle_days": ("l.date_closed", WON, [f"SUM(l.day_close * {SHARE})", COUNT]),
    "win_rate": (
        "l.date_closed",
        "FROM crm_lead l LEFT JOIN crm_stage s ON s.id = l.stage_id"
        " WHERE ((l.active AND s.is_won) OR (NOT l.active AND l.probability = 0))",
        [counted("l.active"), counted("NOT l.active")],
    ),
    "new_opportunities": (
        "COALESCE(l.date_conversion, l.create_date)",
        "FROM crm_lead l WHERE l.type = 'opportunity'",
        [COUNT],
    ),
    "new_customers": (
        "l.date_closed",
        WON.replace("WHERE", "JOIN res_partner p ON p.id = l.partner_id WHERE")
        + """ AND NOT EXISTS (
                SELECT 1 FROM crm_lead e
                  JOIN crm_stage es ON es.id = e.stage_id AND es.is_won
                  JOIN res_partner ep ON ep.id = e.partner_id
                 WHERE e.active AND ep.commercial_partner_id = p.commercial_partner_id
                   AND e.company_id = l.company_id
                   AND (e.date_closed, e.id) < (l.date_closed, l.id))""",
        [COUNT],
    ),
}
# FOLLOW-UP (credit splits of orders and invoices): the sales bridge's metrics below
# credit each order and invoice in full to its salesperson; when the bridge splits
# them (sales_credit_split.order_id / move_id), these scans must join their lines as
# the CRM's do above. Until then, load() refuses a database holding such lines.
# the sales bridge: orders (o) by order date, invoices (m) by invoice date
RATE = "COALESCE(NULLIF(o.currency_rate, 0), 1.0)"
AMOUNT = f"o.amount_untaxed / {RATE}"
MARGIN = f"o.margin / {RATE}"
ORDERS = "FROM sale_order o WHERE o.state = 'sale'"
ORDER_OWNERS = ("o.team_id", "o.user_id", "o.company_id")
# each customer's first confirmed order in each company
FIRST_ORDERS = """(SELECT DISTINCT ON (p.commercial_partner_id, f.company_id) f.id
                     FROM sale_order f JOIN res_partner p ON p.id = f.partner_id
                    WHERE f.state = 'sale'
                 ORDER BY p.commercial_partner_id, f.company_id, f.date_order, f.id)"""
# each customer's first confirmed order with a product category, in each company
FIRST_CATEGORY_ORDERS = """(SELECT DISTINCT ON (p.commercial_partner_id, f.company_id,
                                              pt.categ_id) f.id
                     FROM sale_order_line l
                     JOIN sale_order f ON f.id = l.order_id
                     JOIN res_partner p ON p.id = f.partner_id
                     JOIN product_product pp ON pp.id = l.product_id
                     JOIN product_template pt ON pt.id = pp.product_tmpl_id
                    WHERE f.state = 'sale' AND l.display_type IS NULL
                 ORDER BY p.commercial_partner_id, f.company_id, pt.categ_id, f.date_order,
                          f.id)"""
# metric -> (owner columns, moment, is a date, FROM/WHERE, components)
SALES = {
    "ordered_amount": (ORDER_OWNERS, "o.date_order", False, ORDERS, [AMOUNT]),
    "orders_count": (ORDER_OWNERS, "o.date_order", False, ORDERS, []),
    "avg_order_value": (ORDER_OWNERS, "o.date_order", False, ORDERS, [AMOUNT, "1"]),
    "margin": (ORDER_OWNERS, "o.date_order", False, ORDERS, [MARGIN]),
    "margin_percent": (ORDER_OWNERS, "o.date_order", False, ORDERS, [MARGIN, AMOUNT]),
    "invoiced_amount": (
        ("m.team_id", "m.invoice_user_id", "m.company_id"),
        "m.invoice_date",
        True,
        "FROM account_move m WHERE m.move_type IN ('out_invoice', 'out_refund')"
        " AND m.state = 'posted'",
        ["m.amount_untaxed_signed"],
    ),
}
# the discount: each order's lines summed in one lateral pass (measured faster than a
# hash join of all the lines to their orders), then summed by owner x month
DISCOUNT = """
    SELECT o.team_id, o.user_id, o.company_id, {bucket} AS b,
           SUM(COALESCE(s.d, 0) / {rate}), SUM(COALESCE(s.g, 0) / {rate}), COUNT(*)
      FROM sale_order o
 LEFT JOIN LATERAL (SELECT SUM(l.price_unit * l.product_uom_qty
                               * COALESCE(l.discount, 0) / 100.0) AS d,
                           SUM(l.price_unit * l.product_uom_qty) AS g
                      FROM sale_order_line l
                     WHERE l.order_id = o.id AND l.display_type IS NULL) AS s ON TRUE
     WHERE o.state = 'sale' AND o.date_order >= %(start)s AND o.date_order < %(stop)s
  GROUP BY 1, 2, 3, 4
"""
# the repeat share: one scan and sort of the confirmed orders numbering each customer's
# orders in each company (the first is number 1), summed in the same statement
REPEAT = """
    SELECT team_id, user_id, company_id, b, SUM(CASE WHEN n = 1 THEN 0 ELSE amount END),
           SUM(amount), COUNT(*)
      FROM (SELECT o.team_id, o.user_id, o.company_id, o.date_order, {bucket} AS b,
                   {amount} AS amount,
                   row_number() OVER (PARTITION BY p.commercial_partner_id, o.company_id
                                          ORDER BY o.date_order, o.id) AS n
              FROM sale_order o JOIN res_partner p ON p.id = o.partner_id
             WHERE o.state = 'sale' AND o.date_order < %(stop)s) AS numbered
     WHERE date_order >= %(start)s
  GROUP BY 1, 2, 3, 4
"""
# the payment states of the invoices and credit notes counted as paid (the invoiced
# amount of a KPI counting paid invoices only)
PAID = "('paid', 'in_payment', 'reversed')"
# distinct customers: metric -> extra condition on the orders
CUSTOMERS = {
    "customers_served": "",
    "retention_rate": "",
    "churned_customers": "",
    "cross_sell_customers": f" AND o.id IN {FIRST_CATEGORY_ORDERS} AND o.id NOT IN {FIRST_ORDERS}",
}
LOOKBACK = {"retention_rate", "churned_customers"}
ACTIVITIES = """
    SELECT l.team_id, u.user_id, l.company_id, {bucket} AS b, COUNT(*)
      FROM mail_message m
      JOIN crm_lead l ON l.id = m.res_id
 LEFT JOIN (SELECT partner_id, MIN(id) AS user_id FROM res_users GROUP BY partner_id) u
        ON u.partner_id = m.author_id
     WHERE m.model = 'crm.lead' AND m.mail_activity_type_id = ANY(%(types)s)
       AND m.date >= %(start)s AND m.date < %(stop)s
  GROUP BY 1, 2, 3, 4
"""
COMBINE = {
    "won_revenue": "sum",
    "won_count": "sum",
    "new_opportunities": "sum",
    "activities_done": "sum",
    "new_customers": "sum",
    "avg_deal_size": "ratio",
    "cycle_days": "ratio",
    "win_rate": "rate",
    "ordered_amount": "sum",
    "orders_count": "sum",
    "avg_order_value": "ratio",
    "avg_discount": "percent",
    "repeat_sales_share": "percent",
    "invoiced_amount": "sum",
    "margin": "sum",
    "margin_percent": "percent",
    "customers_served": "distinct",
    "cross_sell_customers": "distinct",
    "retention_rate": "retention",
    "churned_customers": "churn",
}
ADDITIVE = ("sum", "distinct")
PIPELINE = {"won_revenue": "amount", "won_count": "count"}


class Floor:
    def __init__(self, env):
        self.env = env
        self.cr = env.cr

    # -- context -------------------------------------------------------------------

    def load(self):
        cr = self.cr
        cr.execute(
            """SELECT st.id, st.kpi_id, st.owner_type, st.team_id, st.user_id, st.company_id,
                      st.date_from, st.date_to, st.currency_id, st.target_value,
                      c.currency_id, {}
                 FROM sales_target st JOIN res_company c ON c.id = st.company_id
                WHERE st.state != 'closed'""".format(
                ", ".join(f"st.{name}" for name, _type in STORED_FIGURES)
            )
        )
        # the stored figures as native values (one tuple), compared as a whole
        self.targets = [(*t[:11], t[11:]) for t in cr.fetchall()]
        for t in self.targets:
            if t[8] != t[10] or t[6].day != 1 or (t[7] + timedelta(days=1)).day != 1:
                raise SystemExit("the floor is written for W0/W1: month-aligned, unconverted")
        cr.execute(
            """SELECT c.id, COALESCE(rc.tz, 'UTC'), c.resource_calendar_id,
                      c.sales_target_on_track, c.sales_target_at_risk, c.sales_target_min_share
                 FROM res_company c LEFT JOIN resource_calendar rc
                   ON rc.id = c.resource_calendar_id"""
        )
        self.companies = {r[0]: r[1:] for r in cr.fetchall()}
        # the forecast's commit probability of each company (when the engine has one)
        cr.execute(
            """SELECT 1 FROM information_schema.columns WHERE table_name = 'res_company'
                  AND column_name = 'sales_forecast_commit_probability'"""
        )
        self.commit = {}
        if cr.fetchone():
            cr.execute("SELECT id, sales_forecast_commit_probability FROM res_company")
            self.commit = dict(cr.fetchall())
        cr.execute("SELECT id, metric, domain, count_overlay FROM sales_kpi")
        self.kpis = {}
        self.overlay = set()  # the KPIs counting overlay credit
        for kpi_id, metric, domain, overlay in cr.fetchall():
            if (domain or "[]").strip() != "[]":
                raise SystemExit("the floor is written for KPIs without a filter")
            self.kpis[kpi_id] = metric
            if overlay:
                self.overlay.add(kpi_id)
        # the invoiced amounts that count paid invoices only (the sales bridge's setting)
        self.paid_only = set()
        cr.execute(
            """SELECT 1 FROM information_schema.columns WHERE table_name = 'sales_kpi'
                  AND column_name = 'invoiced_counts'"""
        )
        if cr.fetchone():
            cr.execute("SELECT id FROM sales_kpi WHERE invoiced_counts = 'paid'")
            self.paid_only = {row[0] for row in cr.fetchall()}
        # FOLLOW-UP: credit splits of orders and invoices are not credited yet
        cr.execute(
            """SELECT column_name FROM information_schema.columns
                WHERE table_name = 'sales_credit_split'
                  AND column_name IN ('order_id', 'move_id')"""
        )
        for (column,) in cr.fetchall():
            cr.execute(f"SELECT 1 FROM sales_credit_split WHERE {column} IS NOT NULL LIMIT 1")
            if cr.fetchone():
                raise SystemExit("the floor does not credit split orders and invoices yet")
        cr.execute("SELECT to_regclass('product_category_sales_kpi_rel') IS NOT NULL")
        if cr.fetchone()[0]:
            cr.execute("SELECT 1 FROM product_category_sales_kpi_rel LIMIT 1")
            if cr.fetchone():
                raise SystemExit("the floor is written for KPIs without product categories")
        cr.execute(
            "SELECT sales_kpi_id, array_agg(mail_activity_type_id) FROM mail_activity_type_sales_kpi_rel"
            " GROUP BY sales_kpi_id"
        )
        self.activity_types = dict(cr.fetchall())
        for statement in LINES:  # the credit splits' lines, once per run
            cr.execute(statement)
        import pytz  # noqa: PLC0415

        from odoo import fields  # noqa: PLC0415

        now = fields.Datetime.now()  # the engine's clock (bench.py, --as-of)

        self.today = {
            cid: pytz.utc.localize(now).astimezone(pytz.timezone(tz)).date()
            for cid, (tz, *_rest) in self.companies.items()
        }
        first = min(t[6] for t in self.targets)
        last = max(t[7] for t in self.targets)
        self.months = []
        day = first
        while day <= last:
            self.months.append(day)
            day += relativedelta(months=1)
        self.end = day
        self.zones = sorted({tz for tz, *_r in self.companies.values()})

    def bucket(self, moment, company="l.company_id", months=None, is_date=False):
        """width_bucket of ``moment`` over the UTC starts of the local months of the
        record's company (``months``: (first days, day after), else the targets'); a
        date: over the first days themselves."""
        months, end = months or (self.months, self.end)
        if is_date:
            arr = ",".join(str(d) for d in [*months, end])
            return f"width_bucket({moment}, '{{{arr}}}'::date[])"
        cases = []
        for tz in self.zones:
            starts = ",".join(str(_utc(d, tz)) for d in [*months, end])
            ids = [cid for cid, (ctz, *_r) in self.companies.items() if ctz == tz]
            cases.append((ids, f"'{{{starts}}}'::timestamp[]"))
        if len(cases) == 1:
            return f"width_bucket({moment}, {cases[0][1]})"
        whens = " ".join(f"WHEN {company} = ANY(ARRAY{ids}) THEN {arr}" for ids, arr in cases[:-1])
        return f"width_bucket({moment}, CASE {whens} ELSE {cases[-1][1]} END)"

    def span(self, months=None):
        months, end = months or (self.months, self.end)
        starts = [_utc(months[0], tz) for tz in self.zones]
        stops = [_utc(end, tz) for tz in self.zones]
        return min(starts), max(stops)

    # -- measures ------------------------------------------------------------------

    def cells(self, kpi_id):
        """{(kind, owner, company): {month index: [components..., count]}}"""
        metric = self.kpis[kpi_id]
        start, stop = self.span()
        if metric == "avg_discount":
            sql = DISCOUNT.format(bucket=self.bucket("o.date_order", "o.company_id"), rate=RATE)
            params = {"start": start, "stop": stop}
        elif metric == "repeat_sales_share":
            sql = REPEAT.format(bucket=self.bucket("o.date_order", "o.company_id"), amount=AMOUNT)
            params = {"start": start, "stop": stop}
        elif metric in SALES:
            (team, user, company), moment, is_date, source, comps = SALES[metric]
            if metric == "invoiced_amount" and kpi_id in self.paid_only:
                source += f" AND m.payment_state IN {PAID}"
            if is_date:
                start, stop = self.months[0], self.end
            columns = ", ".join(f"SUM({c})" for c in [*comps, "1"])
            bucket = self.bucket(moment, company, is_date=is_date)
            sql = (
                f"SELECT {team}, {user}, {company}, {bucket} AS b, {columns}"
                f" {source} AND {moment} >= %(start)s AND {moment} < %(stop)s GROUP BY 1, 2, 3, 4"
            )
            params = {"start": start, "stop": stop}
        elif metric == "activities_done":
            sql = ACTIVITIES.format(bucket=self.bucket("m.date"))
            params = {"types": self.activity_types.get(kpi_id, []), "start": start, "stop": stop}
            if not params["types"]:
                raise SystemExit("the floor is written for activity KPIs with their types")
        else:
            moment, source, comps = FACTS[metric]
            columns = ", ".join(comps)
            span = f"AND {moment} >= %(start)s AND {moment} < %(stop)s GROUP BY 1, 2, 3, 4"
            bucket = self.bucket(moment)
            sql = (
                f"SELECT {CREDITED}, {bucket} AS b, {columns}, {SAMPLES}"
                f" {split_source(source)} {span}"
            )
            if kpi_id in self.overlay:
                sql += (
                    f" UNION ALL SELECT {OVERLAY_CREDITED}, {bucket} AS b, {columns},"
                    f" {OVERLAY_SAMPLES} {overlay_source(source)} {span}"
                )
            self.cr.execute(sql, {"start": start, "stop": stop})
            return self.by_owner(self.cr.fetchall(), len(self.months), samples=3)
        self.cr.execute(sql, params)
        return self.by_owner(self.cr.fetchall(), len(self.months))

    @staticmethod
    def by_owner(rows, size, samples=0):
        """{(kind, owner[, company]): {month index: [components...]}} of rows (team,
        user, company, month index, components...). ``samples`` 3: the rows end with
        the records measured for the salesperson, the team and the company, each
        owner's cells end with its own. Team 0: overlay credit, for the salesperson
        only."""
        cells = defaultdict(dict)
        for team, user, company, b, *comps in rows:
            if not 1 <= b <= size:
                continue
            comps = [float(c) for c in comps]
            if samples:
                comps, (by_user, by_team, by_company) = comps[:-3], comps[-3:]
                keyed = [(("user", user, company), [*comps, by_user])]
                if team != 0:
                    keyed += [
                        (("team", team), [*comps, by_team]),
                        (("company", company), [*comps, by_company]),
                    ]
            else:
                keyed = [
                    (key, comps)
                    for key in (("team", team), ("user", user, company), ("company", company))
                    if team != 0 or key[0] == "user"
                ]
            for key, values in keyed:
                current = cells[key].get(b)
                cells[key][b] = (
                    values if current is None else [x + y for x, y in zip(current, values)]
                )
        return cells

    def owner(self, t):
        if t[2] == "team":
            return ("team", t[3])
        if t[2] == "user":
            return ("user", t[4], t[5])
        return ("company", t[5])

    def months_of(self, t):
        i = (t[6].year - self.months[0].year) * 12 + t[6].month - self.months[0].month + 1
        j = (t[7].year - self.months[0].year) * 12 + t[7].month - self.months[0].month + 1
        return range(i, j + 1)

    def summed(self, cells, t, width):
        found = cells.get(self.owner(t), {})
        total = [0.0] * width
        for b in self.months_of(t):
            comps = found.get(b)
            if comps:
                total = [x + y for x, y in zip(total, comps)]
        return total

    def pipeline(self):
        """(amount, weighted, count, weighted count, and the same of the committed ones)
        per owner and month of the expected closing, for the open opportunities, each
        credited as its revenue lines say; and the same of their overlay lines (for the
        KPIs counting overlay), in the same statement: (cells, overlay cells)."""
        first, end = self.months[0], self.end
        arr = ",".join(str(d) for d in [*self.months, end])
        # committed: at least the company's commit probability (none: 100)
        commit = " ".join(
            f"WHEN {cid} THEN {p!r}" for cid, p in self.commit.items() if p is not None
        )
        committed = (
            f"l.probability >= COALESCE(CASE l.company_id {commit} END, 100)"
            if commit
            else "l.probability >= 100"
        )
        amount = money("l.expected_revenue")
        columns = f"""width_bucket(l.date_deadline, '{{{arr}}}'::date[]),
                       SUM({amount}), SUM({amount} * l.probability / 100.0),
                       {COUNT}, SUM({SHARE} * l.probability / 100.0),
                       SUM(CASE WHEN {committed} THEN {amount} ELSE 0 END),
                       SUM(CASE WHEN {committed} THEN {amount} * l.probability / 100.0
                                ELSE 0 END),
                       {counted(committed)},
                       SUM(CASE WHEN {committed} THEN {SHARE} * l.probability / 100.0
                                ELSE 0 END)"""
        source = """FROM crm_lead l LEFT JOIN crm_stage s ON s.id = l.stage_id
                 WHERE l.active AND l.type = 'opportunity' AND NOT COALESCE(s.is_won, FALSE)
                   AND l.date_deadline >= %(first)s AND l.date_deadline < %(end)s"""
        sql = f"SELECT {CREDITED}, {columns} {split_source(source)} GROUP BY 1, 2, 3, 4"
        if any(self.kpis[k] in PIPELINE for k in self.overlay):
            sql += (
                f" UNION ALL SELECT {OVERLAY_CREDITED}, {columns} {overlay_source(source)}"
                " GROUP BY 1, 2, 3, 4"
            )
        self.cr.execute(sql, {"first": first, "end": end})
        rows = self.cr.fetchall()
        size = len(self.months)
        return (
            self.by_owner([r for r in rows if r[0] != 0], size),
            self.by_owner([r for r in rows if r[0] == 0], size),
        )

    def history(self):
        """{owner: (won amount, won, lost, meetings)} over each company's last 12 months."""
        windows = {
            cid: (
                _utc(self.today[cid] - timedelta(days=HISTORY_DAYS - 1), tz),
                _utc(self.today[cid] + timedelta(days=1), tz),
            )
            for cid, (tz, *_r) in self.companies.items()
        }
        start = min(w[0] for w in windows.values())
        stop = max(w[1] for w in windows.values())
        lo = " ".join(f"WHEN {cid} THEN '{w[0]}'::timestamp" for cid, w in windows.items())
        hi = " ".join(f"WHEN {cid} THEN '{w[1]}'::timestamp" for cid, w in windows.items())
        self.cr.execute(
            f"""SELECT {CREDITED}, 1,
                       SUM(CASE WHEN l.active THEN {money("l.expected_revenue")} ELSE 0 END),
                       {counted("l.active")}, {counted("NOT l.active")}, 0
                  FROM crm_lead l LEFT JOIN crm_stage s ON s.id = l.stage_id{SPLIT_JOIN}
                 WHERE ((l.active AND s.is_won) OR (NOT l.active AND l.probability = 0))
                   AND l.date_closed >= %s AND l.date_closed < %s
                   AND l.date_closed >= CASE l.company_id {lo} END
                   AND l.date_closed < CASE l.company_id {hi} END
              GROUP BY 1, 2, 3
             UNION ALL
                SELECT l.team_id, e.user_id, l.company_id, 1, 0, 0, 0, COUNT(*)
                  FROM calendar_event e JOIN crm_lead l ON l.id = e.opportunity_id
                 WHERE e.start >= %s AND e.start < %s
                   AND e.start >= CASE l.company_id {lo} END
                   AND e.start < CASE l.company_id {hi} END
              GROUP BY 1, 2, 3""",
            [start, stop, start, stop],
        )
        return self.by_owner(self.cr.fetchall(), 1)

    def width(self, metric):
        if metric == "activities_done":
            return 1
        if metric in ("avg_discount", "repeat_sales_share"):
            return 3
        if metric in SALES:
            return len(SALES[metric][4]) + 1
        return len(FACTS[metric][2]) + 1  # the components and the records measured

    def measure(self, kpi_id, targets):
        """{target id: (actual, sample)} of ``targets`` of the KPI."""
        metric = self.kpis[kpi_id]
        combine = COMBINE[metric]
        if metric in CUSTOMERS:
            return self.measure_customers(metric, targets)
        cells = self.cells(kpi_id)
        width = self.width(metric)
        result = {}
        for t in targets:
            comps = self.summed(cells, t, width)
            if combine == "sum":
                actual = comps[0]  # the amount, or the count itself
            elif combine == "ratio":
                actual = comps[0] / comps[1] if comps[1] else 0.0
            elif combine == "percent":
                actual = 100.0 * comps[0] / comps[1] if comps[1] else 0.0
            else:
                actual = 100.0 * comps[0] / (comps[0] + comps[1]) if comps[0] + comps[1] else 0.0
            result[t[0]] = (actual, round(comps[-1]))
        return result

    def customers(self, metric):
        """({owner: {month index: set of customers}}, first month): the distinct
        customers (commercial partners) of the confirmed orders per owner and local month,
        from 12 months before the targets' first for a metric looking back. In a whole
        run, the KPIs counting the same orders' customers (customers served, retention,
        churn) share one scan."""
        shared = getattr(self, "shared", None)
        key = CUSTOMERS[metric]
        if shared is not None and key in shared:
            return shared[key]
        looking_back = metric in LOOKBACK or (
            shared is not None
            and any(m in LOOKBACK and CUSTOMERS[m] == key for m in self.kpis.values())
        )
        first = self.months[0] - relativedelta(months=12) if looking_back else self.months[0]
        months, day = [], first
        while day < self.end:
            months.append(day)
            day += relativedelta(months=1)
        plan = (months, self.end)
        start, stop = self.span(plan)
        self.cr.execute(
            f"""SELECT o.team_id, o.user_id, o.company_id,
                       {self.bucket("o.date_order", "o.company_id", plan)},
                       p.commercial_partner_id
                  FROM sale_order o JOIN res_partner p ON p.id = o.partner_id
                 WHERE o.state = 'sale' AND o.date_order >= %s AND o.date_order < %s
                       {CUSTOMERS[metric]}
              GROUP BY 1, 2, 3, 4, 5""",
            [start, stop],
        )
        size = len(months)
        sets = defaultdict(lambda: defaultdict(set))
        for team, user, company, b, customer in self.cr.fetchall():
            if not 1 <= b <= size or not customer:
                continue
            if team:
                sets[("team", team)][b].add(customer)
            if user:
                sets[("user", user, company)][b].add(customer)
            if company:
                sets[("company", company)][b].add(customer)
        if shared is not None:
            shared[key] = (sets, first)
        return sets, first

    def measure_customers(self, metric, targets):
        sets, first = self.customers(metric)
        combine = COMBINE[metric]

        def union(t, date_from, date_to):
            i = (date_from.year - first.year) * 12 + date_from.month - first.month + 1
            j = (date_to.year - first.year) * 12 + date_to.month - first.month + 1
            found = set()
            by_month = sets.get(self.owner(t), {})
            for b in range(i, j + 1):
                found |= by_month.get(b, set())
            return found

        result = {}
        for t in targets:
            current = union(t, t[6], t[7])
            if combine == "distinct":
                result[t[0]] = (float(len(current)), len(current))
                continue
            before = union(t, *previous_period(t[6], t[7]))
            if combine == "retention":
                actual = 100.0 * len(before & current) / len(before) if before else 0.0
            else:
                actual = float(len(before - current))
            result[t[0]] = (actual, len(before))
        return result

    # -- the whole refresh ---------------------------------------------------------

    def elapsed(self):
        """{target id: share of the period's working days elapsed, today included}
        (the company calendar's working days, as the engine counts them)."""
        engine = self.env["sales.kpi.engine"]
        result = {}
        for cid, (_tz, calendar_id, *_r) in self.companies.items():
            mine = [t for t in self.targets if t[5] == cid]
            if not mine:
                continue
            first = min(t[6] for t in mine)
            last = max(t[7] for t in mine)
            days = sorted(engine.working_days(calendar_id, cid, first, last))
            today = self.today[cid]
            for t in mine:
                if today < t[6]:
                    result[t[0]] = 0.0
                elif today >= t[7]:
                    result[t[0]] = 1.0
                else:
                    lo = bisect.bisect_left(days, t[6])
                    total = bisect.bisect_right(days, t[7]) - lo
                    result[t[0]] = (bisect.bisect_right(days, today) - lo) / total
        return result

    def run(self):
        """Computes every figure of every open target, writes those that changed.
        Returns {target id: [figures in STORED_FIGURES order]}."""
        self.load()
        self.shared = {}  # the customers' scans shared by the KPIs that count them
        elapsed = self.elapsed()
        by_kpi = defaultdict(list)
        for t in self.targets:
            by_kpi[t[1]].append(t)
        pipeline = history = None
        if any(self.kpis[k] in PIPELINE for k in by_kpi):
            pipeline = self.pipeline()
            history = self.history()
        cr = self.cr
        cr.execute("SELECT id, unit, direction FROM sales_kpi WHERE id = ANY(%s)", [list(by_kpi)])
        units = {r[0]: r[1:] for r in cr.fetchall()}
        result, changed = {}, []
        for kpi_id, targets in by_kpi.items():
            metric = self.kpis[kpi_id]
            combine = COMBINE[metric]
            actuals = self.measure(kpi_id, targets)
            for t in targets:
                actual, sample = actuals[t[0]]
                measured = {"actual_value": actual, "actual_sample": sample}
                kind = PIPELINE.get(metric)
                if kind:
                    projected = self.summed(pipeline[0], t, 8)
                    if kpi_id in self.overlay:
                        overlay = self.summed(pipeline[1], t, 8)
                        projected = [x + y for x, y in zip(projected, overlay)]
                    amount, weighted, n, weighted_n, c_amount, c_weighted, c_n, c_weighted_n = (
                        projected
                    )
                    if kind == "amount":
                        measured["pipeline_value"] = amount
                        measured["pipeline_weighted"] = weighted
                        measured["pipeline_commit"] = c_amount
                        measured["pipeline_best"] = c_amount + weighted - c_weighted
                    else:
                        measured["pipeline_value"] = n
                        measured["pipeline_weighted"] = weighted_n
                        measured["pipeline_commit"] = c_n
                        measured["pipeline_best"] = c_n + weighted_n - c_weighted_n
                    won_amount, won, lost, held = history.get(self.owner(t), {}).get(
                        1, [0.0, 0.0, 0.0, 0.0]
                    )
                    measured["history_win_rate"] = 100.0 * won / (won + lost) if won + lost else 0.0
                    measured["history_avg_deal"] = won_amount / won if won else 0.0
                    measured["history_meetings_per_win"] = held / won if won else 0.0
                _tz, _cal, on_track, at_risk, min_share = self.companies[t[5]]
                measured["elapsed_ratio"] = elapsed[t[0]]
                measured.update(
                    figures.derive(
                        target=t[9] or 0.0,
                        unit=units[kpi_id][0],
                        direction=units[kpi_id][1],
                        additive=combine in ADDITIVE,
                        pipeline_kind=kind,
                        actual=measured["actual_value"],
                        sample=measured["actual_sample"],
                        elapsed=measured["elapsed_ratio"],
                        ended=self.today[t[5]] > t[7],
                        pipeline_value=measured.get("pipeline_value", 0.0),
                        pipeline_weighted=measured.get("pipeline_weighted", 0.0),
                        win_rate=measured.get("history_win_rate", 0.0),
                        avg_deal=measured.get("history_avg_deal", 0.0),
                        meetings_per_win=measured.get("history_meetings_per_win", 0.0),
                        on_track=on_track or 0.0,
                        at_risk=at_risk or 0.0,
                        min_share=min_share or 0.0,
                    )
                )
                values = []
                for name, sql_type in STORED_FIGURES:
                    value = measured.get(name)
                    if sql_type == "varchar":
                        values.append(value or None)
                    elif sql_type == "int4":
                        values.append(int(value or 0))
                    elif name == "attainment" and value is None:
                        values.append(None)  # no figure: NULL, as the engine stores it
                    else:
                        values.append(float(value or 0.0))
                result[t[0]] = values
                stored = t[11]
                if stored != tuple(values) and any(
                    (old != new)
                    if isinstance(new, str) or new is None
                    else (old is None or abs(old - new) > 1e-9 * max(1.0, abs(new)))
                    for old, new in zip(stored, values)
                ):
                    changed.append((t[0], values))
        if changed:
            self.write(changed)
        return result

    def write(self, changed):
        def literal(values):
            items = (
                "NULL" if v is None else f'"{v}"' if isinstance(v, str) else repr(v) for v in values
            )
            return "{" + ",".join(items) + "}"

        columns = list(zip(*(values for _id, values in changed)))
        names = [name for name, _t in STORED_FIGURES]
        self.cr.execute(
            "UPDATE sales_target t SET {}, refreshed_at = now() AT TIME ZONE 'UTC'"
            " FROM unnest(%s::int4[], {}) AS v(id, {}) WHERE t.id = v.id".format(
                ", ".join(f"{n} = v.{n}" for n in names),
                ", ".join(f"%s::{sql_type}[]" for _n, sql_type in STORED_FIGURES),
                ", ".join(names),
            ),
            [literal([i for i, _v in changed]), *(literal(c) for c in columns)],
        )
