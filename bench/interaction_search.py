"""Keyword search over 1,000,000 communication records: the API against the bare index query.

A fresh database gets a company of a few thousand customers and a million realistic Chinese and
English records, written in time order as a CRM fills up; migration 0004 then indexes them (its
backfill is what an existing installation goes through). Ours: ``GET /api/interactions?q=``
through the real FastAPI app (httpx ASGI transport: routing, bearer auth, visibility, the two
plans, highlights, JSON) as a department head, as a salesperson, and as the department head
narrowed to one month (``since``/``until``, the index's key range). Baseline, same run, same
terms: the database's own index query for the newest 20 matches, run directly (SQLite: the FTS5
``MATCH ... ORDER BY rowid DESC LIMIT 20``; PostgreSQL: the indexed ``ILIKE``/``@>`` with
``ORDER BY occurred_at DESC LIMIT 20``). Prints p50/p95 of both and the ratio; target API p95 ≤ 50 ms
on SQLite.

    .venv/bin/python bench/interaction_search.py [--records 1000000] [--rounds 20]
        [--postgres postgresql://postgres@127.0.0.1:5432/scratch]   # an EMPTY database of yours
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert, inspect, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from schemas.kernel.config import load_settings  # noqa: E402
from store.db import Database  # noqa: E402
from store.migrate import upgrade  # noqa: E402
from store.models import Customer, Department, Employee, Team  # noqa: E402
from store.passwords import hash_password  # noqa: E402
from web.app import create_app  # noqa: E402

PASSWORD = "bench-pass-1"
TEAMS, SALES_PER_TEAM, CUSTOMERS_PER_SALES = 30, 10, 10  # 300 salespeople, 3,000 customers
TERMS = [
    "私人",
    "返点",
    "回款",
    "冷链",
    "报价",
    "拼多多",
    "增值税",
    "旗舰店",
    "私人微信",
    "月底对账",
    "独家代理",
    "discount",
    "invoice",
]
BATCH = 50_000

SERVICES = ["整车运输", "零担快运", "冷链配送", "仓储托管", "城市配送", "跨境专线", "危险品运输", "仓配一体"]
ASKS = [
    "希望月底前给方案",
    "要求再降5个点",
    "下周再约时间",
    "需要增值税专票",
    "要求账期延长到60天",
    "想加急安排",
    "问能否按季度返点",
    "担心旺季爆仓",
]
TOPICS = [
    "春节前运力",
    "仓库扩容",
    "回款进度",
    "合同续约",
    "投诉处理",
    "账期调整",
    "新线路试运行",
    "报价更新",
    "月底对账",
    "年度框架协议",
]
MENTIONS = [
    "拼多多商家入驻",
    "京东物流报价更低",
    "顺丰的返点政策",
    "老板的私人微信",
    "德邦在抢单",
    "独家代理的意向",
    "抖音直播带货",
    "天猫旗舰店的大促",
]
SENTENCES = [
    "采购经理{name}说{ask}。",
    "{name}加了我私人微信，说有急事直接找他。",
    "对方希望返点按季度结算。",
    "提到在拼多多开了旗舰店，发货量可能翻倍。",
    "财务{name}确认本月回款{amount}万元。",
    "约定{day}号前完成月底对账。",
    "竞品报价比我们低{pct}%，需要审批特价。",
    "客户投诉上周冷链温控异常。",
    "The buyer asked for a {pct}% discount above {amount} tons a month.",
    "Invoice {invoice} is still unpaid; they promised payment by month end.",
    "Sent the revised quote by email, waiting for {name}'s reply.",
    "仓库现场看了叉车和月台，条件不错。",
]
NAMES = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴"]
CITIES = ["佛山", "东莞", "深圳", "广州", "苏州", "宁波", "杭州", "上海", "无锡", "厦门"]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def record_texts(rng: random.Random) -> tuple[str, str]:
    name = rng.choice(NAMES) + rng.choice(["经理", "总", "姐", "工"])
    fill = {
        "name": name,
        "ask": rng.choice(ASKS),
        "amount": rng.randint(3, 300),
        "pct": rng.randint(2, 15),
        "day": rng.randint(1, 28),
        "invoice": f"INV-{rng.randint(10000, 99999)}",
    }
    summary = rng.choice(
        [
            f"{name}来电询问{rng.choice(SERVICES)}报价，{fill['ask']}",
            f"拜访客户仓库，确认{rng.choice(TOPICS)}",
            f"微信沟通{rng.choice(TOPICS)}，客户提到{rng.choice(MENTIONS)}",
            f"电话跟进{rng.choice(TOPICS)}，{fill['ask']}",
            f"Follow-up call on {rng.choice(['pricing', 'the contract renewal', 'late payments', 'peak season'])}",
        ]
    )
    content = "".join(rng.choice(SENTENCES).format(**fill) for _ in range(rng.choice([0, 1, 1, 2, 2, 3])))
    return summary, content


def company(db: Database) -> tuple[list[tuple[int, int]], dict[str, str]]:
    """Teams, a head, managers, salespeople and their customers; returns (customer id, owner id) pairs."""
    secret = hash_password(PASSWORD)
    now = datetime.now(UTC)
    with db.session() as session:
        department = Department(name="销售部")
        session.add(department)
        session.flush()
        head = Employee(
            username="head",
            name="刘洋",
            password_hash=secret,
            roles=["department_head"],
            status="active",
            order_freeze=False,
        )
        session.add(head)
        session.flush()
        department.head_id = head.id
        sales: list[tuple[int, int]] = []
        for t in range(TEAMS):
            team = Team(
                name=f"{CITIES[t % 10]}第{t + 1}团队",
                region=CITIES[t % 10],
                industry="物流",
                department_id=department.id,
            )
            session.add(team)
            session.flush()
            manager = Employee(
                username=f"manager{t}",
                name=f"经理{t}",
                password_hash=secret,
                roles=["sales_manager"],
                team_id=team.id,
                manager_id=head.id,
                status="active",
                order_freeze=False,
            )
            session.add(manager)
            session.flush()
            team.manager_id = manager.id
            for s in range(SALES_PER_TEAM):
                person = Employee(
                    username=f"sales{t}_{s}",
                    name=f"销售{t}-{s}",
                    password_hash=secret,
                    roles=["sales"],
                    team_id=team.id,
                    manager_id=manager.id,
                    status="active",
                    order_freeze=False,
                )
                session.add(person)
                session.flush()
                sales.append((person.id, team.id))
        rows = [
            {"name": f"{CITIES[i % 10]}客户{i}有限公司", "owner_id": owner, "team_id": team, "created_at": now}
            for owner, team in sales
            for i in range(CUSTOMERS_PER_SALES)
        ]
        ids = list(session.scalars(insert(Customer).returning(Customer.id, sort_by_parameter_order=True), rows))
    owners = [int(str(row["owner_id"])) for row in rows]
    return list(zip(ids, owners, strict=True)), {
        "department head": "head",
        "salesperson": "sales0_0",
        "department head, one month": "head",
    }


# How a reader narrows a search (customer, author, dates): the month in the middle of the history.
NARROWED = {"department head, one month": {"since": "2025-11-01", "until": "2025-11-30"}}


def records(count: int, customers: list[tuple[int, int]], seed: int = 7) -> Iterator[tuple[Any, ...]]:
    """Records over two years in time order (an append-only log fills up that way)."""
    rng = random.Random(seed)
    start = datetime(2024, 11, 1, tzinfo=UTC)
    step = timedelta(days=730) / count
    for index in range(count):
        customer, owner = customers[rng.randrange(len(customers))]
        summary, content = record_texts(rng)
        at = (start + step * index).strftime("%Y-%m-%d %H:%M:%S.%f")
        yield (customer, owner, rng.choice(["phone", "wechat", "visit", "email", "other"]), summary, content, at, at)


def load_sqlite(path: Path, customers: list[tuple[int, int]], count: int) -> None:
    connection = sqlite3.connect(path)
    statement = (
        "INSERT INTO interactions (customer_id, employee_id, channel, summary, content, occurred_at, "
        "created_at, by_owner) VALUES (?, ?, ?, ?, ?, ?, ?, 1)"
    )
    batch: list[tuple[Any, ...]] = []
    with connection:
        for row in records(count, customers):
            batch.append(row)
            if len(batch) == BATCH:
                connection.executemany(statement, batch)
                batch.clear()
        connection.executemany(statement, batch)
    connection.close()


def load_postgres(url: str, customers: list[tuple[int, int]], count: int) -> None:
    import psycopg

    with (
        psycopg.connect(url) as connection,
        connection.cursor() as cursor,
        cursor.copy(
            "COPY interactions (customer_id, employee_id, channel, summary, content, occurred_at, created_at, "
            "by_owner) FROM STDIN"
        ) as copy,
    ):
        for customer, owner, channel, summary, content, at, _ in records(count, customers):
            stamp = at + "+00"
            copy.write_row((customer, owner, channel, summary, content, stamp, stamp, True))


def build(url: str, count: int) -> tuple[Database, dict[str, str]]:
    db = Database(url)
    if inspect(db.engine).get_table_names():
        raise SystemExit(f"{url} is not empty: give the benchmark a database of its own")
    upgrade(url, "0003")
    customers, people = company(db)
    started = time.perf_counter()
    if db.is_sqlite:
        load_sqlite(Path(db.url.split("///", 1)[1]), customers, count)
    else:
        load_postgres(url, customers, count)
    loaded = time.perf_counter()
    db.dispose()
    upgrade(url)  # 0004: the search index, built from what is already there
    print(
        f"  {count:,} records over {len(customers):,} customers written in {loaded - started:.0f} s, "
        f"indexed by migration 0004 in {time.perf_counter() - loaded:.0f} s"
    )
    return Database(url), people


def raw_query(db: Database, term: str) -> tuple[str, dict[str, Any]]:
    """The index query the API's work is compared with: the newest 20 matches, nothing else."""
    if db.is_sqlite:
        index = "interaction_search_pairs" if len(term) == 2 else "interaction_search_text"
        return (
            f"SELECT rowid FROM {index} WHERE {index} MATCH :m ORDER BY rowid DESC LIMIT 20",
            {"m": '"' + term.replace('"', '""') + '"'},
        )
    if len(term) == 2:
        return (
            "SELECT id FROM interactions WHERE interaction_search_pairs(summary, content) @> ARRAY[lower(:t)] "
            "ORDER BY occurred_at DESC, id DESC LIMIT 20",
            {"t": term},
        )
    return (
        "SELECT id FROM interactions WHERE interaction_search_text(summary, content) ILIKE :p "
        "ORDER BY occurred_at DESC, id DESC LIMIT 20",
        {"p": f"%{term}%"},
    )


