"""Benchmark of the target refresh (docs/performance.md).

For a full refresh of every target of the database it prints: wall time (median of 5
runs after a warm-up), SQL query count and peak memory of

- the engine (``sales.kpi.engine.refresh``, what the cron and the Refresh button run),
- the floor: one hand-written SQL statement per KPI (bench/floor_sql.py),
- the per-target path: each target evaluated on its own through the ORM, as Odoo's
  gamification goals do without batch mode (one run: it is slow),

checks that the three agree on every target, and measures "My targets" for one
salesperson (query count and server time) and the refresh of that salesperson's
targets alone (the Refresh button). Each phase runs in its own process, so that
its peak memory (resident set size) is its own; every run is rolled back.

With ``--split-won P``, P % of the won opportunities are first split two or three ways
between salespeople (bench/generate.py, split_won; committed: 0 removes the splits),
and engine, floor and per-target path all credit the shares.

Usage: python3 bench/bench.py -c <odoo.conf> -d <database> [--runs 5] [--per-target-sample N]
                              [--split-won P]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))


def stored_figure_names():
    """The figures the engine stores, from the engine (once Odoo's addons path is set)."""
    from odoo.addons.sales_objectives.engine.state import STORED_FIGURES  # noqa: PLC0415

    return STORED_FIGURES


# the settings the engine uses for a refresh (sales.kpi.engine), given to the floor too
SESSION_SETTINGS = "SET LOCAL jit = off; SET LOCAL work_mem = '64MB'"
# the moment the workloads are measured at: the last day of their records
# (bench/generate.py, END), so that the current month, which the kept cells hold by day,
# has records, and the figures do not depend on the day the bench runs
AS_OF = "2026-11-20 12:00:00"
sys.path.insert(0, HERE)


# ----------------------------------------------------------------------------------
# Phases (run in a child process with an Odoo environment)
# ----------------------------------------------------------------------------------


def open_env(config, database):
    import odoo  # noqa: PLC0415
    from odoo.modules.registry import Registry  # noqa: PLC0415

    odoo.tools.config.parse_config(["-c", config, "-d", database, "--log-level=warn"])
    registry = Registry(database)
    cr = registry.cursor()
    return odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})


def all_target_ids(env):
    env.cr.execute("SELECT id FROM sales_target WHERE state != 'closed' ORDER BY id")
    return [r[0] for r in env.cr.fetchall()]


def timed_runs(env, func, runs, setup=None, after=None):
    """Warm-up, then ``runs`` timed runs; each is rolled back (``setup`` runs before
    each, ``after`` after each, untimed: its value is the run's result). Returns times,
    queries and the last result."""
    times, queries = [], []
    env.cr.execute("SAVEPOINT bench_run")
    for index in range(runs + 1):
        env.invalidate_all()
        if setup:
            setup()
            env.invalidate_all()
        count0 = env.cr.sql_log_count
        start = time.perf_counter()
        result = func()
        env.flush_all()
        elapsed = time.perf_counter() - start
        count = env.cr.sql_log_count - count0
        if index:
            times.append(elapsed)
            queries.append(count)
        last = after() if after else result
        env.cr.execute("ROLLBACK TO SAVEPOINT bench_run")
        env.invalidate_all()
    return times, queries, last


def phase_baseline(env, args):
    env.cr.execute(
        "SELECT count(DISTINCT lead_id) FILTER (WHERE kind = 'revenue'),"
        " count(*) FILTER (WHERE kind = 'revenue'), count(*) FILTER (WHERE kind = 'overlay')"
        " FROM sales_credit_split WHERE lead_id IS NOT NULL"
    )
    deals, revenue, overlay = env.cr.fetchone()
    env.cr.execute("SELECT name->>'en_US' FROM sales_kpi WHERE count_overlay ORDER BY id")
    overlay_kpis = [r[0] for r in env.cr.fetchall()]
    return {
        "targets": len(all_target_ids(env)),
        "splits": [deals, revenue, overlay],
        "overlay_kpis": overlay_kpis,
    }


def phase_split(env, args):
    """Splits --split-won % of the won deals (bench/generate.py), committed."""
    from generate import split_won  # noqa: PLC0415

    found = split_won(env, args.split_won)
    env.cr.commit()
    return {"splits": list(found)}


