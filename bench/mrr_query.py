"""MRR-by-month on PostgreSQL: the query built from the metric macro vs a hand-written equivalent.

    python bench/mrr_query.py [--rows N] [--repeat R] [--months M] [--keep]

The issue's benchmark: load 10 million subscription rows into PostgreSQL and time the MRR-by-month
query built from `dbt_omni.monthly_recurring_revenue` against a hand-written equivalent; target:
within 5%. It prints figures; the exit status is 0 whether or not the target is met (1 on error or
when the two queries disagree).

Run it with the Python of a venv that has dbt-core, dbt-postgres, psycopg2 and the package
installed (`dbt` is taken from that venv's bin folder). Steps:

  1. start a throwaway server (scripts/postgres, a free port, a fresh directory under /tmp);
  2. generate N subscription-month rows server-side (insert ... select from generate_series):
     month_start date (M months from 2020-01), customer_id int, subscription_type text (70% monthly,
     20% annual, 10% lifetime, per customer), subscription_amount numeric(12,2); VACUUM ANALYZE;
  3. get the macro's SQL from dbt itself: `dbt compile --inline` of the MRR-by-month query in a
     scratch copy of integration_tests/ (the package installed from this repository), target
     postgres against that server;
  4. time both queries with psycopg2: one warm-up run each, then R rounds alternating which runs
     first; medians; check the two give the same rows (to the cent);
  5. stop the server and remove the directory (also on error or Ctrl-C), unless --keep leaves it running.
"""
from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import psycopg2

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
POSTGRES_SCRIPT = REPO / "scripts" / "postgres"
INTEGRATION = REPO / "integration_tests"
BIN = Path(sys.executable).parent
DBT = BIN / "dbt"
TABLE = "bench_subscription_months"
TARGET_RATIO = 1.05
ENV = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DO_NOT_TRACK": "1"}

# The query dbt compiles: the metric comes from the macro, the rest is the same as the hand query.
INLINE_MODEL = (
    "select month_start, "
    "{{ dbt_omni.monthly_recurring_revenue(type_column='subscription_type', amount_column='subscription_amount') }}"
    f" as mrr from {TABLE} group by month_start order by month_start"
)

# What an analyst would write without the macro library.
HAND_SQL = f"""select
    month_start,
    sum(case subscription_type
            when 'monthly' then subscription_amount
            when 'annual' then subscription_amount / 12
            else 0
        end) as mrr
from {TABLE}
group by month_start
order by month_start"""


def log(message: str) -> None:
    print(f"[mrr_query] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(cmd: list, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(cmd, text=True, capture_output=True, **kwargs)
    if result.returncode != 0:
        raise SystemExit(f"command failed ({result.returncode}): {shlex.join(map(str, cmd))}\n"
                         f"{result.stdout[-3000:]}{result.stderr[-3000:]}")
    return result


# --------------------------------------------------------------------------------------------- data
def load_rows(conn, rows: int, months: int) -> float:
    """Generate `rows` subscription-month rows: customer c has months consecutive rows (one per
    month); its plan type and amount are fixed per customer from a multiplicative hash."""
    t0 = time.perf_counter()
    with conn.cursor() as cur:
        cur.execute(f"drop table if exists {TABLE}")
        cur.execute(f"""
            create table {TABLE} (
                month_start date not null,
                customer_id integer not null,
                subscription_type text not null,
                subscription_amount numeric(12, 2) not null
            )""")
        # months and rows are ints (no parameters: % below is SQL's modulo)
        cur.execute(f"""
            insert into {TABLE} (month_start, customer_id, subscription_type, subscription_amount)
            select
                (date '2020-01-01' + make_interval(months => (i % {months})::int))::date,
                (i / {months})::int,
                case
                    when h % 10 < 7 then 'monthly'
                    when h % 10 < 9 then 'annual'
                    else 'lifetime'
                end,
                case
                    when h % 10 < 7 then 10 + (h % 49000) / 100.0          -- 10.00 .. 499.99 a month
                    when h % 10 < 9 then 120 + (h % 588000) / 100.0        -- 120.00 .. 6,000 a year
                    else 500 + (h % 250000) / 100.0                        -- one-off
                end
            from (
                select i, ((i / {months}) * 2654435761) % 4294967296 as h
                from generate_series(0::bigint, {rows - 1}::bigint) as s (i)
            ) as g""")
    conn.commit()
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f"vacuum analyze {TABLE}")
    conn.autocommit = False
    return time.perf_counter() - t0


