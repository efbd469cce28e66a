"""Every process a person may see, from the records (never Temporal's visibility store): orders,
offboardings, commission settlements and risk-alert follow-ups side by side, filterable by type, status, person,
overdue work and start date, newest first.

Each kind of process keeps its own table; a page reads the newest ``offset + limit`` rows of each
(an index on the start time serves it) and merges them, and the total counts each table alone
(names are looked up for the page's rows only).

Who sees which process is the rule of its records, never a second one: orders as
``orders.order_condition`` (owner, their managers, finance, department head, admin; HR none, as the
customer list gives HR none), handovers to the leaver, their managers, HR, finance and admin,
settlements to those with a statement in them and the back office, alerts as ``alert_views``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    String,
    and_,
    case,
    cast,
    exists,
    false,
    func,
    literal,
    null,
    or_,
    select,
    true,
    type_coerce,
    union_all,
)
from sqlalchemy.orm import Session

from schemas.alerts import AlertStatus
from schemas.commission import SettlementStatus
from schemas.offboarding import OffboardingStatus
from schemas.orders import OrderStatus
from schemas.processes import ProcessOut
from schemas.tasks import TaskStatus
from store.models import (
    Alert,
    CommissionSettlement,
    CommissionStatement,
    Customer,
    Employee,
    Offboarding,
    Order,
    Task,
)
from store.repo.alerts import views as alert_views
from store.repo.customers.visibility import Viewer, managed_team_ids
from store.repo.orders.records import order_condition

KINDS = ("order", "offboarding", "commission", "alert")
CLOSED = {
    "order": (OrderStatus.approved, OrderStatus.rejected, OrderStatus.cancelled, OrderStatus.expired),
    "offboarding": (OffboardingStatus.completed, OffboardingStatus.cancelled),
    "commission": (SettlementStatus.locked,),
    "alert": (AlertStatus.resolved,),
}
EVERYTHING = ("admin", "hr", "department_head", "finance")


@dataclass(frozen=True)
class ProcessFilter:
    kind: str | None = None
    status: str | None = None  # a process's own status, or "open" / "closed"
    person_id: int | None = None  # the salesperson of an order, the leaver of an offboarding
    overdue: bool | None = None
    since: datetime | None = None
    until: datetime | None = None


def _overdue(workflow_id: Any) -> ColumnElement[bool]:
    return exists(select(Task.id).where(Task.workflow_id == workflow_id, Task.status == TaskStatus.open, Task.overdue))


def _status_text(column: Any) -> Any:
    """A process's status as plain text: the branches' statuses are different enums, and a union
    reads every row with the first branch's column type."""
    return type_coerce(column, String).label("status")


def _status(kind: str, column: Any, wanted: str | None) -> ColumnElement[bool]:
    if wanted is None:
        return true()
    if wanted in ("open", "closed"):
        closed = column.in_(CLOSED[kind])
        return ~closed if wanted == "open" else closed
    return column == wanted


def _orders(session: Session, viewer: Viewer, wanted: ProcessFilter) -> Select[Any]:
    workflow_id = func.coalesce(Order.workflow_id, literal("order-") + cast(Order.id, String))
    customer = select(Customer.name).where(Customer.id == Order.customer_id).scalar_subquery()
    query = select(
        workflow_id.label("workflow_id"),
        literal("order").label("kind"),
        cast(Order.id, String).label("process_id"),
        customer.label("subject"),
        _status_text(Order.status),
        Order.owner_id.label("person_id"),
        Order.created_at.label("started_at"),
        _overdue(workflow_id).label("overdue"),
    ).where(order_condition(session, viewer), _status("order", Order.status, wanted.status))
    return _common(query, Order.owner_id, Order.created_at, Order.workflow_id, wanted)


def _offboardings(session: Session, viewer: Viewer, wanted: ProcessFilter) -> Select[Any]:
    leaver = select(Employee.name).where(Employee.id == Offboarding.employee_id).scalar_subquery()
    query = select(
        Offboarding.workflow_id.label("workflow_id"),
        literal("offboarding").label("kind"),
        cast(Offboarding.id, String).label("process_id"),
        leaver.label("subject"),
        _status_text(Offboarding.status),
        Offboarding.employee_id.label("person_id"),
        Offboarding.started_at.label("started_at"),
        _overdue(Offboarding.workflow_id).label("overdue"),
    ).where(_status("offboarding", Offboarding.status, wanted.status))
    if not viewer.has(*EVERYTHING):
        teams = managed_team_ids(session, viewer) if viewer.has("sales_manager") else []
        team_members = select(Employee.id).where(Employee.team_id.in_(teams))
        query = query.where(
            or_(
                Offboarding.employee_id == viewer.id,
                Offboarding.employee_id.in_(team_members),
                Offboarding.manager_id == viewer.id,
            )
        )
    return _common(query, Offboarding.employee_id, Offboarding.started_at, Offboarding.workflow_id, wanted)


