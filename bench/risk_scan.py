"""The full risk scan over the demo company scaled ×20, against the plain windowed aggregates.

Data (a migrated SQLite database in a temporary directory), shaped like 华通物流 twenty times over:
25 teams of a manager and 19 salespeople (500 staff), 6,000 customers (12 per salesperson and
a pool), two years of approved orders (≈ 100,000), 1,000,000 interactions and ≈ 3,000 complaints,
with the stories the rules look for planted at demo rates: salespeople whose contact stopped
last week, customers whose orders fell three months running, customers complaining again and
again, salespeople working other people's customers, customers nobody has spoken to in months,
and one salesperson holding about 16% of the year's revenue. (The interaction search index is not
built: the scan does not read it, and a million-row index backfill is another benchmark's job.)

Ours: the whole scan as the ``RiskScan`` workflow runs it — ``alerts.begin_scan``, the six
``alerts.run_rule`` activities (set-based rule queries, the figures behind each finding, raising
each new alert with its team and manager), ``alerts.finish_scan`` — through Temporal's
``ActivityEnvironment``; then the next day's scan, which finds the same conditions and raises
nothing (the dedupe path).

Baseline, same run, same database: the plain aggregates over the same windows with no rule logic
(interactions per salesperson over 5 weeks and per salesperson with others' customers over 30
days, order value per customer and month over 4 months and per owner over 12 months, complaints
per customer over 60 days, and the customers with nothing in 90 days).

Prints both, the ratio ours/baseline, and whether ours is under the 30 s target.

    .venv/bin/python bench/risk_scan.py [--interactions 1000000]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from temporalio.testing import ActivityEnvironment  # noqa: E402

from activities.alerts import RiskScanActivities  # noqa: E402
from schemas.alerts import RuleRun, ScanFinished, ScanMoment, ScanStart  # noqa: E402
from store.db import Database  # noqa: E402
from store.migrate import upgrade  # noqa: E402

NOW = datetime(2026, 11, 24, 2, tzinfo=UTC)
TIMEZONE = "Asia/Shanghai"
TEAMS, SELLERS_PER_TEAM, CUSTOMERS_PER_SELLER, POOL_PER_TEAM = 25, 19, 12, 12
HISTORY = timedelta(days=730)
STAMP = "%Y-%m-%d %H:%M:%S.%f"
BATCH = 100_000


def stamp(at: datetime) -> str:
    return at.strftime(STAMP)


class Company:
    """Who is who: ids are assigned here so the rows can be written with plain executemany."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.managers = [2 + t * (SELLERS_PER_TEAM + 1) for t in range(TEAMS)]
        self.sellers = {t: [m + 1 + i for i in range(SELLERS_PER_TEAM)] for t, m in enumerate(self.managers)}
        self.owned: list[tuple[int, int, int]] = []  # customer, owner, team
        self.pool: list[tuple[int, int]] = []  # customer, team
        customer = 0
        for team, members in self.sellers.items():
            for seller in members:
                for _ in range(CUSTOMERS_PER_SELLER):
                    customer += 1
                    self.owned.append((customer, seller, team + 1))
            for _ in range(POOL_PER_TEAM):
                customer += 1
                self.pool.append((customer, team + 1))
        every_seller = [s for members in self.sellers.values() for s in members]
        self.quiet_sellers = set(rng.sample(every_seller, 20))  # nothing in the last 7 days
        self.poachers = rng.sample([s for s in every_seller if s not in self.quiet_sellers], 15)
        self.whale = every_seller[0]
        customers = [c for c, _, _ in self.owned]
        self.silent = set(rng.sample(customers, 150))
        self.declining = set(rng.sample([c for c in customers if c not in self.silent], 100))
        self.complainers = rng.sample(customers, 80)


