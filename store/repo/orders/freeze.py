"""Why a salesperson may not place new orders now, read before the order form is shown: the same
condition the order checks refuse with ``employee_frozen`` (an order freeze, or no longer active),
the handover behind it and whom to ask about it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from schemas.org import EmployeeStatus
from store.models import Employee, Offboarding
from store.repo.org.responsibility import hr_people, manager_of


@dataclass(frozen=True)
class OrderFreeze:
    """A salesperson's order freeze: the handover case behind it (when there is one) and the
    people to ask, by name — their manager, and HR."""

    case_id: int | None = None
    since: datetime | None = None
    last_day: date | None = None
    manager: str = ""
    hr: list[str] = field(default_factory=list)


def order_freeze(session: Session, employee_id: int) -> OrderFreeze | None:
    """The employee's order freeze, or None when they may place orders."""
    employee = session.get(Employee, employee_id)
    if employee is None or (not employee.order_freeze and employee.status == EmployeeStatus.active):
        return None
    case = session.scalars(
        select(Offboarding)
        .where(Offboarding.employee_id == employee_id)
        .order_by(Offboarding.started_at.desc(), Offboarding.id.desc())
        .limit(1)
    ).first()
    hr_ids = hr_people(session)
    if case is not None and case.started_by in hr_ids:
        hr_ids = [case.started_by]  # who opened the case first
    manager_id = manager_of(session, employee) or (case.manager_id if case is not None else None)
    wanted = {i for i in (manager_id, *hr_ids) if i is not None}
    names = (
        {row.id: row.name for row in session.execute(select(Employee.id, Employee.name).where(Employee.id.in_(wanted)))}
        if wanted
        else {}
    )
    return OrderFreeze(
        case_id=case.id if case is not None else None,
        since=case.started_at if case else None,
        last_day=case.last_day if case is not None else None,
        manager=names.get(manager_id, "") if manager_id is not None else "",
        hr=[names[i] for i in hr_ids if i in names],
    )
