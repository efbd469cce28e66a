"""What a person was told is what happened, when the engine answers late.

An action the web gave up waiting for is fenced off before the 503 goes out: if the process
receives it afterwards (a worker coming back, a crashed workflow task retried), it is refused and
nothing is written. The person may try again, and that attempt counts once. An action the process
applied before the web gave up is answered as recorded."""

from __future__ import annotations

import concurrent.futures

from sqlalchemy import select
from temporalio.client import Client

from baton.worker import build_worker
from schemas.kernel.config import Settings
from schemas.tasks import TaskState
from store.db import Database
from store.models import ActionFence, AuditEntry, Task
from store.repo.tasks import fences as action_fences
from tests.support.eventually import eventually
from tests.support.org import OrgFixture
from tests.support.workflows import SUPPORT_WORKFLOWS, StepProbeWorkflow
from tests.tasks.test_api import open_task


async def test_an_action_answered_503_is_never_applied_when_it_arrives_later(  # type: ignore[no-untyped-def]
    api,
    app,
    temporal_client: Client,
    settings: Settings,
    db: Database,
    org: OrgFixture,
    activity_executor: concurrent.futures.ThreadPoolExecutor,
) -> None:
    async with build_worker(temporal_client, settings, db, activity_executor, extra_workflows=SUPPORT_WORKFLOWS):
        task_id = await open_task(temporal_client, settings, db, assignee_id=org["sales_south"])
    # The action's own deadline lies far ahead, so only the fence can stop its late delivery.
    app.state.settings = settings.with_changes(action_timeout=1.5, process_clock_lead=3600.0)
    client = await api("sales_south")
    told = await client.post(f"/api/tasks/{task_id}/complete", json={"action": "approve", "comment": "同意"})
    assert told.status_code == 503 and told.json()["error"]["code"] == "engine_unavailable"
    handle = temporal_client.get_workflow_handle(task_id.split(":")[0])
    async with build_worker(temporal_client, settings, db, activity_executor, extra_workflows=SUPPORT_WORKFLOWS):

        async def refused() -> tuple[ActionFence, TaskState] | None:
            with db.session() as session:
                fence = session.get(ActionFence, f"{task_id}:approve")
            state = await handle.query(StepProbeWorkflow.task_state, task_id)
            return (fence, state) if fence is not None and state is not None else None

        # the late delivery reaches the workflow and is refused there
        fence, state = await eventually(refused, f"the late delivery of {task_id} to reach the workflow")
        assert fence.outcome == "abandoned"
        assert state.status == "open", "the action told 503 was not recorded"
        with db.session() as session:
            task = session.get(Task, task_id)
            assert task is not None and task.status == "open"
            assert session.scalar(select(AuditEntry.id).where(AuditEntry.action == "task.completed")) is None
        app.state.settings = settings
        again = await client.post(f"/api/tasks/{task_id}/complete", json={"action": "approve", "comment": "同意"})
        assert again.status_code == 200, again.text
        assert again.json()["task"]["status"] == "done"
    with db.session() as session:
        assert session.get(ActionFence, f"{task_id}:approve:retry-1") is not None, "the retry went under a new id"


def test_the_first_word_on_an_action_stands(db: Database) -> None:
    with db.session() as session:
        assert action_fences.apply(session, "order-1:approve")
        assert not action_fences.abandon(session, "order-1:approve"), "applied first: the web must say recorded"
        assert action_fences.abandon(session, "order-2:approve")
        assert not action_fences.apply(session, "order-2:approve"), "abandoned first: the process must refuse"
        assert action_fences.attempt_id(session, "order-1:approve") == "order-1:approve", "a repeat keeps its id"
        assert action_fences.attempt_id(session, "order-2:approve") == "order-2:approve:retry-1"
