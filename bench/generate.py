"""Fills a database (with crm and sales_objectives installed, no demo data) with a
seeded sales organisation, fast: users, teams and targets through the ORM, opportunities,
customers and done-activity messages with COPY, rows as the ORM would write them.

Workloads (README, "Performance"):
  W1: 200 salespeople in 20 teams, 1,000,000 opportunities over 3 years (a third won,
      a third lost, a third open) in two companies and currencies, 3,000,000
      done-activity messages, targets for every salesperson and team for the 12 months,
      4 quarters and the year on 8 KPIs (29,920 targets).
  W0: the same shape at 1/20 scale.

Usage: python3 bench/generate.py -c <odoo.conf> -d <database> --workload W0|W1
"""

import argparse
import io
import logging
import random
import sys
import time
from array import array
from datetime import date, datetime, timedelta

WORKLOADS = {
    "W1": dict(teams=20, reps=10, leads=1_000_000, messages=3_000_000, customers=100_000),
    "W0": dict(teams=2, reps=5, leads=50_000, messages=150_000, customers=5_000),
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


def generate(env, workload):
    shape = WORKLOADS[workload]
    rng = random.Random(SEED)
    cr = env.cr
    t0 = time.time()
    if env["ir.config_parameter"].get_param("sales_objectives.bench_workload"):
        say("the database already holds a workload")
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
    copy_rows(
        cr,
        "res_partner",
        [
            "id",
            "name",
            "complete_name",
            "commercial_partner_id",
            "is_company",
            "active",
            "type",
            "lang",
            "create_uid",
            "write_uid",
            "create_date",
            "write_date",
        ],
        (
            (
                pid,
                f"Customer {i}",
                f"Customer {i}",
                pid,
                True,
                True,
                "contact",
                "en_US",
                1,
                1,
                "2023-11-01",
                "2023-11-01",
            )
            for i, pid in enumerate(partner_ids)
        ),
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
    Target = env["sales.target"]
    for i in range(0, len(vals), 5000):
        Target.create(vals[i : i + 5000])
        env.invalidate_all()
    cr.execute("UPDATE sales_target SET state = 'confirmed'")
    say(f"{len(vals)} targets ({time.time() - t0:.0f}s)")

    for table, sequence in [
        ("crm_lead", "crm_lead_id_seq"),
        ("mail_message", "mail_message_id_seq"),
        ("res_partner", "res_partner_id_seq"),
    ]:
        cr.execute(f"SELECT setval('{sequence}', (SELECT max(id) FROM {table}))")
    env["ir.config_parameter"].set_param("sales_objectives.bench_workload", workload)
    env["ir.config_parameter"].set_param("sales_objectives.bench_rep_login", reps[0].login)
    env.flush_all()
    cr.commit()
    # as autovacuum would (index-only scans need the visibility map)
    cr._cnx.autocommit = True  # VACUUM cannot run in a transaction
    for table in ("crm_lead", "mail_message", "res_partner", "sales_target", "res_currency_rate"):
        cr.execute(f"VACUUM ANALYZE {table}")
    cr._cnx.autocommit = False
    # the first refresh of every target, as the scheduled job does after targets are set
    start = time.time()
    env["sales.kpi.engine"].refresh(env["sales.target"].search([]))
    cr.commit()
    say(f"first refresh of all targets: {time.time() - start:.1f}s")
    say(f"done in {time.time() - t0:.0f}s")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--workload", choices=sorted(WORKLOADS), default="W0")
    args = parser.parse_args()
    import odoo  # noqa: PLC0415
    from odoo.modules.registry import Registry  # noqa: PLC0415

    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    with Registry(args.database).cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        generate(env, args.workload)
    return 0


if __name__ == "__main__":
    sys.exit(main())