def measure_baseline(db: Database, rounds: int) -> list[float]:
    timings = []
    with db.engine.connect() as connection:
        for round_ in range(rounds + 1):
            for term in TERMS:
                sql, params = raw_query(db, term)
                started = time.perf_counter()
                connection.execute(text(sql), params).all()
                if round_:  # the first round warms the cache
                    timings.append((time.perf_counter() - started) * 1000)
    return timings


async def measure_api(
    db: Database, username: str, rounds: int, narrowed: dict[str, str]
) -> tuple[list[float], dict[str, int]]:
    timings: list[float] = []
    found: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="baton-bench-") as data_dir:
        app = create_app(load_settings(env={"BATON_DATA_DIR": data_dir}), db=db)
        await _timed_searches(app, username, rounds, timings, found, narrowed)
    return timings, found


async def _timed_searches(
    app: Any, username: str, rounds: int, timings: list[float], found: dict[str, int], narrowed: dict[str, str]
) -> None:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
        login = await client.post("/api/login", json={"username": username, "password": PASSWORD})
        client.headers["Authorization"] = f"Bearer {login.json()['token']}"
        for round_ in range(rounds + 1):
            for term in TERMS:
                started = time.perf_counter()
                response = await client.get("/api/interactions", params={"q": term, "limit": 20, **narrowed})
                elapsed = (time.perf_counter() - started) * 1000
                assert response.status_code == 200, response.text
                found[term] = response.json()["total"]
                if round_:
                    timings.append(elapsed)


