"""The side effects of a commission settlement: computing statements, opening the review window,
recording disputes and their resolution, moving the status, and opening the month's settlement
from the schedule.

Idempotent: a computation rewrites its own run; a dispute is one per line; a resolution applies
once; notifications carry a dedupe key of settlement + event + person.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from temporalio import activity

from activities.notifications.messages import in_company_language, tell
from activities.tasks.deadlines import due_at
from schemas.commission import (
    ComputeRequest,
    ComputeResult,
    DisputeRequest,
    ResolutionRequest,
    ReviewOpened,
    SettlementStart,
    SettlementStatus,
    StatusChange,
)
from schemas.commission_math import period_of, previous_period
from schemas.kernel.errors import N_, BatonError
from store.db import Database
from store.repo.commission import records as settlements
from store.repo.commission.compute import compute
from store.repo.org.responsibility import admins, finance_people
from store.repo.tasks import policies

READY = N_("Your commission statement for %(period)s is ready. Dispute any line by %(until)s.")
LOCKED = N_("Your commission statement for %(period)s is approved and locked.")
NOT_OPENED = N_("The commission settlement for %(period)s was not opened: %(reason)s")


class CommissionActivities:
    def __init__(self, db: Database, timezone: str, *, outside_channels: bool = True) -> None:
        self.db = db
        self.timezone = timezone
        self.outside_channels = outside_channels

    def _outside(self, ids: list[int]) -> list[int]:
        return ids if self.outside_channels else []

    @activity.defn(name="commission.compute")
    def compute(self, request: ComputeRequest) -> ComputeResult:
        """Every statement of the period; progress goes to the page and to Temporal's heartbeat."""

        def progress(share: float) -> None:
            activity.heartbeat(share)
            with self.db.session() as session:
                settlements.set_progress(session, request.settlement_id, share)

        return compute(self.db, request.settlement_id, request.run, self.timezone, progress)

    @activity.defn(name="commission.open_review")
    def open_review(self, change: StatusChange) -> ReviewOpened:
        """The employees' window: each salesperson with a statement is told until when they may
        dispute it (the ``commission.review`` policy's due time from now)."""
        with self.db.session() as session:
            row = settlements.settlement(session, change.settlement_id)
            policy = policies.snapshot(session).get("commission.review")
            ends_at = (
                row.review_ends_at
                if row.status == SettlementStatus.employee_review.value and row.review_ends_at
                else due_at(change.at or datetime.now(UTC), policy, self.timezone)
            )
            settlements.set_status(
                session, row.id, SettlementStatus.employee_review, change.actor_id, review_ends_at=ends_at
            )
            until = ends_at.astimezone(ZoneInfo(self.timezone)).strftime("%Y-%m-%d %H:%M")
            notified = [
                tell(
                    session,
                    recipient_id=employee,
                    message=READY,
                    params={"period": row.period, "until": until, "link": f"/commission/{row.period}/mine"},
                    dedupe_key=f"{row.workflow_id}:r{row.run}:ready:{employee}",
                    process_id=row.workflow_id,
                )
                for employee in settlements.statement_holders(session, row)
            ]
            return ReviewOpened(ends_at=ends_at, notified=self._outside(notified))

    @activity.defn(name="commission.status")
    def status(self, change: StatusChange) -> list[int]:
        with self.db.session() as session:
            row = settlements.set_status(session, change.settlement_id, change.status, change.actor_id, change.comment)
            if change.status != SettlementStatus.locked:
                return []
            return self._outside(
                [
                    tell(
                        session,
                        recipient_id=employee,
                        message=LOCKED,
                        params={"period": row.period, "link": f"/commission/{row.period}/mine"},
                        dedupe_key=f"{row.workflow_id}:locked:{employee}",
                        process_id=row.workflow_id,
                    )
                    for employee in settlements.statement_holders(session, row)
                ]
            )

    @activity.defn(name="commission.dispute")
    def dispute(self, request: DisputeRequest) -> int:
        with self.db.session() as session:
            return settlements.record_dispute(session, request)

    @activity.defn(name="commission.resolve")
    def resolve(self, request: ResolutionRequest) -> None:
        with self.db.session() as session:
            settlements.resolve_dispute(session, request)

    @activity.defn(name="commission.open_period")
    def open_period(self, scheduled_at: datetime) -> SettlementStart | None:
        """The schedule's monthly settlement: the row for the month before ``scheduled_at`` (in
        company time), opened once, or found when an earlier attempt stopped short of starting its
        process. None when finance already runs it (it has been computed), or, with finance and
        admin told why, when it cannot be opened."""
        current = period_of(scheduled_at.astimezone(ZoneInfo(self.timezone)).date())
        period = previous_period(current)
        with self.db.session() as session:
            found = settlements.find_by_period(session, period)
            if found is None:
                try:
                    with session.begin_nested():
                        found = settlements.open_settlement(
                            session, period=period, actor_id=None, current_period=current
                        )
                except BatonError as refusal:
                    deciders = set(finance_people(session) + admins(session))
                    for person in sorted(deciders):
                        tell(
                            session,
                            recipient_id=person,
                            message=NOT_OPENED,
                            params={"period": period, "reason": refusal.message},
                            rendered_params={"period": period, "reason": in_company_language(refusal.message, {})},
                            dedupe_key=f"commission-{period}:not-opened:{person}",
                            process_id=f"commission-{period}",
                        )
                    return None
            elif found.run > 0 or found.status != SettlementStatus.computing.value:
                return None
            return SettlementStart(
                settlement_id=found.id,
                period=found.period,
                started_by=found.started_by,
                policies=policies.snapshot(session),
            )


def commission_activities(db: Database, timezone: str, *, outside_channels: bool = True) -> list[Callable[..., Any]]:
    bound = CommissionActivities(db, timezone, outside_channels=outside_channels)
    return [bound.compute, bound.open_review, bound.status, bound.dispute, bound.resolve, bound.open_period]
