"""What the HTTP benchmarks share: the CPU a server and its PostgreSQL backends used (Linux /proc)."""

from __future__ import annotations

import os
from pathlib import Path


def cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) used so far by process `pid` (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return found


def server_cpu(master: int) -> dict[str, float]:
    """CPU seconds used so far by the server's processes (`app`: `master` and its children), and by
    the PostgreSQL backends serving the benchmark's database (`db`: all but this process's own;
    PostgreSQL on this machine, as the benchmarks run it)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        backends = [row[0] for row in cursor.fetchall()]
    return {
        "app": sum(cpu_seconds(pid) for pid in [master, *children(master)]),
        "db": sum(cpu_seconds(pid) for pid in backends),
    }