# --------------------------------------------------------------------------------------------- macro SQL
def compile_macro_sql(workdir: Path, port: int) -> tuple[str, list]:
    """`dbt compile --inline` in a scratch copy of integration_tests/ with the package from REPO."""
    project = workdir / "integration_tests"
    shutil.copytree(INTEGRATION, project, ignore=shutil.ignore_patterns(
        "target", "dbt_packages", "logs", "*.duckdb", "*.duckdb.wal", "package-lock.yml"))
    (project / "packages.yml").write_text(f"packages:\n  - local: {REPO}\n")
    env = {**ENV, "DBT_OMNI_PG_PORT": str(port), "DBT_OMNI_PG_HOST": "127.0.0.1",
           "DBT_OMNI_DUCKDB_PATH": str(workdir / "unused.duckdb")}
    run([str(DBT), "deps", "--profiles-dir", "."], cwd=project, env=env)
    cmd = [str(DBT), "compile", "--profiles-dir", ".", "--target", "postgres", "--quiet",
           "--output", "json", "--inline", INLINE_MODEL]
    out = run(cmd, cwd=project, env=env).stdout
    start = out.find("{")
    if start < 0:
        raise SystemExit(f"dbt compile printed no JSON:\n{out}")
    compiled = json.JSONDecoder().raw_decode(out[start:])[0]["compiled"].strip()
    if "dbt_omni" in compiled or "{{" in compiled:
        raise SystemExit(f"the compiled SQL still holds Jinja:\n{compiled}")
    return compiled, cmd


# --------------------------------------------------------------------------------------------- timing
def timed(conn, sql: str) -> tuple[float, list]:
    with conn.cursor() as cur:
        t0 = time.perf_counter()
        cur.execute(sql)
        result = cur.fetchall()
        elapsed = time.perf_counter() - t0
    conn.rollback()
    return elapsed, result


