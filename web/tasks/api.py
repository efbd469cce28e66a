"""The task inbox over the JSON API: list, read, act, claim."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from schemas.kernel.errors import NotFound
from schemas.tasks import CompleteTaskIn, TaskOut
from web.shared.auth import ApiUser, get_db
from web.shared.paths import Offset
from web.tasks import actions
from web.tasks.process_engine import ProcessEngine
from web.tasks.visible import inbox, visible_task

router = APIRouter(prefix="/api/tasks", tags=["tasks"])


class TaskList(BaseModel):
    items: list[TaskOut]
    total: int


class TaskAnswer(BaseModel):
    task: TaskOut


@router.get("", response_model=TaskList)
def list_tasks(
    request: Request,
    user: ApiUser,
    status: Annotated[Literal["open", "done", "cancelled"] | None, Query()] = "open",
    process: Annotated[Literal["offboarding", "order", "commission", "alert"] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Offset = 0,
) -> TaskList:
    with get_db(request).session() as session:
        tasks, total = inbox(session, user, status=status, process=process, limit=limit, offset=offset)
        return TaskList(items=[actions.task_out(t) for t in tasks], total=total)


@router.get("/{task_id}", response_model=TaskOut)
def get_task(task_id: str, request: Request, user: ApiUser) -> TaskOut:
    with get_db(request).session() as session:
        task = visible_task(session, user, task_id)
        if task is None:
            raise NotFound()
        return actions.task_out(task)


@router.post("/{task_id}/complete", response_model=TaskAnswer)
async def complete_task(task_id: str, body: CompleteTaskIn, request: Request, user: ApiUser) -> TaskAnswer:
    return TaskAnswer(task=await actions.complete_task(get_db(request), ProcessEngine.of(request), user, task_id, body))


@router.post("/{task_id}/claim", response_model=TaskAnswer)
async def claim_task(task_id: str, request: Request, user: ApiUser) -> TaskAnswer:
    return TaskAnswer(
        task=await actions.claim_task(get_db(request), ProcessEngine.of(request), user, task_id, release=False)
    )


@router.post("/{task_id}/unclaim", response_model=TaskAnswer)
async def unclaim_task(task_id: str, request: Request, user: ApiUser) -> TaskAnswer:
    return TaskAnswer(
        task=await actions.claim_task(get_db(request), ProcessEngine.of(request), user, task_id, release=True)
    )
