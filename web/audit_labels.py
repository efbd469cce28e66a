"""How an audit entry reads on the audit page: the action in words, the record it is about with a
link where that record has a page, and its detail as before → after lines.

Actions not named here show as stored (``payment.refund``): the log keeps growing new kinds of
entry and an unnamed one must still be readable, never hidden.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from schemas.errors import N_

ACTION_LABELS = {
    "account.login": N_("Logged in"), "account.logout": N_("Logged out"),
    "account.login_failed": N_("Failed login"),
    "employee.created": N_("Employee added"), "team.created": N_("Team created"),
    "setting.changed": N_("Company setting changed"), "policy.changed": N_("Deadline policy changed"),
    "delegation.created": N_("Stand-in set"), "delegation.cancelled": N_("Stand-in cancelled"),
    "team_rule.added": N_("Team rule added"), "team_rule.removed": N_("Team rule removed"),
    "customer.created": N_("Customer created"), "customer.reassigned": N_("Customer reassigned"),
    "customer.reclaimed": N_("Customer reclaimed into the pool"), "customer.deleted": N_("Customer deleted"),
    "contact.added": N_("Contact added"), "interaction.recorded": N_("Communication recorded"),
    "complaint.recorded": N_("Complaint recorded"), "import.committed": N_("Import committed"),
    "service.created": N_("Service created"), "order.submitted": N_("Order submitted"),
    "order.approved": N_("Order approved"), "order.rejected": N_("Order rejected"),
    "order.expired": N_("Order expired"), "order.cancelled": N_("Order cancelled"),
    "payment.payment": N_("Payment recorded"), "payment.refund": N_("Refund recorded"),
    "commission.plan": N_("Commission plan changed"), "commission.export": N_("Commission exported"),
    "commission.settlement_opened": N_("Settlement opened"), "commission.locked": N_("Settlement locked"),
    "commission.dispute": N_("Commission disputed"), "commission.correction": N_("Commission corrected"),
    "offboarding.started": N_("Offboarding started"), "offboarding.completed": N_("Offboarding completed"),
    "offboarding.cancelled": N_("Offboarding cancelled"), "attachment.added": N_("Attachment added"),
    "task.opened": N_("Task opened"), "task.completed": N_("Completed"), "task.cancelled": N_("Cancelled"),
}

ENTITY_LABELS = {
    "account": N_("Account"), "employee": N_("Employee"), "team": N_("Team"), "setting": N_("Company setting"),
    "deadline_policy": N_("Deadline policy"), "team_rule": N_("Team rule"), "customer": N_("Customer"),
    "order": N_("Order"), "service": N_("Service"), "offboarding": N_("Offboarding"), "task": N_("Task"),
    "attachment": N_("Attachment"), "import_job": N_("Import"), "commission_plan": N_("Commission plan"),
    "commission_settlement": N_("Commission settlement"), "commission_dispute": N_("Commission dispute"),
    "commission_adjustment": N_("Commission correction"),
}

# Records that have a page of their own.
ENTITY_PAGES = {"customer": "/customers/{}", "order": "/orders/{}", "offboarding": "/offboardings/{}",
                "commission_settlement": "/commission/{}", "task": "/tasks/{}"}

# Why verification failed, for the reader.
BREAK_REASONS = {
    "edited": N_("This entry was changed after it was written."),
    "missing_predecessor": N_("The entry before this one was deleted or rewritten."),
    "out_of_order": N_("The entries around this one were moved, swapped or inserted."),
    "truncated": N_("The newest entries were removed: the noted head of the log is gone."),
}


@dataclass(frozen=True)
class DetailLine:
    """One fact of an entry; ``before`` is set when the entry records a change of it."""

    key: str
    value: str
    before: str | None = None


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


def entity_label(entity: str) -> str:
    return ENTITY_LABELS.get(entity, entity)


def entity_page(entity: str, entity_id: str) -> str | None:
    page = ENTITY_PAGES.get(entity)
    return page.format(entity_id) if page and entity_id else None


def shown(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def detail_lines(detail: dict[str, Any] | None) -> list[DetailLine]:
    """``before``/``after`` become one line per changed field; every other key is a line of its own."""
    detail = detail or {}
    lines: list[DetailLine] = []
    if "before" in detail and "after" in detail:
        before, after = detail["before"], detail["after"]
        if isinstance(before, dict) and isinstance(after, dict):
            for key in sorted(set(before) | set(after)):
                if before.get(key) != after.get(key):
                    lines.append(DetailLine(key, shown(after.get(key)), shown(before.get(key))))
        else:
            lines.append(DetailLine("value", shown(after), shown(before)))
    for key in sorted(detail):
        if key not in ("before", "after"):
            lines.append(DetailLine(key, shown(detail[key])))
    return lines
