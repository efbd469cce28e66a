"""Sales orders through the whole approval chain, concurrently, against a bare Temporal chain.

Laid out as in production (bench/layout.py): the web apps (``baton web``) and the workers
(``bench/worker_process.py``: the real Baton worker plus the bench workflows) run as their own
processes beside the Temporal dev server, ``--web-processes`` and ``--workers`` of them (1 each by
default); the data lives in a migrated SQLite database in a temporary directory, or in the empty
PostgreSQL database of ``--postgres URL``. The layout is printed beside the figures.

Ours: N orders over the JSON API, at most ``--concurrency`` in flight. Per order: sales_south
``POST /api/orders`` (201: the order's workflow started with its ``submit`` Update, the
submission checked, capacity reserved and the first task open: the answer's ``next_task``), then
each approval task ``order-<id>:r1-<step>`` is approved with ``POST /api/tasks/{id}/complete``
by manager_south, head (a third of the orders,
priced more than 10% under list so the department head must approve) and finance. A task is
ready once the workflow has opened it; until then the call answers 409 ``task_not_ready`` (or
404 while the row is not written) and is retried every 20 ms, for at most 30 s; the calls go
to the web processes in turn, an order to one. Measured: the wall time of all orders
(→ orders/s) and the time of each successful approval call (→ p50/p95); the submit call, the
wait until a task is ready and the not-ready answers (those for the task the submit answer
named apart) are reported beside.
Afterwards every order must be ``approved`` in the database with no task left open.

Baseline, same run, same dev server, same worker process, same concurrency: a bare workflow
(``bench/bare_chain.py``) per order, driven straight through the Temporal client:
``start_workflow`` and then the same 2 or 3 ``execute_update`` calls in the same mix. Measured:
workflows/s and the time of each update (→ p50/p95).

Prints both, the throughput ratio ours/bare (target ≥ 0.60) and the latency ratios.

    .venv/bin/python bench/order_chain.py [--orders 500] [--concurrency 50] [--postgres URL]
        [--web-processes N] [--workers N]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import func, select, update
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from baton.devserver import temporal_binary  # noqa: E402
from bench.bare_chain import BareChainWorkflow  # noqa: E402
from bench.layout import Layout, Stack, add_arguments, scan_logs, start, wait_healthy  # noqa: E402
from schemas import search  # noqa: E402
from schemas.kernel.config import Settings, load_settings  # noqa: E402
from store.db import Database  # noqa: E402
from store.migrate import upgrade  # noqa: E402
from store.models import Customer, Employee, Order, Service, Task  # noqa: E402
from tests.support.customers import make_customers  # noqa: E402
from tests.support.orders import make_services  # noqa: E402
from tests.support.org import PASSWORD, make_org  # noqa: E402

DAYS = 30  # requested dates spread over this many days: LTL holds 100 a day
WARMUP = 6  # orders (and bare chains) run first and not counted
READY_WAIT = 30.0  # seconds an approval task may take to open before the order counts as stuck
RETRY_PAUSE = 0.02, 0.25  # first and longest pause between calls on a task not ready yet
APPROVERS = {"manager": "manager_south", "head": "head", "finance": "finance"}


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def p50(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def needs_head(index: int) -> bool:
    return index % 3 == 0


@dataclass
class Run:
    """What one side of the comparison measured."""

    wall: float = 0.0
    done: int = 0
    calls: list[float] = field(default_factory=list)  # ms: approvals (ours) / updates (bare)
    submits: list[float] = field(default_factory=list)  # ms: POST /api/orders (ours) / start_workflow (bare)
    ready_waits: list[float] = field(default_factory=list)  # ms until a task accepted its approval
    not_ready: Counter[str] = field(default_factory=Counter)  # answers while a task was still opening
    not_ready_named: int = 0  # of those, for the task the submit answer named
    problems: list[str] = field(default_factory=list)
    order_ids: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)  # orders the bench gave up on, looked at afterwards


def error_code(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    error = body.get("error") if isinstance(body, dict) else None
    return str(error.get("code", "")) if isinstance(error, dict) else ""


# ---------------------------------------------------------------------------------- ours
async def login(browser: httpx.AsyncClient, username: str) -> dict[str, str]:
    response = await browser.post("/api/login", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


async def one_order(
    browser: httpx.AsyncClient,
    tokens: dict[str, dict[str, str]],
    customer_id: int,
    first_day: datetime,
    index: int,
    run: Run,
) -> None:
    price = "85.00" if needs_head(index) else "95.00"  # LTL list 100.00, floor 80.00
    body = {
        "customer_id": customer_id,
        "requested_date": (first_day + timedelta(days=index % DAYS)).date().isoformat(),
        "lines": [{"service": "LTL", "quantity": 1, "unit_price": price}],
    }
    started = time.perf_counter()
    response = await browser.post("/api/orders", json=body, headers=tokens["sales_south"])
    answered = time.perf_counter()
    run.submits.append((answered - started) * 1000)
    if response.status_code != 201:
        run.problems.append(f"order #{index}: POST /api/orders → {response.status_code} {response.text[:300]}")
        return
    order_id, named = int(response.json()["id"]), response.json().get("next_task")
    run.order_ids.append(order_id)
    if named is not None and named != f"order-{order_id}:r1-manager":
        run.problems.append(f"order {order_id}: the submit answer named {named}, not its manager's task")
    for step in ["manager", "head", "finance"] if needs_head(index) else ["manager", "finance"]:
        task_id = f"order-{order_id}:r1-{step}"
        waiting_since, pause = answered, RETRY_PAUSE[0]
        while True:
            started = time.perf_counter()
            response = await browser.post(
                f"/api/tasks/{task_id}/complete", json={"action": "approve"}, headers=tokens[APPROVERS[step]]
            )
            answered = time.perf_counter()
            code = error_code(response)
            if response.status_code == 200:
                run.calls.append((answered - started) * 1000)
                run.ready_waits.append((started - waiting_since) * 1000)
                break
            if response.status_code == 404 or (response.status_code == 409 and code == "task_not_ready"):
                run.not_ready[f"{response.status_code} {code}"] += 1
                run.not_ready_named += task_id == named
                if answered - waiting_since > READY_WAIT:
                    run.problems.append(
                        f"order {order_id}: {task_id} not ready after {READY_WAIT:.0f} s "
                        f"(last answer {response.status_code} {code})"
                    )
                    run.failed.append(order_id)
                    return
                await asyncio.sleep(pause)  # backing off: each call is a real request the web app serves
                pause = min(RETRY_PAUSE[1], pause * 1.5)
                continue
            run.problems.append(
                f"order {order_id}: approve {task_id} as {APPROVERS[step]} → "
                f"{response.status_code} after {(answered - started) * 1000:.0f} ms: "
                f"{response.text[:300]}"
            )
            run.failed.append(order_id)
            return
    run.done += 1


async def run_orders(
    browsers: list[httpx.AsyncClient],
    tokens: dict[str, dict[str, str]],
    customer_id: int,
    first_day: datetime,
    indexes: range,
    concurrency: int,
) -> Run:
    run = Run()
    gate = asyncio.Semaphore(concurrency)

    async def gated(index: int) -> None:
        async with gate:
            try:
                browser = browsers[index % len(browsers)]
                await one_order(browser, tokens, customer_id, first_day, index, run)
            except Exception as exc:  # a transport error is a finding, not a crash of the bench
                run.problems.append(f"order #{index}: {type(exc).__name__}: {exc}")

    started = time.perf_counter()
    await asyncio.gather(*(gated(index) for index in indexes))
    run.wall = time.perf_counter() - started
    return run


# ---------------------------------------------------------------------------------- baseline
async def one_bare(client: Client, task_queue: str, prefix: str, index: int, run: Run) -> None:
    steps = 3 if needs_head(index) else 2
    started = time.perf_counter()
    handle = await client.start_workflow(BareChainWorkflow.run, steps, id=f"{prefix}-{index}", task_queue=task_queue)
    run.submits.append((time.perf_counter() - started) * 1000)
    for step in range(steps):
        started = time.perf_counter()
        await handle.execute_update(BareChainWorkflow.approve, step, id=f"approve-{step}")
        run.calls.append((time.perf_counter() - started) * 1000)
    run.done += 1


async def run_bare(client: Client, task_queue: str, indexes: range, concurrency: int) -> Run:
    run = Run()
    gate = asyncio.Semaphore(concurrency)
    prefix = f"bare-{uuid.uuid4().hex[:6]}"

    async def gated(index: int) -> None:
        async with gate:
            try:
                await one_bare(client, task_queue, prefix, index, run)
            except Exception as exc:
                run.problems.append(f"bare #{index}: {type(exc).__name__}: {exc}")

    started = time.perf_counter()
    await asyncio.gather(*(gated(index) for index in indexes))
    run.wall = time.perf_counter() - started
    return run


# ---------------------------------------------------------------------------------- checks
def leftovers(db: Database, order_ids: list[int]) -> list[str]:
    """Orders of the measured run that did not end approved, and tasks of theirs still open."""
    found: list[str] = []
    with db.session() as session:
        statuses = Counter(session.scalars(select(Order.status).where(Order.id.in_(order_ids))))
        if set(statuses) - {"approved"}:
            found.append(f"order statuses in the database: {dict(statuses)}")
            for order in session.scalars(
                select(Order).where(Order.id.in_(order_ids), Order.status != "approved").order_by(Order.id).limit(20)
            ):
                found.append(f"  order {order.id}: {order.status}, revision {order.revision}")
        workflow_ids = [f"order-{order_id}" for order_id in order_ids]
        open_tasks = (
            session.scalar(
                select(func.count()).select_from(Task).where(Task.workflow_id.in_(workflow_ids), Task.status == "open")
            )
            or 0
        )
        if open_tasks:
            found.append(f"{open_tasks} approval tasks still open")
    return found


async def afterwards(client: Client, db: Database, order_ids: list[int]) -> list[str]:
    """Where each order the bench gave up on stands now: its row, its task rows, its workflow."""
    found: list[str] = []
    with db.session() as session:
        names = {
            employee_id: username for username, employee_id in session.execute(select(Employee.username, Employee.id))
        }
        for order_id in sorted(order_ids)[:30]:
            order = session.get(Order, order_id)
            tasks = session.scalars(
                select(Task).where(Task.workflow_id == f"order-{order_id}").order_by(Task.created_at)
            )
            steps = ", ".join(
                f"{task.id.rsplit(':', 1)[-1]} {task.status}"
                f"{f' {task.decision} by {names.get(task.completed_by or 0)}' if task.decision else ''}"
                for task in tasks
            )
            try:
                described = await client.get_workflow_handle(f"order-{order_id}").describe()
                workflow_status = described.status.name if described.status else "?"
            except Exception as exc:
                workflow_status = f"describe failed: {exc}"
            found.append(
                f"  order {order_id} afterwards: row {order.status if order else 'missing'}; "
                f"tasks: {steps}; workflow {workflow_status}"
            )
    return found


# ---------------------------------------------------------------------------------- the run
def prepare(db: Database) -> int:
    with db.session() as session:
        if session.scalar(select(func.count()).select_from(Employee)):
            raise SystemExit("the bench needs an empty database: it builds its own company")
    org = make_org(db)
    make_services(db)
    customers = make_customers(db, org)
    with db.session() as session:  # room for every order of the bench
        session.execute(update(Customer).where(Customer.id == customers.own).values(credit_limit=Decimal("1000000000")))
        session.execute(update(Service).where(Service.code == "LTL").values(capacity_per_day=100_000))
    return customers.own


async def measure(
    env: WorkflowEnvironment,
    settings: Settings,
    db: Database,
    customer_id: int,
    stack: Stack,
    orders: int,
    concurrency: int,
) -> tuple[Run, Run]:
    each = concurrency // len(stack.web_urls) + 10
    limits = httpx.Limits(max_connections=each, max_keepalive_connections=each)
    browsers = [httpx.AsyncClient(base_url=url, timeout=60, limits=limits) for url in stack.web_urls]
    try:
        await wait_healthy(browsers, stack)
        tokens = {username: await login(browsers[0], username) for username in ("sales_south", *APPROVERS.values())}
        first_day = datetime.now(ZoneInfo(settings.timezone)) + timedelta(days=1)
        task_queue = settings.temporal.task_queue
        warm_ours = await run_orders(browsers, tokens, customer_id, first_day, range(WARMUP), concurrency)
        warm_bare = await run_bare(env.client, task_queue, range(WARMUP), concurrency)
        for problem in warm_ours.problems + warm_bare.problems:
            print(f"warm-up: {problem}", flush=True)
        bare = await run_bare(env.client, task_queue, range(orders), concurrency)
        ours = await run_orders(browsers, tokens, customer_id, first_day, range(WARMUP, WARMUP + orders), concurrency)
    finally:
        for browser in browsers:
            await browser.aclose()
    await asyncio.sleep(1)  # the last workflow tasks settle before the database is read
    ours.problems += leftovers(db, ours.order_ids) + await afterwards(env.client, db, ours.failed)
    return ours, bare


def report(ours: Run, bare: Run, orders: int, concurrency: int, layout: Layout) -> None:
    heads = sum(1 for index in range(WARMUP, WARMUP + orders) if needs_head(index))
    ours_rate, bare_rate = ours.done / ours.wall, bare.done / bare.wall
    o50, o95 = p50(ours.calls), percentile(ours.calls, 0.95)
    b50, b95 = p50(bare.calls), percentile(bare.calls, 0.95)
    print(
        f"order approval chain: {orders} orders ({heads} with the head step, {orders - heads} without), "
        f"concurrency {concurrency}"
    )
    print(f"  layout    {layout.describe()}")
    print(
        f"  ours      {ours_rate:7.2f} orders/s     ({ours.done} through the chain without error in {ours.wall:.1f} s)"
    )
    print(f"            approval round trip p50 {o50:7.1f} ms   p95 {o95:7.1f} ms   ({len(ours.calls)} approvals)")
    print(
        f"            submit (POST /api/orders) p50 {p50(ours.submits):7.1f} ms   "
        f"p95 {percentile(ours.submits, 0.95):7.1f} ms"
    )
    print(
        f"            wait until a task accepts p50 {p50(ours.ready_waits):7.1f} ms   "
        f"p95 {percentile(ours.ready_waits, 0.95):7.1f} ms   "
        f"(not-ready answers: {sum(ours.not_ready.values())} {dict(ours.not_ready)}; "
        f"for the task the submit answer named: {ours.not_ready_named})"
    )
    print(
        f"  baseline  {bare_rate:7.2f} workflows/s  ({bare.done} done in {bare.wall:.1f} s)   "
        f"update p50 {b50:7.1f} ms   p95 {b95:7.1f} ms   ({len(bare.calls)} updates; "
        f"start_workflow p50 {p50(bare.submits):.1f} ms)"
    )
    print(
        f"  ratio     throughput ours/bare {ours_rate / bare_rate:5.2f}   (target ≥ 0.60)   "
        f"latency ours/bare p50 {o50 / b50:5.2f}   p95 {o95 / b95:5.2f}"
    )
    problems = ours.problems + bare.problems
    print(f"  problems  {len(problems) or 'none'}")
    for problem in problems[:50]:
        print(f"    {problem}")
    if len(problems) > 50:
        print(f"    … and {len(problems) - 50} more")


async def main(orders: int, concurrency: int, layout: Layout) -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="baton-bench-"))
    env: WorkflowEnvironment | None = None
    stack = Stack()
    try:
        env = await WorkflowEnvironment.start_local(
            dev_server_existing_path=temporal_binary(),
            data_converter=pydantic_data_converter,
            search_attributes=search.ALL,
        )
        child_env: dict[str, Any] = {
            **os.environ,
            "BATON_DATA_DIR": str(data_dir),
            "BATON_TEMPORAL_ADDRESS": env.client.service_client.config.target_host,
            "BATON_TEMPORAL_TASK_QUEUE": f"bench-{uuid.uuid4().hex[:6]}",
        }
        child_env["BATON_DATABASE_URL"] = layout.database_url(load_settings(env=child_env).database_url)
        settings = load_settings(env=child_env)
        upgrade(settings.database_url)
        db = Database(settings.database_url)
        customer_id = prepare(db)
        stack = start(layout, child_env, data_dir)
        ours, bare = await measure(env, settings, db, customer_id, stack, orders, concurrency)
        db.dispose()
    finally:
        stack.stop()
        if env is not None:
            await env.shutdown()
        log_findings = scan_logs(stack.logs)
        shutil.rmtree(data_dir, ignore_errors=True)
    report(ours, bare, orders, concurrency, layout)
    print(f"  logs      {len(log_findings) or 'no'} error lines in the web and worker logs")
    for line in log_findings[:40]:
        print(f"    {line}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--orders", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=50)
    add_arguments(parser)
    arguments = parser.parse_args()
    try:
        asyncio.run(main(arguments.orders, arguments.concurrency, Layout.of(arguments)))
    except BaseException:
        import traceback

        traceback.print_exc()
        sys.stdout.flush()
        os._exit(1)
    # The Temporal runtime's threads can abort interpreter finalisation; the figures are out.
    os._exit(0)
