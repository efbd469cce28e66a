"""Corrections of a locked period: a locked settlement is never edited, so a correction becomes an
adjustment of the next settlement still open to changes, or waits for the next one computed.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from schemas.commission import RECOMPUTABLE, CorrectionIn
from schemas.commission_math import to_fen
from schemas.kernel.errors import NotFound
from store.models import CommissionAdjustment, CommissionSettlement, CommissionStatement, Employee
from store.repo.audit import chain as audit


def add_correction(session: Session, *, actor_id: int, correction: CorrectionIn) -> CommissionAdjustment:
    """A correction of a locked period goes into the next settlement still open to changes, or
    waits for the next one to be computed."""
    if session.get(Employee, correction.employee_id) is None:
        raise NotFound()
    target = session.scalars(
        select(CommissionSettlement)
        .where(
            CommissionSettlement.period > correction.corrects_period,
            CommissionSettlement.status.in_(RECOMPUTABLE),
        )
        .order_by(CommissionSettlement.period)
        .limit(1)
    ).first()
    row = CommissionAdjustment(
        settlement_id=target.id if target else None,
        employee_id=correction.employee_id,
        commission_fen=to_fen(correction.amount),
        reason=correction.reason,
        corrects_period=correction.corrects_period,
        created_by=actor_id,
    )
    session.add(row)
    session.flush()
    if target is not None and not session.scalar(
        select(func.count())
        .select_from(CommissionStatement)
        .where(
            CommissionStatement.settlement_id == target.id,
            CommissionStatement.run == target.run,
            CommissionStatement.employee_id == correction.employee_id,
        )
    ):
        team_id = session.scalar(select(Employee.team_id).where(Employee.id == correction.employee_id))
        session.add(
            CommissionStatement(
                settlement_id=target.id, run=target.run, employee_id=correction.employee_id, team_id=team_id
            )
        )
    audit.record(
        session,
        actor_id=actor_id,
        action="commission.correction",
        entity="commission_adjustment",
        entity_id=row.id,
        detail={
            "employee_id": correction.employee_id,
            "amount": str(correction.amount),
            "corrects_period": correction.corrects_period,
            "into": target.period if target else None,
            "reason": correction.reason,
        },
    )
    return row
