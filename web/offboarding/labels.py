"""What the offboarding pages call things: case, item and sign-off statuses, the parties, what each
kind of evidence asks for, the blockers, and the problems a refused step comes back with.

Every label is an English message id, translated where it is shown. Problems from the workflow's
validator arrive in plain English; they get their message id by code here (a comment missing on a
checklist item reads differently from one missing on a rejection), then fall back to the order
pages' wording.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from schemas.kernel.errors import N_
from schemas.kernel.i18n import gettext_
from schemas.offboarding import PARTY_LABELS, Evidence, ItemStatus, OffboardingStatus, PlanStatus, ReviewStatus
from web.shared.labels import label_filter, problem_text, translated

CASE_STATUS_LABELS: dict[str, str] = {
    OffboardingStatus.handover: N_("Handing over"),
    OffboardingStatus.review: N_("In review"),
    OffboardingStatus.final: N_("Awaiting final confirmation"),
    OffboardingStatus.completed: N_("Completed"),
    OffboardingStatus.cancelled: N_("Cancelled"),
}
# "open" filters the cases still in progress, whatever their step.
LIST_FILTERS: dict[str, str] = {"open": N_("In progress"), **CASE_STATUS_LABELS}
ITEM_STATUS_LABELS: dict[str, str] = {
    ItemStatus.open: N_("Not done"),
    ItemStatus.done: N_("Completed"),
    ItemStatus.returned: N_("Returned for rework"),
}
REVIEW_STATUS_LABELS: dict[str, str] = {
    ReviewStatus.pending: N_("Awaiting sign-off"),
    ReviewStatus.approved: N_("Signed off"),
    ReviewStatus.rejected: N_("Returned for rework"),
}
MOVE_LABELS: dict[str, str] = {
    PlanStatus.proposed: N_("Proposed"),
    PlanStatus.executed: N_("Moved"),
    PlanStatus.cancelled: N_("Not moved"),
}
EVIDENCE_HINTS: dict[str, str] = {
    Evidence.attachment: N_("Upload at least one file as evidence, then mark it done."),
    Evidence.orders: N_("Say for every customer still owing money how and by whom it will be collected."),
    Evidence.followups: N_("Record a follow-up with every customer since the handover began, then mark it done."),
    Evidence.declaration: N_("Write the declaration."),
    Evidence.comment: N_("Say in the comment what you handed over."),
}
BLOCKER_TEXTS = {"item_open": N_("Not done: %(item)s"), "review_missing": N_("Sign-off missing: %(party)s")}
ITEM_PROBLEMS = {"comment_required": N_("Say in the comment what you handed over.")}
STEP_PROBLEMS = {
    "items_required": N_("Name the checklist items that must be redone."),
    "declaration_required": N_("Write the declaration."),
}


def blocker_text(blocker: Mapping[str, Any], item_titles: Mapping[str, str]) -> str:
    """One thing that keeps the case open, e.g. "Not done: Confirm receivables"."""
    code = str(blocker.get("code") or "")
    if code == "item_open":
        key = str(blocker.get("key") or "")
        return gettext_(BLOCKER_TEXTS[code], item=gettext_(item_titles.get(key, key)))
    if code == "review_missing":
        role = str(blocker.get("role") or "")
        return gettext_(BLOCKER_TEXTS[code], party=gettext_(PARTY_LABELS.get(role, role)))
    return translated(str(blocker.get("message") or code), {})


def step_problem_text(detail: Mapping[str, Any], kind: str, customers: Mapping[int, str]) -> str:
    """One problem of a refused step, naming the customer it concerns when there is one."""
    code = str(detail.get("code") or "")
    message = (ITEM_PROBLEMS.get(code) if kind == "handover_item" else None) or STEP_PROBLEMS.get(code)
    text = gettext_(message) if message else problem_text(detail)
    customer = detail.get("customer") or customers.get(detail.get("customer_id") or 0)
    if customer:
        return f"{customer}: {text}"
    if detail.get("order_id"):
        return gettext_(N_("Order #%(order)s"), order=detail["order_id"]) + f": {text}"
    return text


FILTERS: dict[str, Callable[..., Any]] = {
    name: label_filter(labels, blank="—")
    for name, labels in (
        ("case_status_label", CASE_STATUS_LABELS),
        ("item_status_label", ITEM_STATUS_LABELS),
        ("review_status_label", REVIEW_STATUS_LABELS),
        ("party_label", PARTY_LABELS),
        ("move_label", MOVE_LABELS),
        ("evidence_hint", EVIDENCE_HINTS),
    )
}
