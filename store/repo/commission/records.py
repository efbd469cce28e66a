"""Settlements as records: opening one for a period, where it stands, disputes and their
resolution, and locking (corrections of locked periods: :mod:`store.repo.commission.corrections`).

Temporal owns where a settlement's process stands; these rows are what its activities write and
what every page reads. A locked settlement is never edited: corrections become adjustments of
the next open one.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from schemas.commission import (
    AlreadyDisputed,
    DisputeNotFound,
    DisputeRequest,
    DisputeResolved,
    DisputeStatus,
    LineNotFound,
    NoCommissionPlan,
    PeriodNotOver,
    ResolutionRequest,
    SettlementAlreadyExists,
    SettlementNotFound,
    SettlementOutOfOrder,
    SettlementStatus,
)
from schemas.commission_math import to_fen
from store.models import (
    CommissionAdjustment,
    CommissionDispute,
    CommissionLine,
    CommissionSettlement,
    CommissionStatement,
)
from store.models.base import utcnow
from store.repo.audit import chain as audit
from store.repo.commission.plans import in_force
from store.repo.commission.views import statement_condition
from store.repo.customers.visibility import Viewer


def workflow_id_of(period: str) -> str:
    return f"commission-{period}"


def open_settlement(
    session: Session, *, period: str, actor_id: int | None, current_period: str
) -> CommissionSettlement:
    """The period's settlement row: only a month that has ended, under a plan, one per period, and
    never before a period already settled (late money flows forward, never back)."""
    if period >= current_period:
        raise PeriodNotOver()
    if session.scalar(select(CommissionSettlement.id).where(CommissionSettlement.period == period)):
        raise SettlementAlreadyExists()
    if in_force(session, period) is None:
        raise NoCommissionPlan()
    if session.scalar(select(CommissionSettlement.id).where(CommissionSettlement.period > period).limit(1)):
        raise SettlementOutOfOrder()
    settlement = CommissionSettlement(period=period, workflow_id=workflow_id_of(period), started_by=actor_id)
    session.add(settlement)
    try:
        session.flush()
    except IntegrityError as exc:  # another request opened it a moment ago
        raise SettlementAlreadyExists() from exc
    audit.record(
        session,
        actor_id=actor_id,
        action="commission.settlement_opened",
        entity="commission_settlement",
        entity_id=period,
        detail={},
    )
    return settlement


def discard(session: Session, settlement_id: int) -> None:
    """The engine did not take the start: nothing of it stays."""
    session.execute(
        delete(CommissionSettlement).where(CommissionSettlement.id == settlement_id, CommissionSettlement.run == 0)
    )


def find_by_period(session: Session, period: str) -> CommissionSettlement | None:
    """The month's settlement, or None before it is opened."""
    return session.scalars(select(CommissionSettlement).where(CommissionSettlement.period == period)).first()


def by_period(session: Session, period: str) -> CommissionSettlement:
    settlement = find_by_period(session, period)
    if settlement is None:
        raise SettlementNotFound()
    return settlement


def statement_holders(session: Session, row: CommissionSettlement) -> list[int]:
    """Everyone with a statement in the settlement's current run, by id."""
    return list(
        session.scalars(
            select(CommissionStatement.employee_id)
            .where(CommissionStatement.settlement_id == row.id, CommissionStatement.run == row.run)
            .order_by(CommissionStatement.employee_id)
        )
    )


def settlement(session: Session, settlement_id: int) -> CommissionSettlement:
    row = session.get(CommissionSettlement, settlement_id)
    if row is None:
        raise SettlementNotFound()
    return row


def set_status(
    session: Session,
    settlement_id: int,
    status: SettlementStatus,
    actor_id: int | None,
    comment: str | None = None,
    review_ends_at: datetime | None = None,
) -> CommissionSettlement:
    row = settlement(session, settlement_id)
    if row.status == SettlementStatus.locked:
        return row
    before = row.status
    row.status = status
    if review_ends_at is not None:
        row.review_ends_at = review_ends_at
    if status == SettlementStatus.computing:
        row.progress = 0.0
    if status == SettlementStatus.locked:
        row.locked_at, row.locked_by = utcnow(), actor_id
    if before != row.status:
        audit.record(
            session,
            actor_id=actor_id,
            action=f"commission.{status.value}",
            entity="commission_settlement",
            entity_id=row.period,
            detail={"from": before, "comment": comment or ""},
        )
    return row


