"""The freshness benchmark (``bench/run W1 --freshness``): how long a change takes to
reach its figure when the scheduled refresh runs every minute in Odoo's own job runner.

On a copy of the benchmark database, Odoo serves with ``--workers`` (one job runner);
the refresh job runs every minute (the other jobs wait). After its first (full) pass,
``--minutes`` realistic minutes are replayed through the ORM, each in four bursts at
random moments (a quarter of bench.apply_minute each: opportunities won, lost,
reassigned and re-priced, activities done, orders confirmed). For each burst: the delay
from its commit to the end of the first pass that started after it (the pass's state,
watched every half second). The job's CPU: the Odoo server's processes and their
database connections (everything but this script's), over the replay, in percent of
one core. At the end, with the server stopped, every open target's stored figures are
compared with a full refresh (rolled back). Prints one line per measure and a result
line ``freshness_p50_s=… freshness_p95_s=… freshness_max_s=… job_cpu_pct=…``."""

import argparse
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import time
from datetime import datetime

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import bench

BURSTS = 4
POLL_S = 0.5


def say(text):
    print(text, flush=True)


def psql(database, sql):
    return subprocess.run(
        ["psql", "-X", "-q", "-At", "-d", database, "-c", sql],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cpu_seconds(pid):
    """User + system CPU seconds of process ``pid`` (0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def descendants(pid):
    """``pid`` and the processes below it."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            with open(f"/proc/{current}/task/{current}/children") as handle:
                todo += [int(child) for child in handle.read().split()]
        except OSError:
            pass
    return found


class CpuMeter:
    """CPU of the server's processes and of their database connections to the copy
    (not this script's), summed per process (a process that ends keeps what it used);
    the copy's other backends (autovacuum: the cost of every write, the replayed
    changes' too) apart."""

    def __init__(self, env, server_pid, database, own_pids):
        self.env, self.server_pid, self.database = env, server_pid, database
        self.own = set(own_pids)
        self.start, self.last = {}, {}
        self.other = set()

    def sample(self):
        self.env.cr.execute(
            "SELECT pid, backend_type FROM pg_stat_activity WHERE datname = %s",
            [self.database],
        )
        pids = []
        for pid, kind in self.env.cr.fetchall():
            if pid in self.own:
                continue
            pids.append(pid)
            if kind != "client backend":
                self.other.add(pid)
        for pid in pids + descendants(self.server_pid):
            used = cpu_seconds(pid)
            self.start.setdefault(pid, used)
            self.last[pid] = max(used, self.last.get(pid, 0.0))

    def used(self, other=False):
        """CPU seconds of Odoo and its connections (``other``: of the other backends)."""
        return sum(
            self.last[pid] - self.start[pid] for pid in self.last if (pid in self.other) == other
        )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--minutes", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("odoo", nargs=argparse.REMAINDER, help="-- the Odoo command")
    args = parser.parse_args()
    odoo_cmd = [part for part in args.odoo if part != "--"]
    copy = f"{args.database}_fresh"
    say(f"copying {args.database} to {copy}")
    psql("postgres", f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')
    psql("postgres", f'CREATE DATABASE "{copy}" TEMPLATE "{args.database}"')
    env = bench.open_env(args.config, copy)
    cron = env.ref("sales_objectives.ir_cron_sales_target_refresh")
    tomorrow = "now() + interval '1 day'"
    env.cr.execute(f"UPDATE ir_cron SET nextcall = {tomorrow} WHERE id != %s", [cron.id])
    env.cr.execute(
        "UPDATE ir_cron SET active = TRUE, interval_number = 1, interval_type = 'minutes',"
        " nextcall = now() AT TIME ZONE 'UTC' WHERE id = %s",
        [cron.id],
    )
    env["sales.kpi.refresh"]._save_pass_state({})
    env.cr.commit()
    port = free_port()
    log = open(os.path.join(os.environ.get("SO_LOG_DIR", "/tmp"), "freshness-odoo.log"), "w")
    server = subprocess.Popen(
        [
            *odoo_cmd,
            "-c", args.config, "-d", copy, "--db-filter", f"^{copy}$",
            f"--workers={args.workers}", "--max-cron-threads=1",
            "--http-interface", "127.0.0.1", "--http-port", str(port),
            "--gevent-port", str(free_port()),
            "--limit-time-real", "900", "--limit-time-cpu", "900",
            "--limit-memory-soft", str(4 << 30), "--limit-memory-hard", str(6 << 30),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        return replay(env, args, copy, server)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(60)
        except subprocess.TimeoutExpired:
            server.kill()
        env.cr.close()


def pass_state(env):
    env.cr.rollback()
    state = env["sales.kpi.refresh"]._pass_state()
    env.cr.execute("SELECT clock_timestamp() AT TIME ZONE 'UTC'")
    return state, env.cr.fetchone()[0]


def replay(env, args, copy, server):
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415

    # a second connection, which watches the passes while the first makes changes
    watcher = api.Environment(env.registry.cursor(), SUPERUSER_ID, {})
    say("waiting for the job's first (full) pass")
    started = time.time()
    while True:
        state, _now = pass_state(watcher)
        if state.get("since") and state.get("cursor") is None:
            break
        if time.time() - started > 1800 or server.poll() is not None:
            raise SystemExit("the job's first pass did not end (see freshness-odoo.log)")
        time.sleep(2)
    say(f"first pass done in {time.time() - started:.0f} s; replaying {args.minutes} minutes")
    env.cr.execute("SELECT pg_backend_pid()")
    own = [env.cr.fetchone()[0]]
    watcher.cr.execute("SELECT pg_backend_pid()")
    own.append(watcher.cr.fetchone()[0])
    meter = CpuMeter(watcher, server.pid, copy, own)
    meter.sample()
    rng = random.Random(29)
    bursts = []  # (commit moment, database clock)
    passes = {}  # pass start (since) -> first moment seen ended
    begin = time.time()
    schedule = sorted(
        minute * 60 + rng.uniform(0, 60) for minute in range(args.minutes) for _b in range(BURSTS)
    )
    last_cpu = 0.0
    for index, offset in enumerate(schedule + [args.minutes * 60 + 90]):
        while time.time() - begin < offset:
            state, now = pass_state(watcher)
            if state.get("since") and state["since"] not in passes:
                passes[state["since"]] = now
            if time.time() - last_cpu > 5:
                meter.sample()
                last_cpu = time.time()
            time.sleep(POLL_S)
        if index == len(schedule):
            break
        bench.apply_minute(
            env,
            seed=index,
            reps=20 // BURSTS,
            activities=50 // BURSTS,
            orders=2 if index % 2 else 1,
        )
        env.cr.commit()
        env.cr.execute("SELECT clock_timestamp() AT TIME ZONE 'UTC'")
        bursts.append(env.cr.fetchone()[0])
        env.cr.rollback()
    meter.sample()
    elapsed = time.time() - begin
    cpu_pct = meter.used() / elapsed * 100
    vacuum_pct = meter.used(other=True) / elapsed * 100
    ends = sorted((datetime.fromisoformat(since), seen) for since, seen in passes.items())
    delays = []
    for moment in bursts:
        seen = next((seen for since, seen in ends if since >= moment), None)
        if seen is not None:
            delays.append((seen - moment).total_seconds())
    missed = len(bursts) - len(delays)
    watcher.cr.close()
    env.cr.rollback()
    server.send_signal(signal.SIGTERM)
    server.wait(60)
    say(f"{len(bursts)} bursts of changes, {len(ends)} passes seen, {missed} not reached yet")
    if not delays:
        raise SystemExit("no change reached its figure")
    delays.sort()
    p50 = statistics.median(delays)
    p95 = delays[min(len(delays) - 1, round(0.95 * (len(delays) - 1)))]
    say(
        f"delay from a change to its figure: p50 {p50:.1f} s, p95 {p95:.1f} s, "
        f"max {delays[-1]:.1f} s"
    )
    say(f"the job's CPU (Odoo and its database connections): {cpu_pct:.2f} % of one core")
    say(f"the database's other work (autovacuum of every write): {vacuum_pct:.2f} % of one core")
    # every open target as a full refresh makes it
    env.cr.rollback()
    ids = bench.all_target_ids(env)
    kept = bench.stored_figures(env, ids)
    env["sales.kpi.engine"].refresh(env["sales.target"].browse(ids), complete=True)
    full = bench.stored_figures(env, ids)
    env.cr.rollback()
    differ = [
        target_id
        for target_id in ids
        if any(
            (a != b) if isinstance(a, str) or a is None or b is None else not bench.agree(a, b)
            for a, b in zip(kept[target_id], full[target_id])
        )
    ]
    say(f"targets equal to a full refresh: {len(ids) - len(differ)} of {len(ids)}")
    say(
        f"freshness_p50_s={p50:.1f} freshness_p95_s={p95:.1f} freshness_max_s={delays[-1]:.1f} "
        f"job_cpu_pct={cpu_pct:.2f} fresh_targets_agree={len(ids) - len(differ)}/{len(ids)}"
    )
    json.dump(
        {"delays": delays, "cpu_pct": cpu_pct, "vacuum_pct": vacuum_pct, "differ": differ[:20]},
        open(os.path.join(os.environ.get("SO_LOG_DIR", "/tmp"), "freshness.json"), "w"),
    )
    return 0 if not differ else 1


if __name__ == "__main__":
    sys.exit(main())
