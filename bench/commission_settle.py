"""Settling a month of 1,000,000 payments for 500 salespeople, against the plain SQL aggregate.

Data (a migrated SQLite database in a temporary directory): 25 teams of 20 salespeople, 200,000
approved orders spread over them, 1,000,000 payments paid through October 2026 (recorded in the
order they came in), 10,000 refunds of some of them, three salespeople in offboarding (their
owed orders' commission is held), and a three-tier plan with one service at a flat rate of its
own (warehousing on a tenth of the orders).

Ours: the whole settlement compute — the ``commission.compute`` activity run through Temporal's
``ActivityEnvironment`` (heartbeats and progress writes included): read the month in one
snapshot, walk every salesperson's tier ladder in paid order, write 1,010,000 lines, pair the
refunds, publish the statements.

Baseline, same run, same database: the plain SQL aggregate a report would run over the same
table — collected money per seller in the period:
``SELECT owner_id, SUM(amount) FROM payments JOIN orders … WHERE paid_at in October GROUP BY owner_id``.

Prints both, and the ratio ours/baseline (target ≤ 3, and ours under 10 s on SQLite).

    .venv/bin/python bench/commission_settle.py [--payments 1000000] [--sellers 500]
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from temporalio.testing import ActivityEnvironment  # noqa: E402

from activities.commission import CommissionActivities  # noqa: E402
from schemas.commission import ComputeRequest  # noqa: E402
from store.db import Database  # noqa: E402
from store.migrate import upgrade  # noqa: E402
from store.models import CommissionLine  # noqa: E402
from store.repo.commission import records as settlements  # noqa: E402

PERIOD, TIMEZONE = "2026-10", "Asia/Shanghai"
MONTH_START = datetime(2026, 9, 30, 16, tzinfo=UTC)  # 1 October 00:00 in China
MONTH = timedelta(days=31)
TIERS = '[{"from": "0", "rate": "0.02"}, {"from": "100000", "rate": "0.03"}, {"from": "500000", "rate": "0.04"}]'
STAMP = "%Y-%m-%d %H:%M:%S.%f"


def load(path: Path, payments: int, sellers: int, seed: int = 3) -> None:
    rng = random.Random(seed)
    orders = payments // 5
    now = datetime.now(UTC).strftime(STAMP)
    db = sqlite3.connect(path)
    db.execute("INSERT INTO departments (id, name) VALUES (1, '销售部')")
    db.executemany(
        "INSERT INTO teams (id, name, region, industry, department_id, created_at) VALUES (?,?,?,?,1,?)",
        [(t, f"第{t}团队", "华南", "物流", now) for t in range(1, sellers // 20 + 2)],
    )
    db.executemany(
        "INSERT INTO employees (id, username, name, password_hash, roles, team_id, status, order_freeze, "
        "created_at) VALUES (?,?,?,'x','[\"sales\"]',?,?,0,?)",
        [
            (e, f"sales{e}", f"销售{e}", e // 20 + 1, "offboarding" if e <= 3 else "active", now)
            for e in range(1, sellers + 1)
        ],
    )
    db.executemany(
        "INSERT INTO offboardings (employee_id, open_for, workflow_id, status, reason, last_day, "
        "review_round, started_at, cancel_reason) VALUES (?,?,?,'handover','',?,0,?,'')",
        [(e, e, f"offboarding-{e}", "2026-12-31", "2026-09-01 00:00:00.000000") for e in (1, 2, 3)],
    )
    db.execute(
        "INSERT INTO services (code, name, unit, list_price, floor_price, capacity_per_day) "
        "VALUES ('LTL','零担','吨',100,80,100), ('WH','仓储','托盘天',10,8,1000)"
    )
    db.executemany(
        "INSERT INTO customers (id, name, owner_id, region, industry, size, contact_name, "
        "contact_phone, address, credit_limit, notes, tags, created_at) "
        "VALUES (?,?,?,'华南','物流','large','','','',0,'','[]',?)",
        [(e, f"客户{e}", e, now) for e in range(1, sellers + 1)],
    )
    totals = [rng.randint(20, 200) * 100 for _ in range(orders)]
    db.executemany(
        "INSERT INTO orders (id, customer_id, owner_id, status, requested_date, total, revision, "
        "created_at, note) VALUES (?,?,?,'approved','2026-09-01',?,1,?,'')",
        [(o, (o % sellers) + 1, (o % sellers) + 1, totals[o - 1], now) for o in range(1, orders + 1)],
    )
    db.executemany(
        "INSERT INTO order_lines (order_id, service_code, quantity, unit_price, amount) VALUES (?,?,1,?,?)",
        [(o, "WH", totals[o - 1] // 4, totals[o - 1] // 4) for o in range(1, orders + 1, 10)],
    )
    step = MONTH / payments
    rows = (
        (
            p,
            rng.randint(1, orders),
            "payment",
            f"{rng.randint(1000, 500000) / 100:.2f}",
            (MONTH_START + step * p).strftime(STAMP),
            None,
            now,
        )
        for p in range(1, payments + 1)
    )
    db.executemany(
        "INSERT INTO payments (id, order_id, kind, amount, paid_at, reverses_id, created_at, note) "
        "VALUES (?,?,?,?,?,?,?,'')",
        rows,
    )
    refunds = [
        (payments + r, p, "refund", "5.00", (MONTH_START + step * p + timedelta(hours=1)).strftime(STAMP), p, now)
        for r, p in enumerate(rng.sample(range(1, payments - 1000), payments // 100), start=1)
    ]
    db.executemany(
        "INSERT INTO payments (id, order_id, kind, amount, paid_at, reverses_id, created_at, note) "
        "SELECT ?, order_id, ?, ?, ?, ?, ?, '' FROM payments WHERE id = ?",
        [(r[0], r[2], r[3], r[4], r[5], r[6], r[1]) for r in refunds],
    )
    db.execute(
        "INSERT INTO commission_plans (version, effective_from, tiers, service_rates, created_at) "
        f"VALUES (1, '2026-01-01', '{TIERS}', '{{\"WH\": \"0.05\"}}', ?)",
        (now,),
    )
    db.commit()
    db.execute("ANALYZE")
    db.close()


def baseline(db: Database) -> float:
    query = text(
        "SELECT o.owner_id, SUM(p.amount) FROM payments p JOIN orders o ON o.id = p.order_id "
        "WHERE p.paid_at >= :start AND p.paid_at < :end AND o.status = 'approved' GROUP BY o.owner_id"
    )
    with db.session() as session:
        began = time.perf_counter()
        rows = session.execute(
            query, {"start": MONTH_START.strftime(STAMP), "end": (MONTH_START + MONTH).strftime(STAMP)}
        ).all()
        elapsed = time.perf_counter() - began
    assert len(rows) > 0
    return elapsed


def settle(db: Database) -> tuple[float, int]:
    with db.session() as session:
        settlement_id = settlements.open_settlement(session, period=PERIOD, actor_id=None, current_period="2026-11").id
    activities = CommissionActivities(db, TIMEZONE, outside_channels=False)
    began = time.perf_counter()
    result = ActivityEnvironment().run(activities.compute, ComputeRequest(settlement_id=settlement_id, run=1))
    elapsed = time.perf_counter() - began
    with db.session() as session:
        lines = session.scalar(select(func.count()).select_from(CommissionLine)) or 0
    assert result.statements > 0
    return elapsed, lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--payments", type=int, default=1_000_000)
    parser.add_argument("--sellers", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="baton-commission-") as folder:
        path = Path(folder) / "bench.db"
        upgrade(f"sqlite:///{path}")
        began = time.perf_counter()
        load(path, args.payments, args.sellers)
        print(f"loaded {args.payments:,} payments for {args.sellers} sellers in {time.perf_counter() - began:.1f} s")
        db = Database(f"sqlite:///{path}")
        plain = min(baseline(db) for _ in range(3))
        ours, lines = settle(db)
        db.dispose()
    print(f"baseline  plain SQL aggregate of the month      {plain:6.2f} s  (best of 3)")
    print(f"ours      settlement compute, {lines:,} lines  {ours:6.2f} s")
    print(f"ratio ours/baseline {ours / plain:.2f}  (target <= 3; ours under 10 s: {'yes' if ours < 10 else 'no'})")


if __name__ == "__main__":
    main()
