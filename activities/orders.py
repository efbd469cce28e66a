"""The side effects of order approval: checking a submission and reserving capacity, recording
where the order stands, telling the salesperson.

Idempotent: a submission is applied once per (order, revision); an outcome changes the row only
when it differs; notifications carry a dedupe key of order + revision + status.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from temporalio import activity

from activities.notifications.messages import tell
from schemas.kernel.errors import N_
from schemas.orders import (
    ChainPlan,
    OrderOutcome,
    OrderStatus,
    Problem,
    Submission,
    SubmissionCheck,
)
from schemas.tasks import Actor
from store.db import Database, Session
from store.models import Order
from store.repo.orders import capacity
from store.repo.orders import records as order_repo
from store.repo.orders.checks import check_submission, plan_for_pending, shortfall_problem
from store.repo.orders.records import CapacityTaken

OUTCOME_MESSAGES = {
    OrderStatus.approved: N_("Order #%(order)s for %(customer)s is approved."),
    OrderStatus.rejected: N_("Order #%(order)s for %(customer)s was rejected: %(comment)s"),
    OrderStatus.expired: N_("Order #%(order)s for %(customer)s expired without a decision; its capacity is released."),
}
GONE = N_("The order was withdrawn before it could be checked. Submit it again.")


class OrderActivities:
    def __init__(self, db: Database, *, outside_channels: bool = True) -> None:
        self.db = db
        self.outside_channels = outside_channels  # else nothing to hand to notify.deliver

    @activity.defn(name="orders.submit")
    def submit(self, submission: Submission) -> SubmissionCheck:
        """Check the submission; when it passes, make it the order's revision and reserve capacity."""
        with self.db.session() as session:
            order = session.get(Order, submission.order_id)
            if order is None:
                return SubmissionCheck(problems=[Problem(code="order_withdrawn", message=GONE)])
            if order.revision >= submission.revision and order.status != OrderStatus.draft.value:
                return SubmissionCheck(plan=plan_for_pending(session, order, submission))  # a retry
            check = check_submission(session, submission)
        if check.plan is None:
            self._refused(submission)
            return check
        try:
            with self.db.session() as session:
                order_repo.apply_submission(session, submission, check.plan.total)
        except CapacityTaken as taken:
            self._refused(submission)
            with self.db.session() as session:
                services = order_repo.services_by_code(session, [s.service_code for s in taken.shortfalls])
                return SubmissionCheck(
                    problems=[shortfall_problem(services[s.service_code], s) for s in taken.shortfalls]
                )
        return check

    def _refused(self, submission: Submission) -> None:
        if submission.revision == 1:
            with self.db.session() as session:
                order_repo.discard_draft(session, submission.order_id)

    @activity.defn(name="orders.adopt")
    def adopt(self, order_id: int) -> ChainPlan | None:
        """An order already waiting for approval before Baton ran it (demo data, an import): keep
        the capacity it holds and plan its chain from its stored lines."""
        with self.db.session() as session:
            order = session.get(Order, order_id)
            if order is None or order.status != OrderStatus.pending_approval.value:
                return None
            lines = order_repo.stored_lines(session, order)
            capacity.adopt(
                session,
                order.id,
                order.requested_date,
                capacity.needs_of((line.service, line.quantity) for line in lines),
            )
            submission = Submission(
                order_id=order.id,
                revision=order.revision,
                actor=Actor(id=order.owner_id),
                requested_date=order.requested_date,
                lines=lines,
                note=order.note,
            )
            return plan_for_pending(session, order, submission)

    @activity.defn(name="orders.record")
    def record(self, outcome: OrderOutcome) -> list[int]:
        """Write the order's new state; tell the salesperson when it is decided. Returns the new
        notifications for outside delivery."""
        with self.db.session() as session:
            order = order_repo.record_outcome(session, outcome)
            if order is None or outcome.status not in OUTCOME_MESSAGES:
                return []
            notified = _tell_owner(session, order, outcome)
            return [notified] if notified is not None and self.outside_channels else []


def _tell_owner(session: Session, order: Order, outcome: OrderOutcome) -> int | None:
    customer_name = order_repo.customer_name(session, order.customer_id)
    params: dict[str, object] = {"order": str(order.id), "customer": customer_name, "comment": outcome.comment or ""}
    message = OUTCOME_MESSAGES[outcome.status]
    return tell(
        session,
        recipient_id=order.owner_id,
        message=message,
        params=params,
        process_id=order.workflow_id,
        dedupe_key=f"{order.workflow_id}:{outcome.revision}:{outcome.status.value}",
    )


def order_activities(db: Database, *, outside_channels: bool = True) -> list[Callable[..., Any]]:
    bound = OrderActivities(db, outside_channels=outside_channels)
    return [bound.submit, bound.adopt, bound.record]
