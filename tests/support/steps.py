"""Starting the probe process and waiting for its task rows, for the human-step tests."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

from sqlalchemy import select
from temporalio.client import Client, WorkflowHandle

from schemas.policies import DeadlinePolicy
from schemas.tasks import Actor, StepSpec, TaskAction
from store.db import Database
from store.models import Notification, Task
from tests.support.eventually import eventually
from tests.support.probe import ProbeRequest
from tests.support.workflows import StepProbeWorkflow

Row = TypeVar("Row")
HOUR = timedelta(hours=1)
STANDARD = DeadlinePolicy(
    due_in=8 * HOUR, remind_before=2 * HOUR, repeat_every=4 * HOUR, escalate_after=timedelta(days=1)
)


def approval_step(key: str = "approve", **overrides: Any) -> StepSpec:
    fields: dict[str, Any] = {
        "key": key,
        "kind": "order_approval",
        "title": "Approve order #%(order)s (team manager)",
        "title_params": {"order": "7"},
        "process": "order",
        "process_id": "7",
        "actions": ["approve", "reject"],
        "policy_key": "order.manager_approval",
    }
    fields.update(overrides)
    return StepSpec(**fields)


async def start_probe(
    client: Client, task_queue: str, steps: list[StepSpec], policy: DeadlinePolicy = STANDARD
) -> WorkflowHandle[Any, Any]:
    return await client.start_workflow(
        StepProbeWorkflow.run,
        ProbeRequest(steps=steps, policy=policy),
        id=f"probe-{uuid.uuid4().hex[:10]}",
        task_queue=task_queue,
    )


async def wait_for_row(db: Database, model: type[Row], key: Any, ready: Callable[[Row], bool]) -> Row:
    """The row exists and is ``ready``."""

    def found() -> Row | None:
        with db.session() as session:
            row = session.get(model, key)
            return row if row is not None and ready(row) else None

    return await eventually(found, f"{model.__name__} {key} to become ready")


async def wait_for_task(db: Database, task_id: str, status: str = "open") -> Task:
    """The activity has written the task row and it has ``status``."""
    return await wait_for_row(db, Task, task_id, lambda task: task.status == status)


async def wait_for_step(handle: WorkflowHandle[Any, Any], db: Database, task_id: str) -> Task:
    """The row is written and the workflow has registered the step, so people can act on it."""
    task = await wait_for_task(db, task_id)
    await eventually(lambda: handle.query("task_state", task_id), f"the workflow to register {task_id}")
    return task


async def open_step(
    client: Client, task_queue: str, db: Database, spec: StepSpec, policy: DeadlinePolicy = STANDARD
) -> tuple[WorkflowHandle[Any, Any], str]:
    """Start the probe process with one step and wait until a person can act on it."""
    handle = await start_probe(client, task_queue, [spec], policy)
    task_id = f"{handle.id}:{spec.key}"
    await wait_for_step(handle, db, task_id)
    return handle, task_id


def notifications(db: Database, task_id: str) -> Counter[tuple[int, str]]:
    """(recipient, kind) → how many notifications the task produced."""
    with db.session() as session:
        rows = session.execute(
            select(Notification.recipient_id, Notification.kind).where(Notification.task_id == task_id)
        ).all()
    return Counter((recipient, kind) for recipient, kind in rows)


def action(
    task_id: str,
    actor_id: int,
    verb: str = "approve",
    roles: list[str] | None = None,
    comment: str | None = None,
    team_id: int | None = None,
) -> TaskAction:
    return TaskAction(
        task_id=task_id, action=verb, actor=Actor(id=actor_id, roles=roles or [], team_id=team_id), comment=comment
    )