def set_progress(session: Session, settlement_id: int, progress: float) -> None:
    row = settlement(session, settlement_id)
    row.progress = round(progress, 4)


# ----------------------------------------------------------------------------- disputes
def current_line(
    session: Session, row: CommissionSettlement, employee_id: int, payment_id: int, kind: str
) -> CommissionLine:
    line = session.scalars(
        select(CommissionLine).where(
            CommissionLine.settlement_id == row.id,
            CommissionLine.run == row.run,
            CommissionLine.employee_id == employee_id,
            CommissionLine.payment_id == payment_id,
            CommissionLine.kind == kind,
        )
    ).first()
    if line is None:
        raise LineNotFound()
    return line


def team_of_statement(session: Session, row: CommissionSettlement, employee_id: int) -> int | None:
    return session.scalar(
        select(CommissionStatement.team_id).where(
            CommissionStatement.settlement_id == row.id,
            CommissionStatement.run == row.run,
            CommissionStatement.employee_id == employee_id,
        )
    )


def record_dispute(session: Session, request: DisputeRequest) -> int:
    """Idempotent: the same line disputed again (a retried activity) finds the first dispute."""
    found = session.scalar(
        select(CommissionDispute.id).where(
            CommissionDispute.settlement_id == request.settlement_id,
            CommissionDispute.employee_id == request.actor.id,
            CommissionDispute.payment_id == request.payment_id,
            CommissionDispute.kind == request.kind,
        )
    )
    if found is not None:
        return found
    dispute = CommissionDispute(
        settlement_id=request.settlement_id,
        employee_id=request.actor.id,
        team_id=request.team_id,
        payment_id=request.payment_id,
        kind=request.kind,
        comment=request.comment,
    )
    session.add(dispute)
    session.flush()
    audit.record(
        session,
        actor_id=request.actor.id,
        action="commission.dispute",
        entity="commission_dispute",
        entity_id=dispute.id,
        detail={"payment_id": request.payment_id, "kind": request.kind.value, "comment": request.comment},
    )
    return dispute.id


def already_disputed(session: Session, settlement_id: int, employee_id: int, payment_id: int, kind: str) -> None:
    if session.scalar(
        select(CommissionDispute.id).where(
            CommissionDispute.settlement_id == settlement_id,
            CommissionDispute.employee_id == employee_id,
            CommissionDispute.payment_id == payment_id,
            CommissionDispute.kind == kind,
        )
    ):
        raise AlreadyDisputed()


def dispute(session: Session, settlement_id: int, dispute_id: int, viewer: Viewer) -> CommissionDispute:
    """An open dispute of the settlement on a statement the viewer may read; any other answers
    exactly as a missing one, so nobody learns of a dispute that is not theirs to see."""
    row = session.get(CommissionDispute, dispute_id)
    if (
        row is None
        or row.settlement_id != settlement_id
        or session.scalar(
            select(CommissionStatement.id)
            .where(
                CommissionStatement.settlement_id == settlement_id,
                CommissionStatement.employee_id == row.employee_id,
                statement_condition(session, viewer),
            )
            .limit(1)
        )
        is None
    ):
        raise DisputeNotFound()
    if row.status != DisputeStatus.open:
        raise DisputeResolved()
    return row


def resolve_dispute(session: Session, request: ResolutionRequest) -> None:
    """Adjust (an adjustment line on the statement, with the reason) or reject; idempotent."""
    row = session.get(CommissionDispute, request.dispute_id)
    if row is None or row.status != DisputeStatus.open:
        return
    row.status, row.resolution = request.decision, request.reason
    row.resolved_by, row.resolved_at = request.actor.id, utcnow()
    if request.decision == DisputeStatus.adjusted and request.amount is not None:
        session.add(
            CommissionAdjustment(
                settlement_id=row.settlement_id,
                employee_id=row.employee_id,
                commission_fen=to_fen(request.amount),
                reason=request.reason,
                dispute_id=row.id,
                created_by=request.actor.id,
            )
        )
    audit.record(
        session,
        actor_id=request.actor.id,
        action=f"commission.dispute_{request.decision.value}",
        entity="commission_dispute",
        entity_id=row.id,
        detail={"amount": str(request.amount) if request.amount is not None else None, "reason": request.reason},
    )