def report(label: str, ours: list[float], bare: list[float], found: dict[str, int], target: str) -> None:
    p50, p95 = statistics.median(ours), percentile(ours, 0.95)
    b50, b95 = statistics.median(bare), percentile(bare, 0.95)
    print(
        f"  API as {label}: p50 {p50:6.1f} ms  p95 {p95:6.1f} ms   "
        f"(matches counted: {', '.join(f'{t} {n}' for t, n in found.items())})"
    )
    print(
        f"  baseline index query: p50 {b50:6.1f} ms  p95 {b95:6.1f} ms   "
        f"ratio p50 {p50 / b50:5.1f}  p95 {p95 / b95:5.1f}   {target}"
    )


def run(url: str, count: int, rounds: int, target: str) -> None:
    db, people = build(url, count)
    bare = measure_baseline(db, rounds)
    for label, username in people.items():
        ours, found = asyncio.run(measure_api(db, username, rounds, NARROWED.get(label, {})))
        report(label, ours, bare, found, target)
    db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=20, help="timed rounds over the terms, per role")
    parser.add_argument("--postgres", help="also run on this EMPTY PostgreSQL database")
    args = parser.parse_args()
    print(f"keyword search, {args.records:,} records, terms {' '.join(TERMS)} ({args.rounds} rounds each)")
    print("SQLite")
    folder = Path(tempfile.mkdtemp(prefix="baton-search-"))
    try:
        run(f"sqlite:///{folder}/baton.db", args.records, args.rounds, "(target: API p95 ≤ 50 ms)")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if args.postgres:
        print("PostgreSQL")
        run(args.postgres, args.records, args.rounds, "")


if __name__ == "__main__":
    main()
