"""What people read of a settlement: statements with their totals, each line with the order and
payment behind it, and the payroll export. Everyone sees only what they may: finance, admin and
department heads every statement, a sales manager their teams', a salesperson their own."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from sqlalchemy import ColumnElement, func, select, true
from sqlalchemy.orm import Session

from schemas.commission import (
    CorrectionOut,
    DisputeOut,
    LineKind,
    LineOut,
    SettlementOut,
    SettlementRow,
    StatementOut,
)
from schemas.commission_math import from_fen, to_fen
from store.models import (
    CommissionAdjustment,
    CommissionDispute,
    CommissionLine,
    CommissionSettlement,
    CommissionStatement,
    Customer,
    Employee,
    Order,
    Payment,
)
from store.repo.customers.visibility import Viewer, managed_team_ids

EVERY_STATEMENT = ("finance", "admin", "department_head")
TOTALS = ("collected", "refunded", "gross", "clawback", "held", "released", "forfeited", "adjustment", "net")


def statement_condition(session: Session, viewer: Viewer) -> ColumnElement[bool]:
    if viewer.has(*EVERY_STATEMENT):
        return true()
    if viewer.has("sales_manager"):
        teams = managed_team_ids(session, viewer)
        return CommissionStatement.team_id.in_(teams) | (CommissionStatement.employee_id == viewer.id)
    return CommissionStatement.employee_id == viewer.id


def net_fen(statement: CommissionStatement, adjustment_fen: int) -> int:
    """What is paid: earned commission (held excepted), clawbacks, releases and adjustments."""
    return statement.gross_fen - statement.held_fen + statement.clawback_fen + statement.released_fen + adjustment_fen


def adjustments_by_employee(session: Session, settlement_id: int) -> dict[int, int]:
    return dict(
        session.execute(
            select(CommissionAdjustment.employee_id, func.sum(CommissionAdjustment.commission_fen))
            .where(CommissionAdjustment.settlement_id == settlement_id)
            .group_by(CommissionAdjustment.employee_id)
        ).all()
    )


def statements(
    session: Session, settlement: CommissionSettlement, viewer: Viewer, employee_id: int | None = None
) -> list[tuple[CommissionStatement, str, int]]:
    """(statement, employee name, adjustment fen) the viewer may read, by name."""
    query = (
        select(CommissionStatement, Employee.name)
        .join(Employee, Employee.id == CommissionStatement.employee_id)
        .where(
            CommissionStatement.settlement_id == settlement.id,
            CommissionStatement.run == settlement.run,
            statement_condition(session, viewer),
        )
        .order_by(Employee.name, Employee.id)
    )
    if employee_id is not None:
        query = query.where(CommissionStatement.employee_id == employee_id)
    adjustments = adjustments_by_employee(session, settlement.id)
    return [(row, name, adjustments.get(row.employee_id, 0)) for row, name in session.execute(query).all()]


def statement_out(
    statement: CommissionStatement, name: str, adjustment_fen: int, lines: list[LineOut] | None = None
) -> StatementOut:
    money = {
        "collected": statement.collected_fen,
        "refunded": statement.refunded_fen,
        "gross": statement.gross_fen,
        "clawback": statement.clawback_fen,
        "held": statement.held_fen,
        "released": statement.released_fen,
        "forfeited": statement.forfeited_fen,
        "adjustment": adjustment_fen,
        "net": net_fen(statement, adjustment_fen),
    }
    return StatementOut(
        employee_id=statement.employee_id,
        employee_name=name,
        team_id=statement.team_id,
        lines=lines,
        **{key: str(from_fen(value)) for key, value in money.items()},
    )


def lines_of(session: Session, settlement: CommissionSettlement, employee_ids: list[int]) -> dict[int, list[LineOut]]:
    """Each employee's lines in the order the money came, then adjustments, with disputes."""
    disputes: dict[tuple[int, int, str], DisputeOut] = {
        (row.employee_id, row.payment_id, row.kind): dispute_out(row)
        for row in session.scalars(
            select(CommissionDispute).where(
                CommissionDispute.settlement_id == settlement.id, CommissionDispute.employee_id.in_(employee_ids)
            )
        )
    }
    found: dict[int, list[LineOut]] = defaultdict(list)
    rows = session.execute(
        select(CommissionLine, Payment.order_id, Payment.paid_at, Payment.amount, Order.customer_id, Customer.name)
        .join(Payment, Payment.id == CommissionLine.payment_id)
        .outerjoin(Order, Order.id == Payment.order_id)
        .outerjoin(Customer, Customer.id == Order.customer_id)
        .where(
            CommissionLine.settlement_id == settlement.id,
            CommissionLine.run == settlement.run,
            CommissionLine.employee_id.in_(employee_ids),
        )
        .order_by(CommissionLine.employee_id, Payment.paid_at, CommissionLine.id)
    ).all()
    for line, order_id, paid_at, paid, customer_id, customer_name in rows:
        found[line.employee_id].append(
            LineOut(
                id=line.id,
                order_id=order_id,
                payment_id=line.payment_id,
                paid_at=paid_at,
                amount=str(from_fen(line.amount_fen)),
                commission=str(from_fen(line.commission_fen)),
                kind=line.kind,
                reverses_payment_id=line.reverses_payment_id,
                dispute=disputes.get((line.employee_id, line.payment_id, line.kind)),
                customer_id=customer_id,
                customer_name=customer_name,
                payment_amount=str(paid),
                rate=effective_rate(line.commission_fen, line.amount_fen or to_fen(paid)),
            )
        )
    for adjustment in session.scalars(
        select(CommissionAdjustment)
        .where(CommissionAdjustment.settlement_id == settlement.id, CommissionAdjustment.employee_id.in_(employee_ids))
        .order_by(CommissionAdjustment.id)
    ):
        found[adjustment.employee_id].append(
            LineOut(
                id=None,
                order_id=None,
                payment_id=None,
                paid_at=None,
                amount="0.00",
                commission=str(from_fen(adjustment.commission_fen)),
                kind=LineKind.adjustment,
                reason=adjustment.reason,
            )
        )
    return found


