"""The process list over 100,000 processes: p95 of a page, against a plain indexed page of orders.

Data (a migrated SQLite database in a temporary directory): 25 teams of 20 salespeople, 98,000
orders over two years (a fifth still waiting, a tenth of those with an overdue approval task),
1,976 handovers and 24 monthly settlements: 100,000 processes.

Ours: ``store/repo/process_list.list_processes`` (the query behind ``GET /api/processes``) for
the pages people open: admin's first page, open processes, overdue ones, one salesperson's, a
manager's team, a page 100 pages deep, each 30 times; p50/p95 of all calls.

Baseline, same run, same database: the plainest paged list with a total, of orders alone —
``SELECT count(*) FROM orders`` and ``SELECT … FROM orders ORDER BY created_at DESC LIMIT 50`` —
as many times; p95.

    .venv/bin/python bench/process_list.py [--processes 100000]
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from store.db import Database  # noqa: E402
from store.migrate import upgrade  # noqa: E402
from store.repo.customers.visibility import Viewer  # noqa: E402
from store.repo.processes.listing import ProcessFilter, list_processes  # noqa: E402

STAMP = "%Y-%m-%d %H:%M:%S.%f"
SELLERS, TEAMS = 500, 25
NOW = datetime(2026, 11, 24, tzinfo=UTC)


def load(path: Path, processes: int, seed: int = 5) -> None:
    rng = random.Random(seed)
    db = sqlite3.connect(path)
    now = NOW.strftime(STAMP)
    db.executemany(
        "INSERT INTO teams (id, name, region, industry, created_at) VALUES (?,?,'华南','物流',?)",
        [(t, f"第{t}团队", now) for t in range(1, TEAMS + 1)],
    )
    db.executemany(
        "INSERT INTO employees (id, username, name, password_hash, roles, team_id, status, order_freeze, "
        "created_at) VALUES (?,?,?,'x',?,?,'active',0,?)",
        [
            (e, f"user{e}", f"员工{e}", '["sales_manager"]' if e <= TEAMS else '["sales"]', (e - 1) % TEAMS + 1, now)
            for e in range(1, SELLERS + TEAMS + 1)
        ],
    )
    db.executemany("UPDATE teams SET manager_id = ? WHERE id = ?", [(t, t) for t in range(1, TEAMS + 1)])
    db.executemany(
        "INSERT INTO customers (id, name, owner_id, region, industry, size, contact_name, contact_phone, "
        "address, credit_limit, notes, tags, created_at) VALUES (?,?,?,'华南','物流','large','','','',0,'',"
        "'[]',?)",
        [(c, f"客户{c}", TEAMS + 1 + c % SELLERS, now) for c in range(1, 5001)],
    )
    settlements, handovers = 24, processes * 2 // 100 - 24
    orders = processes - settlements - handovers
    span = timedelta(days=730) / orders
    rows, tasks = [], []
    for o in range(1, orders + 1):
        created = NOW - timedelta(days=730) + span * o
        waiting = rng.random() < 0.2
        rows.append(
            (
                o,
                rng.randint(1, 5000),
                TEAMS + 1 + rng.randrange(SELLERS),
                "pending_approval" if waiting else rng.choice(["approved", "approved", "rejected"]),
                f"order-{o}",
                created.strftime(STAMP),
            )
        )
        if waiting and rng.random() < 0.1:
            tasks.append((f"order-{o}:r1-manager", f"order-{o}", str(o), created.strftime(STAMP)))
    db.executemany(
        "INSERT INTO orders (id, customer_id, owner_id, status, workflow_id, requested_date, total, "
        "revision, created_at, note) VALUES (?,?,?,?,?,'2026-01-01',1000,1,?,'')",
        rows,
    )
    db.executemany(
        "INSERT INTO tasks (id, workflow_id, process, process_id, kind, title, escalation_level, subject, "
        "status, overdue, actions, context, created_at) VALUES (?,?,'order',?,'order_approval','审批',0,'',"
        "'open',1,'[]','{}',?)",
        tasks,
    )
    db.executemany(
        "INSERT INTO offboardings (employee_id, open_for, workflow_id, status, reason, last_day, "
        "review_round, started_at, cancel_reason) VALUES (?,NULL,?,?,'',?,0,?,'')",
        [
            (
                TEAMS + 1 + h % SELLERS,
                f"offboarding-{TEAMS + 1 + h % SELLERS}",
                rng.choice(["completed", "cancelled", "handover"]),
                "2026-12-31",
                (NOW - timedelta(days=rng.randint(1, 730))).strftime(STAMP),
            )
            for h in range(handovers)
        ],
    )
    db.executemany(
        "INSERT INTO commission_settlements (period, workflow_id, status, run, progress, created_at) "
        "VALUES (?,?,'locked',1,1.0,?)",
        [
            (
                f"{2024 + (m + 11) // 12}-{(m + 11) % 12 + 1:02d}",
                f"commission-{m}",
                (NOW - timedelta(days=30 * (24 - m))).strftime(STAMP),
            )
            for m in range(settlements)
        ],
    )
    db.commit()
    db.execute("ANALYZE")
    db.close()


def timed(calls: list[tuple[Viewer, ProcessFilter, int]], db: Database, repeat: int) -> list[float]:
    times = []
    with db.session() as session:
        for _ in range(repeat):
            for viewer, wanted, offset in calls:
                began = time.perf_counter()
                rows, total = list_processes(session, viewer, wanted, limit=50, offset=offset)
                times.append(time.perf_counter() - began)
                assert total >= len(rows)
    return times


def baseline(db: Database, count: int) -> list[float]:
    query = text("SELECT id, owner_id, status, created_at FROM orders ORDER BY created_at DESC LIMIT 50")
    total = text("SELECT count(*) FROM orders")
    times = []
    with db.session() as session:
        for _ in range(count):
            began = time.perf_counter()
            session.execute(total).scalar()
            session.execute(query).all()
            times.append(time.perf_counter() - began)
    return times


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--processes", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="baton-processes-") as folder:
        path = Path(folder) / "bench.db"
        upgrade(f"sqlite:///{path}")
        load(path, args.processes)
        db = Database(f"sqlite:///{path}")
        admin, manager = Viewer(1, frozenset({"admin"}), None), Viewer(1, frozenset({"sales_manager"}), 1)
        seller = Viewer(TEAMS + 7, frozenset({"sales"}), 7)
        calls = [
            (admin, ProcessFilter(), 0),
            (admin, ProcessFilter(status="open"), 0),
            (admin, ProcessFilter(overdue=True), 0),
            (admin, ProcessFilter(person_id=TEAMS + 7), 0),
            (manager, ProcessFilter(), 0),
            (seller, ProcessFilter(), 0),
            (admin, ProcessFilter(), 5_000),
        ]
        timed(calls, db, 1)  # warm the page cache
        ours = timed(calls, db, 30)
        plain = baseline(db, len(ours))
        db.dispose()
    median = statistics.median(ours) * 1000
    print(f"baseline  a page of orders with its total    p95 {p95(plain):7.2f} ms")
    print(f"ours      a page of the process list         p95 {p95(ours):7.2f} ms  (p50 {median:.2f} ms)")
    print(f"ratio ours/baseline {p95(ours) / p95(plain):.1f}")


if __name__ == "__main__":
    main()