def target_labels(env, ids):
    """{target id: "KPI, owner, period"} to name the targets that disagree."""
    env.cr.execute(
        """SELECT t.id, k.name->>'en_US', t.owner_type,
                  COALESCE(p.name, tm.name->>'en_US', c.name), t.date_from, t.date_to
             FROM sales_target t JOIN sales_kpi k ON k.id = t.kpi_id
             JOIN res_company c ON c.id = t.company_id
        LEFT JOIN crm_team tm ON tm.id = t.team_id AND t.owner_type = 'team'
        LEFT JOIN res_users u ON u.id = t.user_id AND t.owner_type = 'user'
        LEFT JOIN res_partner p ON p.id = u.partner_id
            WHERE t.id = ANY(%s)""",
        [ids],
    )
    return {r[0]: f"{r[1]}, {r[2]} {r[3]}, {r[4]}..{r[5]}" for r in env.cr.fetchall()}


def phase_prepare(env, args):
    """One complete refresh by the current engine, committed: the stored figures are
    then what a scheduled pass leaves (the steady state both paths start from)."""
    ids = all_target_ids(env)
    env["sales.kpi.engine"].refresh(env["sales.target"].browse(ids), complete=True)
    env.cr.commit()
    return {"targets": len(ids)}


def stored_figures(env, ids):
    names = ", ".join(name for name, _type in stored_figure_names())
    env.cr.execute(f"SELECT id, {names} FROM sales_target WHERE id = ANY(%s)", [ids])
    return {row[0]: list(row[1:]) for row in env.cr.fetchall()}


def stale(env):
    """Makes every stored figure differ, so that a refresh writes every target."""
    env.cr.execute("UPDATE sales_target SET actual_value = -1 WHERE state != 'closed'")


def phase_engine(env, args):
    ids = all_target_ids(env)
    targets = env["sales.target"].browse(ids)

    def run():
        env["sales.kpi.engine"].refresh(targets, complete=True)

    # the stored figures are read after each run, untimed, to check them
    times, queries, values = timed_runs(env, run, args.runs, after=lambda: stored_figures(env, ids))
    labels = target_labels(env, ids)
    cold, _q, _v = timed_runs(
        env,
        lambda: env["sales.kpi.engine"].refresh(targets, complete=True),
        args.runs,
        setup=lambda: stale(env),
    )
    return {"times": times, "queries": queries, "values": values, "cold": cold, "labels": labels}


def phase_floor(env, args):
    from floor_sql import Floor  # noqa: PLC0415

    def run():
        env.cr.execute(SESSION_SETTINGS)
        return Floor(env).run()

    times, queries, values = timed_runs(env, run, args.runs)
    cold, _q, _v = timed_runs(env, run, args.runs, setup=lambda: stale(env))
    return {"times": times, "queries": queries, "values": values, "cold": cold}


def phase_per_kpi(env, args):
    """Per KPI, the actuals alone: the engine's measure against the floor's scan and
    sums, side by side in one process; then the pipeline and the history."""
    from floor_sql import PIPELINE, Floor  # noqa: PLC0415

    engine = env["sales.kpi.engine"]
    ids = all_target_ids(env)
    rows = engine._read_targets(ids)
    state = engine._load_state(rows)
    floor = Floor(env)
    floor.load()
    groups = defaultdict(list)
    for row in rows:
        groups[row.kpi_id].append(row)
    env.cr.execute(SESSION_SETTINGS)
    result = {}

    def median_of(func):
        times = []
        for index in range(args.runs + 1):
            start = time.perf_counter()
            func()
            if index:
                times.append(time.perf_counter() - start)
        return statistics.median(times)

    for kpi_id, group in groups.items():
        kpi = env["sales.kpi"].browse(kpi_id)
        targets = [t for t in floor.targets if t[1] == kpi_id]

        def floor_measure(kpi_id=kpi_id, targets=targets):
            floor.measure(kpi_id, targets)

        result[kpi.name] = (
            median_of(lambda kpi=kpi, group=group: engine._measure_kpi(kpi, group, state)),
            median_of(floor_measure),
        )
    pipeline_kpis = [k for k in groups if floor.kpis[k] in PIPELINE]
    if pipeline_kpis:
        kpis = env["sales.kpi"].browse(pipeline_kpis)
        pipeline_rows = [r for k in pipeline_kpis for r in groups[k]]

        def engine_pipeline():
            results = defaultdict(dict)
            engine._measure_pipeline(kpis, groups, results, state)

        def engine_history():
            results = defaultdict(dict)
            engine._measure_history(pipeline_rows, results, state)

        result["(open pipeline)"] = (median_of(engine_pipeline), median_of(floor.pipeline))
        result["(12-month history)"] = (median_of(engine_history), median_of(floor.history))
    return {"per_kpi": result}


