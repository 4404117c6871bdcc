"""Benchmark of the target refresh (README, "Performance").

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

Usage: python3 bench/bench.py -c <odoo.conf> -d <database> [--runs 5] [--per-target-sample N]
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
from datetime import timedelta

HERE = os.path.dirname(os.path.abspath(__file__))
# the settings the engine uses for a refresh (sales.kpi.engine), given to the floor too
SESSION_SETTINGS = "SET LOCAL jit = off; SET LOCAL work_mem = '64MB'"
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


def timed_runs(env, func, runs):
    """Warm-up, then ``runs`` timed runs; each is rolled back. Returns times, queries
    and the last result."""
    times, queries = [], []
    env.cr.execute("SAVEPOINT bench_run")
    for index in range(runs + 1):
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
        last = result
        env.cr.execute("ROLLBACK TO SAVEPOINT bench_run")
        env.invalidate_all()
    return times, queries, last


def phase_baseline(env, args):
    return {"targets": len(all_target_ids(env))}


def phase_engine(env, args):
    ids = all_target_ids(env)
    targets = env["sales.target"].browse(ids)

    def run():
        env["sales.kpi.engine"].refresh(targets)
        env.cr.execute("SELECT id, actual_value FROM sales_target WHERE id = ANY(%s)", [ids])
        return dict(env.cr.fetchall())

    times, queries, values = timed_runs(env, run, args.runs)
    # queries of the refresh itself, without the read-back above
    queries = [q - 1 for q in queries]
    return {"times": times, "queries": queries, "values": values}


def floor_groups(env):
    """(metric, kpi id, tz, companies, start, stop, first, last, activity types) per
    KPI and company time zone."""
    from odoo.addons.sales_objectives.tools.periods import local_day_start_utc  # noqa: PLC0415

    env.cr.execute(
        """SELECT st.kpi_id, COALESCE(rc.tz, 'UTC'), array_agg(DISTINCT st.company_id),
                  MIN(st.date_from), MAX(st.date_to)
             FROM sales_target st JOIN res_company c ON c.id = st.company_id
        LEFT JOIN resource_calendar rc ON rc.id = c.resource_calendar_id
            WHERE st.state != 'closed' GROUP BY 1, 2"""
    )
    groups = []
    for kpi_id, tz, companies, first, last in env.cr.fetchall():
        kpi = env["sales.kpi"].browse(kpi_id)
        groups.append(
            (
                kpi.metric,
                kpi_id,
                tz,
                companies,
                local_day_start_utc(first, tz),
                local_day_start_utc(last + timedelta(days=1), tz),
                first,
                last,
                tuple(kpi.activity_type_ids.ids),
            )
        )
    return groups


def phase_floor(env, args):
    from floor_sql import floor_query  # noqa: PLC0415

    groups = floor_groups(env)

    def run():
        values = {}
        env.cr.execute(SESSION_SETTINGS)
        # hand-tuning: the planner misjudges the sizes of the CTEs and would loop
        env.cr.execute("SET LOCAL enable_nestloop = off")
        for group in groups:
            sql, params = floor_query(*group)
            env.cr.execute(sql, params)
            values.update({tid: float(v) for tid, v in env.cr.fetchall()})
        return values

    times, queries, values = timed_runs(env, run, args.runs)
    return {"times": times, "queries": queries, "values": values}


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


PHASES = {
    "baseline": phase_baseline,
    "engine": phase_engine,
    "floor": phase_floor,
    "per_target": phase_per_target,
    "my_targets": phase_my_targets,
    "rep_refresh": phase_rep_refresh,
}


def run_phase(args):
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
    """Runs a phase in a child process; returns its result and peak RSS (MB)."""
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
    ]
    process = subprocess.Popen(command)
    _pid, status, usage = os.wait4(process.pid, 0)
    if status:
        raise SystemExit(f"phase {phase} failed ({status})")
    with open(output) as handle:
        result = json.load(handle)
    os.unlink(output)
    result["peak_rss_mb"] = usage.ru_maxrss / 1024.0
    if "values" in result:
        result["values"] = {int(k): v for k, v in result["values"].items()}
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
    parser.add_argument("--phase", choices=sorted(PHASES))
    parser.add_argument("--output")
    args = parser.parse_args()
    if args.phase:
        run_phase(args)
        return 0

    def line(text):
        print(text, flush=True)

    baseline = spawn(args, "baseline")
    total = baseline["targets"]
    line(f"targets: {total}; Odoo process baseline RSS: {baseline['peak_rss_mb']:.0f} MB")
    results = {}
    for phase in ("engine", "floor", "per_target", "my_targets", "rep_refresh"):
        line(f"running {phase} ...")
        results[phase] = spawn(args, phase)

    engine, floor, per_target, my = (
        results[p] for p in ("engine", "floor", "per_target", "my_targets")
    )
    engine_time = statistics.median(engine["times"])
    floor_time = statistics.median(floor["times"])
    evaluated = per_target["evaluated"]
    per_target_time = per_target["times"][0] * total / evaluated
    per_target_queries = round(per_target["queries"][0] * total / evaluated)

    mismatches = defaultdict(int)
    examples = []
    for target_id, value in engine["values"].items():
        others = [("floor", floor["values"].get(target_id))]
        if target_id in per_target["values"]:
            others.append(("per-target", per_target["values"][target_id]))
        for name, other in others:
            if other is None or not agree(value, other):
                mismatches[name] += 1
                if len(examples) < 5:
                    examples.append(f"target {target_id}: engine {value} vs {name} {other}")

    line("")
    line(f"{'path':<28}{'wall time (s)':>16}{'queries':>10}{'peak RSS (MB)':>16}")
    line(
        f"{f'engine (median of {args.runs})':<28}{engine_time:>16.3f}"
        f"{engine['queries'][0]:>10}{engine['peak_rss_mb']:>16.0f}"
    )
    line(
        f"{'hand-written SQL (median)':<28}{floor_time:>16.3f}"
        f"{floor['queries'][0]:>10}{floor['peak_rss_mb']:>16.0f}"
    )
    label = "per-target ORM" + (f" ({evaluated} extrap.)" if evaluated < total else "")
    line(
        f"{label:<28}{per_target_time:>16.3f}{per_target_queries:>10}{per_target['peak_rss_mb']:>16.0f}"
    )
    line(
        f"engine time per run: {', '.join(f'{t:.3f}' for t in engine['times'])}; "
        f"SQL: {', '.join(f'{t:.3f}' for t in floor['times'])}"
    )
    line(
        f"agreement: engine vs SQL on {len(engine['values'])} targets: "
        f"{len(engine['values']) - mismatches['floor']} agree; vs per-target on {evaluated}: "
        f"{evaluated - mismatches['per-target']} agree"
    )
    for example in examples:
        line(f"  mismatch {example}")
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
        f"ratio_vs_sql={engine_time / floor_time:.2f} "
        f"ratio_vs_per_target={per_target_time / engine_time:.1f} "
        f"queries={engine['queries'][0]} peak_rss_mb={engine['peak_rss_mb']:.0f}"
    )
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