def same_rows(a: list, b: list) -> tuple[bool, Decimal]:
    """Same months, MRR equal to the cent; also the largest absolute difference."""
    if [r[0] for r in a] != [r[0] for r in b]:
        return False, Decimal("NaN")
    worst = max((abs(Decimal(x[1]) - Decimal(y[1])) for x, y in zip(a, b, strict=True)), default=Decimal(0))
    cents_equal = all(Decimal(x[1]).quantize(Decimal("0.01")) == Decimal(y[1]).quantize(Decimal("0.01"))
                      for x, y in zip(a, b, strict=True))
    return cents_equal and worst < Decimal("0.005"), worst


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000, help="subscription-month rows (default 10,000,000)")
    parser.add_argument("--months", type=int, default=60, help="distinct months (default 60)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each query (default 5)")
    parser.add_argument("--keep", action="store_true", help="leave the server running (prints how to stop it)")
    args = parser.parse_args()
    if args.rows < 1 or args.months < 1 or args.repeat < 1:
        parser.error("--rows, --months and --repeat must be >= 1")
    command = shlex.join([sys.executable, *sys.argv])

    # SIGTERM / SIGHUP: unwind through the finally below (stop the server).
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda signum, frame: sys.exit(128 + signum))

    # Two fresh directories directly under /tmp: the server's (as root, scripts/postgres hands it to
    # the OS user postgres, who must be able to reach it) and the dbt project's.
    pgdir = Path(tempfile.mkdtemp(prefix="mrrq-pg-", dir="/tmp"))
    workdir = Path(tempfile.mkdtemp(prefix="mrrq-dbt-", dir="/tmp"))
    port = free_port()
    try:
        log(f"starting PostgreSQL on port {port} in {pgdir}")
        run(["bash", str(POSTGRES_SCRIPT), "start", str(pgdir), str(port)])
        conn = psycopg2.connect(host="127.0.0.1", port=port, user="postgres", dbname="dbt_omni")
        with conn.cursor() as cur:
            cur.execute("select version()")
            version = cur.fetchone()[0].split(" on ")[0]
            settings = {}
            for name in ("max_parallel_workers_per_gather", "jit", "shared_buffers", "work_mem"):
                cur.execute(f"show {name}")
                settings[name] = cur.fetchone()[0]
        conn.rollback()

        log(f"generating {args.rows:,} rows")
        load_s = load_rows(conn, args.rows, args.months)
        with conn.cursor() as cur:
            cur.execute(f"select count(*), pg_size_pretty(pg_total_relation_size('{TABLE}')) from {TABLE}")
            count, size = cur.fetchone()
        conn.rollback()
        if count != args.rows:
            raise SystemExit(f"expected {args.rows} rows, the table has {count}")
        log(f"loaded {count:,} rows ({size}) in {load_s:.1f} s")

        log("compiling the macro query with dbt")
        macro_sql, compile_cmd = compile_macro_sql(workdir, port)

        log("warm-up")
        _, macro_rows = timed(conn, macro_sql)
        _, hand_rows = timed(conn, HAND_SQL)
        ok, worst = same_rows(macro_rows, hand_rows)

        times = {"macro": [], "hand": []}
        queries = {"macro": macro_sql, "hand": HAND_SQL}
        for i in range(args.repeat):
            order = ("macro", "hand") if i % 2 == 0 else ("hand", "macro")
            for name in order:
                elapsed, rows = timed(conn, queries[name])
                times[name].append(elapsed)
                if rows != (macro_rows if name == "macro" else hand_rows):
                    raise SystemExit(f"{name} query gave different rows on run {i + 1}")
            log(f"round {i + 1}/{args.repeat}: macro {times['macro'][-1]:.3f} s, hand {times['hand'][-1]:.3f} s")
        conn.close()

        macro_median = statistics.median(times["macro"])
        hand_median = statistics.median(times["hand"])
        ratio = macro_median / hand_median
        total_mrr = sum(Decimal(r[1]) for r in macro_rows)

        print(f"command:               {command}")
        print(f"server:                {version}; " + ", ".join(f"{k}={v}" for k, v in settings.items()))
        print(f"rows:                  {count:,} in {TABLE} ({size}), {args.months} months; loaded in {load_s:.1f} s")
        print(f"result rows:           {len(macro_rows)} months; total MRR over all months {total_mrr:,.2f}")
        print(f"same result:           {'yes' if ok else 'NO'} (to the cent; largest difference {float(worst):.3g})")
        print(f"macro query median:    {macro_median:.3f} s  (runs: {', '.join(f'{t:.3f}' for t in times['macro'])})")
        print(f"hand query median:     {hand_median:.3f} s  (runs: {', '.join(f'{t:.3f}' for t in times['hand'])})")
        print(f"ratio macro / hand:    {ratio:.3f}  (target <= {TARGET_RATIO:.2f}: "
              f"{'met' if ratio <= TARGET_RATIO else 'NOT met'})")
        print(f"macro SQL (from: {shlex.join(['dbt', *map(str, compile_cmd[1:])])}):")
        print("    " + macro_sql.replace("\n", "\n    "))
        print("hand SQL:")
        print("    " + HAND_SQL.replace("\n", "\n    "))
        return 0 if ok else 1
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        if args.keep:
            log(f"server left running on port {port}: bash {POSTGRES_SCRIPT} stop {pgdir}")
        else:
            stop = subprocess.run(["bash", str(POSTGRES_SCRIPT), "stop", str(pgdir)], capture_output=True, text=True)
            if stop.returncode == 0:
                shutil.rmtree(pgdir, ignore_errors=True)
            else:
                log(f"could not stop the server in {pgdir}: {stop.stderr.strip()}")

if __name__ == "__main__":
    sys.exit(main())