def effective_rate(commission_fen: int, base_fen: int) -> str | None:
    """What the line earned as a share of its money (four decimals, ``0.0300``): tiers are
    marginal, so a payment across two tiers earns a blend; a line on no money has none."""
    if not base_fen:
        return None
    return str((Decimal(commission_fen) / Decimal(base_fen)).quantize(Decimal("0.0001")))


def dispute_out(row: CommissionDispute) -> DisputeOut:
    return DisputeOut(
        id=row.id,
        employee_id=row.employee_id,
        payment_id=row.payment_id,
        kind=row.kind,
        comment=row.comment,
        status=row.status,
        resolution=row.resolution,
        resolved_by=row.resolved_by,
        created_at=row.created_at,
    )


def correction_out(session: Session, row: CommissionAdjustment) -> CorrectionOut:
    """A recorded correction, with the period of the settlement it went into (None while it waits
    for the next settlement to be computed)."""
    target = session.get(CommissionSettlement, row.settlement_id) if row.settlement_id else None
    return CorrectionOut(
        id=row.id,
        employee_id=row.employee_id,
        amount=str(from_fen(row.commission_fen)),
        reason=row.reason,
        corrects_period=row.corrects_period,
        settlement_period=target.period if target else None,
    )


def settlement_view(
    session: Session,
    settlement: CommissionSettlement,
    viewer: Viewer,
    *,
    with_lines: bool = True,
    employee_id: int | None = None,
) -> SettlementOut:
    found = statements(session, settlement, viewer, employee_id)
    lines = lines_of(session, settlement, [row.employee_id for row, _, _ in found]) if with_lines else {}
    out = [
        statement_out(row, name, adjusted, lines.get(row.employee_id, []) if with_lines else None)
        for row, name, adjusted in found
    ]
    return SettlementOut(
        period=settlement.period,
        status=settlement.status,
        workflow_id=settlement.workflow_id,
        plan_version=settlement.plan_version,
        progress=settlement.progress,
        review_ends_at=settlement.review_ends_at,
        locked_at=settlement.locked_at,
        totals=totals_of(out),
        statements=out,
    )


def totals_of(rows: list[StatementOut]) -> dict[str, str]:
    return {key: str(sum((Decimal(getattr(row, key)) for row in rows), Decimal("0.00"))) for key in TOTALS}


def list_settlements(session: Session, viewer: Viewer) -> list[SettlementRow]:
    settlements = list(session.scalars(select(CommissionSettlement).order_by(CommissionSettlement.period.desc())))
    rows = []
    for settlement in settlements:
        found = statements(session, settlement, viewer)
        if not found and not viewer.has(*EVERY_STATEMENT):
            continue
        net = sum(net_fen(row, adjusted) for row, _, adjusted in found)
        rows.append(
            SettlementRow(
                period=settlement.period,
                status=settlement.status,
                workflow_id=settlement.workflow_id,
                plan_version=settlement.plan_version,
                progress=settlement.progress,
                statements=len(found),
                net=str(from_fen(net)),
                created_at=settlement.created_at,
            )
        )
    return rows
