"""Where a leaver's customers go: the system's proposal, the checks on the manager's plan, and
the move itself, in one transaction.

The proposal gives each customer (largest revenue first) to the teammate who then holds the
least revenue and, on a tie, the fewest customers; nobody who is leaving is proposed. Executing
an approved plan moves every customer to its successor, makes the successor the collector of
every open order of those customers (the sale and its commission stay with the seller), writes
the ownership history and the audit log — or, on any failure, moves nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from schemas.kernel.errors import N_
from schemas.offboarding import PlanStatus
from schemas.orders import OrderStatus
from schemas.org import EmployeeStatus
from store.models import Customer, Employee, Offboarding, Order, Reassignment
from store.models.base import utcnow
from store.repo.audit import chain as audit
from store.repo.customers.records import record_move

OPEN_ORDER_STATUSES = (OrderStatus.pending_approval, OrderStatus.rejected, OrderStatus.approved)
REASON = N_("Handover from %(person)s")


def customers_of(session: Session, employee_id: int) -> list[Customer]:
    return list(
        session.scalars(
            select(Customer)
            .where(Customer.owner_id == employee_id, Customer.deleted_at.is_(None))
            .order_by(Customer.id)
        )
    )


def successors_for(session: Session, leaver: Employee) -> list[Employee]:
    """Teammates who can take customers: active sales staff of the same team."""
    if leaver.team_id is None:
        return []
    rows = session.scalars(
        select(Employee)
        .where(Employee.team_id == leaver.team_id, Employee.id != leaver.id, Employee.status == EmployeeStatus.active)
        .order_by(Employee.id)
    )
    return [person for person in rows if "sales" in (person.roles or [])]


def revenue_by_customer(session: Session, customer_ids: Sequence[int]) -> dict[int, Decimal]:
    if not customer_ids:
        return {}
    rows = session.execute(
        select(Order.customer_id, func.sum(Order.total))
        .where(Order.customer_id.in_(customer_ids), Order.status == OrderStatus.approved)
        .group_by(Order.customer_id)
    )
    return {customer_id: Decimal(total or 0) for customer_id, total in rows}


def _loads(session: Session, people: list[Employee]) -> dict[int, tuple[Decimal, int]]:
    ids = [person.id for person in people]
    counts = {
        owner: count
        for owner, count in session.execute(
            select(Customer.owner_id, func.count())
            .where(Customer.owner_id.in_(ids), Customer.deleted_at.is_(None))
            .group_by(Customer.owner_id)
        )
    }
    revenue = {
        owner: total
        for owner, total in session.execute(
            select(Customer.owner_id, func.sum(Order.total))
            .join(Order, Order.customer_id == Customer.id)
            .where(Customer.owner_id.in_(ids), Order.status == OrderStatus.approved)
            .group_by(Customer.owner_id)
        )
    }
    return {person_id: (Decimal(revenue.get(person_id) or 0), int(counts.get(person_id) or 0)) for person_id in ids}


def propose(session: Session, case: Offboarding, leaver: Employee) -> int:
    """Write one proposed row per customer of the leaver (idempotent); returns how many."""
    proposed = list(session.scalars(select(Reassignment.customer_id).where(Reassignment.offboarding_id == case.id)))
    if proposed:
        return len(proposed)
    customers = customers_of(session, leaver.id)
    revenue = revenue_by_customer(session, [customer.id for customer in customers])
    loads = _loads(session, successors_for(session, leaver))
    for customer in sorted(customers, key=lambda c: (-revenue.get(c.id, Decimal(0)), c.id)):
        successor = min(loads, key=lambda person: (loads[person], person)) if loads else None
        if successor is not None:
            amount, count = loads[successor]
            loads[successor] = (amount + revenue.get(customer.id, Decimal(0)), count + 1)
        session.add(
            Reassignment(
                offboarding_id=case.id,
                customer_id=customer.id,
                from_id=leaver.id,
                proposed_to_id=successor,
                to_id=successor,
            )
        )
    session.flush()
    return len(customers)


def proposal(session: Session, case_id: int) -> list[dict[str, int | None]]:
    rows = session.scalars(
        select(Reassignment).where(Reassignment.offboarding_id == case_id).order_by(Reassignment.customer_id)
    )
    return [{"customer_id": row.customer_id, "to_id": row.to_id} for row in rows]


def _problem(field: str, code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"field": field, "code": code, "message": message, **extra}


def plan_problems(session: Session, leaver: Employee, assignments: Any) -> list[dict[str, Any]]:
    """Everything wrong with a plan at once: malformed rows, customers left out or not the
    leaver's, successors who are unknown, leaving, or in another team."""
    if not isinstance(assignments, list) or not assignments:
        return [_problem("assignments", "plan_required", N_("Assign every customer to a successor."))]
    owned = {customer.id for customer in customers_of(session, leaver.id)}
    seen: set[int] = set()
    problems: list[dict[str, Any]] = []
    people: dict[int, Employee | None] = {}
    for index, row in enumerate(assignments):
        customer_id = row.get("customer_id") if isinstance(row, dict) else None
        to_id = row.get("to_id") if isinstance(row, dict) else None
        if not isinstance(customer_id, int) or isinstance(customer_id, bool) or customer_id not in owned:
            problems.append(
                _problem(
                    f"assignments.{index}.customer_id",
                    "not_leavers_customer",
                    N_("This is not one of the leaver's customers."),
                )
            )
            continue
        if customer_id in seen:
            problems.append(
                _problem(
                    f"assignments.{index}.customer_id",
                    "duplicate_customer",
                    N_("This customer is assigned twice."),
                    customer_id=customer_id,
                )
            )
        seen.add(customer_id)
        if not isinstance(to_id, int) or isinstance(to_id, bool):
            problems.append(
                _problem(
                    f"assignments.{index}.to_id",
                    "successor_required",
                    N_("Choose a successor."),
                    customer_id=customer_id,
                )
            )
            continue
        if to_id not in people:
            people[to_id] = session.get(Employee, to_id) if 0 < to_id <= 2**31 - 1 else None
        problems += _successor_problems(leaver, people[to_id], index, customer_id)
    problems += [
        _problem(
            "assignments",
            "customer_left_out",
            N_("A customer of the leaver has no successor."),
            customer_id=customer_id,
        )
        for customer_id in sorted(owned - seen)
    ]
    return problems


