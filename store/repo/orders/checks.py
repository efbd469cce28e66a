"""The checks every order passes before anyone is asked to approve it, and the chain it then needs.

Every failed check is reported at once (API.md ``order_invalid``): a salesperson fixes the
whole order in one go. The approval chain is the steps of ``schemas.orders.APPROVALS`` in order
(the team's manager, the department head, finance), the department head's only when the total is
above ``order.head_threshold`` or a line is more than 10% under list price (who they are for a
given seller: ``responsibility.order_approvers``); approvers see warnings (close to the credit
limit, unusual discount, new customer).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from schemas.orders import (
    APPROVALS,
    CHECK_MESSAGES,
    ApprovalStep,
    ChainPlan,
    OrderLineIn,
    OrderStatus,
    PlannedLine,
    Problem,
    Submission,
    SubmissionCheck,
)
from schemas.org import EmployeeStatus
from store.models import Customer, Employee, Order, Service
from store.models.base import utcnow
from store.repo.customers.profile import receivables
from store.repo.customers.records import REQUIRED_PROFILE, missing_profile
from store.repo.orders import capacity
from store.repo.org import settings as company_settings
from store.repo.org.responsibility import order_approvers

DISCOUNT_FOR_HEAD = Decimal("0.10")  # more than 10% under list price needs the department head
CREDIT_WARNING = Decimal("0.80")  # approvers are warned from 80% of the credit limit
NEW_CUSTOMER_DAYS = 90


def money(value: Decimal) -> str:
    return f"{value:,.2f}"


def line_amount(line: OrderLineIn) -> Decimal:
    return (line.unit_price * line.quantity).quantize(Decimal("0.01"))


def order_total(lines: list[OrderLineIn]) -> Decimal:
    return sum((line_amount(line) for line in lines), Decimal("0.00"))


def _problem(code: str, line: int | None = None, **params: str) -> Problem:
    return Problem(code=code, message=CHECK_MESSAGES[code], params=params, line=line)


def head_threshold(session: Session) -> Decimal:
    return company_settings.head_threshold(session)


def check_submission(session: Session, submission: Submission) -> SubmissionCheck:
    """All problems of a submission, or the approval plan when there are none. Reads only."""
    order = session.get(Order, submission.order_id)
    assert order is not None, "the order row is reserved before its submission is checked"
    customer = session.get(Customer, order.customer_id)
    owner = session.get(Employee, order.owner_id)
    assert customer is not None and owner is not None
    codes = sorted({line.service for line in submission.lines})
    services = {s.code: s for s in session.scalars(select(Service).where(Service.code.in_(codes)))}
    total = order_total(submission.lines)
    problems: list[Problem] = []

    missing = missing_profile({column: getattr(customer, column) for column in REQUIRED_PROFILE})
    if missing:
        problems.append(_problem("customer_incomplete", fields=", ".join(missing)))
    if customer.owner_id != owner.id or customer.deleted_at is not None:
        problems.append(_problem("not_customer_owner"))
    if owner.order_freeze or owner.status != EmployeeStatus.active:
        problems.append(_problem("employee_frozen"))
    for index, line in enumerate(submission.lines):
        service = services[line.service]
        if line.unit_price < service.floor_price:
            problems.append(
                _problem(
                    "below_floor_price",
                    line=index,
                    service=service.name,
                    price=money(line.unit_price),
                    floor=money(service.floor_price),
                )
            )
    open_receivables = receivables(session, customer.id)
    if open_receivables + total > customer.credit_limit:
        problems.append(
            _problem(
                "over_credit_limit",
                open=money(open_receivables),
                total=money(total),
                limit=money(customer.credit_limit),
            )
        )
    needs = capacity.needs_of((line.service, line.quantity) for line in submission.lines)
    for short in capacity.shortfalls(
        session, submission.requested_date, needs, {code: s.capacity_per_day for code, s in services.items()}
    ):
        problems.append(shortfall_problem(services[short.service_code], short))
    if problems:
        return SubmissionCheck(problems=problems)
    return SubmissionCheck(plan=plan_chain(session, order, owner, customer, submission, services, open_receivables))


def shortfall_problem(service: Service, short: capacity.Shortfall) -> Problem:
    return _problem(
        "no_capacity",
        service=service.name,
        left=str(short.left),
        unit=service.unit,
        day=short.day.isoformat(),
        quantity=str(short.wanted),
    )


def plan_for_pending(session: Session, order: Order, submission: Submission) -> ChainPlan:
    """The chain of an order already accepted (a retried check, or an adopted order)."""
    customer = session.get(Customer, order.customer_id)
    owner = session.get(Employee, order.owner_id)
    assert customer is not None and owner is not None
    services = {
        s.code: s
        for s in session.scalars(select(Service).where(Service.code.in_({line.service for line in submission.lines})))
    }
    open_receivables = receivables(session, customer.id)
    return plan_chain(session, order, owner, customer, submission, services, open_receivables)


def plan_chain(
    session: Session,
    order: Order,
    owner: Employee,
    customer: Customer,
    submission: Submission,
    services: dict[str, Service],
    open_receivables: Decimal,
) -> ChainPlan:
    total = order_total(submission.lines)
    discounted = [
        line
        for line in submission.lines
        if line.unit_price < services[line.service].list_price * (1 - DISCOUNT_FOR_HEAD)
    ]
    needs_head = total > head_threshold(session) or bool(discounted)
    steps = [approval.step for approval in APPROVALS if approval.step != ApprovalStep.head or needs_head]
    warnings = []
    if customer.credit_limit > 0 and open_receivables + total >= customer.credit_limit * CREDIT_WARNING:
        warnings.append(
            {"code": "close_to_credit_limit", "used": f"{(open_receivables + total) / customer.credit_limit:.0%}"}
        )
    if discounted:
        warnings.append(
            {
                "code": "unusual_discount",
                "services": ", ".join(sorted({services[line.service].name for line in discounted})),
            }
        )
    if is_new_customer(session, customer, order.id):
        warnings.append({"code": "new_customer"})
    manager_id, head_id = order_approvers(session, owner)
    return ChainPlan(
        steps=steps,
        manager_id=manager_id,
        head_id=head_id,
        total=total,
        warnings=warnings,
        subject=customer.name,
        seller_id=owner.id,
        seller=owner.name,
        note=submission.note,
        lines=[
            PlannedLine(
                service=line.service,
                service_name=services[line.service].name,
                quantity=line.quantity,
                unit_price=line.unit_price,
                amount=line_amount(line),
            )
            for line in submission.lines
        ],
    )


def is_new_customer(session: Session, customer: Customer, order_id: int) -> bool:
    """Known less than 90 days, or never had an approved order."""
    if customer.created_at > utcnow() - timedelta(days=NEW_CUSTOMER_DAYS):
        return True
    approved = (
        session.scalar(
            select(func.count())
            .select_from(Order)
            .where(Order.customer_id == customer.id, Order.status == OrderStatus.approved, Order.id != order_id)
        )
        or 0
    )
    return approved == 0
