"""Reading alerts, scoped to who may see them.

- department_head and admin: every alert;
- sales_manager: the alerts of the teams they lead (and their own team), and any alert whose
  follow-up is theirs;
- everyone else: none (the API answers 403).
An alert the reader may not see is answered like a missing one (404).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, or_, select, true
from sqlalchemy.orm import Session

from schemas.alerts import SEVERITY_ORDER, AlertOut, AlertRule, AlertStatus, Severity, SubjectType
from schemas.kernel.errors import Forbidden, NotFound
from schemas.tasks import TaskStatus
from store.models import Alert, Customer, Employee, Task, Team
from store.repo.customers.visibility import Viewer, managed_team_ids

READERS = ("sales_manager", "department_head", "admin")
UNRESOLVED = "unresolved"  # open or acknowledged
# How a list is ordered: the most severe first (one high alert must not sink under fifteen low
# ones), or plainly the newest first. Within a severity the newest come first.
BY_SEVERITY, NEWEST = "severity", "newest"
_SEVERITY_RANK = case(
    {severity.value: rank for rank, severity in enumerate(SEVERITY_ORDER)},
    value=Alert.severity,
    else_=len(SEVERITY_ORDER),
)


@dataclass(frozen=True)
class AlertFilter:
    status: str | None = None  # an AlertStatus, or "unresolved"
    rule: str | None = None
    severity: str | None = None
    team_id: int | None = None
    subject_type: str | None = None
    subject_id: int | None = None


def may_read_alerts(viewer: Viewer) -> bool:
    return viewer.has(*READERS)


def visible(session: Session, viewer: Viewer) -> ColumnElement[bool]:
    if not may_read_alerts(viewer):
        raise Forbidden()
    if viewer.has("department_head", "admin"):
        return true()
    teams = managed_team_ids(session, viewer)
    mine = Alert.assignee_id == viewer.id
    return or_(Alert.team_id.in_(teams), mine) if teams else mine


def filtered(query: Select[Any], wanted: AlertFilter) -> Select[Any]:
    if wanted.status == UNRESOLVED:
        query = query.where(Alert.status != AlertStatus.resolved)
    elif wanted.status:
        query = query.where(Alert.status == wanted.status)
    for column, value in (
        (Alert.rule, wanted.rule),
        (Alert.severity, wanted.severity),
        (Alert.team_id, wanted.team_id),
        (Alert.subject_type, wanted.subject_type),
        (Alert.subject_id, wanted.subject_id),
    ):
        if value is not None and value != "":
            query = query.where(column == value)
    return query


def list_alerts(
    session: Session,
    viewer: Viewer,
    wanted: AlertFilter,
    *,
    limit: int = 100,
    offset: int = 0,
    order: str = BY_SEVERITY,
) -> tuple[list[AlertOut], int]:
    """High before medium before low, newest first within each (or newest first alone), with the
    total the filters match."""
    base = filtered(select(Alert).where(visible(session, viewer)), wanted)
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    newest = (Alert.created_at.desc(), Alert.id.desc())
    ordering = newest if order == NEWEST else (_SEVERITY_RANK, *newest)
    rows = list(session.scalars(base.order_by(*ordering).limit(limit).offset(offset)))
    return views(session, rows), total


def alert_for(session: Session, viewer: Viewer, alert_id: int) -> AlertOut:
    row = session.scalars(select(Alert).where(Alert.id == alert_id, visible(session, viewer))).first()
    if row is None:
        raise NotFound()
    return views(session, [row])[0]


def alerts_about(session: Session, viewer: Viewer, subject_type: str, subject_id: int) -> list[AlertOut]:
    """A subject's unresolved alerts (customer 360); none for readers who may not see alerts."""
    if not may_read_alerts(viewer):
        return []
    rows, _ = list_alerts(
        session, viewer, AlertFilter(status=UNRESOLVED, subject_type=subject_type, subject_id=subject_id)
    )
    return rows


def views(session: Session, rows: list[Alert]) -> list[AlertOut]:
    """The API view of alerts, with subject and team names and the open follow-up task, read in
    three queries whatever the page size."""
    names = _names(session, rows)
    teams = (
        dict(
            session.execute(
                select(Team.id, Team.name).where(Team.id.in_({row.team_id for row in rows if row.team_id is not None}))
            ).all()
        )
        if rows
        else {}
    )
    workflow_ids = [row.workflow_id for row in rows if row.workflow_id]
    open_tasks = (
        dict(
            session.execute(
                select(Task.workflow_id, Task.id).where(
                    Task.workflow_id.in_(workflow_ids), Task.status == TaskStatus.open
                )
            ).all()
        )
        if workflow_ids
        else {}
    )
    return [
        AlertOut(
            id=row.id,
            rule=AlertRule(row.rule),
            subject_type=SubjectType(row.subject_type),
            subject_id=row.subject_id,
            severity=Severity(row.severity),
            status=row.status,
            detail=row.detail,
            created_at=row.created_at,
            subject_name=names.get((row.subject_type, row.subject_id), f"#{row.subject_id}"),
            team_id=row.team_id,
            team_name=teams.get(row.team_id) if row.team_id is not None else None,
            assignee_id=row.assignee_id,
            workflow_id=row.workflow_id,
            task_id=open_tasks.get(row.workflow_id) if row.workflow_id else None,
            acknowledged_at=row.acknowledged_at,
            acknowledged_by=row.acknowledged_by,
            resolved_at=row.resolved_at,
            resolved_by=row.resolved_by,
            resolution_note=row.resolution_note,
            condition_cleared_at=row.condition_cleared_at,
        )
        for row in rows
    ]


def _names(session: Session, rows: list[Alert]) -> dict[tuple[str, int], str]:
    found: dict[tuple[str, int], str] = {}
    for kind, model in (("employee", Employee), ("customer", Customer)):
        ids = {row.subject_id for row in rows if row.subject_type == kind}
        if ids:
            found.update(
                {
                    (kind, subject_id): name
                    for subject_id, name in session.execute(select(model.id, model.name).where(model.id.in_(ids)))
                }
            )
    return found
