"""The names behind the ids audit entries keep: people, accounts, customers, teams, orders (with
their customers), tasks (with their process and title), offboarding cases (with their checklist
items' titles) and alerts.

The audit page asks for everything one page of entries mentions at once: one query per kind of
record, however many entries the page shows. A record that is gone is simply not in the answer.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import Alert, Customer, Employee, HandoverItem, Offboarding, Order, Task, Team
from store.repo.alerts.records import subject_name


@dataclass(frozen=True)
class TaskRecord:
    process: str
    process_id: str | None
    title: str  # as stored, in the company language
    title_message: tuple[str, dict[str, object]] | None  # the message id and its parameters


@dataclass
class AuditRecords:
    people: dict[int, str] = field(default_factory=dict)
    accounts: dict[str, str] = field(default_factory=dict)  # username → name
    customers: dict[int, str] = field(default_factory=dict)
    teams: dict[int, str] = field(default_factory=dict)
    order_customers: dict[int, int] = field(default_factory=dict)  # order id → its customer
    tasks: dict[str, TaskRecord] = field(default_factory=dict)
    case_people: dict[int, int] = field(default_factory=dict)  # offboarding case → the person leaving
    alerts: dict[int, tuple[str, str]] = field(default_factory=dict)  # alert id → (rule, subject name)
    item_titles: dict[tuple[int, str], str] = field(default_factory=dict)  # (case, item key) → title message id


def _message(task: Task) -> tuple[str, dict[str, object]] | None:
    found = (task.context or {}).get("title_message")
    if isinstance(found, list) and len(found) == 2 and isinstance(found[0], str):
        return found[0], dict(found[1] or {})
    return None


def records_for(
    session: Session,
    *,
    people: Collection[int] = (),
    accounts: Collection[str] = (),
    customers: Collection[int] = (),
    teams: Collection[int] = (),
    orders: Collection[int] = (),
    tasks: Collection[str] = (),
    cases: Collection[int] = (),
    alerts: Collection[int] = (),
) -> AuditRecords:
    found = AuditRecords()
    people, customers, orders = set(people), set(customers), set(orders)
    if tasks:
        for task in session.scalars(select(Task).where(Task.id.in_(set(tasks)))):
            found.tasks[task.id] = TaskRecord(task.process, task.process_id, task.title, _message(task))
            if task.process == "order" and task.process_id and task.process_id.isdigit():
                orders.add(int(task.process_id))
    if orders:
        found.order_customers = dict(
            session.execute(select(Order.id, Order.customer_id).where(Order.id.in_(orders))).all()
        )
        customers |= set(found.order_customers.values())
    if cases:
        found.case_people = dict(
            session.execute(select(Offboarding.id, Offboarding.employee_id).where(Offboarding.id.in_(set(cases)))).all()
        )
        people |= set(found.case_people.values())
        found.item_titles = {
            (case, key): title
            for case, key, title in session.execute(
                select(HandoverItem.offboarding_id, HandoverItem.key, HandoverItem.title).where(
                    HandoverItem.offboarding_id.in_(set(cases))
                )
            )
        }
    if alerts:
        for alert in session.scalars(select(Alert).where(Alert.id.in_(set(alerts)))):
            found.alerts[alert.id] = (alert.rule, subject_name(session, alert.subject_type, alert.subject_id))
    if accounts:
        found.accounts = dict(
            session.execute(select(Employee.username, Employee.name).where(Employee.username.in_(set(accounts)))).all()
        )
    if people:
        found.people = dict(session.execute(select(Employee.id, Employee.name).where(Employee.id.in_(people))).all())
    if customers:
        found.customers = dict(
            session.execute(select(Customer.id, Customer.name).where(Customer.id.in_(customers))).all()
        )
    if teams:
        found.teams = dict(session.execute(select(Team.id, Team.name).where(Team.id.in_(set(teams)))).all())
    return found
