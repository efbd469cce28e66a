"""Acting on a task: the web side of the ``complete_task`` / ``claim_task`` Workflow Updates.

The update id is derived from task + action, so a retried request or a double click is applied
once by Temporal. A different person whose update collides with an applied one learns that the
task is closed (409) with its current state. The call is bounded: when no worker answers within
``action_timeout`` the person gets 503 ``engine_unavailable``; the update carries the same
deadline and the workflow's validator refuses it if it is delivered later, so nothing is recorded.

Like every action service, these take what they use, passed by the route: the database, the
engine (:class:`~web.tasks.process_engine.ProcessEngine`) and the acting person.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.concurrency import run_in_threadpool

from schemas.kernel.errors import NotFound
from schemas.task_errors import BY_WORKFLOW_TYPE, TaskClosed
from schemas.tasks import Actor, ClaimRequest, CompleteTaskIn, TaskAction, TaskOut, TaskState, TaskStatus
from store.db import Database, Session
from store.models import Task
from web.offboarding import evidence as handover_evidence
from web.shared.auth import Principal
from web.tasks.process_engine import ProcessEngine
from web.tasks.visible import holds, visible_task


def actor_of(principal: Principal) -> Actor:
    return Actor(id=principal.id, roles=sorted(principal.roles), team_id=principal.team_id)


def task_out(task: Task, state: TaskState | None = None) -> TaskOut:
    view = TaskOut(
        id=task.id,
        process=task.process,
        process_id=task.process_id,
        workflow_id=task.workflow_id,
        kind=task.kind,
        title=task.title,
        subject=task.subject,
        assignee_id=task.assignee_id,
        candidate_role=task.candidate_role,
        escalated_to_id=task.escalated_to_id,
        due_at=task.due_at,
        status=TaskStatus(task.status),
        overdue=task.overdue,
        escalated=task.escalated_to_id is not None,
        actions=list(task.actions or []),
        decision=task.decision,
        completed_by=task.completed_by,
        context={k: v for k, v in (task.context or {}).items() if k != "title_message"},
        created_at=task.created_at,
    )
    if state is not None:
        view.status, view.decision, view.completed_by = state.status, state.decision, state.completed_by
        view.assignee_id, view.overdue = state.assignee_id, state.overdue or view.overdue
    return view


async def load_task(db: Database, principal: Principal, task_id: str) -> Task:
    """The task, if this person may see it; otherwise 404 exactly as for a task that does not
    exist, for every verb, so neither its existence nor its decision leaks."""

    def read() -> Task | None:
        with db.session() as session:
            return visible_task(session, principal, task_id)

    task = await run_in_threadpool(read)
    if task is None:
        raise NotFound()
    return task


async def _send_update(
    engine: ProcessEngine, workflow_id: str, update: str, argument: Any, update_id: str
) -> TaskState:
    state: TaskState = await engine.update(
        workflow_id,
        update,
        argument,
        update_id=update_id,
        result_type=TaskState,
        refusals=BY_WORKFLOW_TYPE,
        closed=TaskClosed(),
    )
    return state


# Evidence that lives in the records, checked per process before the action is sent, so a
# refusal never enters the process history (see web/offboarding/evidence.py).
RECORD_CHECKS: dict[str, Callable[[Session, Task, CompleteTaskIn], None]] = {
    "offboarding": handover_evidence.check,
}


def _evidence_check(db: Database, task: Task, body: CompleteTaskIn) -> None:
    with db.session() as session:
        RECORD_CHECKS[task.process](session, task, body)


async def complete_task(
    db: Database, engine: ProcessEngine, principal: Principal, task_id: str, body: CompleteTaskIn
) -> TaskOut:
    task = await load_task(db, principal, task_id)
    if task.status != TaskStatus.open:  # decided already: acting again is an error, not a repeat
        raise _closed(task_out(task))
    if task.process in RECORD_CHECKS and holds(principal, task):
        await run_in_threadpool(_evidence_check, db, task, body)
    action = TaskAction(
        task_id=task.id,
        action=body.action,
        actor=actor_of(principal),
        comment=body.comment,
        data=body.data,
        attachment_ids=body.attachment_ids,
        expires_at=engine.deadline(),
    )
    state = await _send_update(engine, task.workflow_id, "complete_task", action, f"{task.id}:{body.action}")
    if state.completed_by != principal.id:
        raise _closed(task_out(task, state))
    return task_out(task, state)


def _closed(view: TaskOut) -> TaskClosed:
    """Who closed the task and how, so the person sees why their action did not count."""
    return TaskClosed(
        details=[
            {
                "code": "task_closed",
                "message": TaskClosed.message,
                "task_id": view.id,
                "status": view.status.value,
                "decision": view.decision,
                "completed_by": view.completed_by,
            }
        ]
    )


async def claim_task(
    db: Database, engine: ProcessEngine, principal: Principal, task_id: str, *, release: bool
) -> TaskOut:
    task = await load_task(db, principal, task_id)
    claim = ClaimRequest(task_id=task.id, actor=actor_of(principal), release=release, expires_at=engine.deadline())
    verb = "release" if release else "claim"
    state = await _send_update(engine, task.workflow_id, "claim_task", claim, f"{task.id}:{verb}:{principal.id}")
    return task_out(task, state)
