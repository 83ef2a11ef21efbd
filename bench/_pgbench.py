"""What the HTTP benchmarks share: PostgreSQL's own yardstick, pgbench's TPC-B, on a database of
its own; and statements on the server's `postgres` database."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

PGBENCH_DB = "o2o_bench_pgbench"
PG_BIN = Path("/usr/lib/postgresql/15/bin")


def pg_params(url: str) -> dict[str, Any]:
    import environ

    config = environ.Env.db_url_config(url)
    return {
        "user": config["USER"],
        "password": config["PASSWORD"] or None,
        "host": config["HOST"] or None,
        "port": config["PORT"] or None,
        "dbname": config["NAME"],
    }


def admin_sql(url: str, *statements: tuple[str, list[Any] | None]) -> list[Any]:
    """Run statements on the server's `postgres` database (autocommit), returning the last's rows."""
    import psycopg2

    params = pg_params(url) | {"dbname": "postgres"}
    connection = psycopg2.connect(**params)
    connection.autocommit = True
    rows: list[Any] = []
    try:
        with connection.cursor() as cursor:
            for statement, args in statements:
                cursor.execute(statement, args)
                rows = cursor.fetchall() if cursor.description else []
    finally:
        connection.close()
    return rows


def run_pgbench(url: str, *, scale: int, clients: int, threads: int, seconds: int) -> float:
    """pgbench's TPC-B TPS on a database of its own, created for this run and dropped after."""
    params = pg_params(url)
    env = dict(os.environ)
    if params["password"]:
        env["PGPASSWORD"] = params["password"]
    conn = ["-h", params["host"] or "127.0.0.1", "-p", str(params["port"] or 5432), "-U", params["user"]]
    pgbench = str(PG_BIN / "pgbench") if (PG_BIN / "pgbench").exists() else "pgbench"
    admin_sql(
        url, (f'DROP DATABASE IF EXISTS "{PGBENCH_DB}" WITH (FORCE)', None), (f'CREATE DATABASE "{PGBENCH_DB}"', None)
    )
    try:
        started = time.perf_counter()
        subprocess.run(
            [pgbench, *conn, "-i", "-s", str(scale), "-q", PGBENCH_DB],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        print(f"pgbench: initialised scale {scale} in {time.perf_counter() - started:.1f}s", flush=True)
        result = subprocess.run(
            [pgbench, *conn, "-c", str(clients), "-j", str(threads), "-T", str(seconds), PGBENCH_DB],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
    finally:
        admin_sql(url, (f'DROP DATABASE IF EXISTS "{PGBENCH_DB}" WITH (FORCE)', None))
    match = re.search(r"tps = ([\d.]+) \(without initial connection time\)", result.stdout)
    if match is None:
        match = re.search(r"tps = ([\d.]+)", result.stdout)
    if match is None:
        sys.exit(f"could not read pgbench's TPS from:\n{result.stdout}\n{result.stderr}")
    latency = re.search(r"latency average = ([\d.]+) ms", result.stdout)
    tps = float(match.group(1))
    print(
        f"pgbench: TPC-B, {clients} clients, {threads} threads, {seconds}s: {tps:.0f} TPS"
        + (f" (latency average {latency.group(1)} ms)" if latency else ""),
        flush=True,
    )
    return tps