def phase_per_target(env, args):
    from per_target import PerTarget  # noqa: PLC0415

    ids = all_target_ids(env)
    if args.per_target_sample and args.per_target_sample < len(ids):
        step = len(ids) / args.per_target_sample
        ids = [ids[int(i * step)] for i in range(args.per_target_sample)]
    targets = env["sales.target"].browse(ids)
    evaluator = PerTarget(env)
    count0 = env.cr.sql_log_count
    start = time.perf_counter()
    values = {t.id: evaluator.evaluate(t) for t in targets}
    elapsed = time.perf_counter() - start
    queries = env.cr.sql_log_count - count0
    env.cr.rollback()
    return {"times": [elapsed], "queries": [queries], "values": values, "evaluated": len(ids)}


def bench_rep(env):
    login = env["ir.config_parameter"].get_param("sales_objectives.bench_rep_login")
    return env["res.users"].search([("login", "=", login)])


def phase_rep_refresh(env, args):
    """The Refresh button on one salesperson's targets."""
    targets = env["sales.target"].search(
        [
            ("owner_type", "=", "user"),
            ("user_id", "=", bench_rep(env).id),
            ("state", "!=", "closed"),
        ]
    )

    def run():
        env["sales.kpi.engine"].refresh(targets)
        return len(targets)

    times, queries, length = timed_runs(env, run, args.runs)
    return {"times": times, "queries": queries, "targets": length}


def phase_my_targets(env, args):
    user = bench_rep(env)
    spec = {
        name: {}
        for name in (
            "kpi_id",
            "period_name",
            "user_id",
            "team_id",
            "status",
            "attainment",
            "value_label",
            "expected_label",
            "unit",
            "currency_id",
            "display_name",
            "state",
        )
    }
    for name in ("kpi_id", "user_id", "team_id"):
        spec[name] = {"fields": {"display_name": {}}}
    Target = env["sales.target"].with_user(user)
    domain = [("owner_type", "=", "user"), ("user_id", "=", user.id)]

    def run():
        return Target.web_search_read(domain, spec)["length"]

    times, queries, length = timed_runs(env, run, args.runs)
    return {"times": times, "queries": queries, "targets": length}


def apply_changes(env):
    """500 changed opportunities and 1,000 new done activities over 50 salespeople,
    through the ORM (as users make them): per salesperson 4 deals won, 2 lost, 2
    reassigned within the team, 2 with a new amount, and 20 calls logged."""
    import random  # noqa: PLC0415

    rng = random.Random(7)
    env.cr.execute(
        "SELECT DISTINCT user_id FROM crm_lead WHERE user_id IS NOT NULL ORDER BY user_id"
    )
    users = [r[0] for r in env.cr.fetchall()]
    reps = rng.sample(users, min(50, len(users)))  # W0 has 10 salespeople
    won = env["crm.stage"].search([("is_won", "=", True)], limit=1)
    call = env.ref("mail.mail_activity_data_call")
    Lead = env["crm.lead"].with_context(tracking_disable=True, mail_notrack=True)
    messages = []
    for rep in reps:
        env.cr.execute(
            "SELECT id FROM crm_lead WHERE user_id = %s AND active AND date_closed IS NULL"
            " ORDER BY id LIMIT 10",
            [rep],
        )
        leads = Lead.browse([r[0] for r in env.cr.fetchall()])
        user = env["res.users"].browse(rep)
        mates = user.sale_team_id.member_ids - user
        leads[:4].write({"stage_id": won.id})
        leads[4:6].action_set_lost()
        leads[6:8].write({"user_id": mates[:1].id or rep})
        for lead in leads[8:10]:
            lead.expected_revenue = lead.expected_revenue + 1000
        messages += [
            {
                "model": "crm.lead",
                "res_id": leads[i % len(leads)].id,
                "message_type": "notification",
                "mail_activity_type_id": call.id,
                "author_id": user.partner_id.id,
                "body": "Call done",
            }
            for i in range(20)
        ]
    env["mail.message"].create(messages)
    env.flush_all()


