"""What a task is about, read for its page: the order with its customer and seller, the leaver's
offboarding case, the settlement's team, the alert with its subject, and the names of the people
and customers its context mentions (a reassignment proposal names both).

A task's ``context`` keeps ids, as the process wrote them; this reads the records behind those
ids in a handful of queries, so the page can show names, money and dates instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from schemas.alerts import AlertOut
from store.models import Alert, Customer, Employee, Offboarding, Order, Task
from store.repo.alerts.views import views as alert_views
from store.repo.orders.views import lines_of


@dataclass
class TaskSubject:
    order: Order | None = None
    order_lines: list[dict[str, Any]] = field(default_factory=list)  # the order's stored lines
    case: Offboarding | None = None
    alert: AlertOut | None = None
    people: dict[int, str] = field(default_factory=dict)  # employee id → name
    customers: dict[int, str] = field(default_factory=dict)  # customer id → name


def _proposal(context: dict[str, Any]) -> list[dict[str, Any]]:
    found = context.get("proposal")
    return [row for row in found if isinstance(row, dict)] if isinstance(found, list) else []


def _record_id(value: Any) -> int | None:
    return value if isinstance(value, int) else int(value) if isinstance(value, str) and value.isdigit() else None


def subject_of(session: Session, task: Task) -> TaskSubject:
    """The records the task's page names; a record that is gone leaves its part empty."""
    context: dict[str, Any] = task.context or {}
    found = TaskSubject()
    people: set[int] = set()
    customers: set[int] = set()
    if task.process == "order":
        order_id = _record_id(context.get("order_id", task.process_id))
        found.order = session.get(Order, order_id) if order_id else None
        if found.order is not None:
            customers.add(found.order.customer_id)
            people.add(found.order.owner_id)
            found.order_lines = [
                {
                    "service_name": service.name if service else line.service_code,
                    "quantity": line.quantity,
                    "unit_price": line.unit_price,
                    "amount": line.amount,
                }
                for line, service in lines_of(session, [found.order.id])[found.order.id]
            ]
    elif task.process == "offboarding":
        case_id = _record_id(context.get("offboarding_id", task.process_id))
        found.case = session.get(Offboarding, case_id) if case_id else None
        if found.case is not None:
            people.add(found.case.employee_id)
        for move in _proposal(context):
            customers |= {move["customer_id"]} if isinstance(move.get("customer_id"), int) else set()
            people |= {move["to_id"]} if isinstance(move.get("to_id"), int) else set()
    elif task.process == "alert":
        alert_id = _record_id(context.get("alert_id", task.process_id))
        alert = session.get(Alert, alert_id) if alert_id else None
        found.alert = alert_views(session, [alert])[0] if alert is not None else None
    if people:
        found.people = dict(session.execute(select(Employee.id, Employee.name).where(Employee.id.in_(people))).all())
    if customers:
        found.customers = dict(
            session.execute(select(Customer.id, Customer.name).where(Customer.id.in_(customers))).all()
        )
    return found
