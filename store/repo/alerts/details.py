"""The figures behind a risk finding, read for the few subjects a rule found: the weekly contact
counts, the complaints, the contacts with other people's customers, the top customers, the last
interaction and order. Also the calendar arithmetic the rules share (company months)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session, aliased

from schemas.commission_math import from_fen, period_bounds, period_of, previous_period
from schemas.orders import OrderStatus
from store.models import Complaint, Customer, Employee, Interaction, Order
from store.repo.commission.inputs import chunks
from store.repo.payments.money import fen_of

DETAIL_ROWS = 50  # contacts listed in one alert; the count covers them all


def month_starts(at: datetime, months: int, timezone: str) -> list[datetime]:
    """Starts (UTC) of the ``months`` complete company months before ``at``, oldest first, then the
    start of ``at``'s own month."""
    periods = [period_of(at.astimezone(ZoneInfo(timezone)).date())]
    for _ in range(months):
        periods.insert(0, previous_period(periods[0]))
    return [period_bounds(period, timezone)[0] for period in periods]


def months_back(at: datetime, months: int, zone: ZoneInfo) -> datetime:
    """The same company day and time ``months`` months before ``at`` (clamped to the month's end)."""
    local = at.astimezone(zone)
    y, m = divmod(local.year * 12 + local.month - 1 - months, 12)
    day = local.day
    while True:
        try:
            return local.replace(year=y, month=m + 1, day=day).astimezone(at.tzinfo)
        except ValueError:
            day -= 1