def write_org(db: sqlite3.Connection, company: Company) -> None:
    now = stamp(NOW)
    db.execute("INSERT INTO departments (id, name) VALUES (1, '销售部')")
    db.executemany(
        "INSERT INTO employees (id, username, name, password_hash, roles, status, order_freeze, "
        "created_at) VALUES (?,?,?,'x',?,'active',0,?)",
        [(1, "admin", "管理员", '["admin"]', now), (1000, "head", "部门负责人", '["department_head"]', now)],
    )
    db.execute("UPDATE departments SET head_id = 1000")
    for team, manager in enumerate(company.managers, start=1):
        db.execute(
            "INSERT INTO teams (id, name, region, industry, department_id, created_at) VALUES (?,?,?,?,1,?)",
            (team, f"第{team}团队", "华南", "工业", now),
        )
        db.execute(
            "INSERT INTO employees (id, username, name, password_hash, roles, team_id, manager_id, status, "
            "order_freeze, created_at) VALUES (?,?,?,'x','[\"sales_manager\"]',?,1000,'active',0,?)",
            (manager, f"manager{team}", f"经理{team}", team, now),
        )
        db.execute("UPDATE teams SET manager_id = ? WHERE id = ?", (manager, team))
        db.executemany(
            "INSERT INTO employees (id, username, name, password_hash, roles, team_id, manager_id, status, "
            "order_freeze, created_at) VALUES (?,?,?,'x','[\"sales\"]',?,?,'active',0,?)",
            [(s, f"sales{s}", f"销售{s}", team, manager, now) for s in company.sellers[team - 1]],
        )
    created = stamp(NOW - HISTORY - timedelta(days=30))
    rows: list[tuple[int, str, int | None, int, str]] = [
        (c, f"客户{c}", owner, team, created) for c, owner, team in company.owned
    ]
    rows += [(c, f"客户{c}", None, team, created) for c, team in company.pool]
    db.executemany(
        "INSERT INTO customers (id, name, owner_id, team_id, region, industry, size, contact_name, "
        "contact_phone, address, credit_limit, notes, tags, created_at) "
        "VALUES (?,?,?,?,'华南','工业','medium','','','',0,'','[]',?)",
        rows,
    )


def write_orders(db: sqlite3.Connection, company: Company) -> int:
    rng, rows = company.rng, []
    for customer, owner, _ in company.owned:
        quiet_from = NOW - timedelta(days=120) if customer in company.silent else NOW
        for month in range(24, 0, -1):  # about 17 orders a customer over two years
            if rng.random() > 0.7:
                continue
            at = NOW - timedelta(days=30 * month - rng.uniform(0, 29))
            value = rng.randint(50, 500) * 100
            if customer in company.declining and month <= 4:
                value = 60_000 - 10_000 * (5 - month)  # 50k, 40k, 30k, 20k: falling four months running
            if owner == company.whale:
                value *= 95
            if at < quiet_from:
                rows.append((customer, owner, value, stamp(at)))
    db.executemany(
        "INSERT INTO orders (customer_id, owner_id, status, requested_date, total, revision, created_at, "
        "note) VALUES (?,?,'approved','2026-01-01',?,1,?,'')",
        rows,
    )
    return len(rows)


def interactions(company: Company, count: int) -> list[tuple[int, int, str, int, str]]:
    rng, rows = company.rng, []
    owned = company.owned
    per_customer = count // len(owned)
    span = HISTORY.total_seconds()
    for customer, owner, _ in owned:
        latest = NOW - timedelta(days=120) if customer in company.silent else NOW
        for _ in range(per_customer):
            at = NOW - timedelta(seconds=rng.uniform(0, span))
            if at >= latest or (owner in company.quiet_sellers and at >= NOW - timedelta(days=7)):
                at -= timedelta(days=130)
            rows.append((customer, owner, "phone", 1, stamp(at)))
    by_team: dict[int, list[tuple[int, int]]] = {}
    for customer, owner, team in owned:
        by_team.setdefault(team, []).append((customer, owner))
    for poacher in company.poachers:
        team = (poacher - 2) // (SELLERS_PER_TEAM + 1) + 1
        theirs = [c for c, o in by_team[team] if o != poacher]
        rows += [
            (rng.choice(theirs), poacher, "wechat", 0, stamp(NOW - timedelta(days=rng.uniform(1, 29))))
            for _ in range(8)
        ]
    for customer, team in company.pool:
        seller = rng.choice(company.sellers[team - 1])
        rows += [(customer, seller, "phone", 0, stamp(NOW - timedelta(days=rng.uniform(1, 120)))) for _ in range(3)]
    rows.sort(key=lambda row: row[4])
    return rows


def write_records(db: sqlite3.Connection, company: Company, count: int) -> tuple[int, int]:
    rows = interactions(company, count)
    for start in range(0, len(rows), BATCH):
        db.executemany(
            "INSERT INTO interactions (customer_id, employee_id, channel, by_owner, occurred_at, summary, "
            "content, created_at) VALUES (?,?,?,?,?,'电话回访','',?)",
            [(*row, row[4]) for row in rows[start : start + BATCH]],
        )
    rng = company.rng
    customers = [c for c, _, _ in company.owned]
    complaints = [
        (rng.choice(customers), stamp(NOW - timedelta(seconds=rng.uniform(0, HISTORY.total_seconds()))))
        for _ in range(3_000)
    ]
    complaints += [(c, stamp(NOW - timedelta(days=rng.uniform(1, 59)))) for c in company.complainers for _ in range(3)]
    db.executemany(
        "INSERT INTO complaints (customer_id, recorded_by, summary, occurred_at, created_at) "
        "VALUES (?,1,'货物破损',?,?)",
        [(c, at, at) for c, at in complaints],
    )
    return len(rows), len(complaints)


