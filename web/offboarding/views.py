"""What the case page and the handover report show, read in one session: the checklist with each
item's task, evidence and files, the reassignment plan, the sign-offs, the blockers and the
timeline, and which of it the reader may act on.

A reader acts on what they hold: an item's, the plan's or a sign-off's open task (the same
``tasks.is_holder`` rule the workflow's validator applies, so a form is shown only to someone
whose action can count). HR, other than the leaver, confirms the departure or cancels.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from schemas.kernel.errors import N_, BatonError
from schemas.kernel.i18n import gettext_
from schemas.offboarding import Evidence, ItemOut, ItemStatus, OffboardingOut, PlanStatus
from schemas.org import Role
from store.db import Session
from store.models import Attachment, Offboarding, OffboardingReview, Task
from store.repo.offboarding import pages as pages_repo
from store.repo.offboarding import records as case_repo
from store.repo.offboarding.evidence import customers_without_followup
from store.repo.offboarding.owed import owed_by_customer
from web.offboarding.labels import blocker_text, step_problem_text
from web.offboarding.plan import plan_task_id, plan_view
from web.offboarding.timeline import case_events
from web.orders.timeline import timeline_people
from web.shared.auth import Principal
from web.shared.labels import translated
from web.tasks.visible import holds_open


@dataclass(frozen=True)
class Refusal:
    """A refused action, shown inline at the form it came from (a task id, "start", "complete"
    or "cancel"), with every problem and the rows they concern."""

    where: str
    code: str
    status: int
    message: str
    problems: tuple[str, ...] = ()
    order_ids: frozenset[int] = frozenset()
    customer_ids: frozenset[int] = frozenset()


def refusal_of(
    exc: BatonError,
    where: str,
    kind: str = "",
    customers: Mapping[int, str] | None = None,
    item_titles: Mapping[str, str] | None = None,
) -> Refusal:
    details = [d for d in exc.details if isinstance(d, dict)]
    if exc.code == "offboarding_blocked":
        problems = [blocker_text(d, item_titles or {}) for d in details]
    else:
        problems = [step_problem_text(d, kind, customers or {}) for d in details if d.get("code")]
    message = translated(exc.message, exc.params)
    return Refusal(
        where=where,
        code=exc.code,
        status=exc.status if exc.status >= 400 else 422,
        message=message,
        problems=tuple(problem for problem in problems if problem != message),
        order_ids=frozenset(d["order_id"] for d in details if isinstance(d.get("order_id"), int)),
        customer_ids=frozenset(d["customer_id"] for d in details if isinstance(d.get("customer_id"), int)),
    )


@dataclass
class ItemView:
    item: ItemOut
    task: Task | None  # the current round's task, once the process has opened it
    mine: bool  # the reader holds its open task
    files: list[Attachment] = field(default_factory=list)  # of every round
    plans: list[tuple[str, str]] = field(default_factory=list)  # what a collection plan covers, the plan

    @property
    def key(self) -> str:
        return self.item.key


@dataclass
class ReviewView:
    review: OffboardingReview
    task: Task | None
    mine: bool
    returned: str = ""  # the items it returned, by title, in the reader's language


def _items(session: Session, user: Principal, view: OffboardingOut, tasks: dict[str, Task]) -> list[ItemView]:
    files = pages_repo.files_by_task(session, tasks)
    rounds: dict[str, list[str]] = {}
    for task in tasks.values():
        if task.kind == "handover_item":
            rounds.setdefault(str((task.context or {}).get("item")), []).append(task.id)
    customers, orders = _plan_names(session, view)
    items = []
    for item in view.items:
        current = tasks.get(item.task_id or "")
        items.append(
            ItemView(
                item=item,
                task=current,
                mine=item.status != ItemStatus.done and holds_open(user, current),
                files=[f for task_id in rounds.get(item.key, []) for f in files.get(task_id, [])],
                plans=_collection_plans(item.data, customers, orders),
            )
        )
    return items


def _plan_names(session: Session, view: OffboardingOut) -> tuple[dict[int, str], dict[int, str]]:
    """Who the items' collection plans name: customer id → name, order id → its customer's name."""
    rows = [
        row
        for item in view.items
        for key in ("customers", "orders")
        for row in item.data.get(key) or []
        if isinstance(row, dict)
    ]
    orders = pages_repo.orders_with_customers(
        session, [row["order_id"] for row in rows if isinstance(row.get("order_id"), int)]
    )
    customers = pages_repo.customer_names(
        session, [row["customer_id"] for row in rows if isinstance(row.get("customer_id"), int)]
    )
    return customers, {order_id: name for order_id, (_order, name) in orders.items()}


def _collection_plans(
    data: Mapping[str, Any], customers: Mapping[int, str], orders: Mapping[int, str]
) -> list[tuple[str, str]]:
    """An item's collection plans as they were given: per customer, or per order with its customer."""
    plans = [
        (customers.get(row["customer_id"], ""), str(row.get("collection_plan") or ""))
        for row in data.get("customers") or []
        if isinstance(row, dict) and row.get("customer_id") is not None
    ]
    for row in data.get("orders") or []:
        if isinstance(row, dict) and row.get("order_id") is not None:
            label, customer = gettext_(N_("Order #%(order)s"), order=row["order_id"]), orders.get(row["order_id"], "")
            plans.append((f"{label} · {customer}" if customer else label, str(row.get("collection_plan") or "")))
    return plans