def _successor_problems(
    leaver: Employee, person: Employee | None, index: int, customer_id: int
) -> list[dict[str, Any]]:
    field = f"assignments.{index}.to_id"
    if person is None:
        return [_problem(field, "unknown_employee", N_("No such employee."), customer_id=customer_id)]
    if person.id == leaver.id or person.status != EmployeeStatus.active:
        return [
            _problem(field, "successor_leaving", N_("This person has left or is leaving."), customer_id=customer_id)
        ]
    if person.team_id != leaver.team_id:
        return [
            _problem(
                field,
                "successor_other_team",
                N_("The successor must be in the leaver's team."),
                customer_id=customer_id,
            )
        ]
    return []


def execute(
    session: Session, case: Offboarding, leaver: Employee, actor_id: int, assignments: list[dict[str, int]], reason: str
) -> list[tuple[Customer, Employee]]:
    """Move every customer of the plan; returns who got which customer. The caller's transaction
    makes it all or nothing; executing an executed plan changes nothing."""
    if case.plan_executed_at is not None:
        return []
    rows = {
        row.customer_id: row
        for row in session.scalars(select(Reassignment).where(Reassignment.offboarding_id == case.id))
    }
    moved: list[tuple[Customer, Employee]] = []
    now = utcnow()
    for assignment in assignments:
        customer = session.get(Customer, assignment["customer_id"])
        successor = session.get(Employee, assignment["to_id"])
        if customer is None or successor is None or customer.owner_id != leaver.id:
            continue  # checked when the plan was approved; gone or moved since
        before_owner, before_team = customer.owner_id, customer.team_id
        customer.owner_id, customer.team_id = successor.id, successor.team_id or customer.team_id
        record_move(session, customer, before_owner, before_team, actor_id, reason)
        collecting = list(
            session.scalars(
                select(Order).where(Order.customer_id == customer.id, Order.status.in_(OPEN_ORDER_STATUSES))
            )
        )
        for order in collecting:
            order.collector_id = successor.id
        audit.record(
            session,
            actor_id=actor_id,
            action="customer.reassigned",
            entity="customer",
            entity_id=customer.id,
            detail={
                "from": before_owner,
                "to": successor.id,
                "offboarding_id": case.id,
                "orders": [order.id for order in collecting],
            },
        )
        row = rows.get(customer.id) or Reassignment(
            offboarding_id=case.id, customer_id=customer.id, from_id=leaver.id, proposed_to_id=None
        )
        row.to_id, row.status, row.executed_at = successor.id, PlanStatus.executed, now
        session.add(row)
        moved.append((customer, successor))
    for customer_id, row in rows.items():
        if row.status == PlanStatus.proposed and customer_id not in {a["customer_id"] for a in assignments}:
            row.status = PlanStatus.cancelled  # no longer the leaver's when the plan was approved
    case.plan_executed_at = now
    session.flush()
    return moved
