"""The side effects of human steps: task rows, reminders, overdue notices, escalations.

Every activity is idempotent, keyed by task id (+ sequence/level): a retry finds its own row
or notification and changes nothing twice. Each reminder, notice and escalation is a
notification row and an audit entry; the workflow's activity summaries make it a line of the
process history as well.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from temporalio import activity

from activities.notifications.messages import in_company_language, tell
from activities.tasks.deadlines import due_at
from schemas.kernel.errors import N_
from schemas.tasks import (
    ClaimRequest,
    CloseTaskRequest,
    DeadlineEvent,
    DeadlineOutcome,
    OpenedTask,
    OpenTaskRequest,
    TaskStatus,
)
from store.db import Database, Session
from store.models import Employee, Task, TaskExclusion
from store.models.base import utcnow
from store.repo.audit import chain as audit
from store.repo.notifications import records as notification_repo
from store.repo.org import responsibility
from store.repo.tasks import records as task_repo

NEW_TASK = N_("New task: %(title)s")
DELEGATED = N_("Delegated to you while %(person)s is away: %(title)s")
DUE_SOON = N_("Due soon: %(title)s")
OVERDUE = N_("Overdue: %(title)s")
ESCALATED = N_("Escalated to you: %(title)s")


class TaskActivities:
    def __init__(self, db: Database, timezone: str = "Asia/Shanghai", *, outside_channels: bool = True) -> None:
        self.db = db
        self.timezone = timezone
        # Without e-mail or WeCom configured, in-app rows are all there is: nothing to hand on.
        self.outside_channels = outside_channels

    @activity.defn(name="tasks.open")
    def open(self, request: OpenTaskRequest) -> OpenedTask:
        spec = request.spec
        with self.db.session() as session:
            existing = session.get(Task, request.task_id)
            if existing is not None:
                return _opened(existing, self._outside(notification_repo.ids_for_task(session, existing.id, "info")))
            assignee, delegated_from = spec.assignee_id, None
            if assignee is not None:
                local_day = request.opened_at.astimezone(ZoneInfo(self.timezone)).date()
                delegate = task_repo.active_delegate(session, assignee, local_day)
                # Never to someone the step excludes: an acting manager's own order stays with the manager.
                if delegate is not None and delegate != assignee and delegate not in spec.excluded_actor_ids:
                    assignee, delegated_from = delegate, spec.assignee_id
            task = Task(
                id=request.task_id,
                process=spec.process.value,
                process_id=spec.process_id,
                workflow_id=request.workflow_id,
                kind=spec.kind,
                subject=spec.subject,
                title=in_company_language(spec.title, dict(spec.title_params)),
                assignee_id=assignee,
                candidate_role=spec.candidate_role,
                candidate_team_id=spec.candidate_team_id,
                delegated_from_id=delegated_from,
                due_at=_due(request, self.timezone),
                status=TaskStatus.open.value,
                overdue=False,
                actions=list(spec.actions),
                context={
                    **spec.context,
                    "title_message": [spec.title, dict(spec.title_params)],
                    **({"excluded_actor_ids": spec.excluded_actor_ids} if spec.excluded_actor_ids else {}),
                },
                policy_key=spec.policy_key,
                created_at=request.opened_at,
            )
            session.add(task)
            session.flush()
            session.add_all(
                TaskExclusion(task_id=task.id, employee_id=person) for person in dict.fromkeys(spec.excluded_actor_ids)
            )
            notified = [
                _notify(session, recipient, "info", NEW_TASK, task, f"{task.id}:new:{recipient}")
                for recipient in task_repo.current_holders(session, task)
            ]
            if delegated_from is not None and assignee is not None:
                away = session.get(Employee, delegated_from)
                notified.append(
                    _notify(
                        session,
                        assignee,
                        "info",
                        DELEGATED,
                        task,
                        f"{task.id}:delegated:{assignee}",
                        person=away.name if away else "",
                    )
                )
            audit.record(
                session,
                actor_id=None,
                action="task.opened",
                entity="task",
                entity_id=task.id,
                detail={
                    "kind": task.kind,
                    "assignee_id": assignee,
                    "role": spec.candidate_role,
                    "delegated_from_id": delegated_from,
                    "due_at": task.due_at.isoformat() if task.due_at else None,
                },
            )
            return _opened(task, self._outside([n for n in notified if n is not None]))

    def _outside(self, notification_ids: list[int]) -> list[int]:
        """The notifications to deliver over e-mail/WeCom (none when no channel is configured)."""
        return notification_ids if self.outside_channels else []

    @activity.defn(name="tasks.remind")
    def remind(self, event: DeadlineEvent) -> DeadlineOutcome:
        with self.db.session() as session:
            task = _open_task(session, event.task_id)
            if task is None:
                return DeadlineOutcome()
            recipients = task_repo.current_holders(session, task)
            notified = [
                _notify(session, recipient, "reminder", DUE_SOON, task, f"{task.id}:reminder:{recipient}")
                for recipient in recipients
            ]
            audit.record_once(
                session,
                action="task.reminder_sent",
                entity="task",
                entity_id=task.id,
                detail={"recipients": recipients},
            )
            return DeadlineOutcome(notified=self._outside([n for n in notified if n is not None]))

    @activity.defn(name="tasks.overdue_notice")
    def overdue_notice(self, event: DeadlineEvent) -> DeadlineOutcome:
        """To the holder and their manager, HR too for offboarding steps; every notice is counted."""
        with self.db.session() as session:
            task = _open_task(session, event.task_id)
            if task is None:
                return DeadlineOutcome()
            task.overdue = True
            holders = task_repo.current_holders(session, task)
            managers = [m for h in holders[:1] for m in responsibility.escalation_chain(session, task)[:1]]
            hr = responsibility.hr_people(session) if event.notify_hr else []
            recipients = list(dict.fromkeys([*holders, *managers, *hr]))
            notified = [
                _notify(session, recipient, "overdue", OVERDUE, task, f"{task.id}:overdue:{event.sequence}:{recipient}")
                for recipient in recipients
            ]
            audit.record_once(
                session,
                action=f"task.overdue_notice.{event.sequence}",
                entity="task",
                entity_id=task.id,
                detail={"recipients": recipients},
            )
            return DeadlineOutcome(notified=self._outside([n for n in notified if n is not None]))

    @activity.defn(name="tasks.escalate")
    def escalate(self, event: DeadlineEvent) -> DeadlineOutcome:
        """One level up the original holder's manager chain; no target when nobody is left above."""
        with self.db.session() as session:
            task = _open_task(session, event.task_id)
            if task is None:
                return DeadlineOutcome()
            chain = responsibility.escalation_chain(session, task)
            if len(chain) < event.level:
                audit.record_once(
                    session,
                    action=f"task.escalation_exhausted.{event.level}",
                    entity="task",
                    entity_id=task.id,
                    detail={},
                )
                return DeadlineOutcome()
            target = chain[event.level - 1]
            task.escalated_to_id = target
            task.escalation_level = event.level
            notified = _notify(
                session, target, "escalation", ESCALATED, task, f"{task.id}:escalation:{event.level}:{target}"
            )
            audit.record_once(
                session, action=f"task.escalated.{event.level}", entity="task", entity_id=task.id, detail={"to": target}
            )
            return DeadlineOutcome(notified=self._outside([notified] if notified is not None else []), target=target)

    @activity.defn(name="tasks.close")
    def close(self, request: CloseTaskRequest) -> None:
        with self.db.session() as session:
            task = session.get(Task, request.task_id)
            if task is None or task.status != TaskStatus.open.value:
                return
            decision = request.decision
            task_repo.close(
                session,
                task,
                status=request.status,
                decision=decision.action if decision else None,
                completed_by=decision.actor_id if decision else None,
                comment=decision.comment if decision else request.reason,
                at=decision.decided_at if decision else utcnow(),
                data=decision.data if decision else None,
            )
            action = "task.completed" if request.status == TaskStatus.done else "task.cancelled"
            audit.record(
                session,
                actor_id=decision.actor_id if decision else None,
                action=action,
                entity="task",
                entity_id=task.id,
                detail={
                    "decision": task.decision,
                    "comment": task.comment,
                    "attachments": decision.attachment_ids if decision else [],
                },
            )

    @activity.defn(name="tasks.claim")
    def claim(self, request: ClaimRequest) -> None:
        with self.db.session() as session:
            task = _open_task(session, request.task_id)
            if task is None:
                return
            task.assignee_id = None if request.release else request.actor.id
            task.claimed_at = None if request.release else utcnow()
            audit.record(
                session,
                actor_id=request.actor.id,
                action="task.released" if request.release else "task.claimed",
                entity="task",
                entity_id=task.id,
                detail={},
            )


