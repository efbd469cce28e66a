"""What an offboarding writes as it runs: the checklist set up from the template, accepted items
and sign-offs, status changes, and the end (completed or cancelled). What an item needs before it
is accepted is :mod:`store.repo.offboarding.evidence`.

Every function is idempotent, so a retried activity writes once.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from schemas.offboarding import (
    Evidence,
    ItemAssignee,
    ItemDone,
    ItemPlan,
    ItemStatus,
    OffboardingStatus,
    PlanStatus,
    ReviewDecision,
    ReviewRole,
    ReviewStatus,
    item_step,
    review_step,
    task_id_of,
)
from schemas.orders import OrderStatus
from schemas.org import NOBODY_NAMED_QUEUE, EmployeeStatus
from store.models import (
    Employee,
    ExperienceNote,
    HandoverItem,
    Offboarding,
    OffboardingReview,
    Order,
    Reassignment,
)
from store.models.base import utcnow
from store.repo.offboarding import reassignment
from store.repo.offboarding.checklist_templates import get_template, template_role_for
from store.repo.offboarding.records import audit_case, items_of
from store.repo.org import auth

ROLE_OF_ASSIGNEE = {ItemAssignee.finance: "finance", ItemAssignee.admin: "admin", ItemAssignee.hr: "hr"}


def item_task_id(case: Offboarding, key: str, round_: int) -> str:
    return task_id_of(case.workflow_id, case.id, item_step(key, round_))


def set_up(session: Session, case: Offboarding, employee: Employee) -> list[ItemPlan]:
    """Freeze the leaver's orders, lay out the checklist and the pending sign-offs, propose where
    each customer goes. Returns the items as the workflow runs them."""
    employee.status, employee.order_freeze = EmployeeStatus.offboarding, True
    items = items_of(session, case.id)
    if not items:
        template = get_template(session, template_role_for(employee))
        for position, entry in enumerate(template.items):
            person = {ItemAssignee.employee: employee.id, ItemAssignee.manager: case.manager_id}.get(entry.assignee)
            role = ROLE_OF_ASSIGNEE.get(entry.assignee)
            if entry.assignee == ItemAssignee.manager and person is None:
                role = NOBODY_NAMED_QUEUE  # nobody manages the leaver: as for their customer plan
            items.append(
                HandoverItem(
                    offboarding_id=case.id,
                    position=position,
                    key=entry.key,
                    title=entry.title,
                    evidence=entry.evidence.value,
                    after_plan=entry.after_plan,
                    assignee_id=person,
                    candidate_role=role,
                    status=ItemStatus.open,
                    round=1,
                    task_id=None if entry.after_plan else item_task_id(case, entry.key, 1),
                    data={},
                )
            )
        session.add_all(items)
        session.add_all(
            OffboardingReview(
                offboarding_id=case.id, role=role.value, round=1, status=ReviewStatus.pending, returned_items=[]
            )
            for role in ReviewRole
        )
        reassignment.propose(session, case, employee)
        audit_case(
            session,
            case.id,
            "offboarding.checklist",
            None,
            {"items": [item.key for item in items], "order_freeze": True},
        )
    session.flush()
    return [
        ItemPlan(
            key=item.key,
            title=item.title,
            evidence=Evidence(item.evidence),
            after_plan=item.after_plan,
            assignee_id=item.assignee_id,
            candidate_role=item.candidate_role,
        )
        for item in items
    ]


# ---------------------------------------------------------------- decisions
def record_item(session: Session, done: ItemDone) -> HandoverItem | None:
    item = session.scalars(
        select(HandoverItem).where(HandoverItem.offboarding_id == done.offboarding_id, HandoverItem.key == done.key)
    ).first()
    if item is None or (item.status == ItemStatus.done and item.round == done.round):
        return item
    item.status, item.round, item.task_id = ItemStatus.done, done.round, done.task_id
    item.done_by, item.done_at, item.comment, item.data = done.actor_id, utcnow(), done.comment, dict(done.data)
    if item.key == "experience_notes" and done.comment:
        _keep_experience(session, done.offboarding_id, done.comment)
    audit_case(
        session,
        done.offboarding_id,
        "offboarding.item_done",
        done.actor_id,
        {"key": done.key, "round": done.round, "comment": done.comment, "data": done.data},
    )
    return item


def _keep_experience(session: Session, case_id: int, body: str) -> None:
    case = session.get(Offboarding, case_id)
    assert case is not None
    author = session.get(Employee, case.employee_id)
    note = session.scalars(select(ExperienceNote).where(ExperienceNote.offboarding_id == case_id)).first()
    if note is None:
        session.add(
            ExperienceNote(
                author_id=case.employee_id,
                team_id=author.team_id if author else None,
                offboarding_id=case_id,
                body=body,
            )
        )
    else:
        note.body = body


def open_after_plan(session: Session, case: Offboarding) -> None:
    """Items that wait for the plan (telling customers their new contact) get their task."""
    for item in items_of(session, case.id):
        if item.after_plan and item.task_id is None:
            item.task_id = item_task_id(case, item.key, item.round)


def record_review(session: Session, decision: ReviewDecision) -> None:
    review = session.get(OffboardingReview, (decision.offboarding_id, decision.role.value))
    if review is None or (review.round == decision.round and review.status != ReviewStatus.pending):
        return
    review.status = ReviewStatus.approved if decision.approved else ReviewStatus.rejected
    review.reviewer_id, review.comment, review.decided_at = decision.actor_id, decision.comment, utcnow()
    review.returned_items = list(decision.returned_items)
    case = session.get(Offboarding, decision.offboarding_id)
    assert case is not None
    for item in items_of(session, case.id):
        if item.key in decision.returned_items and item.status == ItemStatus.done:
            item.status, item.round = ItemStatus.returned, item.round + 1
            item.task_id = item_task_id(case, item.key, item.round)
    audit_case(
        session,
        case.id,
        "offboarding.review_" + review.status,
        decision.actor_id,
        {
            "role": decision.role.value,
            "round": decision.round,
            "comment": decision.comment,
            "returned_items": decision.returned_items,
        },
    )


def start_review_round(session: Session, case: Offboarding, round_: int) -> None:
    case.status, case.review_round = OffboardingStatus.review, round_
    for review in session.scalars(select(OffboardingReview).where(OffboardingReview.offboarding_id == case.id)):
        if review.round != round_ or review.task_id is None:
            review.round, review.status = round_, ReviewStatus.pending
            review.reviewer_id = review.comment = review.decided_at = None
            review.returned_items = []
            review.task_id = task_id_of(case.workflow_id, case.id, review_step(review.role, round_))


# ---------------------------------------------------------------- the end
def complete(
    session: Session, case: Offboarding, actor_id: int | None, comment: str | None, *, early_reason: str | None = None
) -> None:
    """The person has left: login refused from now on, every session and token revoked, the
    order freeze permanent. Confirmed before the last working day, the audit keeps why."""
    if case.status == OffboardingStatus.completed:
        return
    employee = session.get(Employee, case.employee_id)
    assert employee is not None
    employee.status, employee.order_freeze = EmployeeStatus.departed, True
    auth.revoke_all_for(session, employee.id)
    case.status, case.open_for = OffboardingStatus.completed, None
    case.completed_at, case.completed_by = utcnow(), actor_id
    early = {"early": True, "early_reason": early_reason, "last_day": case.last_day.isoformat()} if early_reason else {}
    audit_case(
        session, case.id, "offboarding.completed", actor_id, {"comment": comment, "employee_id": employee.id, **early}
    )


def cancel(session: Session, case: Offboarding, actor_id: int | None, reason: str) -> None:
    """The person stays: the freeze is lifted; customers already moved stay with their successors."""
    if case.status == OffboardingStatus.cancelled:
        return
    employee = session.get(Employee, case.employee_id)
    assert employee is not None
    employee.status, employee.order_freeze = EmployeeStatus.active, False
    case.status, case.open_for = OffboardingStatus.cancelled, None
    case.cancelled_at, case.cancelled_by, case.cancel_reason = utcnow(), actor_id, reason
    for row in session.scalars(
        select(Reassignment).where(Reassignment.offboarding_id == case.id, Reassignment.status == PlanStatus.proposed)
    ):
        row.status = PlanStatus.cancelled
    audit_case(session, case.id, "offboarding.cancelled", actor_id, {"reason": reason})


def pending_orders(session: Session, employee_id: int) -> Sequence[int]:
    return list(
        session.scalars(
            select(Order.id).where(Order.owner_id == employee_id, Order.status == OrderStatus.pending_approval)
        )
    )
