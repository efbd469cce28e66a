"""The side effects of an offboarding: setting up the handover, checking evidence, recording items
and sign-offs, moving the customers, and closing the case.

Short database writes, run as local activities so a person's action answers quickly. Idempotent:
each write checks what is already recorded; notifications carry a dedupe key of case + event.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from temporalio import activity

from activities.notifications.messages import in_company_language, tell
from schemas.kernel.errors import N_
from schemas.offboarding import (
    Handover,
    ItemDone,
    LastDayNotice,
    OffboardingStart,
    OffboardingStatus,
    PlanExecution,
    ReviewDecision,
    StatusChange,
)
from store.db import Database, Session
from store.models import Employee, Offboarding
from store.repo.offboarding import checklist as handover
from store.repo.offboarding import reassignment
from store.repo.org.responsibility import hr_people, managers_of

STARTED = N_("The offboarding of %(person)s has started; the last working day is %(day)s.")
PENDING_ORDERS = N_("%(person)s is handing over: %(count)s of their orders still wait for approval and go on.")
PAST_LAST_DAY = N_("%(person)s's last working day has passed and the handover still has %(count)s open points.")
SUCCESSOR = N_("%(customer)s is now your customer, handed over from %(person)s.")
COMPLETED = N_("The offboarding of %(person)s is complete.")


class OffboardingActivities:
    def __init__(self, db: Database, *, outside_channels: bool = True) -> None:
        self.db = db
        self.outside_channels = outside_channels

    def _outside(self, ids: list[int]) -> list[int]:
        return ids if self.outside_channels else []

    @activity.defn(name="offboarding.begin")
    def begin(self, start: OffboardingStart) -> Handover | None:
        """Order freeze on, checklist and sign-offs laid out, a successor proposed for each
        customer; the manager, department head and HR are told. None when the case was withdrawn
        before the process got to it (the start was answered 503)."""
        with self.db.session() as session:
            if session.get(Offboarding, start.offboarding_id) is None:
                return None
            case, employee = _case(session, start.offboarding_id)
            items = handover.set_up(session, case, employee)
            customers = len(reassignment.customers_of(session, employee.id))
            params = {"person": employee.name, "day": case.last_day.isoformat()}
            watchers = sorted(managers_of(session, employee) | set(hr_people(session)))
            notified = [
                _notify(
                    session, person, STARTED, params, f"{case.workflow_id}:{case.id}:started:{person}", case.workflow_id
                )
                for person in watchers
                if person != employee.id
            ]
            waiting = handover.pending_orders(session, employee.id)
            if waiting and case.manager_id is not None:
                notified.append(
                    _notify(
                        session,
                        case.manager_id,
                        PENDING_ORDERS,
                        {"person": employee.name, "count": str(len(waiting))},
                        f"{case.workflow_id}:{case.id}:pending-orders",
                        case.workflow_id,
                    )
                )
            return Handover(
                items=items,
                manager_id=case.manager_id,
                head_id=case.head_id,
                customers=customers,
                proposal=reassignment.proposal(session, case.id),
                notified=self._outside(notified),
            )

    @activity.defn(name="offboarding.item_done")
    def item_done(self, done: ItemDone) -> list[int]:
        with self.db.session() as session:
            handover.record_item(session, done)
        return []

    @activity.defn(name="offboarding.execute_plan")
    def execute_plan(self, plan: PlanExecution) -> list[int]:
        """Every customer, open order and follow-up to its successor in one transaction."""
        with self.db.session() as session:
            case, leaver = _case(session, plan.offboarding_id)
            reason = in_company_language(reassignment.REASON, {"person": leaver.name})
            moved = reassignment.execute(session, case, leaver, plan.actor_id, plan.assignments, reason)
            handover.open_after_plan(session, case)
            notified = [
                _notify(
                    session,
                    successor.id,
                    SUCCESSOR,
                    {"customer": customer.name, "person": leaver.name, "link": f"/customers/{customer.id}"},
                    f"{case.workflow_id}:{case.id}:successor:{customer.id}",
                    case.workflow_id,
                )
                for customer, successor in moved
            ]
            return self._outside(notified)

    @activity.defn(name="offboarding.review")
    def review(self, decision: ReviewDecision) -> list[int]:
        with self.db.session() as session:
            handover.record_review(session, decision)
        return []

    @activity.defn(name="offboarding.status")
    def status(self, change: StatusChange) -> list[int]:
        with self.db.session() as session:
            case, employee = _case(session, change.offboarding_id)
            if change.status == OffboardingStatus.review:
                handover.start_review_round(session, case, change.round)
            elif change.status == OffboardingStatus.completed:
                handover.complete(session, case, change.actor_id, change.comment, early_reason=change.early_reason)
                watchers = sorted(managers_of(session, employee) | set(hr_people(session)))
                return self._outside(
                    [
                        _notify(
                            session,
                            person,
                            COMPLETED,
                            {"person": employee.name},
                            f"{case.workflow_id}:{case.id}:completed:{person}",
                            case.workflow_id,
                        )
                        for person in watchers
                    ]
                )
            elif change.status == OffboardingStatus.cancelled:
                handover.cancel(session, case, change.actor_id, change.comment or "")
            elif case.status not in (OffboardingStatus.completed.value, OffboardingStatus.cancelled.value):
                case.status = change.status
            return []

    @activity.defn(name="offboarding.last_day_notice")
    def last_day_notice(self, notice: LastDayNotice) -> list[int]:
        """The last working day passed with open points: the department head and HR, daily."""
        with self.db.session() as session:
            case, employee = _case(session, notice.offboarding_id)
            recipients = sorted({*hr_people(session), *([case.head_id] if case.head_id else [])})
            params = {"person": employee.name, "count": str(notice.blockers)}
            return self._outside(
                [
                    _notify(
                        session,
                        person,
                        PAST_LAST_DAY,
                        params,
                        f"{case.workflow_id}:{case.id}:past-last-day:{notice.day}:{person}",
                        case.workflow_id,
                        kind="escalation",
                    )
                    for person in recipients
                ]
            )


def _case(session: Session, case_id: int) -> tuple[Offboarding, Employee]:
    case = session.get(Offboarding, case_id)
    assert case is not None, f"offboarding {case_id} is gone"
    employee = session.get(Employee, case.employee_id)
    assert employee is not None
    return case, employee


def _notify(
    session: Session,
    recipient: int,
    message: str,
    params: dict[str, Any],
    key: str,
    process_id: str,
    kind: str = "info",
) -> int:
    return tell(
        session,
        recipient_id=recipient,
        message=message,
        params=params,
        dedupe_key=key,
        process_id=process_id,
        kind=kind,
    )


def offboarding_activities(db: Database, *, outside_channels: bool = True) -> list[Callable[..., Any]]:
    bound = OffboardingActivities(db, outside_channels=outside_channels)
    return [bound.begin, bound.item_done, bound.execute_plan, bound.review, bound.status, bound.last_day_notice]