def weekly_counts(
    session: Session, employee_ids: list[int], at: datetime, weeks: int, zone: ZoneInfo
) -> dict[int, list[dict[str, Any]]]:
    """Interactions per rolling week (7 days ending at ``at``, and the ``weeks - 1`` before it),
    oldest first, each labelled with its first company day."""
    if not employee_ids:
        return {}
    since = at - timedelta(days=7 * weeks)
    counts = {employee_id: [0] * weeks for employee_id in employee_ids}
    for employee_id, occurred_at in session.execute(
        select(Interaction.employee_id, Interaction.occurred_at).where(
            Interaction.employee_id.in_(employee_ids),
            Interaction.occurred_at >= since,
            Interaction.occurred_at < at,
            Interaction.corrects_id.is_(None),
        )
    ):
        counts[employee_id][(occurred_at - since) // timedelta(days=7)] += 1
    starts = [(since + timedelta(days=7 * week)).astimezone(zone).date().isoformat() for week in range(weeks)]
    return {
        employee_id: [{"week_from": start, "count": count} for start, count in zip(starts, series, strict=True)]
        for employee_id, series in counts.items()
    }


def complaint_list(
    session: Session, customer_ids: list[int], since: datetime, until: datetime
) -> dict[int, list[dict[str, Any]]]:
    found: dict[int, list[dict[str, Any]]] = {}
    if not customer_ids:
        return found
    for row in session.scalars(
        select(Complaint)
        .where(Complaint.customer_id.in_(customer_ids), Complaint.occurred_at >= since, Complaint.occurred_at < until)
        .order_by(Complaint.occurred_at)
    ):
        found.setdefault(row.customer_id, []).append(
            {"id": row.id, "occurred_at": row.occurred_at.isoformat(), "summary": row.summary}
        )
    return found


def foreign_contacts(
    session: Session, employee_ids: list[int], condition: ColumnElement[bool]
) -> dict[int, dict[str, Any]]:
    """Each salesperson's contacts with customers others own: newest first, with whose customer
    it was, and how many per customer."""
    if not employee_ids:
        return {}
    owner = aliased(Employee)
    rows = session.execute(
        select(
            Interaction.employee_id,
            Interaction.id,
            Interaction.occurred_at,
            Interaction.channel,
            Interaction.summary,
            Customer.id,
            Customer.name,
            owner.id,
            owner.name,
        )
        .join(Customer, Customer.id == Interaction.customer_id)
        .join(owner, owner.id == Customer.owner_id)
        .where(condition, Interaction.employee_id.in_(employee_ids))
        .order_by(Interaction.occurred_at.desc(), Interaction.id.desc())
    ).all()
    found: dict[int, dict[str, Any]] = {employee_id: {"contacts": [], "customers": {}} for employee_id in employee_ids}
    for employee_id, record_id, at, channel, summary, customer_id, customer, owner_id, owner_name in rows:
        entry = found[employee_id]
        if len(entry["contacts"]) < DETAIL_ROWS:
            entry["contacts"].append(
                {
                    "interaction_id": record_id,
                    "occurred_at": at.isoformat(),
                    "channel": channel,
                    "summary": summary,
                    "customer_id": customer_id,
                    "customer_name": customer,
                    "owner_id": owner_id,
                    "owner_name": owner_name,
                }
            )
        per_customer = entry["customers"].setdefault(
            str(customer_id), {"customer_name": customer, "owner_name": owner_name, "count": 0}
        )
        per_customer["count"] += 1
    return found


def approved_between(since: datetime, until: datetime) -> ColumnElement[bool]:
    """Approved orders created in ``[since, until)``: the business the revenue figures count."""
    return and_(Order.status == OrderStatus.approved, Order.created_at >= since, Order.created_at < until)


def owner_revenue(session: Session, since: datetime, until: datetime) -> tuple[int, dict[int, int]]:
    """The company's approved order value in the window, and the part each salesperson's customers
    (by their owner now) brought, both in fen: the ``revenue_concentration`` rule's figure, which
    the customer report shows as well."""
    window = approved_between(since, until)
    company = int(session.scalar(select(func.sum(fen_of(Order.total))).where(window)) or 0)
    rows = session.execute(
        select(Customer.owner_id, func.sum(fen_of(Order.total)))
        .select_from(Order)
        .join(Customer, Customer.id == Order.customer_id)
        .where(window, Customer.owner_id.is_not(None))
        .group_by(Customer.owner_id)
    )
    return company, {owner_id: int(fen or 0) for owner_id, fen in rows if owner_id is not None}


def above_share(part: int, whole: int, share_pct: Decimal) -> bool:
    """``part`` is more than ``share_pct`` % of ``whole`` (exact: no division)."""
    return whole > 0 and part * 100 > share_pct * whole


def top_customers(
    session: Session, owner_ids: list[int], window: ColumnElement[bool], limit: int = 10
) -> dict[int, list[dict[str, Any]]]:
    if not owner_ids:
        return {}
    total = func.sum(fen_of(Order.total)).label("fen")
    rows = session.execute(
        select(Customer.owner_id, Customer.id, Customer.name, total)
        .join(Order, Order.customer_id == Customer.id)
        .where(window, Customer.owner_id.in_(owner_ids))
        .group_by(Customer.owner_id, Customer.id, Customer.name)
        .order_by(total.desc(), Customer.id)
    ).all()
    found: dict[int, list[dict[str, Any]]] = {owner_id: [] for owner_id in owner_ids}
    for owner_id, customer_id, name, amount in rows:
        if owner_id is not None and len(found[owner_id]) < limit:
            found[owner_id].append({"customer_id": customer_id, "name": name, "revenue": str(from_fen(int(amount)))})
    return found


def silence_of(session: Session, customer_ids: list[int], at: datetime) -> dict[int, dict[str, Any]]:
    """When each customer was last spoken to and last ordered, and how many days ago the later was."""
    found: dict[int, dict[str, Any]] = {}
    for chunk in chunks(customer_ids):
        spoke = dict(
            session.execute(
                select(Interaction.customer_id, func.max(Interaction.occurred_at))
                .where(Interaction.customer_id.in_(chunk))
                .group_by(Interaction.customer_id)
            ).all()
        )
        ordered = dict(
            session.execute(
                select(Order.customer_id, func.max(Order.created_at))
                .where(Order.customer_id.in_(chunk))
                .group_by(Order.customer_id)
            ).all()
        )
        created = dict(session.execute(select(Customer.id, Customer.created_at).where(Customer.id.in_(chunk))).all())
        for customer_id in chunk:
            last_contact, last_order = spoke.get(customer_id), ordered.get(customer_id)
            latest = max((t for t in (last_contact, last_order) if t is not None), default=created[customer_id])
            found[customer_id] = {
                "last_interaction_at": last_contact.isoformat() if last_contact else None,
                "last_order_at": last_order.isoformat() if last_order else None,
                "silent_days": (at - latest).days,
            }
    return found