def _due(request: OpenTaskRequest, timezone: str) -> datetime:
    """The policy's due time, brought forward to the step's limit when it has one (and that
    limit has not already passed)."""
    due = due_at(request.opened_at, request.policy, timezone)
    limit = request.spec.due_not_after
    return min(due, limit) if limit is not None and limit > request.opened_at else due


def _opened(task: Task, notified: list[int]) -> OpenedTask:
    assert task.due_at is not None
    return OpenedTask(
        task_id=task.id,
        assignee_id=task.assignee_id,
        delegated_from_id=task.delegated_from_id,
        due_at=task.due_at,
        notified=notified,
    )


def _open_task(session: Session, task_id: str) -> Task | None:
    task = session.get(Task, task_id)
    return task if task is not None and task.status == TaskStatus.open.value else None


def _notify(
    session: Session, recipient: int, kind: str, message: str, task: Task, key: str, **extra: Any
) -> int | None:
    """In-app notification with the task's title; each reader sees it in their own language."""
    if session.get(Employee, recipient) is None:
        return None
    title_message = (task.context or {}).get("title_message") or [task.title, {}]
    params = {"title": task.title, "title_message": title_message, **extra}
    return tell(
        session,
        recipient_id=recipient,
        message=message,
        params=params,
        dedupe_key=key,
        kind=kind,
        task_id=task.id,
        process_id=task.workflow_id,
        rendered_params={**params, "title": task.title},
    )


def task_activities(db: Database, timezone: str, *, outside_channels: bool = True) -> list[Callable[..., Any]]:
    bound = TaskActivities(db, timezone, outside_channels=outside_channels)
    return [bound.open, bound.remind, bound.overdue_notice, bound.escalate, bound.close, bound.claim]
