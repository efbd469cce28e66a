"""Record workflow histories for the replay test (run when a workflow's commands change on
purpose, behind ``workflow.patched``):

    .venv/bin/python -m tests.support.record_history

Each scenario drives a real worker on a time-skipping dev server through reminders, overdue
notices, an escalation and a decision, and saves the history under tests/histories/.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import tempfile
from datetime import timedelta
from pathlib import Path

from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import TimeSkippingConfig, WorkflowEnvironment

from baton.config import load_settings
from baton.devserver import temporal_binary
from baton.worker import build_worker
from schemas import search
from schemas.tasks import ClaimRequest
from store.db import Database
from store.migrate import upgrade
from tests.support.org import make_org
from tests.support.steps import HOUR, action, approval_step, start_probe, wait_for_step
from tests.support.workflows import SUPPORT_WORKFLOWS, StepProbeWorkflow

HISTORIES = Path(__file__).resolve().parent.parent / "histories"


async def record_step_probe(env: WorkflowEnvironment, db: Database, task_queue: str) -> tuple[str, str]:
    org = make_org(db)
    handle = await start_probe(env.client, task_queue, [
        approval_step(key="manager", assignee_id=org["sales_south"]),
        approval_step(key="finance", candidate_role="finance", actions=["approve", "reject"]),
    ])
    first = f"{handle.id}:manager"
    await wait_for_step(handle, db, first)
    await env.fast_forward(handle, timedelta(days=1, hours=9))
    await handle.execute_update(StepProbeWorkflow.complete_task, action(first, org["manager_south"]))
    second = f"{handle.id}:finance"
    await wait_for_step(handle, db, second)
    await env.fast_forward(handle, 2 * HOUR)
    finance = action(second, org["finance"], roles=["finance"]).actor
    await handle.execute_update(StepProbeWorkflow.claim_task, ClaimRequest(task_id=second, actor=finance))
    await handle.execute_update(StepProbeWorkflow.complete_task,
                                action(second, org["finance"], "reject", roles=["finance"], comment="金额不符"))
    await handle.result()
    return handle.id, (await handle.fetch_history()).to_json()


async def main() -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="baton-history-"))
    settings = load_settings(env={"BATON_DATA_DIR": str(data_dir)})
    upgrade(settings.database_url)
    db = Database(settings.database_url)
    env = await WorkflowEnvironment.start_time_skipping_v2(
        ts_config=TimeSkippingConfig(enabled=False), dev_server_existing_path=temporal_binary(),
        data_converter=pydantic_data_converter, search_attributes=search.ALL,
        dev_server_extra_args=["--dynamic-config-value", "frontend.workflowTimeSkippingEnabled=true"])
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as executor:
        async with build_worker(env.client, settings, db, executor, extra_workflows=SUPPORT_WORKFLOWS):
            workflow_id, history = await record_step_probe(env, db, settings.temporal.task_queue)
    for old in HISTORIES.glob("StepProbe--*.json"):
        old.unlink()
    target = HISTORIES / f"StepProbe--{workflow_id}.json"  # replay needs the original workflow id
    target.write_text(history, encoding="utf-8")
    print(f"wrote {target}", flush=True)
    await env.shutdown()


if __name__ == "__main__":
    asyncio.run(main())
    os._exit(0)
