"""The history page of a process with about 2,000 events: p95 of rendering it, against fetching
the same history from Temporal alone.

Setup: a time-skipping Temporal dev server, Baton's worker and a migrated SQLite database in a
temporary directory. One process (the human-step probe the tests use) runs steps one after
another under a policy that reminds, sends overdue notices and escalates; for each step the
clock moves 1 day 9 hours and the holder then decides (about 200 events a step: the reminder,
overdue notices every four hours, escalations, each with its timers and notifications), so ten
steps make a history of about 2,000 events.

Ours: ``GET /processes/{workflow_id}/history`` as an admin would open it (the page fragment: the
history fetched, translated into business events, names looked up, the first page rendered).
Baseline, same run: ``fetch_history()`` of the same workflow through the Temporal client alone.
Each 30 times; p50/p95 and the ratio of the p95s.

    .venv/bin/python bench/process_history.py [--events 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import re
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

import httpx
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import TimeSkippingConfig, WorkflowEnvironment

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from baton.devserver import temporal_binary  # noqa: E402
from baton.worker import build_worker  # noqa: E402
from schemas import search  # noqa: E402
from schemas.kernel.config import load_settings  # noqa: E402
from store.db import Database  # noqa: E402
from store.migrate import upgrade  # noqa: E402
from tests.support.org import PASSWORD, make_org  # noqa: E402
from tests.support.probe import ProbeRequest  # noqa: E402
from tests.support.steps import STANDARD, action, approval_step, wait_for_step  # noqa: E402
from tests.support.workflows import SUPPORT_WORKFLOWS, StepProbeWorkflow  # noqa: E402
from web.app import create_app  # noqa: E402

STEP_WAIT = timedelta(days=1, hours=9)


async def page_client(app: object, username: str) -> httpx.AsyncClient:
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://baton.test")  # type: ignore[arg-type]
    form = await client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token
    await client.post(
        "/login", data={"username": username, "password": PASSWORD, "csrf_token": token.group(1), "next": "/"}
    )
    return client


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] * 1000


async def main(events: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="baton-history-"))
    settings = load_settings(env={"BATON_DATA_DIR": str(folder)})
    upgrade(settings.database_url)
    db = Database(settings.database_url)
    org = make_org(db)
    env = await WorkflowEnvironment.start_time_skipping_v2(
        ts_config=TimeSkippingConfig(enabled=False),
        dev_server_existing_path=temporal_binary(),
        data_converter=pydantic_data_converter,
        search_attributes=search.ALL,
        dev_server_extra_args=["--dynamic-config-value", "frontend.workflowTimeSkippingEnabled=true"],
    )
    count = max(1, round(events / 200))
    steps = [approval_step(key=f"s{index}", assignee_id=org["sales_south"]) for index in range(count)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as executor:
        async with build_worker(env.client, settings, db, executor, extra_workflows=SUPPORT_WORKFLOWS):
            handle = await env.client.start_workflow(
                StepProbeWorkflow.run,
                ProbeRequest(steps=steps, policy=STANDARD),
                id=f"probe-{uuid.uuid4().hex[:10]}",
                task_queue=settings.temporal.task_queue,
            )
            began = time.perf_counter()
            for step in steps:
                task_id = f"{handle.id}:{step.key}"
                await wait_for_step(handle, db, task_id)
                await env.fast_forward(handle, STEP_WAIT)
                await handle.execute_update(StepProbeWorkflow.complete_task, action(task_id, org["sales_south"]))
            await handle.result()
            recorded = len((await handle.fetch_history()).events)
            print(f"ran {len(steps)} steps, {recorded} events, in {time.perf_counter() - began:.1f} s")

            app = create_app(settings, db=db, temporal=env.client)
            admin = await page_client(app, "admin")
            ours, plain = [], []
            for _ in range(31):
                began = time.perf_counter()
                response = await admin.get(f"/processes/{handle.id}/history")
                ours.append(time.perf_counter() - began)
                assert response.status_code == 200, response.text[:300]
                began = time.perf_counter()
                await handle.fetch_history()
                plain.append(time.perf_counter() - began)
            ours, plain = ours[1:], plain[1:]  # the first of each warms caches
    await env.shutdown()
    db.dispose()
    for label, values in (
        ("baseline  fetch_history() alone        ", plain),
        ("ours      the history page, rendered   ", ours),
    ):
        print(f"{label} p95 {p95(values):7.1f} ms  (p50 {statistics.median(values) * 1000:.1f} ms)")
    print(f"ratio ours/baseline {p95(ours) / p95(plain):.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=2000)
    asyncio.run(main(parser.parse_args().events))
