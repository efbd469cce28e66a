"""Reads behind the offboarding pages: who a person may start an offboarding for, the case list's
progress, a case's tasks and their evidence files, the orders its collection plans name, and the
case's timeline.

Whether the viewer may see the case at all is decided first, by ``offboardings.readable`` /
``offboardings.list_cases``; these reads take the case as given. Batch reads: one query per kind
of thing, however many items, tasks or files a case has.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from schemas.offboarding import ItemStatus
from schemas.org import EmployeeStatus
from store.models import (
    Attachment,
    AuditEntry,
    Customer,
    Department,
    Employee,
    HandoverItem,
    Offboarding,
    Order,
    Task,
    Team,
)
from store.repo.customers.visibility import Viewer
from store.repo.org.responsibility import managers_of

PROCESS = "offboarding"


def startable(session: Session, viewer: Viewer) -> list[Employee]:
    """The active people the viewer may start an offboarding for, by the same rule as
    ``offboardings.open_case``: HR for anyone, everyone else for the people they manage."""
    everyone = list(session.scalars(select(Employee).order_by(Employee.name, Employee.id)))
    people = [person for person in everyone if person.status == EmployeeStatus.active and person.id != viewer.id]
    if viewer.has("hr"):
        return people
    # Teams and departments into the session once, so the manager checks below read from memory.
    session.scalars(select(Team)).all()
    session.scalars(select(Department)).all()
    return [person for person in people if viewer.id in managers_of(session, person)]


def leaver(session: Session, case: Offboarding) -> Employee | None:
    """The person the case is about (whose customers the reassignment plan hands over)."""
    return session.get(Employee, case.employee_id)


def progress(session: Session, case_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
    """Case id → (items done, items in all)."""
    ids = list(case_ids)
    if not ids:
        return {}
    done = func.sum(case((HandoverItem.status == ItemStatus.done, 1), else_=0))
    rows = session.execute(
        select(HandoverItem.offboarding_id, func.coalesce(done, 0), func.count())
        .where(HandoverItem.offboarding_id.in_(ids))
        .group_by(HandoverItem.offboarding_id)
    )
    return {case_id: (int(finished), int(total)) for case_id, finished, total in rows}


def case_tasks(session: Session, case: Offboarding) -> dict[str, Task]:
    """Every task the case opened (items of every round, the plan, sign-offs, the final step)."""
    rows = session.scalars(
        select(Task).where(Task.process == PROCESS, Task.process_id == str(case.id)).order_by(Task.created_at, Task.id)
    )
    return {task.id: task for task in rows}


def files_by_task(session: Session, task_ids: Iterable[str]) -> dict[str, list[Attachment]]:
    ids = list(task_ids)
    found: dict[str, list[Attachment]] = defaultdict(list)
    if ids:
        for row in session.scalars(select(Attachment).where(Attachment.task_id.in_(ids)).order_by(Attachment.id)):
            found[row.task_id or ""].append(row)
    return dict(found)


def orders_with_customers(session: Session, order_ids: Iterable[int]) -> dict[int, tuple[Order, str]]:
    """Order id → the order and its customer's name (for the orders a collection plan names)."""
    ids = [order_id for order_id in set(order_ids) if isinstance(order_id, int)]
    if not ids:
        return {}
    rows = session.execute(
        select(Order, Customer.name).join(Customer, Customer.id == Order.customer_id).where(Order.id.in_(ids))
    )
    return {order.id: (order, name) for order, name in rows}


def customer_names(session: Session, customer_ids: Iterable[int]) -> dict[int, str]:
    ids = list(set(customer_ids))
    if not ids:
        return {}
    return {row.id: row.name for row in session.execute(select(Customer.id, Customer.name).where(Customer.id.in_(ids)))}


def case_timeline(session: Session, case: Offboarding, tasks: dict[str, Task]) -> list[tuple[AuditEntry, Task | None]]:
    """What happened, oldest first: the case's own audit entries (started, items done, sign-offs,
    completed or cancelled) and those of its tasks (opened, reminders, overdue notices,
    escalations, decisions), each with the task it concerns."""
    own = and_(AuditEntry.entity == PROCESS, AuditEntry.entity_id == str(case.id))
    of_tasks = and_(AuditEntry.entity == "task", AuditEntry.entity_id.in_(list(tasks)))
    entries = session.scalars(
        select(AuditEntry).where(or_(own, of_tasks) if tasks else own).order_by(AuditEntry.id).limit(1000)
    )
    return [(entry, tasks.get(entry.entity_id) if entry.entity == "task" else None) for entry in entries]
