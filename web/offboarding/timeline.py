"""An offboarding's timeline in the reader's words: the case's own events (started, each item done,
the customers moved, every sign-off, the end) and its tasks' (opened, reminders, overdue notices,
escalations, decisions), each task line led by the task's title."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from schemas.kernel.errors import N_
from schemas.kernel.i18n import gettext_
from store.models import AuditEntry, Offboarding, Task
from web.audit.labels import action_label
from web.offboarding.labels import PARTY_LABELS
from web.orders.labels import DECISION_LABELS
from web.orders.timeline import TimelineEvent
from web.shared.labels import translated
from web.shared.templating import task_title

CASE_EVENTS = {
    "offboarding.started": N_("Offboarding started; last working day %(last_day)s"),
    "offboarding.checklist": N_("Checklist laid out; the orders are frozen"),
    "offboarding.item_done": N_("Done: %(item)s"),
    "offboarding.review_approved": N_("%(party)s signed off"),
    "offboarding.review_rejected": N_("%(party)s returned items for rework"),
    "offboarding.completed": N_("Departure confirmed"),
    "offboarding.cancelled": N_("Offboarding cancelled"),
}
EARLY_COMPLETED = N_("Early departure confirmed, before the last working day %(last_day)s: %(early_reason)s")
PLAN_EXECUTED = N_("Customer plan executed: %(count)s customers moved")
PLAN_KIND = "reassignment_plan"
SAID_BY_THE_CASE = {"handover_item", "offboarding_review", "offboarding_final"}
TASK_DECISIONS = {**DECISION_LABELS, "done": N_("Done"), "complete": N_("Departure confirmed")}


def _case_text(entry: AuditEntry, item_titles: Mapping[str, str]) -> str:
    detail = entry.detail or {}
    key = str(detail.get("key") or "")
    role = str(detail.get("role") or "")
    params = {**detail, "item": gettext_(item_titles.get(key, key)), "party": gettext_(PARTY_LABELS.get(role, role))}
    if entry.action == "offboarding.completed" and detail.get("early_reason"):
        return translated(EARLY_COMPLETED, params)
    return translated(CASE_EVENTS[entry.action], params)


def _task_text(entry: AuditEntry, task: Task | None, names: Mapping[int, str]) -> str:
    detail = entry.detail or {}
    decision = detail.get("decision") if entry.action == "task.completed" else None
    text = gettext_(TASK_DECISIONS.get(decision or "") or action_label(entry.action))
    targets = [detail["to"]] if detail.get("to") else list(detail.get("recipients") or [])
    if targets:
        text += " → " + ", ".join(names.get(target, "") for target in targets)
    return f"{task_title(task)} · {text}" if task is not None else text


def case_events(
    case: Offboarding,
    entries: list[tuple[AuditEntry, Task | None]],
    names: Mapping[int, str],
    item_titles: Mapping[str, str],
    moved: int,
) -> list[TimelineEvent]:
    """The timeline, oldest first. Each decision is one line with its comment: an item done, a
    sign-off and the confirmation are the case's own events, so their tasks' completions are left
    out; the plan's execution (one audit entry per customer, kept on the customers) is one line
    after the plan's approval."""
    events = []
    plan_line = (
        TimelineEvent(at=case.plan_executed_at, text=gettext_(PLAN_EXECUTED, count=moved), actor="", comment="")
        if case.plan_executed_at is not None
        else None
    )
    for entry, task in entries:
        own = entry.entity == "offboarding"
        decided = task.kind if entry.action == "task.completed" and task is not None else None
        if (own and entry.action not in CASE_EVENTS) or decided in SAID_BY_THE_CASE:
            continue
        text = _case_text(entry, item_titles) if own else _task_text(entry, task, names)
        events.append(
            TimelineEvent(
                at=entry.at,
                text=text,
                actor=names.get(entry.actor_id, "") if entry.actor_id else "",
                comment=_comment(entry, task),
            )
        )
        if plan_line is not None and decided == PLAN_KIND:
            events.append(plan_line)
            plan_line = None
    if plan_line is not None:  # no plan to approve (no customers): executed when the case began
        events.append(plan_line)
        events.sort(key=lambda event: _naive(event.at))
    return events


def _comment(entry: AuditEntry, task: Task | None) -> str:
    """A comment is shown once: on the case's event (item done, sign-off, the end) or on the
    plan's approval."""
    detail = entry.detail or {}
    if entry.entity == "offboarding":
        return str(detail.get("comment") or detail.get("reason") or "")
    said_here = entry.action == "task.completed" and task is not None and task.kind == PLAN_KIND
    return str(detail.get("comment") or "") if said_here else ""


def _naive(moment: datetime) -> datetime:
    """Audit times are kept to the second; compare them with the plan's time on one footing."""
    return moment.replace(tzinfo=None, microsecond=0)
