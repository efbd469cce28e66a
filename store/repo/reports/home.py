"""Figures for each role's home page, scoped to what that person may see."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from schemas.orders import OrderStatus
from schemas.org import EmployeeStatus
from store.models import Customer, Employee, Offboarding, Order, Payment, Team
from store.models.base import utcnow
from store.repo.payments.money import signed_amount

ZERO = Decimal("0.00")


def _collected_by_order(since: datetime | None = None) -> Any:
    signed = signed_amount()
    query = select(Payment.order_id, func.sum(signed).label("collected")).group_by(Payment.order_id)
    if since is not None:
        query = query.where(Payment.paid_at >= since)
    return query.subquery()


def receivables(session: Session, *, owner_ids: list[int] | None = None) -> Decimal:
    """Approved order value not yet collected (refunds count back as owed)."""
    collected = _collected_by_order()
    query = (
        select(func.coalesce(func.sum(Order.total - func.coalesce(collected.c.collected, 0)), 0))
        .select_from(Order)
        .outerjoin(collected, collected.c.order_id == Order.id)
        .where(Order.status == OrderStatus.approved)
    )
    if owner_ids is not None:
        query = query.where(Order.owner_id.in_(owner_ids))
    return Decimal(session.scalar(query) or 0).quantize(Decimal("0.01"))


def revenue_by_owner(session: Session, since: datetime) -> dict[int, Decimal]:
    query = (
        select(Order.owner_id, func.sum(Order.total))
        .where(Order.status == OrderStatus.approved, Order.created_at >= since)
        .group_by(Order.owner_id)
    )
    return {owner: Decimal(total or 0) for owner, total in session.execute(query)}


def sales_home(session: Session, employee_id: int) -> dict[str, Any]:
    customers = (
        session.scalar(
            select(func.count())
            .select_from(Customer)
            .where(Customer.owner_id == employee_id, Customer.deleted_at.is_(None))
        )
        or 0
    )
    pending = (
        session.scalar(
            select(func.count())
            .select_from(Order)
            .where(Order.owner_id == employee_id, Order.status == OrderStatus.pending_approval)
        )
        or 0
    )
    year = revenue_by_owner(session, utcnow() - timedelta(days=365)).get(employee_id, ZERO)
    return {
        "customers": customers,
        "pending_orders": pending,
        "revenue_12m": year,
        "receivables": receivables(session, owner_ids=[employee_id]),
    }


def team_home(session: Session, team_id: int | None) -> dict[str, Any]:
    members = list(
        session.scalars(
            select(Employee)
            .where(Employee.team_id == team_id, Employee.status != EmployeeStatus.departed)
            .order_by(Employee.name)
        )
    )
    year = revenue_by_owner(session, utcnow() - timedelta(days=365))
    counts = dict(
        session.execute(
            select(Customer.owner_id, func.count())
            .where(Customer.team_id == team_id, Customer.deleted_at.is_(None))
            .group_by(Customer.owner_id)
        ).all()
    )
    revenue = {m.id: year.get(m.id, ZERO) for m in members}
    total = sum(revenue.values(), ZERO)
    rows = [
        {
            "employee": m,
            "customers": counts.get(m.id, 0),
            "revenue_12m": revenue[m.id],
            "share": (revenue[m.id] / total * 100) if total else ZERO,
        }
        for m in sorted(members, key=lambda m: revenue[m.id], reverse=True)
    ]
    team = session.get(Team, team_id) if team_id is not None else None
    return {
        "team": team,
        "members": rows,
        "revenue_12m": total,
        "receivables": receivables(session, owner_ids=[m.id for m in members]),
    }


def department_home(session: Session) -> dict[str, Any]:
    year = revenue_by_owner(session, utcnow() - timedelta(days=365))
    teams = list(session.scalars(select(Team).order_by(Team.name)))
    owners_by_team: dict[int | None, list[int]] = {}
    for employee_id, team_id in session.execute(select(Employee.id, Employee.team_id)):
        owners_by_team.setdefault(team_id, []).append(employee_id)
    total = sum(year.values(), ZERO)
    rows = []
    for team in teams:
        revenue = sum((year.get(owner, ZERO) for owner in owners_by_team.get(team.id, [])), ZERO)
        rows.append({"team": team, "revenue_12m": revenue, "share": (revenue / total * 100) if total else ZERO})
    top = sorted(year.items(), key=lambda item: item[1], reverse=True)[:5]
    people = {e.id: e for e in session.scalars(select(Employee).where(Employee.id.in_([t[0] for t in top])))}
    top_people = [
        {"employee": people[i], "revenue_12m": v, "share": (v / total * 100) if total else ZERO}
        for i, v in top
        if i in people
    ]
    unassigned = (
        session.scalar(
            select(func.count()).select_from(Customer).where(Customer.owner_id.is_(None), Customer.deleted_at.is_(None))
        )
        or 0
    )
    return {"teams": rows, "revenue_12m": total, "top_people": top_people, "unassigned": unassigned}


def hr_home(session: Session) -> dict[str, Any]:
    by_status = dict(session.execute(select(Employee.status, func.count()).group_by(Employee.status)).all())
    offboarding = [
        {"name": name, "case_id": case_id, "last_day": last_day, "status": status}
        for name, case_id, last_day, status in session.execute(
            select(Employee.name, Offboarding.id, Offboarding.last_day, Offboarding.status)
            .join(Offboarding, Offboarding.employee_id == Employee.id)
            .where(Offboarding.open_for.is_not(None))
            .order_by(Offboarding.last_day, Offboarding.id)
        )
    ]
    return {
        "by_status": by_status,
        "offboarding": offboarding,
        "headcount": sum(v for k, v in by_status.items() if k != EmployeeStatus.departed),
    }


def finance_home(session: Session) -> dict[str, Any]:
    month_start = utcnow().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    signed = signed_amount()
    collected = session.scalar(select(func.coalesce(func.sum(signed), 0)).where(Payment.paid_at >= month_start))
    pending = (
        session.scalar(select(func.count()).select_from(Order).where(Order.status == OrderStatus.pending_approval)) or 0
    )
    return {"receivables": receivables(session), "collected_month": Decimal(collected or 0), "pending_orders": pending}


def admin_home(session: Session) -> dict[str, Any]:
    return {
        "employees": session.scalar(select(func.count()).select_from(Employee)) or 0,
        "teams": session.scalar(select(func.count()).select_from(Team)) or 0,
        "customers": session.scalar(select(func.count()).select_from(Customer)) or 0,
        "orders": session.scalar(select(func.count()).select_from(Order)) or 0,
    }
