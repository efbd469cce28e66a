"""The six risk rules as set-based queries: each answers, for one moment, which subjects meet its
condition and the figures behind each finding.

Every rule reads a window ending at the scan's moment ``at`` (so a scan judges one instant and
a test can place data just inside or outside a window). Weekly windows are rolling 7-day spans
ending at ``at``; months are company months. Money is summed in integer fen inside SQL
(``ROUND(total * 100)``), so SQLite's floating sums never decide a threshold. Interactions that
correct an earlier record are not counted again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, exists, func, select
from sqlalchemy.orm import Session

from schemas.alerts import (
    AlertRule,
    ContactDrop,
    CustomerSilent,
    OrdersDeclining,
    RepeatedComplaints,
    RevenueConcentration,
    Thresholds,
    UnassignedContacts,
)
from schemas.commission_math import from_fen
from schemas.orders import OrderStatus
from schemas.org import EmployeeStatus
from store.models import Complaint, Customer, Employee, Interaction, Order
from store.repo.alerts.details import (
    above_share,
    approved_between,
    complaint_list,
    foreign_contacts,
    month_starts,
    months_back,
    owner_revenue,
    silence_of,
    top_customers,
    weekly_counts,
)
from store.repo.payments.money import fen_of

Finding = dict[str, Any]  # the figures behind one subject's alert (stored as the alert's detail)
Findings = dict[int, Finding]  # subject id → figures


@dataclass(frozen=True)
class Moment:
    at: datetime  # UTC
    timezone: str

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def _counted_interactions() -> Any:
    return Interaction.corrects_id.is_(None)


def salespeople(session: Session) -> set[int]:
    """Current salespeople (the role ``sales``), the leaving included; departed people are gone."""
    rows = session.execute(select(Employee.id, Employee.roles).where(Employee.status != EmployeeStatus.departed))
    return {employee_id for employee_id, roles in rows if "sales" in (roles or [])}


def contact_drop(session: Session, moment: Moment, rule: ContactDrop) -> Findings:
    recent_from = moment.at - timedelta(days=7)
    since = recent_from - timedelta(days=7 * rule.baseline_weeks)
    recent = func.sum(case((Interaction.occurred_at >= recent_from, 1), else_=0))
    rows = session.execute(
        select(Interaction.employee_id, recent, func.count())
        .where(Interaction.occurred_at >= since, Interaction.occurred_at < moment.at, _counted_interactions())
        .group_by(Interaction.employee_id)
    ).all()
    sellers = salespeople(session)
    found: Findings = {}
    for employee_id, last_week, total in rows:
        average = (total - last_week) / rule.baseline_weeks
        if employee_id in sellers and average >= rule.baseline_min and last_week <= rule.drop_to:
            found[employee_id] = {
                "last_week": int(last_week),
                "baseline_average": round(average, 1),
                "baseline_weeks": rule.baseline_weeks,
            }
    weeks = max(12, rule.baseline_weeks + 1)
    for employee_id, counts in weekly_counts(session, list(found), moment.at, weeks, moment.zone).items():
        found[employee_id]["weeks"] = counts
    return found


def orders_declining(session: Session, moment: Moment, rule: OrdersDeclining) -> Findings:
    starts = month_starts(moment.at, rule.months + 1, moment.timezone)  # months[0] … months[n], then now's month
    bucket = case(*((Order.created_at < start, index) for index, start in enumerate(starts[1:])), else_=len(starts))
    rows = session.execute(
        select(Order.customer_id, bucket, func.sum(fen_of(Order.total)))
        .join(Customer, Customer.id == Order.customer_id)
        .where(
            Order.status == OrderStatus.approved,
            Order.created_at >= starts[0],
            Order.created_at < starts[-1],
            Customer.deleted_at.is_(None),
        )
        .group_by(Order.customer_id, bucket)
    ).all()
    values: dict[int, list[int]] = {}
    for customer_id, index, fen in rows:
        values.setdefault(customer_id, [0] * (rule.months + 1))[index] = int(fen or 0)
    found: Findings = {}
    for customer_id, series in values.items():
        falling = all(later < earlier for earlier, later in pairwise(series))
        drop_pct = (series[0] - series[-1]) * 100 / series[0] if series[0] else 0
        if falling and drop_pct >= rule.min_drop_pct:
            found[customer_id] = {
                "months": [
                    {"month": start.astimezone(moment.zone).strftime("%Y-%m"), "value": str(from_fen(fen))}
                    for start, fen in zip(starts, series, strict=False)
                ],
                "drop_pct": round(float(drop_pct), 1),
            }
    return found


def repeated_complaints(session: Session, moment: Moment, rule: RepeatedComplaints) -> Findings:
    since = moment.at - timedelta(days=rule.days)
    rows = session.execute(
        select(Complaint.customer_id, func.count())
        .join(Customer, Customer.id == Complaint.customer_id)
        .where(Complaint.occurred_at >= since, Complaint.occurred_at < moment.at, Customer.deleted_at.is_(None))
        .group_by(Complaint.customer_id)
        .having(func.count() >= rule.min_complaints)
    ).all()
    found: Findings = {customer_id: {"count": int(count), "days": rule.days} for customer_id, count in rows}
    for customer_id, complaints in complaint_list(session, list(found), since, moment.at).items():
        found[customer_id]["complaints"] = complaints
    return found


def unassigned_contacts(session: Session, moment: Moment, rule: UnassignedContacts) -> Findings:
    since = moment.at - timedelta(days=rule.days)
    others = and_(
        Interaction.occurred_at >= since,
        Interaction.occurred_at < moment.at,
        _counted_interactions(),
        Interaction.by_owner.is_(False),
        Customer.owner_id.is_not(None),
        Customer.owner_id != Interaction.employee_id,
    )
    rows = session.execute(
        select(Interaction.employee_id, func.count())
        .join(Customer, Customer.id == Interaction.customer_id)
        .where(others)
        .group_by(Interaction.employee_id)
        .having(func.count() > rule.max_contacts)
    ).all()
    sellers = salespeople(session)
    found: Findings = {
        employee_id: {"count": int(count), "days": rule.days} for employee_id, count in rows if employee_id in sellers
    }
    for employee_id, contacts in foreign_contacts(session, list(found), others).items():
        found[employee_id].update(contacts)
    return found


def revenue_concentration(session: Session, moment: Moment, rule: RevenueConcentration) -> Findings:
    since = months_back(moment.at, rule.months, moment.zone)
    company, revenue = owner_revenue(session, since, moment.at)
    found: Findings = {
        owner_id: {
            "share_pct": f"{fen * 100 / company:.2f}",
            "revenue": str(from_fen(fen)),
            "company_revenue": str(from_fen(company)),
            "months": rule.months,
            "since": since.astimezone(moment.zone).date().isoformat(),
        }
        for owner_id, fen in revenue.items()
        if above_share(fen, company, rule.share_pct)
    }
    for owner_id, customers in top_customers(session, list(found), approved_between(since, moment.at)).items():
        found[owner_id]["top_customers"] = customers
    return found


def customer_silent(session: Session, moment: Moment, rule: CustomerSilent) -> Findings:
    cutoff = moment.at - timedelta(days=rule.days)
    spoke = exists().where(Interaction.customer_id == Customer.id, Interaction.occurred_at >= cutoff)
    ordered = exists().where(Order.customer_id == Customer.id, Order.created_at >= cutoff)
    silent = list(
        session.scalars(
            select(Customer.id).where(
                Customer.owner_id.is_not(None),
                Customer.deleted_at.is_(None),
                Customer.created_at < cutoff,
                ~spoke,
                ~ordered,
            )
        )
    )
    return {
        customer_id: {"days": rule.days, **figures}
        for customer_id, figures in silence_of(session, silent, moment.at).items()
    }


RULES: dict[AlertRule, Callable[[Session, Moment, Any], Findings]] = {
    AlertRule.contact_drop: contact_drop,
    AlertRule.orders_declining: orders_declining,
    AlertRule.repeated_complaints: repeated_complaints,
    AlertRule.unassigned_contacts: unassigned_contacts,
    AlertRule.revenue_concentration: revenue_concentration,
    AlertRule.customer_silent: customer_silent,
}


def evaluate(session: Session, rule: AlertRule, thresholds: Thresholds, at: datetime, timezone: str) -> Findings:
    """Which subjects meet ``rule`` at ``at``, with the figures behind each."""
    return RULES[rule](session, Moment(at, timezone), thresholds)
