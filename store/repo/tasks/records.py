"""The open-task projection: written by the ``tasks.*`` activities, read by the inbox.

Who holds a task: its assignee; anyone holding its candidate role (within its team, if set)
while nobody has claimed it; whoever it was escalated to; and the person it was delegated from.
Who those people are (role holders, the escalation chain) is decided in ``responsibility``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, false, func, or_, select
from sqlalchemy.orm import Session

from schemas.tasks import TaskStatus
from store.models import Delegation, Task, TaskExclusion
from store.repo.org.responsibility import role_members


def holder_filter(employee_id: int, roles: list[str] | frozenset[str], team_id: int | None) -> ColumnElement[bool]:
    by_role: ColumnElement[bool] = false()
    if roles:
        excluded = exists().where(TaskExclusion.task_id == Task.id, TaskExclusion.employee_id == employee_id)
        by_role = and_(
            Task.assignee_id.is_(None),
            Task.candidate_role.in_(list(roles)),
            or_(Task.candidate_team_id.is_(None), Task.candidate_team_id == team_id),
            ~excluded,
        )
    return or_(
        Task.assignee_id == employee_id,
        Task.escalated_to_id == employee_id,
        Task.delegated_from_id == employee_id,
        by_role,
    )


def inbox(
    session: Session,
    *,
    employee_id: int,
    roles: list[str] | frozenset[str],
    team_id: int | None,
    status: str | None = TaskStatus.open,
    process: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Task], int]:
    """The caller's tasks, overdue first, then by due time (no due time last)."""
    conditions = [holder_filter(employee_id, roles, team_id)]
    if status:
        conditions.append(Task.status == status)
    if process:
        conditions.append(Task.process == process)
    total = session.scalar(select(func.count()).select_from(Task).where(*conditions)) or 0
    query = (
        select(Task)
        .where(*conditions)
        .order_by(Task.overdue.desc(), case((Task.due_at.is_(None), 1), else_=0), Task.due_at, Task.id)
        .limit(limit)
        .offset(offset)
    )
    return list(session.scalars(query)), total


def open_count(session: Session, *, employee_id: int, roles: list[str] | frozenset[str], team_id: int | None) -> int:
    query = (
        select(func.count())
        .select_from(Task)
        .where(holder_filter(employee_id, roles, team_id), Task.status == TaskStatus.open)
    )
    return session.scalar(query) or 0


def get(session: Session, task_id: str) -> Task | None:
    return session.get(Task, task_id)


def is_holder(task: Task, employee_id: int, roles: list[str] | frozenset[str], team_id: int | None) -> bool:
    if employee_id in (task.assignee_id, task.escalated_to_id, task.delegated_from_id):
        return True
    if task.assignee_id is None and task.candidate_role and task.candidate_role in roles:
        if employee_id in excluded_from(task):
            return False
        return task.candidate_team_id is None or task.candidate_team_id == team_id
    return False


def excluded_from(task: Task) -> list[int]:
    """Who may not act on the task (kept in its context too, for checks without a query)."""
    return list((task.context or {}).get("excluded_actor_ids") or [])


AUDITORS = frozenset({"hr", "admin"})


def may_see(task: Task, employee_id: int, roles: list[str] | frozenset[str], team_id: int | None) -> bool:
    """Holders, whoever completed it, the members of the queue it was offered to (they see that a
    colleague took it), and HR/admin (for the record) may read a task; nobody else learns it exists."""
    in_queue = bool(
        task.candidate_role
        and task.candidate_role in roles
        and (task.candidate_team_id is None or task.candidate_team_id == team_id)
    )
    return (
        is_holder(task, employee_id, roles, team_id)
        or task.completed_by == employee_id
        or in_queue
        or bool(AUDITORS.intersection(roles))
    )


def visible(
    session: Session, task_id: str, *, employee_id: int, roles: list[str] | frozenset[str], team_id: int | None
) -> Task | None:
    task = session.get(Task, task_id)
    return task if task is not None and may_see(task, employee_id, roles, team_id) else None


def active_delegate(session: Session, employee_id: int, on: date) -> int | None:
    query = (
        select(Delegation.delegate_id)
        .where(
            Delegation.employee_id == employee_id,
            Delegation.cancelled_at.is_(None),
            Delegation.starts_on <= on,
            Delegation.ends_on >= on,
        )
        .order_by(Delegation.id.desc())
        .limit(1)
    )
    return session.scalar(query)


def current_holders(session: Session, task: Task) -> list[int]:
    if task.assignee_id is not None:
        return [task.assignee_id]
    if task.candidate_role:
        excluded = set(excluded_from(task))
        return [m for m in role_members(session, task.candidate_role, task.candidate_team_id) if m not in excluded]
    return []


def close(
    session: Session,
    task: Task,
    *,
    status: TaskStatus,
    decision: str | None,
    completed_by: int | None,
    comment: str | None,
    at: datetime,
    data: dict[str, Any] | None = None,
) -> None:
    task.status = status
    task.decision = decision
    task.completed_by = completed_by
    task.comment = comment
    task.closed_at = at
    if data:
        task.context = {**(task.context or {}), "decision_data": data}
