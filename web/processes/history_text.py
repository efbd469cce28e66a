"""A process's business events worded for one reader: names for ids, labels for codes, the task's
title in the reader's language.

The translator (web/processes/history.py) knows only what the engine recorded; the database knows
people's names and, for tasks opened as local activities, the role a task was offered to and its
title with parameters (``context.title_message``). :class:`Facts` carries those in, so wording
needs no I/O and every summary is rendered in the current reader's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from schemas.alerts import ALERT_STATUS_LABELS
from schemas.commission import SettlementStatus
from schemas.history import HistoryEvent, HistoryKind
from schemas.kernel.errors import N_
from schemas.kernel.i18n import gettext_
from web.commission.labels import KIND_LABELS
from web.commission.labels import STATUS_LABELS as SETTLEMENT_STATUS_LABELS
from web.offboarding.labels import CASE_STATUS_LABELS
from web.processes.history import ProcessEvent
from web.shared.labels import ORDER_STATUS_LABELS, ROLE_LABELS, translated

STARTED = {
    "OrderApproval": N_("Order #%(order)s submitted for approval"),
    "Offboarding": N_("Offboarding of %(person)s started"),
    "CommissionSettlement": N_("Commission settlement for %(period)s started"),
    "CommissionMonthly": N_("Monthly commission run started"),
    "AlertFollowUp": N_("Follow-up of alert #%(alert)s started: %(subject)s"),
    "RiskScan": N_("Risk scan started"),
}
PROCESS_STARTED = N_("Process started")
TASK_FOR_PERSON = N_("Task “%(title)s” for %(holder)s, due %(due)s")
TASK_FOR_ROLE = N_("Task “%(title)s” for any %(role)s, due %(due)s")
TASK_OPEN = N_("Task “%(title)s” opened, due %(due)s")
REMINDER_TO = N_("Reminder to %(holder)s about “%(title)s”")
REMINDER = N_("Reminder about “%(title)s”")
OVERDUE = N_("Overdue notice %(number)s about “%(title)s”")
ESCALATED = N_("“%(title)s” escalated to %(target)s")
DECIDED = N_("%(decision)s: “%(title)s”")
DECIDED_WITH_COMMENT = N_("%(decision)s: “%(title)s” — %(comment)s")
RETURNED_ITEMS = N_("Returned for rework: %(items)s")
ATTACHED = N_("Files attached: %(count)s")
STATUS = N_("Status: %(status)s")
DISPUTED = N_("Disputed payment #%(payment)s (%(kind)s): %(comment)s")
DISPUTE_ADJUSTED = N_("Dispute #%(dispute)s adjusted by %(amount)s: %(comment)s")
DISPUTE_REJECTED = N_("Dispute #%(dispute)s rejected: %(comment)s")
RECOMPUTE = N_("Recompute requested")
FINISHED = N_("Process finished: %(status)s")
FINISHED_PLAIN = N_("Process finished")
A_TASK = N_("a task")
SOMEONE = N_("someone")

DECISION_LABELS = {
    "approve": N_("Approved"),
    "reject": N_("Rejected"),
    "done": N_("Done"),
    "complete": N_("Departure confirmed"),
    "acknowledge": N_("Acknowledged"),
    "resolve": N_("Resolved"),
}
END_LABELS = {"failed": N_("Failed"), "terminated": N_("Stopped in the engine"), "timed_out": N_("Timed out")}
STATUS_LABELS: dict[str, str] = {
    **ORDER_STATUS_LABELS,
    **CASE_STATUS_LABELS,
    **SETTLEMENT_STATUS_LABELS,
    **ALERT_STATUS_LABELS,
    **END_LABELS,
}


@dataclass(frozen=True)
class TaskFacts:
    """What the task row knows: the role it was offered to and its title message."""

    candidate_role: str | None = None
    title_message: tuple[str, dict[str, Any]] | None = None


@dataclass(frozen=True)
class Facts:
    names: Mapping[int, str] = field(default_factory=dict)
    tasks: Mapping[str, TaskFacts] = field(default_factory=dict)
    timezone: str = "Asia/Shanghai"


def _label(labels: Mapping[str, str], code: str | None) -> str:
    if code is None:
        return ""
    return gettext_(labels[code]) if code in labels else code


class Wording:
    def __init__(self, facts: Facts) -> None:
        self.facts = facts

    def name(self, employee_id: int | None) -> str:
        if employee_id is None:
            return gettext_(SOMEONE)
        return self.facts.names.get(employee_id) or f"#{employee_id}"

    def time(self, value: datetime | None) -> str:
        return value.astimezone(ZoneInfo(self.facts.timezone)).strftime("%Y-%m-%d %H:%M") if value else "—"

    def title(self, event: ProcessEvent) -> str:
        known = self.facts.tasks.get(event.task_id or "")
        message = known.title_message if known and known.title_message else event.title
        if message is None:
            return gettext_(A_TASK)
        return translated(message[0], message[1])

    def role(self, event: ProcessEvent) -> str | None:
        known = self.facts.tasks.get(event.task_id or "")
        return event.candidate_role or (known.candidate_role if known else None)

    def summary(self, event: ProcessEvent) -> str:
        kind = event.kind
        if kind == HistoryKind.started:
            return translated(STARTED.get(event.process, PROCESS_STARTED), self._params(event))
        if kind == HistoryKind.task_created:
            return self.task_created(event)
        if kind == HistoryKind.reminder_sent:
            if event.assignee_id is not None:
                return gettext_(REMINDER_TO, holder=self.name(event.assignee_id), title=self.title(event))
            return gettext_(REMINDER, title=self.title(event))
        if kind == HistoryKind.overdue_notice:
            return gettext_(OVERDUE, number=event.sequence or 1, title=self.title(event))
        if kind == HistoryKind.escalated:
            return gettext_(ESCALATED, title=self.title(event), target=self.name(event.to_id))
        if kind == HistoryKind.task_completed:
            return self.decided(event)
        if kind == HistoryKind.status_changed:
            return self.status_changed(event)
        if event.status:
            return gettext_(FINISHED, status=_label(STATUS_LABELS, event.status))
        return gettext_(FINISHED_PLAIN)

    def _params(self, event: ProcessEvent) -> dict[str, Any]:
        """What the process was started about (its order, person, period or alert)."""
        return dict(event.data)

    def task_created(self, event: ProcessEvent) -> str:
        due, title = self.time(event.due_at), self.title(event)
        if event.assignee_id is not None:
            return gettext_(TASK_FOR_PERSON, title=title, holder=self.name(event.assignee_id), due=due)
        role = self.role(event)
        if role:
            return gettext_(TASK_FOR_ROLE, title=title, role=_label(ROLE_LABELS, role), due=due)
        return gettext_(TASK_OPEN, title=title, due=due)

    def decided(self, event: ProcessEvent) -> str:
        decision, title = _label(DECISION_LABELS, event.decision), self.title(event)
        text = (
            gettext_(DECIDED_WITH_COMMENT, decision=decision, title=title, comment=event.comment)
            if event.comment
            else gettext_(DECIDED, decision=decision, title=title)
        )
        if event.decision == "reject" and event.returned:
            items = [item if isinstance(item, str) else translated(item[0], item[1]) for item in event.returned]
            text += "; " + gettext_(RETURNED_ITEMS, items="、".join(items))
        if event.attachment_ids:
            text += "; " + gettext_(ATTACHED, count=len(event.attachment_ids))
        return text

    def status_changed(self, event: ProcessEvent) -> str:
        status, data, comment = event.status or "", event.data, event.comment or ""
        if status == "disputed":
            return gettext_(
                DISPUTED,
                payment=data.get("payment_id", ""),
                kind=_label(KIND_LABELS, data.get("kind")),
                comment=comment,
            )
        if status == "dispute_adjusted":
            return gettext_(
                DISPUTE_ADJUSTED, dispute=data.get("dispute_id", ""), amount=data.get("amount", ""), comment=comment
            )
        if status == "dispute_rejected":
            return gettext_(DISPUTE_REJECTED, dispute=data.get("dispute_id", ""), comment=comment)
        if status == SettlementStatus.computing and event.actor_id is not None:
            return gettext_(RECOMPUTE)
        text = gettext_(STATUS, status=_label(STATUS_LABELS, status))
        return f"{text} — {comment}" if comment else text


def history_event(event: ProcessEvent, wording: Wording) -> HistoryEvent:
    """The API's view of one event, its summary in the current reader's language."""
    return HistoryEvent(
        event_id=event.event_id,
        at=event.at,
        kind=event.kind,
        actor_id=event.actor_id,
        actor_name=wording.name(event.actor_id) if event.actor_id is not None else None,
        summary=wording.summary(event),
        task_id=event.task_id,
        assignee_id=event.assignee_id,
        candidate_role=wording.role(event) if event.kind == HistoryKind.task_created else None,
        due_at=event.due_at,
        decision=event.decision,
        comment=event.comment,
        attachment_ids=list(event.attachment_ids),
        data=dict(event.data),
        to_id=event.to_id,
        status=event.status,
    )
