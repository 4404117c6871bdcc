"""Fills a database (with crm and sales_objectives installed, no demo data) with a
seeded sales organisation, fast: users, teams and targets through the ORM, opportunities,
customers and done-activity messages with COPY, rows as the ORM would write them.

Workloads (docs/performance.md):
  W1: 200 salespeople in 20 teams, 1,000,000 opportunities over 3 years (a third won,
      a third lost, a third open) in two companies and currencies, 3,000,000
      done-activity messages, targets for every salesperson and team for the 12 months,
      4 quarters and the year on 8 KPIs (29,920 targets).
      With sales_objectives_sale(_margin): 300,000 sales orders (3 lines each, 85 %
      confirmed) over the same span, their customer invoices (90 % of the confirmed
      orders, posted) and credit notes (5 % of those), and targets on the 12 sales KPIs
      (74,800 targets in all).
  W0: the same shape at 1/20 scale.

Invoices carry their product lines only (no receivable or tax line): the KPIs read the
moves' untaxed amounts and their product lines.

Usage: python3 bench/generate.py -c <odoo.conf> -d <database> --workload W0|W1
"""

import argparse
import io
import logging
import random
import sys
import time
from array import array
from collections import defaultdict
from datetime import date, datetime, timedelta

WORKLOADS = {
    "W1": dict(
        teams=20, reps=10, leads=1_000_000, messages=3_000_000, customers=100_000, orders=300_000
    ),
    "W0": dict(teams=2, reps=5, leads=50_000, messages=150_000, customers=5_000, orders=15_000),
}
KPIS = [
    "won_revenue",
    "won_count",
    "win_rate",
    "avg_deal_size",
    "cycle_days",
    "new_opportunities",
    "calls_done",
    "new_customers",
]
# the KPIs of the sales bridge (xmlid -> base target of a salesperson for a month)
SALE_KPIS = {
    "sales_objectives_sale.sales_kpi_ordered_amount": 520_000,
    "sales_objectives_sale.sales_kpi_orders_count": 35,
    "sales_objectives_sale.sales_kpi_avg_order_value": 15_000,
    "sales_objectives_sale.sales_kpi_avg_discount": 4,
    "sales_objectives_sale.sales_kpi_invoiced_amount": 470_000,
    "sales_objectives_sale.sales_kpi_customers_served": 30,
    "sales_objectives_sale.sales_kpi_repeat_sales_share": 60,
    "sales_objectives_sale.sales_kpi_retention_rate": 10,
    "sales_objectives_sale.sales_kpi_churned_customers": 25,
    "sales_objectives_sale.sales_kpi_cross_sell_customers": 12,
    "sales_objectives_sale_margin.sales_kpi_margin": 150_000,
    "sales_objectives_sale_margin.sales_kpi_margin_percent": 30,
}
N_CATEGORIES = 10
N_PRODUCTS = 200
YEAR = 2026
START = datetime(2023, 12, 1)
END = datetime(2026, 11, 20)
SEED = 20261123

_logger = logging.getLogger("bench.generate")


def say(message):
    print(f"[generate] {message}", flush=True)


def copy_rows(cr, table, columns, rows):
    """COPY an iterable of tuples (None -> NULL) into ``table``, in chunks."""
    buffer = io.StringIO()
    count = 0

    def flush():
        buffer.seek(0)
        cr.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)
        buffer.seek(0)
        buffer.truncate()

    for row in rows:
        buffer.write("\t".join("\\N" if v is None else str(v) for v in row))
        buffer.write("\n")
        count += 1
        if count % 200_000 == 0:
            flush()
    flush()
    return count


def next_ids(cr, sequence, count):
    cr.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [sequence, count])
    ids = [r[0] for r in cr.fetchall()]
    return ids


