"""Sales, payments and refunds written straight to the records, a plan, and settlements computed
without the process around them: the arithmetic of commission, tested on its own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from schemas.commission import PlanIn, SettlementStatus
from schemas.commission_math import period_of, previous_period
from store.db import Database
from store.models import (
    CommissionLine,
    CommissionSettlement,
    Customer,
    Offboarding,
    Order,
    OrderLine,
    Payment,
)
from store.repo.commission import plans as commission_plans
from store.repo.commission import records as settlements
from store.repo.commission.compute import compute
from tests.support.customers import PROFILE
from tests.support.eventually import eventually
from tests.support.org import OrgFixture

TIMEZONE = "Asia/Shanghai"
TWO_TIERS = [{"from": "0", "rate": "0.02"}, {"from": "100000", "rate": "0.03"}]


def at(day: str, hour: int = 10) -> datetime:
    """A company-time moment (China is UTC+8) as UTC."""
    return datetime.combine(date.fromisoformat(day), time(hour), tzinfo=ZoneInfo(TIMEZONE)).astimezone(UTC)


def save_plan(
    db: Database,
    org: OrgFixture,
    tiers: list[dict[str, str]] | None = None,
    effective_from: str = "2026-01",
    **extra: Any,
) -> int:
    with db.session() as session:
        plan = PlanIn.model_validate({"tiers": tiers or TWO_TIERS, "effective_from": effective_from, **extra})
        return commission_plans.save(session, actor_id=org["finance"], plan=plan, current_period="2026-11").version


def sale(db: Database, org: OrgFixture, owner: str, total: str, lines: list[tuple[str, str]] | None = None) -> int:
    """An approved order of ``owner``'s for ``total`` yuan (lines: service code, amount)."""
    with db.session() as session:
        customer = Customer(name=f"客户{owner}{total}", owner_id=org[owner], team_id=None, **PROFILE)
        session.add(customer)
        session.flush()
        order = Order(
            customer_id=customer.id,
            owner_id=org[owner],
            status="approved",
            total=Decimal(total),
            requested_date=date(2026, 9, 1),
        )
        session.add(order)
        session.flush()
        for code, amount in lines or []:
            session.add(
                OrderLine(
                    order_id=order.id, service_code=code, quantity=1, unit_price=Decimal(amount), amount=Decimal(amount)
                )
            )
        return order.id


def pay(db: Database, order_id: int, amount: str, day: str, *, refund_of: int | None = None) -> int:
    with db.session() as session:
        row = Payment(
            order_id=order_id,
            kind="refund" if refund_of else "payment",
            amount=Decimal(amount),
            paid_at=at(day),
            reverses_id=refund_of,
        )
        session.add(row)
        session.flush()
        return row.id


def start_offboarding(db: Database, org: OrgFixture, who: str, day: str) -> None:
    with db.session() as session:
        session.add(
            Offboarding(
                employee_id=org[who],
                open_for=org[who],
                workflow_id=f"offboarding-{org[who]}",
                last_day=date(2026, 12, 31),
                started_at=at(day),
            )
        )


@dataclass
class Settled:
    settlement_id: int
    run: int

    def lines(self, db: Database, employee_id: int | None = None) -> list[tuple[int, str, str, str, int | None]]:
        """(payment, kind, amount, commission, reverses) in the order they were written."""
        with db.session() as session:
            query = (
                select(CommissionLine)
                .where(CommissionLine.settlement_id == self.settlement_id, CommissionLine.run == self.run)
                .order_by(CommissionLine.id)
            )
            if employee_id is not None:
                query = query.where(CommissionLine.employee_id == employee_id)
            return [
                (
                    line.payment_id,
                    line.kind,
                    f"{Decimal(line.amount_fen) / 100:.2f}",
                    f"{Decimal(line.commission_fen) / 100:.2f}",
                    line.reverses_payment_id,
                )
                for line in session.scalars(query)
            ]


def settle(db: Database, period: str, *, lock: bool = False, existing: Settled | None = None) -> Settled:
    """Open (or recompute) the period's settlement and compute it; ``lock`` closes it as finance would."""
    if existing is None:
        with db.session() as session:
            settlement_id = settlements.open_settlement(
                session, period=period, actor_id=None, current_period="2026-12"
            ).id
        run = 1
    else:
        settlement_id, run = existing.settlement_id, existing.run + 1
    compute(db, settlement_id, run, TIMEZONE, lambda _: None)
    if lock:
        with db.session() as session:
            settlements.set_status(session, settlement_id, SettlementStatus.locked, None)
    return Settled(settlement_id, run)


def published_run(db: Database, settlement_id: int) -> int:
    with db.session() as session:
        row = session.get(CommissionSettlement, settlement_id)
        assert row is not None
        return row.run


def last_period() -> str:
    """The month before this one, in company time: always settle-able, whenever the suite runs."""
    return previous_period(period_of(datetime.now(ZoneInfo(TIMEZONE)).date()))


def day_in(period: str, day: int) -> str:
    return f"{period}-{day:02d}"


async def wait_for_settlement(db: Database, period: str, status: str, run: int = 1) -> CommissionSettlement:
    """The settlement row reached ``status`` with run ``run``."""

    def reached() -> CommissionSettlement | None:
        with db.session() as session:
            row = session.scalars(select(CommissionSettlement).where(CommissionSettlement.period == period)).first()
            return row if row is not None and row.status == status and row.run >= run else None

    return await eventually(reached, f"settlement {period} to reach {status} (run {run})")
