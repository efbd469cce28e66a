"""What the settlement page reads beyond the API's views (store/repo/commission/views.py): the
review tasks of the settlement's process, the disputes on the statements a reader may read, and
what each adjusted dispute added."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from schemas.tasks import TaskStatus
from store.models import CommissionAdjustment, CommissionDispute, CommissionSettlement, Task

# A team's review by its manager, and finance's approval of the whole settlement.
REVIEW_KINDS = ("commission_review", "commission_approval")


def review_tasks(session: Session, settlement: CommissionSettlement) -> list[Task]:
    """Every review task of the settlement's process but the withdrawn ones, oldest first."""
    return list(
        session.scalars(
            select(Task)
            .where(
                Task.workflow_id == settlement.workflow_id,
                Task.kind.in_(REVIEW_KINDS),
                Task.status != TaskStatus.cancelled,
            )
            .order_by(Task.created_at, Task.id)
        )
    )


def disputes_on(
    session: Session, settlement: CommissionSettlement, employee_ids: Iterable[int]
) -> list[CommissionDispute]:
    """The settlement's disputes on these employees' statements, in the order they were raised."""
    return list(
        session.scalars(
            select(CommissionDispute)
            .where(
                CommissionDispute.settlement_id == settlement.id, CommissionDispute.employee_id.in_(list(employee_ids))
            )
            .order_by(CommissionDispute.id)
        )
    )


def adjusted_by_dispute(session: Session, dispute_ids: Iterable[int]) -> dict[int, int]:
    """Dispute id → what its adjustment added, in fen (only disputes that were adjusted)."""
    rows = session.execute(
        select(CommissionAdjustment.dispute_id, CommissionAdjustment.commission_fen).where(
            CommissionAdjustment.dispute_id.in_(list(dispute_ids))
        )
    )
    return {dispute_id: fen for dispute_id, fen in rows.all() if dispute_id is not None}