def _settlements(session: Session, viewer: Viewer, wanted: ProcessFilter) -> Select[Any]:
    query = select(
        CommissionSettlement.workflow_id.label("workflow_id"),
        literal("commission").label("kind"),
        CommissionSettlement.period.label("process_id"),
        CommissionSettlement.period.label("subject"),
        _status_text(CommissionSettlement.status),
        cast(null(), Integer).label("person_id"),
        CommissionSettlement.created_at.label("started_at"),
        _overdue(CommissionSettlement.workflow_id).label("overdue"),
    ).where(_status("commission", CommissionSettlement.status, wanted.status))
    if wanted.person_id is not None:
        query = query.where(_has_statement(wanted.person_id))
    if not viewer.has(*EVERYTHING, "sales_manager"):
        query = query.where(_has_statement(viewer.id))
    return _common(query, None, CommissionSettlement.created_at, CommissionSettlement.workflow_id, wanted)


def _alerts(session: Session, viewer: Viewer, wanted: ProcessFilter) -> Select[Any]:
    """Alert follow-ups, for those who may read alerts; the person is the salesperson it is about."""
    subject = case(
        (
            Alert.subject_type == "employee",
            select(Employee.name).where(Employee.id == Alert.subject_id).scalar_subquery(),
        ),
        else_=select(Customer.name).where(Customer.id == Alert.subject_id).scalar_subquery(),
    )
    person = case((Alert.subject_type == "employee", Alert.subject_id), else_=cast(null(), Integer))
    query = select(
        Alert.workflow_id.label("workflow_id"),
        literal("alert").label("kind"),
        cast(Alert.id, String).label("process_id"),
        subject.label("subject"),
        _status_text(Alert.status),
        person.label("person_id"),
        Alert.created_at.label("started_at"),
        _overdue(Alert.workflow_id).label("overdue"),
    ).where(
        Alert.workflow_id.is_not(None),
        _status("alert", Alert.status, wanted.status),
        alert_views.visible(session, viewer) if alert_views.may_read_alerts(viewer) else false(),
    )
    return _common(query, person, Alert.created_at, Alert.workflow_id, wanted)


def _has_statement(employee_id: int) -> ColumnElement[bool]:
    return exists(
        select(CommissionStatement.id).where(
            CommissionStatement.settlement_id == CommissionSettlement.id,
            CommissionStatement.run == CommissionSettlement.run,
            CommissionStatement.employee_id == employee_id,
        )
    )


def _common(query: Any, person: Any, started: Any, workflow_id: Any, wanted: ProcessFilter) -> Select[Any]:
    conditions: list[ColumnElement[bool]] = []
    if wanted.person_id is not None and person is not None:
        conditions.append(person == wanted.person_id)
    if wanted.since is not None:
        conditions.append(started >= wanted.since)
    if wanted.until is not None:
        conditions.append(started < wanted.until)
    if wanted.overdue is not None:  # from the few overdue tasks, not a look at every process
        late = workflow_id.in_(select(Task.workflow_id).where(Task.status == TaskStatus.open, Task.overdue))
        conditions.append(late if wanted.overdue else ~late)
    narrowed: Select[Any] = query.where(and_(true(), *conditions))
    return narrowed


BRANCHES = {"order": _orders, "offboarding": _offboardings, "commission": _settlements, "alert": _alerts}


def list_processes(
    session: Session, viewer: Viewer, wanted: ProcessFilter, *, limit: int, offset: int
) -> tuple[list[ProcessOut], int]:
    """A page of processes, newest first, and how many there are in all."""
    kinds = [wanted.kind] if wanted.kind in BRANCHES else list(KINDS)
    branches = [BRANCHES[kind](session, viewer, wanted) for kind in kinds]
    total = sum(session.scalar(branch.with_only_columns(func.count()).order_by(None)) or 0 for branch in branches)
    newest = [
        select(branch.subquery())
        for branch in (b.order_by(b.selected_columns.started_at.desc()).limit(offset + limit) for b in branches)
    ]
    merged = union_all(*newest).subquery()
    rows = session.execute(
        select(merged).order_by(merged.c.started_at.desc(), merged.c.workflow_id).limit(limit).offset(offset)
    ).all()
    return [ProcessOut.model_validate(row, from_attributes=True) for row in rows], total
