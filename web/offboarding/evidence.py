"""Evidence that lives in the records, checked before an offboarding step's action is sent.

Files on the task, a collection plan for every customer still owing money (or for every owed
order), a follow-up with every customer, a reassignment plan covering every customer with a
teammate who stays: the web layer reads these
and refuses with 422 naming what is missing. The workflow's validator checks what the action
itself carries. Checking here, before the Update, keeps a refusal out of the process history, so
the person's next attempt (same task, same action) is a fresh update, not the recorded refusal.
"""

from __future__ import annotations

from typing import Any

from schemas.offboarding import Evidence, EvidenceCheck
from schemas.task_errors import TaskIncomplete
from schemas.tasks import CompleteTaskIn, TaskStatus
from store.db import Session
from store.models import Task
from store.repo.offboarding.evidence import evidence_problems
from store.repo.offboarding.records import get_case

CHECKED_KINDS = {"handover_item", "reassignment_plan"}
IN_RECORDS = {Evidence.attachment, Evidence.orders, Evidence.followups}


def check(session: Session, task: Task, body: CompleteTaskIn) -> None:
    """Raise 422 ``task_incomplete`` with every missing piece; do nothing for other tasks."""
    context: dict[str, Any] = task.context or {}
    if task.kind not in CHECKED_KINDS or task.status != TaskStatus.open or body.action not in (task.actions or []):
        return
    plan = task.kind == "reassignment_plan"
    if not plan and context.get("evidence") not in IN_RECORDS:
        return
    case = get_case(session, context.get("offboarding_id"))
    if case is None:
        return
    problems = evidence_problems(
        session,
        EvidenceCheck(
            offboarding_id=case.id,
            employee_id=case.employee_id,
            started_at=case.started_at,
            kind="plan" if plan else "item",
            evidence=None if plan else Evidence(context["evidence"]),
            task_id=task.id,
            data=body.data,
        ),
    )
    if problems:
        raise TaskIncomplete(details=problems)