def load(path: Path, count: int) -> str:
    db = sqlite3.connect(path)
    search_triggers = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'interaction_search%'"
    for (trigger,) in db.execute(search_triggers).fetchall():
        db.execute(f"DROP TRIGGER {trigger}")
    company = Company(random.Random(11))
    write_org(db, company)
    orders = write_orders(db, company)
    records, complaints = write_records(db, company, count)
    db.commit()
    db.execute("ANALYZE")
    db.close()
    return (
        f"{1 + 1 + TEAMS * (SELLERS_PER_TEAM + 1)} staff, {len(company.owned) + len(company.pool):,} customers, "
        f"{orders:,} orders, {records:,} interactions, {complaints:,} complaints"
    )


BASELINE = [
    "SELECT employee_id, COUNT(*) FROM interactions WHERE occurred_at >= :weeks5 AND occurred_at < :now "
    "GROUP BY employee_id",
    "SELECT i.employee_id, COUNT(*) FROM interactions i JOIN customers c ON c.id = i.customer_id "
    "WHERE i.occurred_at >= :days30 AND i.occurred_at < :now AND i.by_owner = 0 GROUP BY i.employee_id",
    "SELECT customer_id, strftime('%Y-%m', created_at), SUM(total) FROM orders WHERE status = 'approved' "
    "AND created_at >= :months4 AND created_at < :now GROUP BY 1, 2",
    "SELECT c.owner_id, SUM(o.total) FROM orders o JOIN customers c ON c.id = o.customer_id "
    "WHERE o.status = 'approved' AND o.created_at >= :year AND o.created_at < :now GROUP BY c.owner_id",
    "SELECT customer_id, COUNT(*) FROM complaints WHERE occurred_at >= :days60 AND occurred_at < :now "
    "GROUP BY customer_id",
    "SELECT c.id FROM customers c WHERE c.owner_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM interactions i "
    "WHERE i.customer_id = c.id AND i.occurred_at >= :days90) AND NOT EXISTS (SELECT 1 FROM orders o "
    "WHERE o.customer_id = c.id AND o.created_at >= :days90)",
]


def baseline(db: Database) -> float:
    bounds = {
        "now": NOW,
        "weeks5": NOW - timedelta(days=35),
        "days30": NOW - timedelta(days=30),
        "months4": NOW - timedelta(days=124),
        "year": NOW - timedelta(days=365),
        "days60": NOW - timedelta(days=60),
        "days90": NOW - timedelta(days=90),
    }
    params = {key: stamp(value) for key, value in bounds.items()}
    with db.session() as session:
        began = time.perf_counter()
        for query in BASELINE:
            session.execute(text(query), params).all()
        return time.perf_counter() - began


def scan(db: Database, at: datetime, workflow_id: str) -> tuple[float, int, dict[str, int]]:
    activities = RiskScanActivities(db, TIMEZONE)
    env = ActivityEnvironment()
    env.info = dataclasses.replace(env.info, workflow_id=workflow_id)
    began = time.perf_counter()
    begun = env.run(activities.begin_scan, ScanMoment(start=ScanStart(trigger="manual"), at=at))
    per_rule: dict[str, int] = {}
    for position, rule in enumerate(begun.rules):
        raised = env.run(activities.run_rule, RuleRun(scan_id=begun.scan_id, rule=rule, position=position, at=at))
        per_rule[rule.value] = len(raised)
    created = sum(per_rule.values())
    env.run(activities.finish_scan, ScanFinished(scan_id=begun.scan_id, created=created, at=at))
    return time.perf_counter() - began, created, per_rule


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--interactions", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="baton-risk-") as folder:
        path = Path(folder) / "bench.db"
        upgrade(f"sqlite:///{path}")
        began = time.perf_counter()
        described = load(path, args.interactions)
        print(f"loaded {described} in {time.perf_counter() - began:.1f} s")
        db = Database(f"sqlite:///{path}")
        plain = min(baseline(db) for _ in range(3))
        first, created, per_rule = scan(db, NOW, "risk-scan-bench-1")
        second, again, _ = scan(db, NOW + timedelta(days=1), "risk-scan-bench-2")
        db.dispose()
    print(f"alerts raised by rule: {json.dumps(per_rule)}")
    print(f"baseline  plain windowed aggregates              {plain:6.2f} s  (best of 3)")
    print(f"ours      full scan, {created:,} new alerts           {first:6.2f} s")
    print(f"ours      next day's scan, {again} new (dedupe)      {second:6.2f} s")
    print(f"ratio ours/baseline {first / plain:.2f}; under the 30 s target: {'yes' if first < 30 else 'no'}")


if __name__ == "__main__":
    main()
