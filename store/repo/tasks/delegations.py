"""Out-of-office delegations: recorded, never deleted; cancelling keeps the row."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from schemas.kernel.errors import N_, InvalidInput, NotFound
from schemas.org import EmployeeStatus
from store.models import Delegation, Employee
from store.models.base import utcnow
from store.repo.audit import chain as audit


def for_employee(session: Session, employee_id: int) -> list[Delegation]:
    query = select(Delegation).where(Delegation.employee_id == employee_id).order_by(Delegation.starts_on.desc())
    return list(session.scalars(query))


def create(
    session: Session, *, employee_id: int, delegate_id: int, starts_on: date, ends_on: date, reason: str, actor_id: int
) -> Delegation:
    problems = []
    delegate = session.get(Employee, delegate_id)
    if delegate is None or delegate.status == EmployeeStatus.departed:
        problems.append({"field": "delegate_id", "code": "unknown", "message": N_("No such colleague.")})
    elif delegate_id == employee_id:
        problems.append({"field": "delegate_id", "code": "self", "message": N_("Choose someone other than yourself.")})
    if ends_on < starts_on:
        problems.append({"field": "ends_on", "code": "before_start", "message": N_("The end is before the start.")})
    if problems:
        raise InvalidInput(details=problems)
    row = Delegation(
        employee_id=employee_id,
        delegate_id=delegate_id,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason,
        created_by=actor_id,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        action="delegation.created",
        entity="employee",
        entity_id=employee_id,
        detail={
            "delegate_id": delegate_id,
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat(),
            "reason": reason,
        },
    )
    return row


def cancel(session: Session, *, delegation_id: int, employee_id: int, actor_id: int) -> Delegation:
    row = session.get(Delegation, delegation_id)
    if row is None or row.employee_id != employee_id:
        raise NotFound()
    if row.cancelled_at is None:
        row.cancelled_at = utcnow()
        audit.record(
            session,
            actor_id=actor_id,
            action="delegation.cancelled",
            entity="employee",
            entity_id=employee_id,
            detail={"delegation_id": delegation_id},
        )
    return row


def colleagues(session: Session, exclude_id: int) -> list[Employee]:
    query = (
        select(Employee)
        .where(Employee.status == EmployeeStatus.active, Employee.id != exclude_id)
        .order_by(Employee.name)
    )
    return list(session.scalars(query))