def apply_sale_changes(env):
    """Sales changes over 50 salespeople, through the ORM (as users make them): per
    salesperson 2 quotations confirmed, 1 confirmed order cancelled, 1 order handed to
    a teammate, and 1 posted invoice refunded by a posted credit note. Returns what was
    done. A change the generated data does not allow (cancelling an order whose draft
    invoice is unbalanced) is skipped."""
    import random  # noqa: PLC0415

    rng = random.Random(11)
    cr = env.cr
    cr.execute("SELECT DISTINCT user_id FROM sale_order WHERE user_id IS NOT NULL ORDER BY user_id")
    users = [r[0] for r in cr.fetchall()]
    reps = rng.sample(users, min(50, len(users)))
    context = {"tracking_disable": True, "mail_notrack": True}
    Order = env["sale.order"].with_context(**context)
    Move = env["account.move"].with_context(**context)
    done = {"confirmed": 0, "cancelled": 0, "reassigned": 0, "refunded": 0}

    def attempt(key, func):
        try:
            with cr.savepoint():
                func()
            done[key] += 1
        except Exception:  # the generated record does not allow it
            pass

    for rep in reps:
        cr.execute(
            """SELECT id, state, invoice_status FROM sale_order WHERE user_id = %s
                ORDER BY id DESC LIMIT 300""",
            [rep],
        )
        rows = cr.fetchall()
        drafts = [r[0] for r in rows if r[1] == "draft"][:2]
        open_orders = [r[0] for r in rows if r[1] == "sale" and r[2] == "to invoice"][:2]
        user = env["res.users"].browse(rep)
        mates = user.sale_team_id.member_ids - user
        for order in drafts:
            attempt("confirmed", lambda order=order: Order.browse(order).action_confirm())
        if open_orders:
            attempt("cancelled", Order.browse(open_orders[0])._action_cancel)
        if open_orders[1:] and mates:
            reassign = Order.browse(open_orders[1])
            attempt("reassigned", lambda o=reassign, m=mates[0]: o.write({"user_id": m.id}))
        cr.execute(
            """SELECT id FROM account_move WHERE invoice_user_id = %s AND state = 'posted'
                AND move_type = 'out_invoice' ORDER BY id DESC LIMIT 1""",
            [rep],
        )
        invoice = Move.browse([r[0] for r in cr.fetchall()])

        def refund(invoice=invoice):
            wizard = (
                env["account.move.reversal"]
                .with_context(active_model="account.move", active_ids=invoice.ids, **context)
                .create({"journal_id": invoice.journal_id.id, "date": invoice.invoice_date})
            )
            credit_note = Move.browse(wizard.refund_moves()["res_id"])
            credit_note.action_post()

        if invoice:
            attempt("refunded", refund)
    env.flush_all()
    return done


