"""The quarterly customer distribution report, as a handful of GROUP BY queries.

What is counted, and why:
- Customers are those the viewer may see (``visibility.customer_condition``: a sales manager their
  teams', the department head and admin the company's; deleted customers never), in the team and
  with the owner they have now, that existed by the quarter's end or bought in it (imported
  customers are younger than their historical orders).
- Revenue is the sum of ``orders.total`` of *approved* orders created in the quarter, counted in
  integer fen inside SQL (``ROUND(total * 100)``) so SQLite's floating sums never change a cent;
  "ordered" means at least one such order. Shares are of the report's revenue.
- The trailing concentration is the ``revenue_concentration`` risk rule's own figure: a
  salesperson's customers' approved order value over the rule's window (12 months by default)
  as a share of the whole company's, against the rule's threshold (15% by default). The window
  ends at the quarter's end, or now for the quarter under way. Only salespeople who own a customer
  the viewer sees are listed, but the base is the company, as for the alert their manager gets.
- Customers without follow-up are assigned customers with no interaction in the quarter
  (corrections of an earlier record do not count), those silent longest first.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from schemas.alerts import AlertRule, RevenueConcentration
from schemas.commission_math import from_fen
from schemas.kernel.errors import Forbidden
from schemas.orders import OrderStatus
from schemas.reports import (
    Concentration,
    CustomerDistribution,
    Dimension,
    Distribution,
    DistributionRow,
    Quarter,
    QuarterNotBegun,
    SalespersonShare,
    TopCustomer,
    TrailingConcentration,
    TrailingShare,
    share_pct,
)
from store.models import Customer, Employee, Order, Team
from store.models.base import utcnow
from store.repo.alerts import settings as alert_rules
from store.repo.alerts.details import above_share, months_back, owner_revenue
from store.repo.audit import chain as audit
from store.repo.customers.visibility import Viewer, customer_condition
from store.repo.payments.money import fen_of
from store.repo.reports.follow_up import FOLLOW_UP_PER_PAGE, no_follow_up

REPORT_ROLES = ("sales_manager", "department_head", "admin")
TOP_CUSTOMERS = 10

Raw = tuple[Any, str, int, int, int]  # key, label, customers, ordered, revenue in fen


def customer_distribution(
    session: Session,
    viewer: Viewer,
    quarter: str,
    *,
    timezone: str,
    now: datetime | None = None,
    page: int = 1,
    per_page: int = FOLLOW_UP_PER_PAGE,
) -> CustomerDistribution:
    """The report of ``quarter`` (``2026Q4``) as ``viewer`` may see it; ``page`` pages the list
    of customers without follow-up."""
    if not viewer.has(*REPORT_ROLES):
        raise Forbidden()
    now = now or utcnow()
    period = Quarter.parse(quarter)
    current = Quarter.of(now.astimezone(ZoneInfo(timezone)).date())
    if period > current:
        raise QuarterNotBegun(
            details=[{"field": "quarter", "code": "quarter_not_begun", "message": QuarterNotBegun.message}]
        )
    start, end = period.bounds(timezone)
    visible = customer_condition(session, viewer)
    sales = (
        select(Order.customer_id, func.sum(fen_of(Order.total)).label("fen"))
        .where(Order.status == OrderStatus.approved, Order.created_at >= start, Order.created_at < end)
        .group_by(Order.customer_id)
        .subquery()
    )
    counted = and_(visible, or_(Customer.created_at < end, sales.c.customer_id.is_not(None)))
    raw = {dimension: _grouped(session, dimension, sales, counted) for dimension in Dimension}
    total = sum(row[4] for row in raw[Dimension.team])
    distributions = [
        Distribution(dimension=dimension, rows=[_row(item, total) for item in rows]) for dimension, rows in raw.items()
    ]
    return CustomerDistribution(
        quarter=str(period),
        starts_on=period.first_day,
        ends_on=period.last_day,
        timezone=timezone,
        previous_quarter=str(period.previous),
        next_quarter=str(period.next) if period < current else None,
        customers=sum(row[2] for row in raw[Dimension.team]),
        ordered=sum(row[3] for row in raw[Dimension.team]),
        revenue=from_fen(total),
        distributions=distributions,
        concentration=_concentration(
            session,
            raw[Dimension.owner],
            sales,
            counted,
            total,
            trailing_until=min(end, now),
            timezone=timezone,
            visible=visible,
        ),
        no_follow_up=no_follow_up(session, visible, start, end, page=page, per_page=per_page),
    )


# ----------------------------------------------------------------------------- distributions
def _grouped(session: Session, dimension: Dimension, sales: Any, counted: ColumnElement[bool]) -> list[Raw]:
    """One row per team / owner / region / industry / size: customers, customers who ordered and
    revenue; biggest revenue first, rows without a value (the pool, "not set") last."""
    joins: list[tuple[Any, ColumnElement[bool]]] = []
    if dimension == Dimension.team:
        key, label = Customer.team_id, Team.name
        joins.append((Team, Team.id == Customer.team_id))
    elif dimension == Dimension.owner:
        key, label = Customer.owner_id, Employee.name
        joins.append((Employee, Employee.id == Customer.owner_id))
    else:
        key = label = getattr(Customer, dimension.value)
    query = select(
        key, label, func.count(Customer.id), func.count(sales.c.customer_id), func.coalesce(func.sum(sales.c.fen), 0)
    ).select_from(Customer)
    query = query.outerjoin(sales, sales.c.customer_id == Customer.id)
    for target, on in joins:
        query = query.outerjoin(target, on)
    query = query.where(counted).group_by(key, label)
    rows: list[Raw] = [
        (
            key_value if key_value not in ("", None) else None,
            label_value or "",
            int(customers),
            int(ordered),
            int(revenue),
        )
        for key_value, label_value, customers, ordered, revenue in session.execute(query)
    ]
    return sorted(rows, key=lambda row: (row[0] is None, -row[4], -row[2], row[1]))


def _row(raw: Raw, total: int) -> DistributionRow:
    key, label, customers, ordered, revenue = raw
    return DistributionRow(
        key=key,
        label=label,
        customers=customers,
        ordered=ordered,
        revenue=from_fen(revenue),
        share_pct=share_pct(revenue, total),
    )


# ----------------------------------------------------------------------------- concentration
def _concentration(
    session: Session,
    owners: list[Raw],
    sales: Any,
    counted: ColumnElement[bool],
    total: int,
    *,
    trailing_until: datetime,
    timezone: str,
    visible: ColumnElement[bool],
) -> Concentration:
    people = sorted((row for row in owners if row[0] is not None), key=lambda row: (-row[4], row[1]))
    top = session.execute(
        select(Customer.id, Customer.name, sales.c.fen)
        .join(sales, sales.c.customer_id == Customer.id)
        .where(counted, sales.c.fen > 0)
        .order_by(sales.c.fen.desc(), Customer.id)
        .limit(TOP_CUSTOMERS)
    ).all()
    return Concentration(
        revenue=from_fen(total),
        salespeople=[
            SalespersonShare(
                employee_id=key, name=label, revenue=from_fen(revenue), share_pct=share_pct(revenue, total)
            )
            for key, label, _customers, _ordered, revenue in people
        ],
        top_customers=[
            TopCustomer(
                customer_id=customer_id,
                name=name,
                revenue=from_fen(int(amount)),
                share_pct=share_pct(int(amount), total),
            )
            for customer_id, name, amount in top
        ],
        top10_share_pct=share_pct(sum(int(amount) for *_rest, amount in top), total),
        largest_customer_share_pct=share_pct(int(top[0][2]), total) if top else share_pct(0, total),
        trailing=trailing_concentration(session, visible, trailing_until, timezone),
    )


def trailing_concentration(
    session: Session, visible: ColumnElement[bool], until: datetime, timezone: str
) -> TrailingConcentration:
    """The risk rule's figure for each salesperson owning a visible customer, with the rule's
    thresholds as the admin set them."""
    rule = alert_rules.settings_of(session, AlertRule.revenue_concentration).parsed()
    assert isinstance(rule, RevenueConcentration)
    since = months_back(until, rule.months, ZoneInfo(timezone))
    company, revenue = owner_revenue(session, since, until)
    owner_ids = [
        owner
        for owner in session.scalars(
            select(Customer.owner_id).where(visible, Customer.owner_id.is_not(None)).distinct()
        )
        if owner is not None
    ]
    names: dict[int, str] = {
        employee_id: name
        for employee_id, name in session.execute(select(Employee.id, Employee.name).where(Employee.id.in_(owner_ids)))
    }
    shares = [
        TrailingShare(
            employee_id=owner,
            name=names.get(owner, ""),
            revenue=from_fen(revenue.get(owner, 0)),
            share_pct=share_pct(revenue.get(owner, 0), company),
            above_threshold=above_share(revenue.get(owner, 0), company, rule.share_pct),
        )
        for owner in owner_ids
    ]
    shares.sort(key=lambda share: (-share.revenue, share.name, share.employee_id))
    return TrailingConcentration(
        since=since, until=until, months=rule.months, threshold_pct=rule.share_pct, salespeople=shares
    )


def record_export(session: Session, viewer: Viewer, report: CustomerDistribution, file_format: str) -> None:
    """Customer names leaving Baton in a file: who took which quarter, in which format."""
    audit.record(
        session,
        actor_id=viewer.id,
        action="customer_report.export",
        entity="customer_report",
        entity_id=report.quarter,
        detail={"format": file_format, "customers": report.customers, "without_follow_up": report.no_follow_up.count},
    )
