"""The task projection as the signed-in person sees it: the store's task reads asked for a
:class:`~web.shared.auth.Principal`, so every page and API call names the person the same way.

Seeing a task (``visible``) and holding it (``holds``: may act on it) are the store's rules
(store/repo/tasks/records.py), the same the workflow's validator applies.
"""

from __future__ import annotations

from schemas.tasks import TaskStatus
from store.db import Session
from store.models import Task
from store.repo.tasks import records as task_repo
from web.shared.auth import Principal


def visible_task(session: Session, principal: Principal, task_id: str) -> Task | None:
    """The task, or None when it does not exist or this person may not see it."""
    return task_repo.visible(
        session, task_id, employee_id=principal.id, roles=principal.roles, team_id=principal.team_id
    )


def holds(principal: Principal, task: Task) -> bool:
    """The person may act on the task (whether or not it is still open)."""
    return task_repo.is_holder(task, principal.id, principal.roles, principal.team_id)


def holds_open(principal: Principal, task: Task | None) -> bool:
    """The task is open and the person may act on it: a form for it can count."""
    return task is not None and task.status == TaskStatus.open and holds(principal, task)


def may_see(principal: Principal, task: Task) -> bool:
    return task_repo.may_see(task, principal.id, principal.roles, principal.team_id)


def inbox(
    session: Session, principal: Principal, *, status: str | None, process: str | None, limit: int, offset: int
) -> tuple[list[Task], int]:
    """The person's tasks, overdue first, and how many there are."""
    return task_repo.inbox(
        session,
        employee_id=principal.id,
        roles=principal.roles,
        team_id=principal.team_id,
        status=status,
        process=process,
        limit=limit,
        offset=offset,
    )


def open_count(session: Session, principal: Principal) -> int:
    return task_repo.open_count(session, employee_id=principal.id, roles=principal.roles, team_id=principal.team_id)
