"""An order's process timeline in the reader's words: submissions, each approval step's task
(opened, reminders, overdue notices, escalations, the decision), the outcome and the money."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from schemas.kernel.i18n import gettext_
from store.models import AuditEntry, Task
from web.audit.labels import action_label
from web.orders.labels import DECISION_LABELS, ORDER_EVENTS, step_label
from web.shared.labels import translated
from web.shared.templating import format_money

# The rejection's comment is shown once, on the approver's decision.
SAID_ON_THE_TASK = {"order.rejected"}


@dataclass(frozen=True)
class TimelineEvent:
    at: datetime
    text: str
    actor: str
    comment: str


def event_text(entry: AuditEntry, task: Task | None, names: Mapping[int, str]) -> str:
    """One line of the timeline, e.g. "Team manager · Escalated → 刘洋"."""
    detail = entry.detail or {}
    if entry.action in ORDER_EVENTS:
        return translated(ORDER_EVENTS[entry.action], {**detail, "amount": format_money(detail.get("amount"))})
    decision = detail.get("decision") if entry.action == "task.completed" else None
    text = gettext_(DECISION_LABELS.get(decision or "") or action_label(entry.action))
    targets = [detail["to"]] if detail.get("to") else list(detail.get("recipients") or [])
    if targets:
        text += " → " + ", ".join(names.get(t, "") for t in targets)
    step = (task.context or {}).get("step") if task is not None else None
    return f"{gettext_(step_label(step))} · {text}" if step else text


def timeline_people(entries: list[tuple[AuditEntry, Task | None]]) -> set[int | None]:
    """Everyone a timeline names: actors, escalation targets and notified holders."""
    people: set[int | None] = set()
    for entry, _task in entries:
        detail = entry.detail or {}
        people |= {entry.actor_id, detail.get("to"), *(detail.get("recipients") or [])}
    return people


def _comment(entry: AuditEntry) -> str:
    """What the person wrote with it: a decision's comment, a submission's note for the approvers."""
    if entry.action in SAID_ON_THE_TASK:
        return ""
    detail = entry.detail or {}
    return str(detail.get("comment") or (detail.get("note") if entry.action == "order.submitted" else "") or "")


def timeline(entries: list[tuple[AuditEntry, Task | None]], names: Mapping[int, str]) -> list[TimelineEvent]:
    return [
        TimelineEvent(
            at=entry.at,
            text=event_text(entry, task, names),
            actor=names.get(entry.actor_id, "") if entry.actor_id else "",
            comment=_comment(entry),
        )
        for entry, task in entries
    ]