def generate(env, workload, stage="all"):
    """``stage``: ``all``; ``crm``, the CRM and sales data only (no add-on needed: for
    installing the add-on on a CRM with data); ``targets``, the targets of a database
    generated with ``crm`` once the add-ons are installed, and their first refresh."""
    shape = WORKLOADS[workload]
    rng = random.Random(SEED)
    cr = env.cr
    t0 = time.time()
    Param = env["ir.config_parameter"]
    if Param.get_param("sales_objectives.bench_workload"):
        say("the database already holds a workload")
        return
    if stage == "targets":
        if Param.get_param("sales_objectives.bench_crm_workload") != workload:
            raise SystemExit(f"generate the CRM data of {workload} first (--stage crm)")
        teams = env["crm.team"].search([("name", "=like", "Team %")], order="name")
        reps = env["res.users"].search([("login", "=like", "bench_rep_%")], order="login")
        rep_team = [teams.filtered(lambda t, r=rep: r in t.member_ids)[:1] for rep in reps]
        generate_targets(env, workload, teams, reps, rep_team, random.Random(SEED + 1), t0)
        return
    env = env(
        context=dict(
            env.context,
            tracking_disable=True,
            mail_create_nolog=True,
            mail_notrack=True,
            no_reset_password=True,
        )
    )

    # companies, currencies and rates ------------------------------------------------
    usd, eur = env.ref("base.USD"), env.ref("base.EUR")
    (usd | eur).active = True
    company1 = env.ref("base.main_company")
    company1.currency_id = usd
    company2 = env["res.company"].create({"name": "Bench Europe", "currency_id": eur.id})
    for company in (company1, company2):
        company.resource_calendar_id.tz = (
            "Europe/Brussels" if company == company2 else "America/New_York"
        )
    # a chart of accounts per company (invoices); loading one sets the company's
    # currency to USD: the company's own is set back
    for company in (company1, company2):
        if not company.chart_template:
            currency = company.currency_id
            env["account.chart.template"].try_loading("generic_coa", company, install_demo=False)
            company.currency_id = currency
    env.flush_all()
    rate_rows = []
    day = START.date() - timedelta(days=7)
    while day <= END.date() + timedelta(days=60):
        wobble = 1 + 0.05 * ((day.toordinal() % 97) / 97 - 0.5)
        rate_rows.append((eur.id, company1.id, day, round(0.92 * wobble, 6)))
        rate_rows.append((usd.id, company2.id, day, round(1.09 / wobble, 6)))
        day += timedelta(days=7)
    cr.execute("DELETE FROM res_currency_rate WHERE currency_id IN %s", [(usd.id, eur.id)])
    copy_rows(
        cr,
        "res_currency_rate",
        [
            "currency_id",
            "company_id",
            "name",
            "rate",
            "create_uid",
            "write_uid",
            "create_date",
            "write_date",
        ],
        ((c, co, d, r, 1, 1, "2023-11-01", "2023-11-01") for c, co, d, r in rate_rows),
    )
    say(f"companies and {len(rate_rows)} rates")

    # teams and salespeople ----------------------------------------------------------
    group = env.ref("sales_team.group_sale_salesman")
    teams, reps, rep_team = [], [], []
    for t in range(shape["teams"]):
        company = company2 if t >= round(shape["teams"] * 0.7) else company1
        users = env["res.users"].create(
            [
                {
                    "name": f"Rep {t:02d}-{r:02d}",
                    "login": f"bench_rep_{t:02d}_{r:02d}",
                    "company_id": company.id,
                    "company_ids": [(6, 0, company.ids)],
                    "groups_id": [(6, 0, group.ids)],
                }
                for r in range(shape["reps"])
            ]
        )
        team = env["crm.team"].create(
            {
                "name": f"Team {t:02d}",
                "company_id": company.id,
                "user_id": users[0].id,
                "member_ids": [(6, 0, users.ids)],
            }
        )
        teams.append(team)
        reps.extend(users)
        rep_team.extend([team] * len(users))
    say(f"{len(teams)} teams, {len(reps)} salespeople")

    stages = env["crm.stage"].search([], order="sequence")
    won_stage = stages.filtered("is_won")[:1]
    open_stages = (stages - stages.filtered("is_won")).ids

    # customers ----------------------------------------------------------------------
    n_customers = shape["customers"]
    partner_ids = next_ids(cr, "res_partner_id_seq", n_customers)
    # commercial_partner_id (themselves) set once they exist and the table analyzed:
    # the foreign key's check keeps the plan it had on a nearly empty table (the users
    # created above), a sequential scan per row, until the table's statistics change
    copy_rows(
        cr,
        "res_partner",
        [
            "id",
            "name",
            "complete_name",
            "is_company",
            "active",
            "type",
            "lang",
            "create_uid",
            "write_uid",
            "create_date",
            "write_date",
            "autopost_bills",
            "customer_rank",
            "invoice_warn",
            "sale_warn",
        ],
        (
            (
                pid,
                f"Customer {i}",
                f"Customer {i}",
                True,
                True,
                "contact",
                "en_US",
                1,
                1,
                "2023-11-01",
                "2023-11-01",
                "ask",
                1,
                "no-message",
                "no-message",
            )
            for i, pid in enumerate(partner_ids)
        ),
    )
    cr.execute("ANALYZE res_partner")
    cr.execute(
        "UPDATE res_partner SET commercial_partner_id = id WHERE id = ANY(%s)", [partner_ids]
    )
    say(f"{n_customers} customers")

    # opportunities ------------------------------------------------------------------
    n_leads = shape["leads"]
    lead_ids = next_ids(cr, "crm_lead_id_seq", n_leads)
    span = (END - START).total_seconds()
    now = END
    lead_rep = array("i")
    lead_start = array("d")
    lead_stop = array("d")
    rep_info = [
        (rep.id, team.id, team.company_id.id, rep.partner_id.id)
        for rep, team in zip(reps, rep_team)
    ]

    def lead_rows():
        for n, lead_id in enumerate(lead_ids):
            r = rng.randrange(len(reps))
            user_id, team_id, company_id, _partner = rep_info[r]
            created = START + timedelta(seconds=rng.random() * span)
            revenue = rng.randrange(5, 500) * 100
            partner = partner_ids[int(n_customers * rng.random() ** 2)]
            outcome = rng.random()
            closed = created + timedelta(days=rng.uniform(1, 120))
            if closed > now:
                outcome = 1.0
            if outcome < 1 / 3:
                stage, active, probability, date_closed = won_stage.id, True, 100, closed
            elif outcome < 2 / 3:
                stage, active, probability, date_closed = rng.choice(open_stages), False, 0, closed
            else:
                stage, active, probability, date_closed = (
                    rng.choice(open_stages),
                    True,
                    rng.randrange(10, 91, 10),
                    None,
                )
            deadline = (created + timedelta(days=rng.uniform(20, 200))).date()
            lead_rep.append(r)
            lead_start.append(created.timestamp())
            lead_stop.append((date_closed or now).timestamp())
            yield (
                lead_id,
                f"Opportunity {n}",
                "opportunity",
                active,
                user_id,
                team_id,
                company_id,
                stage,
                revenue,
                revenue * probability / 100.0,
                probability,
                probability,
                date_closed,
                created,
                created,
                1,
                1,
                partner,
                deadline,
                (date_closed - created).days if date_closed else None,
                created,
                0,
                date_closed or created,
                "0",
                0,
            )

    copy_rows(
        cr,
        "crm_lead",
        [
            "id",
            "name",
            "type",
            "active",
            "user_id",
            "team_id",
            "company_id",
            "stage_id",
            "expected_revenue",
            "prorated_revenue",
            "probability",
            "automated_probability",
            "date_closed",
            "create_date",
            "write_date",
            "create_uid",
            "write_uid",
            "partner_id",
            "date_deadline",
            "day_close",
            "date_open",
            "day_open",
            "date_last_stage_update",
            "priority",
            "color",
        ],
        lead_rows(),
    )
    say(f"{n_leads} opportunities ({time.time() - t0:.0f}s)")

    # done-activity messages ---------------------------------------------------------
    types = [
        (env.ref("mail.mail_activity_data_call").id, 0.5),
        (env.ref("mail.mail_activity_data_meeting").id, 0.2),
        (env.ref("mail.mail_activity_data_email").id, 0.2),
        (env.ref("mail.mail_activity_data_todo").id, 0.1),
    ]
    type_ids = [t for t, _w in types]
    weights = [w for _t, w in types]
    subtype = env.ref("mail.mt_activities").id
    n_messages = shape["messages"]
    message_ids = next_ids(cr, "mail_message_id_seq", n_messages)
    reps_by_team = {}
    for index, (_u, team_id, _c, _p) in enumerate(rep_info):
        reps_by_team.setdefault(team_id, []).append(index)

    def message_rows():
        for message_id in message_ids:
            n = rng.randrange(n_leads)
            r = lead_rep[n]
            if rng.random() < 0.1:
                r = rng.choice(reps_by_team[rep_info[r][1]])
            when = datetime.fromtimestamp(rng.uniform(lead_start[n], lead_stop[n]))
            yield (
                message_id,
                "crm.lead",
                lead_ids[n],
                "notification",
                subtype,
                rng.choices(type_ids, weights)[0],
                rep_info[r][3],
                when,
                when,
                when,
                1,
                1,
                "",
            )

    copy_rows(
        cr,
        "mail_message",
        [
            "id",
            "model",
            "res_id",
            "message_type",
            "subtype_id",
            "mail_activity_type_id",
            "author_id",
            "date",
            "create_date",
            "write_date",
            "create_uid",
            "write_uid",
            "body",
        ],
        message_rows(),
    )
    say(f"{n_messages} done-activity messages ({time.time() - t0:.0f}s)")

    sales = generate_sales(
        env,
        shape,
        (company1, company2),
        rep_info,
        partner_ids,
        t0,
    )
    say(
        "sales: {orders} orders ({confirmed} confirmed, {cancelled} cancelled, {draft} draft),"
        " {lines} order lines, {invoices} posted invoices, {refunds} posted credit notes,"
        " {other_moves} draft or cancelled invoices, {move_lines} invoice lines".format(**sales)
    )
    if stage == "crm":
        set_sequences(cr)
        Param.set_param("sales_objectives.bench_crm_workload", workload)
        env.flush_all()
        cr.commit()
        say(f"CRM and sales data done in {time.time() - t0:.0f}s (no targets)")
        return
    generate_targets(env, workload, teams, reps, rep_team, rng, t0)