def phase_incremental(env, args, changes=None):
    """The scheduled refresh after the changes above, against a full refresh of the
    same data: time of each, and agreement on every stored figure."""
    engine = env["sales.kpi.engine"]
    ids = all_target_ids(env)
    targets = env["sales.target"].browse(ids)
    since = str(env.cr.now())
    if "sales.kpi.first.order" in env:
        # as after the first pass of the day (renewed once a day: --minute times it)
        env["sales.kpi.first.order"]._bring_up_to_date([])
    done = (changes or apply_changes)(env)
    # the log as these changes leave it once committed
    env["sales.kpi.change"]._flush_buffer()
    env.cr.execute("SELECT count(*) FROM sales_kpi_change")
    (logged,) = env.cr.fetchone()

    def incremental():
        env["sales.kpi.refresh"]._incremental_pass(since)

    def full():
        engine.refresh(targets, complete=True)

    def figures():
        return stored_figures(env, ids)

    inc_times, inc_queries, inc_values = timed_runs(env, incremental, args.runs, after=figures)
    full_times, _q, full_values = timed_runs(env, full, max(1, args.runs // 2), after=figures)
    # the news these changes cause (at risk, behind, milestones), which the scheduled
    # passes queue for their own job: sent after the incremental pass
    sent = []

    def news():
        sent.append(env["sales.target.news"]._cron_send(limit=100000))

    news_times, news_queries, _v = timed_runs(env, news, max(1, args.runs // 2), setup=incremental)
    env.cr.execute("SELECT count(*) FROM sales_kpi_change")
    return {
        "times": inc_times,
        "queries": inc_queries,
        "full_times": full_times,
        "values": inc_values,
        "full_values": full_values,
        "logged": logged,
        "news_times": news_times,
        "news_queries": news_queries,
        "news_sent": sent[-1],
        "done": done,
    }


def phase_incremental_sale(env, args):
    """As phase_incremental, after sales changes (orders and invoices) instead."""
    if "sale.order" not in env:
        return {}
    return phase_incremental(env, args, changes=apply_sale_changes)


def apply_minute(env, seed=0, reps=20, activities=50, orders=5):
    """A realistic minute at W1, through the ORM: 20 opportunities changed (won, lost,
    reassigned, re-priced), 50 activities done and 5 orders confirmed, across 20
    salespeople (``reps``, ``activities``, ``orders``: a part of such a minute).
    Returns the ids of the salespeople concerned."""
    import random  # noqa: PLC0415

    rng = random.Random(100 + seed)
    env.cr.execute(
        "SELECT DISTINCT user_id FROM crm_lead WHERE user_id IS NOT NULL ORDER BY user_id"
    )
    users = [r[0] for r in env.cr.fetchall()]
    reps = rng.sample(users, min(reps, len(users)))
    won = env["crm.stage"].search([("is_won", "=", True)], limit=1)
    call = env.ref("mail.mail_activity_data_call")
    Lead = env["crm.lead"].with_context(tracking_disable=True, mail_notrack=True)
    messages = []
    for index, rep in enumerate(reps):
        env.cr.execute(
            "SELECT id FROM crm_lead WHERE user_id = %s AND active AND date_closed IS NULL"
            " ORDER BY id OFFSET %s LIMIT 1",
            [rep, rng.randrange(5)],
        )
        lead = Lead.browse([r[0] for r in env.cr.fetchall()])
        if lead:
            user = env["res.users"].browse(rep)
            action = index % 4
            if action == 0:
                lead.write({"stage_id": won.id})
            elif action == 1:
                lead.action_set_lost()
            elif action == 2:
                mate = user.sale_team_id.member_ids - user
                lead.write({"user_id": mate[:1].id or rep})
            else:
                lead.expected_revenue = lead.expected_revenue + 500
            messages += [
                {
                    "model": "crm.lead",
                    "res_id": lead.id,
                    "message_type": "notification",
                    "mail_activity_type_id": call.id,
                    "author_id": user.partner_id.id,
                    "body": "Call done",
                }
                for _i in range(2 if index % 2 else 3)
            ]
    env["mail.message"].create(messages[:activities])
    if "sale.order" in env and orders:
        env.cr.execute(
            "SELECT id FROM sale_order WHERE state = 'draft' AND user_id = ANY(%s)"
            " ORDER BY id LIMIT %s",
            [reps, orders],
        )
        Order = env["sale.order"].with_context(tracking_disable=True, mail_notrack=True)
        for order in Order.browse([r[0] for r in env.cr.fetchall()]):
            order.action_confirm()
    env.flush_all()
    env["sales.kpi.change"]._flush_buffer()
    return reps


def phase_minute(env, args):
    """The scheduled job of a quiet minute (nothing changed) and of a realistic minute
    (``apply_minute``), as the cron runs it between two daily full passes: times and
    queries."""
    Refresh = env["sales.kpi.refresh"]
    today = env["res.company"].search([])._sales_today()
    # the state a pass leaves: the daily full pass done, the last pass a moment ago
    env.cr.execute("DELETE FROM sales_kpi_change")
    since = str(env.cr.now())

    def state():
        Refresh._save_pass_state(
            {
                "full_day": {str(cid): str(day) for cid, day in today.items()},
                "full_start": since,
                "since": since,
            }
        )

    def job():
        env["sales.target"]._cron_refresh_actuals()

    # a quiet minute: this transaction's clock stands still, so the probe is asked of
    # a later moment (what a minute after the last pass sees)
    def quiet_state():
        Refresh._save_pass_state(
            {
                "full_day": {str(cid): str(day) for cid, day in today.items()},
                "full_start": "2999-01-01",
                "since": "2999-01-01",
            }
        )

    quiet_times, quiet_queries, _v = timed_runs(env, job, args.runs, setup=quiet_state)
    logged = []

    def minute():
        state()
        if "sales.kpi.first.order" in env:
            # the first pass after the day's full pass renews the kept first orders
            # (once a day, about 2 s at W1, timed apart): a realistic minute comes later
            env["sales.kpi.first.order"]._bring_up_to_date([])
        apply_minute(env)
        env.cr.execute("SELECT count(*) FROM sales_kpi_change")
        logged.append(env.cr.fetchone()[0])

    minute_times, minute_queries, _v = timed_runs(env, job, args.runs, setup=minute)
    renew_times = []
    if "sales.kpi.first.order" in env:
        renew_times, _q, _v = timed_runs(
            env, lambda: env["sales.kpi.first.order"]._bring_up_to_date([]), 1, setup=state
        )
    return {
        "renew_first_orders_times": renew_times,
        "quiet_times": quiet_times,
        "quiet_queries": quiet_queries,
        "minute_times": minute_times,
        "minute_queries": minute_queries,
        "logged": logged[-1] if logged else 0,
    }


PHASES = {
    "baseline": phase_baseline,
    "split": phase_split,
    "prepare": phase_prepare,
    "engine": phase_engine,
    "floor": phase_floor,
    "per_kpi": phase_per_kpi,
    "incremental": phase_incremental,
    "incremental_sale": phase_incremental_sale,
    "per_target": phase_per_target,
    "my_targets": phase_my_targets,
    "rep_refresh": phase_rep_refresh,
    "minute": phase_minute,
}


def set_clock(as_of):
    """The engine's and the floor's clock (Odoo's ``fields.Datetime.now``) at ``as_of``
    ("now": the real one). Write dates keep the database's clock."""
    if as_of == "now":
        return
    from datetime import datetime  # noqa: PLC0415

    from odoo import fields  # noqa: PLC0415

    moment = datetime.fromisoformat(as_of)
    fields.Datetime.now = staticmethod(lambda *args: moment)


def run_phase(args):
    set_clock(args.as_of)
    env = open_env(args.config, args.database)
    try:
        result = PHASES[args.phase](env, args)
    finally:
        env.cr.rollback()
        env.cr.close()
    with open(args.output, "w") as handle:
        json.dump(result, handle)


# ----------------------------------------------------------------------------------
# Driver
# ----------------------------------------------------------------------------------


def spawn(args, phase):
    """Runs a phase in a child process; returns its result and peak RSS (MB). Every
    phase starts from the same tables: the dead rows that the rolled-back runs of the
    phase before left in the targets and the kept cells are vacuumed first."""
    subprocess.run(
        [
            "psql",
            "-X",
            "-q",
            "-d",
            args.database,
            "-c",
            "VACUUM ANALYZE sales_target",
            "-c",
            "VACUUM ANALYZE sales_kpi_cell",
        ],
        check=False,
    )
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        output = handle.name
    command = [
        sys.executable,
        os.path.abspath(__file__),
        "-c",
        args.config,
        "-d",
        args.database,
        "--phase",
        phase,
        "--output",
        output,
        "--runs",
        str(args.runs),
        "--per-target-sample",
        str(args.per_target_sample or 0),
        "--as-of",
        args.as_of,
    ]
    if args.split_won is not None:
        command += ["--split-won", str(args.split_won)]
    process = subprocess.Popen(command)
    _pid, status, usage = os.wait4(process.pid, 0)
    if status:
        raise SystemExit(f"phase {phase} failed ({status})")
    with open(output) as handle:
        result = json.load(handle)
    os.unlink(output)
    result["peak_rss_mb"] = usage.ru_maxrss / 1024.0
    for key in ("values", "full_values"):
        if key in result:
            result[key] = {int(k): v for k, v in result[key].items()}
    return result


def agree(a, b):
    return abs(a - b) <= 0.01 + 1e-6 * max(abs(a), abs(b))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--per-target-sample",
        type=int,
        default=0,
        help="evaluate only this many targets (evenly spread) on the per-target path and "
        "extrapolate its time; 0 (default) evaluates every target",
    )
    parser.add_argument(
        "--as-of",
        default=AS_OF,
        help=f"the moment (UTC) the figures are measured at (default {AS_OF}, the workload's"
        " last day); 'now' for the real clock",
    )
    parser.add_argument(
        "--split-won",
        type=float,
        default=None,
        metavar="PERCENT",
        help="first split this percentage of the won opportunities two or three ways "
        "between salespeople, with a few overlay lines (seeded; the same percentage "
        "again changes nothing, 0 removes them); the Won revenue KPI then counts overlay",
    )
    parser.add_argument(
        "--minute",
        action="store_true",
        help="only time the scheduled job of a quiet minute and of a realistic one",
    )
    parser.add_argument("--phase", choices=sorted(PHASES))
    parser.add_argument("--output")
    args = parser.parse_args()
    if args.phase:
        run_phase(args)
        return 0

    def line(text):
        print(text, flush=True)

    if args.minute:
        result = spawn(args, "minute")
        line(
            f"scheduled job, a quiet minute: {statistics.median(result['quiet_times']):.4f} s "
            f"({result['quiet_queries'][0]} queries); a realistic minute "
            f"({result['logged']} changes logged): "
            f"{statistics.median(result['minute_times']):.3f} s "
            f"({result['minute_queries'][0]} queries)"
            + (
                "; the kept first orders renewed after the daily full pass: "
                f"{result['renew_first_orders_times'][0]:.2f} s"
                if result["renew_first_orders_times"]
                else ""
            )
        )
        return 0
    if args.split_won is not None:
        spawn(args, "split")
    baseline = spawn(args, "baseline")
    total = baseline["targets"]
    line(f"targets: {total}; Odoo process baseline RSS: {baseline['peak_rss_mb']:.0f} MB")
    deals, revenue_lines, overlay_lines = baseline["splits"]
    line(
        f"credit splits: {deals} won deals split ({revenue_lines} revenue lines), "
        f"{overlay_lines} overlay lines; KPIs counting overlay: "
        f"{', '.join(baseline['overlay_kpis']) or 'none'}"
    )
    line(f"measured as of {args.as_of} (UTC)")
    spawn(args, "prepare")
    results = {}
    for phase in (
        "engine",
        "floor",
        "per_kpi",
        "incremental",
        "incremental_sale",
        "per_target",
        "my_targets",
        "rep_refresh",
    ):
        line(f"running {phase} ...")
        results[phase] = spawn(args, phase)

    engine, floor, per_target, my = (
        results[p] for p in ("engine", "floor", "per_target", "my_targets")
    )
    engine_time = statistics.median(engine["times"])
    floor_time = statistics.median(floor["times"])
    engine_cold = statistics.median(engine["cold"])
    floor_cold = statistics.median(floor["cold"])
    evaluated = per_target["evaluated"]
    per_target_time = per_target["times"][0] * total / evaluated
    per_target_queries = round(per_target["queries"][0] * total / evaluated)

    mismatches = defaultdict(int)
    kinds = defaultdict(int)
    examples = []
    # the parent process reads the engine's list too: Odoo's addons path first
    import odoo  # noqa: PLC0415

    odoo.tools.config.parse_config(["-c", args.config, "--log-level=warn"])
    names = [name for name, _type in stored_figure_names()]
    for target_id, values in engine["values"].items():
        other = floor["values"].get(target_id)
        if other is None:
            mismatches["floor"] += 1
            examples.append(f"target {target_id}: not computed by the floor")
            continue
        label = engine["labels"].get(str(target_id), "")
        differ = [
            (name, mine, theirs)
            for name, mine, theirs in zip(names, values, other)
            if not (
                mine == theirs if isinstance(mine, str) or mine is None else agree(mine, theirs)
            )
        ]
        if differ:
            mismatches["floor"] += 1
            # KPI, owner type and figure of each disagreement, counted
            kpi, owner = label.split(", ")[:2]
            for name, _mine, _theirs in differ:
                kinds[(kpi, owner.split(" ")[0], name)] += 1
            name, mine, theirs = differ[0]
            if len(examples) < 8:
                examples.append(
                    f"target {target_id} ({label}) {name}: engine {mine} vs floor {theirs}"
                )
        if target_id in per_target["values"] and not agree(
            values[0], per_target["values"][target_id]
        ):
            mismatches["per-target"] += 1
            if len(examples) < 8:
                examples.append(
                    f"target {target_id}: engine {values[0]} vs per-target "
                    f"{per_target['values'][target_id]}"
                )

    line("")
    line("Actuals per KPI (median of runs, one process, engine vs floor):")
    line(f"{'KPI':<32}{'engine (s)':>12}{'floor (s)':>12}{'ratio':>8}")
    engine_sum = floor_sum = 0.0
    for name, (mine, theirs) in results["per_kpi"]["per_kpi"].items():
        line(f"{name:<32}{mine:>12.3f}{theirs:>12.3f}{mine / theirs:>8.2f}")
        engine_sum += mine
        floor_sum += theirs
    line(f"{'total':<32}{engine_sum:>12.3f}{floor_sum:>12.3f}{engine_sum / floor_sum:>8.2f}")
    line("")
    line(
        f"{'full refresh, every figure':<40}{'wall time (s)':>14}{'queries':>9}"
        f"{'peak RSS (MB)':>15}"
    )
    line(
        f"{f'engine (median of {args.runs})':<40}{engine_time:>14.3f}"
        f"{engine['queries'][0]:>9}{engine['peak_rss_mb']:>15.0f}"
    )
    line(
        f"{'floor (median)':<40}{floor_time:>14.3f}"
        f"{floor['queries'][0]:>9}{floor['peak_rss_mb']:>15.0f}"
    )
    line(f"{'engine, every target written':<40}{engine_cold:>14.3f}")
    line(f"{'floor, every target written':<40}{floor_cold:>14.3f}")
    label = "per-target ORM" + (f" ({evaluated} extrap.)" if evaluated < total else "")
    line(
        f"{label:<40}{per_target_time:>14.3f}{per_target_queries:>9}"
        f"{per_target['peak_rss_mb']:>15.0f}"
    )
    line(
        f"engine time per run: {', '.join(f'{t:.3f}' for t in engine['times'])}; "
        f"floor: {', '.join(f'{t:.3f}' for t in floor['times'])}"
    )
    line(
        f"agreement: engine vs floor on every stored figure of {len(engine['values'])} "
        f"targets: {len(engine['values']) - mismatches['floor']} agree; actuals vs "
        f"per-target on {evaluated}: {evaluated - mismatches['per-target']} agree"
    )
    for example in examples:
        line(f"  mismatch {example}")
    for (kpi, owner, name), count in sorted(kinds.items()):
        line(f"  engine vs floor: {kpi}, {owner} targets, {name}: {count} differ")
    inc = results["incremental"]
    inc_time = statistics.median(inc["times"])
    inc_full = statistics.median(inc["full_times"])

    def incremental_mismatches(result, label):
        """Targets whose figures after the incremental pass differ from a full refresh's."""
        count = 0
        for target_id, values in result["full_values"].items():
            mine = result["values"].get(target_id)
            if mine is None or any(
                (a != b) if isinstance(a, str) or a is None else not agree(a, b)
                for a, b in zip(mine, values)
            ):
                count += 1
                if count <= 8:
                    line(f"  {label} mismatch target {target_id}: {mine} vs full {values}")
        mismatches[label] = count
        return count

    inc_mismatch = incremental_mismatches(inc, "incremental")
    line(
        f"Scheduled refresh after 500 changed opportunities and 1,000 new done activities "
        f"over 50 salespeople ({inc['logged']} change rows): incremental "
        f"{inc_time:.3f} s ({inc['queries'][0]} queries) against a full refresh of the same "
        f"data {inc_full:.3f} s: {inc_full / inc_time:.1f}x; "
        f"{len(inc['full_values']) - inc_mismatch} of {len(inc['full_values'])} targets agree"
    )
    sale_inc = results["incremental_sale"]
    if sale_inc.get("times"):
        sale_mismatch = incremental_mismatches(sale_inc, "incremental_sale")
        sale_time = statistics.median(sale_inc["times"])
        sale_full = statistics.median(sale_inc["full_times"])
        made = sale_inc["done"]
        line(
            f"Scheduled refresh after sales changes over 50 salespeople ({made['confirmed']} "
            f"quotations confirmed, {made['cancelled']} orders cancelled, {made['reassigned']} "
            f"handed to a teammate, {made['refunded']} invoices refunded by a credit note; "
            f"{sale_inc['logged']} change rows): incremental {sale_time:.3f} s "
            f"({sale_inc['queries'][0]} queries) against a full refresh {sale_full:.3f} s: "
            f"{sale_full / sale_time:.1f}x; {len(sale_inc['full_values']) - sale_mismatch} of "
            f"{len(sale_inc['full_values'])} targets agree"
        )
    line(
        f"The news these changes cause, sent by their own job after the pass: "
        f"{inc['news_sent']} news in {statistics.median(inc['news_times']):.3f} s "
        f"({inc['news_queries'][0]} queries)"
    )
    line(
        f"My targets ({my['targets']} targets of one salesperson): {my['queries'][0]} queries, "
        f"{1000 * statistics.median(my['times']):.1f} ms (median)"
    )
    rep = results["rep_refresh"]
    line(
        f"Refresh of one salesperson's targets ({rep['targets']} targets, the Refresh "
        f"button): {rep['queries'][0]} queries, {1000 * statistics.median(rep['times']):.0f} ms "
        "(median)"
    )
    line(
        f"engine peak RSS {engine['peak_rss_mb']:.0f} MB, of which "
        f"{engine['peak_rss_mb'] - baseline['peak_rss_mb']:.0f} MB above the Odoo process baseline"
    )
    line(
        f"ratio_vs_sql={max(engine_time / floor_time, engine_cold / floor_cold):.2f} "
        f"ratio_vs_per_target={per_target_time / engine_time:.1f} "
        f"incremental_speedup={inc_full / inc_time:.1f} "
        f"queries={engine['queries'][0]} peak_rss_mb={engine['peak_rss_mb']:.0f}"
    )
    return 1 if any(mismatches.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