def _form_data(session: Session, case: Offboarding, items: list[ItemView]) -> dict[str, Any]:
    """What the open items' forms list: the leaver's customers still owing money (with their owed
    orders), the customers not yet contacted."""
    wanted = {item.item.evidence for item in items if item.item.status != ItemStatus.done}
    owing = (
        owed_by_customer(session, case.employee_id)
        if Evidence.orders in wanted and any(item.mine for item in items)
        else []
    )
    missing = (
        customers_without_followup(session, case.employee_id, case.started_at)
        if Evidence.followups in wanted and case.open_for is not None
        else []
    )
    return {"owing": owing, "missing_followups": missing}


def case_context(session: Session, user: Principal, case: Offboarding, zone: ZoneInfo) -> dict[str, Any]:
    """Everything the case page shows, for this reader (money figures counted in company time)."""
    view = case_repo.case_view(session, case)
    tasks = pages_repo.case_tasks(session, case)
    items = _items(session, user, view, tasks)
    titles = {item.key: item.title for item in view.items}
    reviews = [
        ReviewView(review=row, task=task, mine=holds_open(user, task), returned=titles_of(row.returned_items, titles))
        for row in case_repo.reviews_of(session, case.id)
        for task in [tasks.get(row.task_id or "")]
    ]
    plan_task = tasks.get(plan_task_id(case))
    plan = plan_view(session, case, view, plan_task, holds_open(user, plan_task), zone)
    entries = pages_repo.case_timeline(session, case, tasks)
    people = {
        case.employee_id,
        case.started_by,
        case.completed_by,
        case.cancelled_by,
        *(i.assignee_id for i in view.items),
        *(i.done_by for i in view.items),
        *(r.reviewer_id for r in view.reviews),
        *(r.to_id for r in view.reassignments),
        *(held for r in reviews if r.task for held in (r.task.assignee_id, r.task.delegated_from_id)),
        *(r.proposed_to_id for r in view.reassignments),
        *timeline_people(entries),
    }
    names = case_repo.employee_names(session, {person for person in people if person is not None})
    names.update({person.id: person.name for person in plan.successors})
    moved = sum(1 for row in view.reassignments if row.status == PlanStatus.executed)
    leaver_view = user.id == case.employee_id
    may_decide = user.has(Role.hr) and not leaver_view and case.open_for is not None
    forms = {
        task.id
        for task in (
            *(i.task for i in items if i.mine),
            *(r.task for r in reviews if r.mine),
            plan.task if plan.editable else None,
        )
        if task is not None
    }
    return {
        "case": view,
        "names": names,
        "items": items,
        "item_titles": titles,
        "reviews": reviews,
        "plan": plan,
        "done": sum(1 for item in view.items if item.status == ItemStatus.done),
        "total": len(view.items),
        "blockers": [blocker_text(blocker, titles) for blocker in view.blockers],
        "todo": [item for item in items if item.mine] if leaver_view else [],
        "leaver_view": leaver_view,
        "may_decide": may_decide,
        "forms": forms | ({"complete", "cancel"} if may_decide else set()),
        "timeline": case_events(case, entries, names, titles, moved),
        "entries": entries,
        "customer_names": {row.customer_id: row.customer_name for row in view.reassignments},
        "refusal": None,
        "submitted": None,
        **_form_data(session, case, items),
    }


def titles_of(keys: list[str] | None, titles: Mapping[str, str]) -> str:
    """Checklist items by their titles, in the reader's language, e.g. for what a sign-off returned."""
    return "、".join(gettext_(titles.get(key, key)) for key in keys or [])


def sign_offs(entries: list[tuple[Any, Task | None]], titles: Mapping[str, str]) -> list[dict[str, Any]]:
    """Every sign-off of every round, oldest first: who, which party, the decision, when, why."""
    found = []
    for entry, _task in entries:
        if entry.entity == "offboarding" and entry.action.startswith("offboarding.review_"):
            detail = entry.detail or {}
            found.append(
                {
                    "party": detail.get("role"),
                    "round": detail.get("round"),
                    "at": entry.at,
                    "actor_id": entry.actor_id,
                    "approved": entry.action.endswith("approved"),
                    "comment": detail.get("comment") or "",
                    "returned": titles_of(detail.get("returned_items"), titles),
                }
            )
    return found


def final_confirmation(entries: list[tuple[Any, Task | None]]) -> dict[str, Any] | None:
    for entry, _task in entries:
        if entry.entity == "offboarding" and entry.action == "offboarding.completed":
            detail = entry.detail or {}
            return {
                "at": entry.at,
                "actor_id": entry.actor_id,
                "comment": detail.get("comment") or "",
                "early_reason": detail.get("early_reason") or "",
                "last_day": detail.get("last_day") or "",
            }
    return None