def set_sequences(cr):
    for table, sequence in [
        ("crm_lead", "crm_lead_id_seq"),
        ("mail_message", "mail_message_id_seq"),
        ("res_partner", "res_partner_id_seq"),
        ("sale_order", "sale_order_id_seq"),
        ("sale_order_line", "sale_order_line_id_seq"),
        ("account_move", "account_move_id_seq"),
        ("account_move_line", "account_move_line_id_seq"),
    ]:
        cr.execute(f"SELECT setval('{sequence}', (SELECT max(id) FROM {table}))")


def generate_targets(env, workload, teams, reps, rep_team, rng, t0):
    """Every KPI's targets for every salesperson and team, per month, quarter and year
    of YEAR, confirmed; then the first refresh of all of them."""
    cr = env.cr

    # targets ------------------------------------------------------------------------
    periods = [("month", date(YEAR, m, 1)) for m in range(1, 13)]
    periods += [("quarter", date(YEAR, m, 1)) for m in (1, 4, 7, 10)]
    periods += [("year", date(YEAR, 1, 1))]
    kpis = {k: env.ref(f"sales_objectives.sales_kpi_{k}") for k in KPIS}
    base = {
        "won_revenue": 1_200_000,
        "won_count": 48,
        "win_rate": 50,
        "avg_deal_size": 25_000,
        "cycle_days": 60,
        "new_opportunities": 140,
        "calls_done": 200,
        "new_customers": 20,
    }
    months = {"month": 1, "quarter": 3, "year": 12}
    vals = []
    owners = [("user", rep, team) for rep, team in zip(reps, rep_team)]
    owners += [("team", None, team) for team in teams]
    for owner_type, rep, team in owners:
        for key, kpi in kpis.items():
            for period_type, start in periods:
                value = base[key]
                if kpi.unit in ("money", "count"):
                    value *= months[period_type] * (
                        len(team.member_ids) if owner_type == "team" else 1
                    )
                value = round(value * rng.uniform(0.8, 1.2), 0 if kpi.unit == "count" else 2)
                vals.append(
                    {
                        "kpi_id": kpi.id,
                        "owner_type": owner_type,
                        "team_id": team.id,
                        "user_id": rep.id if rep else False,
                        "company_id": team.company_id.id,
                        "currency_id": team.company_id.currency_id.id,
                        "period_type": period_type,
                        "date_from": start,
                        "target_value": min(value, 100) if kpi.unit == "percent" else value,
                    }
                )
    # the sales KPIs: same shape, their own random stream (the targets above stay as
    # they were before these KPIs)
    rng_targets = random.Random(SEED + 2)
    for owner_type, rep, team in owners:
        for xmlid, base_value in SALE_KPIS.items():
            kpi = env.ref(xmlid)
            for period_type, start in periods:
                value = base_value
                if kpi.unit in ("money", "count"):
                    value *= months[period_type] * (
                        len(team.member_ids) if owner_type == "team" else 1
                    )
                value = round(
                    value * rng_targets.uniform(0.8, 1.2), 0 if kpi.unit == "count" else 2
                )
                vals.append(
                    {
                        "kpi_id": kpi.id,
                        "owner_type": owner_type,
                        "team_id": team.id,
                        "user_id": rep.id if rep else False,
                        "company_id": team.company_id.id,
                        "currency_id": team.company_id.currency_id.id,
                        "period_type": period_type,
                        "date_from": start,
                        "target_value": min(value, 100) if kpi.unit == "percent" else value,
                    }
                )
    Target = env["sales.target"]
    for i in range(0, len(vals), 5000):
        Target.create(vals[i : i + 5000])
        env.invalidate_all()
    cr.execute("UPDATE sales_target SET state = 'confirmed'")
    say(f"{len(vals)} targets ({time.time() - t0:.0f}s)")
    set_sequences(cr)
    env["ir.config_parameter"].set_param("sales_objectives.bench_workload", workload)
    env["ir.config_parameter"].set_param("sales_objectives.bench_rep_login", reps[0].login)
    env.flush_all()
    cr.commit()
    # as autovacuum would (index-only scans need the visibility map)
    cr._cnx.autocommit = True  # VACUUM cannot run in a transaction
    for table in (
        "crm_lead",
        "mail_message",
        "res_partner",
        "sales_target",
        "res_currency_rate",
        "sale_order",
        "sale_order_line",
        "account_move",
        "account_move_line",
        "sale_order_line_invoice_rel",
    ):
        cr.execute(f"VACUUM ANALYZE {table}")
    cr._cnx.autocommit = False
    # the first refresh of every target, as the scheduled job does after targets are set
    start = time.time()
    env["sales.kpi.engine"].refresh(env["sales.target"].search([]))
    cr.commit()
    say(f"first refresh of all targets: {time.time() - start:.1f}s")
    say(f"done in {time.time() - t0:.0f}s")


