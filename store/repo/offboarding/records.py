"""Offboarding cases: opening one, who may see and act on it, and the view the API and pages show.

One open case per employee is kept by the unique ``open_for`` column, so two people starting the
same offboarding at once get one case and one ``already_offboarding``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from schemas.kernel.errors import N_, Forbidden, InvalidInput, NotFound
from schemas.offboarding import (
    AlreadyOffboarding,
    Evidence,
    ItemOut,
    OffboardingOut,
    OffboardingStatus,
    ReassignmentOut,
    ReviewOut,
    ReviewRole,
    blockers_of,
)
from schemas.org import EmployeeStatus
from store.models import (
    Customer,
    Employee,
    ExperienceNote,
    HandoverItem,
    Offboarding,
    OffboardingReview,
    Reassignment,
    Task,
)
from store.repo.audit import chain as audit
from store.repo.customers.visibility import Viewer, managed_team_ids
from store.repo.org.responsibility import department_head_of, manager_of, managers_of


def open_case(
    session: Session, *, actor: Viewer, employee_id: int, reason: str, last_day: date, today: date
) -> tuple[Offboarding, Employee]:
    """Reserve the case row (status ``handover``); the workflow does everything else."""
    employee = session.get(Employee, employee_id)
    if employee is None:
        raise InvalidInput(
            details=[{"field": "employee_id", "code": "unknown_employee", "message": N_("No such employee.")}]
        )
    if not (actor.has("hr") or actor.id in managers_of(session, employee)):
        raise Forbidden()
    problems = []
    if employee.status == EmployeeStatus.departed:
        problems.append(
            {"field": "employee_id", "code": "employee_departed", "message": N_("This employee has already left.")}
        )
    if employee.id == actor.id:
        problems.append(
            {
                "field": "employee_id",
                "code": "own_offboarding",
                "message": N_("Someone else must start your offboarding."),
            }
        )
    if last_day < today:
        problems.append(
            {"field": "last_day", "code": "date_in_past", "message": N_("The last working day is in the past.")}
        )
    if problems:
        raise InvalidInput(details=problems)
    if session.scalar(select(Offboarding.id).where(Offboarding.open_for == employee.id)) is not None:
        raise AlreadyOffboarding()
    case = Offboarding(
        employee_id=employee.id,
        open_for=employee.id,
        workflow_id=f"offboarding-{employee.id}",
        status=OffboardingStatus.handover,
        reason=reason.strip(),
        last_day=last_day,
        started_by=actor.id,
        manager_id=manager_of(session, employee),
        head_id=department_head_of(session, employee),
    )
    session.add(case)
    try:
        session.flush()
    except IntegrityError as exc:  # a concurrent start won the unique open_for
        raise AlreadyOffboarding() from exc
    audit.record(
        session,
        actor_id=actor.id,
        action="offboarding.started",
        entity="offboarding",
        entity_id=case.id,
        detail={"employee_id": employee.id, "reason": case.reason, "last_day": last_day.isoformat()},
    )
    return case, employee


def discard_case(session: Session, case_id: int) -> None:
    """The process did not answer its start: the reservation goes, as if nothing happened — unless
    the process got as far as setting up the handover, which then stands (and a second start is
    told ``already_offboarding``)."""
    case = session.get(Offboarding, case_id)
    if case is None or case.status != OffboardingStatus.handover:
        return
    begun = session.scalar(select(HandoverItem.id).where(HandoverItem.offboarding_id == case_id).limit(1))
    if begun is None:
        session.delete(case)


def may_read(session: Session, viewer: Viewer, case: Offboarding) -> bool:
    if viewer.id == case.employee_id or viewer.has("hr", "finance", "admin"):
        return True
    employee = session.get(Employee, case.employee_id)
    return employee is not None and viewer.id in managers_of(session, employee)


def readable(session: Session, viewer: Viewer, case_id: int) -> Offboarding:
    """The case, or 404 exactly as if it did not exist."""
    case = session.get(Offboarding, case_id)
    if case is None or not may_read(session, viewer, case):
        raise NotFound()
    return case


def list_cases(session: Session, viewer: Viewer, *, status: str | None = None, limit: int = 100) -> list[Offboarding]:
    """The cases the viewer may open, newest first (HR, finance and admin: all)."""
    query = select(Offboarding).order_by(Offboarding.started_at.desc(), Offboarding.id.desc())
    if status == "open":
        query = query.where(Offboarding.open_for.is_not(None))
    elif status:
        query = query.where(Offboarding.status == status)
    if viewer.has("hr", "finance", "admin"):
        return list(session.scalars(query.limit(limit)))
    # Managers along the chain, team managers and department heads: few cases, checked one by one.
    return [case for case in session.scalars(query) if may_read(session, viewer, case)][:limit]


def items_of(session: Session, case_id: int) -> list[HandoverItem]:
    return list(
        session.scalars(
            select(HandoverItem)
            .where(HandoverItem.offboarding_id == case_id)
            .order_by(HandoverItem.position, HandoverItem.id)
        )
    )


def reviews_of(session: Session, case_id: int) -> list[OffboardingReview]:
    order = {role.value: index for index, role in enumerate(ReviewRole)}
    rows = session.scalars(select(OffboardingReview).where(OffboardingReview.offboarding_id == case_id))
    return sorted(rows, key=lambda row: order.get(row.role, 99))


def reassignments_of(session: Session, case_id: int) -> list[tuple[Reassignment, str]]:
    rows = session.execute(
        select(Reassignment, Customer.name)
        .join(Customer, Customer.id == Reassignment.customer_id)
        .where(Reassignment.offboarding_id == case_id)
        .order_by(Customer.name, Customer.id)
    )
    return [(row, name) for row, name in rows]


def case_view(session: Session, case: Offboarding) -> OffboardingOut:
    items = items_of(session, case.id)
    task_ids = [item.task_id for item in items if item.task_id]
    due = (
        {
            task_id: due_at
            for task_id, due_at in session.execute(select(Task.id, Task.due_at).where(Task.id.in_(task_ids)))
        }
        if task_ids
        else {}
    )
    reviews = reviews_of(session, case.id)
    employee = session.get(Employee, case.employee_id)
    status = case.status
    blockers = blockers_of(
        {item.key: item.status for item in items},
        case.plan_executed_at is not None,
        {review.role: review.status for review in reviews},
        status,
    )
    return OffboardingOut(
        id=case.id,
        employee_id=case.employee_id,
        employee_name=employee.name if employee else "",
        workflow_id=case.workflow_id,
        status=status,
        reason=case.reason,
        last_day=case.last_day,
        started_at=case.started_at,
        started_by=case.started_by,
        completed_at=case.completed_at,
        cancelled_at=case.cancelled_at,
        plan_executed=case.plan_executed_at is not None,
        items=[
            ItemOut(
                key=item.key,
                title=item.title,
                status=item.status,
                assignee_id=item.assignee_id,
                candidate_role=item.candidate_role,
                due_at=due.get(item.task_id) if item.task_id else None,
                task_id=item.task_id,
                evidence=Evidence(item.evidence),
                round=item.round,
                done_by=item.done_by,
                done_at=item.done_at,
                comment=item.comment,
                data=item.data or {},
            )
            for item in items
        ],
        reviews=[
            ReviewOut(
                role=ReviewRole(review.role),
                status=review.status,
                round=review.round,
                reviewer_id=review.reviewer_id,
                comment=review.comment,
                returned_items=list(review.returned_items or []),
                task_id=review.task_id,
            )
            for review in reviews
        ],
        reassignments=[
            ReassignmentOut(
                customer_id=row.customer_id,
                customer_name=name,
                from_id=row.from_id,
                to_id=row.to_id,
                proposed_to_id=row.proposed_to_id,
                status=row.status,
            )
            for row, name in reassignments_of(session, case.id)
        ],
        blockers=[blocker.detail() for blocker in blockers],
    )


def get_case(session: Session, case_id: int | None) -> Offboarding | None:
    """The case with this id, read by the process's own checks (readers go through ``readable``)."""
    return session.get(Offboarding, case_id)


def open_case_of(session: Session, employee_id: int) -> Offboarding | None:
    return session.scalars(select(Offboarding).where(Offboarding.open_for == employee_id)).first()


def employee_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return {
        person: name for person, name in session.execute(select(Employee.id, Employee.name).where(Employee.id.in_(ids)))
    }


def experience_notes(session: Session, viewer: Viewer, limit: int = 200) -> list[ExperienceNote]:
    """What leavers wrote down: for their teams (heads, HR and admin read all)."""
    query = select(ExperienceNote).order_by(ExperienceNote.created_at.desc(), ExperienceNote.id.desc()).limit(limit)
    if not viewer.has("department_head", "admin", "hr"):
        query = query.where(ExperienceNote.team_id.in_(managed_team_ids(session, viewer)))
    return list(session.scalars(query))


def audit_case(session: Session, case_id: int, action: str, actor_id: int | None, detail: dict[str, Any]) -> None:
    audit.record(session, actor_id=actor_id, action=action, entity="offboarding", entity_id=case_id, detail=detail)