# the bench KPI that counts overlay credit once the won deals are split (--split-won)
OVERLAY_KPI = "sales_objectives.sales_kpi_won_revenue"


def split_won(env, percent):
    """Splits ``percent`` % of the won opportunities (seeded: the same deals for the same
    percentage) two or three ways between salespeople of the deal's company: its own
    salesperson keeps 40 to 70 %, the others (half of them from another team) share
    the rest, the revenue shares totalling 100 %; one deal in ten of those also has an
    overlay line (a specialist, 10 to 30 %), and as many unsplit won deals have one
    too. The lines are written with COPY, as the ORM would write them. Idempotent: the
    same percentage again changes nothing, another one replaces the lines, 0 removes
    them. Also makes the "Won revenue" KPI count overlay credit (whatever the
    percentage, so that runs with and without splits measure the same KPIs).
    Returns (split deals, revenue lines, overlay lines)."""
    cr = env.cr
    Param = env["ir.config_parameter"]
    kpi = env.ref(OVERLAY_KPI)
    if not kpi.count_overlay:
        kpi.count_overlay = True
    key = "sales_objectives.bench_split_won"
    cr.execute(
        "SELECT count(DISTINCT lead_id) FILTER (WHERE kind = 'revenue'), count(*)"
        " FILTER (WHERE kind = 'revenue'), count(*) FILTER (WHERE kind = 'overlay')"
        " FROM sales_credit_split WHERE lead_id IS NOT NULL"
    )
    found = cr.fetchone()
    if Param.get_param(key) == str(percent) and (found[0] or not percent):
        say(f"{percent} % of the won deals already split: {found[0]} deals, unchanged")
        return found
    cr.execute("DELETE FROM sales_credit_split WHERE lead_id IS NOT NULL")
    # the salespeople with their team and company, the won deals with theirs
    cr.execute(
        """SELECT m.user_id, m.crm_team_id, t.company_id
             FROM crm_team_member m JOIN crm_team t ON t.id = m.crm_team_id
             JOIN res_users u ON u.id = m.user_id
            WHERE m.active AND u.login LIKE 'bench_rep_%%' ORDER BY u.login"""
    )
    reps = cr.fetchall()
    team_of = {user: team for user, team, _company in reps}
    by_company = defaultdict(list)
    for user, team, company in reps:
        by_company[company].append((user, team))
    cr.execute(
        """SELECT l.id, l.user_id, l.company_id FROM crm_lead l
             JOIN crm_stage s ON s.id = l.stage_id AND s.is_won
            WHERE l.active AND l.user_id IS NOT NULL ORDER BY l.id"""
    )
    won = [row for row in cr.fetchall() if row[1] in team_of]
    rng = random.Random(SEED + 27)
    chosen = sorted(rng.sample(range(len(won)), round(len(won) * percent / 100)))
    picked = set(chosen)
    lines = []  # (lead, user, team, share, kind, company)

    def others(user, company, count):
        """``count`` salespeople of ``company`` other than ``user``, the first of
        another team half of the time, the others of any team."""
        mates = [r for r in by_company[company] if r[0] != user]
        pool = [r for r in mates if r[1] != team_of[user]] if rng.random() < 0.5 else mates
        first = rng.choice(pool or mates)
        rest = rng.sample([r for r in mates if r != first], count - 1)
        return [first, *rest]

    for n, index in enumerate(chosen):
        lead, user, company = won[index]
        ways = rng.choice((2, 3))
        own = rng.choice((40, 50, 60, 70))
        rest = 100 - own
        shares = [own, rest] if ways == 2 else [own, rest // 2 + 5, rest - rest // 2 - 5]
        people = [(user, team_of[user]), *others(user, company, ways - 1)]
        lines += [(lead, u, t, s, "revenue", company) for (u, t), s in zip(people, shares)]
        if n % 10 == 0:
            taken = {u for u, _t in people}
            specialist = rng.choice([r for r in by_company[company] if r[0] not in taken])
            lines.append((lead, *specialist, rng.choice((10, 20, 30)), "overlay", company))
    # as many unsplit won deals with an overlay line only
    unsplit = [i for i in range(len(won)) if i not in picked]
    for index in sorted(rng.sample(unsplit, min(len(unsplit), len(chosen) // 10))):
        lead, user, company = won[index]
        specialist = rng.choice([r for r in by_company[company] if r[0] != user])
        lines.append((lead, *specialist, rng.choice((10, 20, 30)), "overlay", company))
    ids = next_ids(cr, "sales_credit_split_id_seq", len(lines))
    copy_checked(
        cr,
        "sales_credit_split",
        [
            "id",
            "lead_id",
            "user_id",
            "team_id",
            "share",
            "kind",
            "company_id",
            "create_uid",
            "write_uid",
            "create_date",
            "write_date",
        ],
        ((i, *line, 1, 1, "2026-11-20", "2026-11-20") for i, line in zip(ids, lines, strict=True)),
    )
    cr.execute("ANALYZE sales_credit_split")
    Param.set_param(key, str(percent))
    revenue = sum(1 for line in lines if line[4] == "revenue")
    say(
        f"{len(chosen)} of {len(won)} won deals split ({percent} %): {revenue} revenue "
        f"lines, {len(lines) - revenue} overlay lines"
    )
    return len(chosen), revenue, len(lines) - revenue


def not_null_columns(cr, table):
    """The NOT NULL columns of ``table`` without a default (COPY must fill them)."""
    cr.execute(
        """SELECT column_name FROM information_schema.columns
            WHERE table_name = %s AND is_nullable = 'NO' AND column_default IS NULL""",
        [table],
    )
    return {r[0] for r in cr.fetchall()}


def copy_checked(cr, table, columns, rows):
    """copy_rows, after checking that ``columns`` fill every NOT NULL column."""
    missing = not_null_columns(cr, table) - set(columns)
    if missing:
        raise SystemExit(f"{table}: NOT NULL columns not filled: {sorted(missing)}")
    return copy_rows(cr, table, columns, rows)


def generate_sales(env, shape, companies, rep_info, partner_ids, t0):
    """Sales orders (3 lines each), their invoices and credit notes, with COPY, as
    sale, sale_margin and account would store them (invoices without receivable and
    tax lines). Customers order again and again: the same skewed pick as the
    opportunities' customers, mostly from the salesperson of their account, a fifth
    of them through a contact person."""
    import pytz  # noqa: PLC0415

    rng = random.Random(SEED + 1)
    cr = env.cr
    # products: ~10 categories, ~200 products ------------------------------------
    categories = env["product.category"].create(
        [{"name": f"Bench category {c:02d}"} for c in range(N_CATEGORIES)]
    )
    templates = env["product.template"].create(
        [
            {
                "name": f"Bench product {p:03d}",
                "type": "consu",
                "categ_id": categories[p % N_CATEGORIES].id,
                "list_price": float(rng.randrange(10, 2000)),
                "standard_price": 0.0,
                "sale_ok": True,
            }
            for p in range(N_PRODUCTS)
        ]
    )
    products = []
    for template in templates:
        cost = round(template.list_price * rng.uniform(0.45, 0.85), 2)
        products.append((template.product_variant_id.id, template.name, template.list_price, cost))
    uom = env.ref("uom.product_uom_unit").id
    # per company: pricelist, sale journal and its income account, time zone
    info = {}
    for company in companies:
        pricelist = env["product.pricelist"].create(
            {
                "name": f"Bench {company.name}",
                "currency_id": company.currency_id.id,
                "company_id": company.id,
            }
        )
        journal = env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
        )
        info[company.id] = dict(
            currency=company.currency_id.id,
            pricelist=pricelist.id,
            journal=journal.id,
            account=journal.default_account_id.id,
            tz=pytz.timezone(company.resource_calendar_id.tz),
        )
    env.flush_all()

    # contacts of a fifth of the customers (orders name the contact, the customer is
    # its commercial partner)
    n_customers = len(partner_ids)
    with_contact = sorted(rng.sample(range(n_customers), n_customers // 5))
    contact_ids = next_ids(cr, "res_partner_id_seq", len(with_contact))
    contact_of = dict(zip(with_contact, contact_ids))
    copy_rows(
        cr,
        "res_partner",
        [
            "id",
            "name",
            "complete_name",
            "parent_id",
            "commercial_partner_id",
            "is_company",
            "active",
            "type",
            "lang",
            "create_uid",
            "write_uid",
            "create_date",
            "write_date",
            "autopost_bills",
            "customer_rank",
            "invoice_warn",
            "sale_warn",
        ],
        (
            (
                cid,
                f"Contact {i}",
                f"Customer {i}, Contact {i}",
                partner_ids[i],
                partner_ids[i],
                False,
                True,
                "contact",
                "en_US",
                1,
                1,
                "2023-11-01",
                "2023-11-01",
                "ask",
                1,
                "no-message",
                "no-message",
            )
            for i, cid in contact_of.items()
        ),
    )

    # orders and lines --------------------------------------------------------------
    n_orders = shape["orders"]
    order_ids = next_ids(cr, "sale_order_id_seq", n_orders)
    line_ids = next_ids(cr, "sale_order_line_id_seq", 3 * n_orders)
    span = (END - START).total_seconds()
    orders, lines = [], []
    invoiced = []  # (order index) of the orders invoiced
    counts = dict(orders=n_orders, confirmed=0, cancelled=0, draft=0, lines=3 * n_orders)
    # a customer's account has its salesperson: 4 orders in 5 go through them
    home = [rng.randrange(len(rep_info)) for _i in range(n_customers)]
    for n, order_id in enumerate(order_ids):
        i = int(n_customers * rng.random() ** 2)
        r = home[i] if rng.random() < 0.8 else rng.randrange(len(rep_info))
        user_id, team_id, company_id, _partner = rep_info[r]
        c = info[company_id]
        moment = START + timedelta(seconds=int(rng.random() * span))
        customer = partner_ids[i]
        partner = contact_of[i] if i in contact_of and rng.random() < 0.5 else customer
        draw = rng.random()
        state = "sale" if draw < 0.85 else "cancel" if draw < 0.95 else "draft"
        counts[{"sale": "confirmed", "cancel": "cancelled", "draft": "draft"}[state]] += 1
        will_invoice = state == "sale" and rng.random() < 0.9
        amount = margin = 0.0
        order_lines = []
        for k in range(3):
            product_id, pname, price, cost = products[rng.randrange(N_PRODUCTS)]
            qty = rng.randrange(1, 11)
            discount = float(rng.randrange(1, 21)) if rng.random() < 0.3 else 0.0
            subtotal = round(price * qty * (1 - discount / 100.0), 2)
            line_margin = round(subtotal - cost * qty, 2)
            amount += subtotal
            margin += line_margin
            line_id = line_ids[3 * n + k]
            order_lines.append((line_id, product_id, pname, qty, price, discount, subtotal, cost))
            lines.append(
                (
                    line_id,
                    order_id,
                    10 + k,
                    company_id,
                    c["currency"],
                    partner,
                    user_id,
                    product_id,
                    uom,
                    state,
                    "manual",
                    "invoiced" if will_invoice else "to invoice" if state == "sale" else "no",
                    pname,
                    qty,
                    price,
                    discount,
                    subtotal,
                    subtotal,
                    round(subtotal / qty, 6),
                    round(subtotal / qty, 6),
                    0,
                    qty if will_invoice else 0,
                    0 if will_invoice or state != "sale" else qty,
                    subtotal if will_invoice else 0,
                    0 if will_invoice or state != "sale" else subtotal,
                    False,
                    False,
                    moment,
                    moment,
                    1,
                    1,
                    price,
                    0.0,
                    0.0,
                    line_margin,
                    cost,
                    round(line_margin / subtotal, 6) if subtotal else 0.0,
                )
            )
        amount = round(amount, 2)
        margin = round(margin, 2)
        orders.append(
            (
                order_id,
                f"S{n + 1:06d}",
                state,
                moment,
                moment,
                moment,
                1,
                1,
                partner,
                partner,
                partner,
                company_id,
                c["pricelist"],
                c["currency"],
                1.0,
                user_id,
                team_id,
                amount,
                0.0,
                amount,
                margin,
                round(margin / amount, 6) if amount else 0.0,
                "invoiced" if will_invoice else "to invoice" if state == "sale" else "no",
                False,
                False,
                False,
                1.0,
            )
        )
        if state == "sale":
            local_day = pytz.utc.localize(moment).astimezone(c["tz"]).date()
            invoiced.append((n, order_id, will_invoice, local_day, customer, partner, order_lines))
    copy_checked(
        cr,
        "sale_order",
        [
            "id",
            "name",
            "state",
            "date_order",
            "create_date",
            "write_date",
            "create_uid",
            "write_uid",
            "partner_id",
            "partner_invoice_id",
            "partner_shipping_id",
            "company_id",
            "pricelist_id",
            "currency_id",
            "currency_rate",
            "user_id",
            "team_id",
            "amount_untaxed",
            "amount_tax",
            "amount_total",
            "margin",
            "margin_percent",
            "invoice_status",
            "locked",
            "require_signature",
            "require_payment",
            "prepayment_percent",
        ],
        orders,
    )
    copy_checked(
        cr,
        "sale_order_line",
        [
            "id",
            "order_id",
            "sequence",
            "company_id",
            "currency_id",
            "order_partner_id",
            "salesman_id",
            "product_id",
            "product_uom",
            "state",
            "qty_delivered_method",
            "invoice_status",
            "name",
            "product_uom_qty",
            "price_unit",
            "discount",
            "price_subtotal",
            "price_total",
            "price_reduce_taxexcl",
            "price_reduce_taxinc",
            "qty_delivered",
            "qty_invoiced",
            "qty_to_invoice",
            "untaxed_amount_invoiced",
            "untaxed_amount_to_invoice",
            "is_downpayment",
            "is_expense",
            "create_date",
            "write_date",
            "create_uid",
            "write_uid",
            "technical_price_unit",
            "price_tax",
            "customer_lead",
            "margin",
            "purchase_price",
            "margin_percent",
        ],
        lines,
    )
    say(f"{n_orders} sales orders, {len(lines)} order lines ({time.time() - t0:.0f}s)")
    del orders, lines

    # invoices and credit notes -----------------------------------------------------
    cr.execute("SELECT id, name, user_id, team_id, company_id FROM sale_order WHERE state = 'sale'")
    order_info = {r[0]: r[1:] for r in cr.fetchall()}
    moves, move_lines, links = [], [], []
    sequences = defaultdict(int)  # (journal, prefix) -> last number
    counts.update(invoices=0, refunds=0, other_moves=0)
    # (type, state, order, invoice date, accounting date, customer, partner, lines);
    # drafts and cancelled ones have no invoice date
    plans = []
    for _n, order_id, will_invoice, local_day, customer, partner, order_lines in invoiced:
        if will_invoice:
            day = local_day + timedelta(days=rng.randrange(0, 31))
            plans.append(
                ("out_invoice", "posted", order_id, day, day, customer, partner, order_lines)
            )
            if rng.random() < 0.05:
                refund_day = day + timedelta(days=rng.randrange(1, 46))
                part = order_lines[: 1 + rng.randrange(2)]
                plans.append(
                    (
                        "out_refund",
                        "posted",
                        order_id,
                        refund_day,
                        refund_day,
                        customer,
                        partner,
                        part,
                    )
                )
        elif rng.random() < 0.3:
            # a draft invoice waiting, or one cancelled
            state = "draft" if rng.random() < 0.6 else "cancel"
            plans.append(
                ("out_invoice", state, order_id, None, local_day, customer, partner, order_lines)
            )
    move_ids = next_ids(cr, "account_move_id_seq", len(plans))
    n_move_lines = sum(len(p[7]) for p in plans)
    aml_ids = iter(next_ids(cr, "account_move_line_id_seq", n_move_lines))
    last_invoice = {}
    for move_id, (kind, state, order_id, day, move_date, customer, partner, order_lines) in zip(
        move_ids, plans
    ):
        oname, user_id, team_id, company_id = order_info[order_id]
        c = info[company_id]
        refund = kind == "out_refund"
        sign = 1 if refund else -1  # balance of the product lines
        if state == "posted":
            prefix = f"{'RINV' if refund else 'INV'}/{day.year}/"
            sequences[(c["journal"], prefix)] += 1
            number = sequences[(c["journal"], prefix)]
            name = f"{prefix}{number:05d}"
            counts["refunds" if refund else "invoices"] += 1
        else:
            prefix, number, name = None, None, "/"
            counts["other_moves"] += 1
        amount = round(sum(line[6] for line in order_lines), 2)
        signed = -amount if refund else amount
        created = datetime.combine(move_date, datetime.min.time()) + timedelta(hours=12)
        moves.append(
            (
                move_id,
                name,
                prefix,
                number,
                c["journal"],
                company_id,
                partner,
                customer,
                partner,
                c["currency"],
                user_id,
                team_id,
                state,
                kind,
                "no",
                "not_paid",
                oname,
                f"Customer {customer}",
                move_date,
                day,
                day + timedelta(days=30) if day else move_date,
                1.0,
                amount,
                0.0,
                amount,
                amount,
                signed,
                signed,
                0.0,
                signed,
                signed,
                signed,
                False,
                False,
                state == "posted",
                state == "posted",
                False,
                False,
                False,
                last_invoice.get(order_id) if refund else None,
                created,
                created,
                1,
                1,
            )
        )
        if not refund:
            last_invoice[order_id] = move_id
        for k, (line_id, product_id, pname, qty, price, discount, subtotal, _cost) in enumerate(
            order_lines
        ):
            aml_id = next(aml_ids)
            balance = sign * subtotal
            move_lines.append(
                (
                    aml_id,
                    move_id,
                    c["journal"],
                    company_id,
                    c["currency"],
                    c["currency"],
                    c["account"],
                    customer,
                    product_id,
                    uom,
                    name,
                    state,
                    pname,
                    "product",
                    move_date,
                    day,
                    10 + k,
                    qty,
                    price,
                    discount,
                    subtotal,
                    subtotal,
                    balance,
                    balance,
                    max(balance, 0.0),
                    max(-balance, 0.0),
                    0.0,
                    0.0,
                    0.0,
                    0.0,
                    0.0,
                    False,
                    not refund,
                    False,
                    False,
                    created,
                    created,
                    1,
                    1,
                )
            )
            links.append((aml_id, line_id))
    copy_checked(
        cr,
        "account_move",
        [
            "id",
            "name",
            "sequence_prefix",
            "sequence_number",
            "journal_id",
            "company_id",
            "partner_id",
            "commercial_partner_id",
            "partner_shipping_id",
            "currency_id",
            "invoice_user_id",
            "team_id",
            "state",
            "move_type",
            "auto_post",
            "payment_state",
            "invoice_origin",
            "invoice_partner_display_name",
            "date",
            "invoice_date",
            "invoice_date_due",
            "invoice_currency_rate",
            "amount_untaxed",
            "amount_tax",
            "amount_total",
            "amount_residual",
            "amount_untaxed_signed",
            "amount_untaxed_in_currency_signed",
            "amount_tax_signed",
            "amount_total_signed",
            "amount_total_in_currency_signed",
            "amount_residual_signed",
            "is_storno",
            "always_tax_exigible",
            "checked",
            "posted_before",
            "made_sequence_gap",
            "is_manually_modified",
            "is_move_sent",
            "reversed_entry_id",
            "create_date",
            "write_date",
            "create_uid",
            "write_uid",
        ],
        moves,
    )
    copy_checked(
        cr,
        "account_move_line",
        [
            "id",
            "move_id",
            "journal_id",
            "company_id",
            "company_currency_id",
            "currency_id",
            "account_id",
            "partner_id",
            "product_id",
            "product_uom_id",
            "move_name",
            "parent_state",
            "name",
            "display_type",
            "date",
            "invoice_date",
            "sequence",
            "quantity",
            "price_unit",
            "discount",
            "price_subtotal",
            "price_total",
            "balance",
            "amount_currency",
            "debit",
            "credit",
            "amount_residual",
            "amount_residual_currency",
            "tax_base_amount",
            "discount_amount_currency",
            "discount_balance",
            "is_imported",
            "tax_tag_invert",
            "reconciled",
            "is_downpayment",
            "create_date",
            "write_date",
            "create_uid",
            "write_uid",
        ],
        move_lines,
    )
    copy_checked(cr, "sale_order_line_invoice_rel", ["invoice_line_id", "order_line_id"], links)
    counts["move_lines"] = len(move_lines)
    say(
        f"{counts['invoices']} invoices, {counts['refunds']} credit notes, "
        f"{counts['other_moves']} draft or cancelled, {len(move_lines)} invoice lines "
        f"({time.time() - t0:.0f}s)"
    )
    return counts


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--workload", choices=sorted(WORKLOADS), default="W0")
    parser.add_argument(
        "--stage",
        choices=("all", "crm", "targets"),
        default="all",
        help="crm: the CRM and sales data only (no add-on needed); targets: then the "
        "targets and their first refresh, once the add-ons are installed",
    )
    args = parser.parse_args()
    import odoo  # noqa: PLC0415
    from odoo.modules.registry import Registry  # noqa: PLC0415

    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    with Registry(args.database).cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        generate(env, args.workload, args.stage)
    return 0


if __name__ == "__main__":
    sys.exit(main())
