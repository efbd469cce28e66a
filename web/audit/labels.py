"""What the audit log calls things: each action and kind of record, each detail field and the
codes stored as values, in English message ids translated where they are shown; the action filter's
list, and the actions a person's words name. (How a whole entry reads: web/audit/entries.py.)

Actions not named here show as stored (``payment.refund``): the log keeps growing new kinds of
entry and an unnamed one must still be readable, never hidden.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from schemas.kernel.errors import N_
from schemas.kernel.i18n import gettext_

ACTION_LABELS = {
    "account.login": N_("Logged in"),
    "account.logout": N_("Logged out"),
    "account.login_failed": N_("Failed login"),
    "account.login_throttled": N_("Login refused: too many failures"),
    "employee.created": N_("Employee added"),
    "team.created": N_("Team created"),
    "setting.changed": N_("Company setting changed"),
    "policy.changed": N_("Deadline policy changed"),
    "delegation.created": N_("Stand-in set"),
    "delegation.cancelled": N_("Stand-in cancelled"),
    "team_rule.added": N_("Team rule added"),
    "team_rule.removed": N_("Team rule removed"),
    "customer.created": N_("Customer created"),
    "customer.reassigned": N_("Customer reassigned"),
    "customer.reclaimed": N_("Customer reclaimed into the pool"),
    "customer.claimed": N_("Customer claimed from the pool"),
    "customer.deleted": N_("Customer deleted"),
    "contact.added": N_("Contact added"),
    "interaction.recorded": N_("Communication recorded"),
    "complaint.recorded": N_("Complaint recorded"),
    "import.committed": N_("Import committed"),
    "service.created": N_("Service created"),
    "order.submitted": N_("Order submitted"),
    "order.approved": N_("Order approved"),
    "order.rejected": N_("Order rejected"),
    "order.expired": N_("Order expired"),
    "order.cancelled": N_("Order cancelled"),
    "payment.payment": N_("Payment recorded"),
    "payment.refund": N_("Refund recorded"),
    "commission.plan": N_("Commission plan changed"),
    "commission.export": N_("Commission exported"),
    "commission.settlement_opened": N_("Settlement opened"),
    "commission.locked": N_("Settlement locked"),
    "commission.dispute": N_("Commission disputed"),
    "commission.correction": N_("Commission corrected"),
    "offboarding.started": N_("Offboarding started"),
    "offboarding.completed": N_("Offboarding completed"),
    "offboarding.cancelled": N_("Offboarding cancelled"),
    "attachment.added": N_("Attachment added"),
    "task.opened": N_("Task opened"),
    "task.completed": N_("Task completed"),
    "task.cancelled": N_("Task cancelled"),
    "task.claimed": N_("Task claimed"),
    "task.released": N_("Task released to the team"),
    "task.reminder_sent": N_("Reminder sent"),
    "task.overdue_notice": N_("Overdue notice sent"),
    "task.escalated": N_("Task escalated"),
    "task.escalation_exhausted": N_("Nobody left to escalate to"),
    "commission.computing": N_("Settlement computing"),
    "commission.employee_review": N_("Statements out for review"),
    "commission.manager_review": N_("Settlement with the managers"),
    "commission.finance_review": N_("Settlement with finance"),
    "commission.dispute_adjusted": N_("Commission dispute adjusted"),
    "commission.dispute_rejected": N_("Commission dispute rejected"),
    "offboarding.checklist": N_("Handover checklist laid out"),
    "offboarding.item_done": N_("Checklist item done"),
    "offboarding.review_approved": N_("Offboarding signed off"),
    "offboarding.review_rejected": N_("Offboarding sent back for rework"),
    "alert.acknowledged": N_("Alert acknowledged"),
    "alert.resolved": N_("Alert resolved"),
    "alert_rule.changed": N_("Alert rule changed"),
    "customer_report.export": N_("Customer report exported"),
}
# Actions written with a running number (the second overdue notice, the third escalation level).
NUMBERED_ACTIONS = ("task.overdue_notice", "task.escalated", "task.escalation_exhausted")

ENTITY_LABELS = {
    "account": N_("Account"),
    "employee": N_("Employee"),
    "team": N_("Team"),
    "setting": N_("Company setting"),
    "deadline_policy": N_("Deadline policy"),
    "team_rule": N_("Team rule"),
    "customer": N_("Customer"),
    "order": N_("Order"),
    "service": N_("Service"),
    "offboarding": N_("Offboarding"),
    "task": N_("Task"),
    "attachment": N_("Attachment"),
    "import_job": N_("Import"),
    "commission_plan": N_("Commission plan"),
    "commission_settlement": N_("Commission settlement"),
    "commission_dispute": N_("Commission dispute"),
    "commission_adjustment": N_("Commission correction"),
    "alert": N_("Risk alert"),
    "alert_rule": N_("Alert rule"),
    "customer_report": N_("Customer report"),
}

# What each detail field is called (fields not named here read with their key).
FIELD_LABELS = {
    "kind": N_("Kind"),
    "assignee_id": N_("Assigned to"),
    "role": N_("Offered to"),
    "delegated_from_id": N_("Standing in for"),
    "due_at": N_("Due"),
    "decision": N_("Decision"),
    "comment": N_("Comment"),
    "attachments": N_("Files"),
    "recipients": N_("Told"),
    "to": N_("Changed to"),
    "from": N_("Changed from"),
    "offboarding_id": N_("Offboarding"),
    "orders": N_("Orders"),
    "region": N_("Region"),
    "industry": N_("Industry"),
    "size": N_("Size"),
    "team_id": N_("Team"),
    "name": N_("Name"),
    "manager_id": N_("Manager"),
    "username": N_("Username"),
    "roles": N_("Roles"),
    "format": N_("Format"),
    "customers": N_("Customers"),
    "without_follow_up": N_("Without follow-up"),
    "task_id": N_("Task"),
    "filename": N_("File"),
    "sha256": N_("Checksum"),
    "payment_id": N_("Payment"),
    "amount": N_("Amount"),
    "paid_at": N_("Paid at"),
    "delegate_id": N_("Stand-in"),
    "starts_on": N_("From"),
    "ends_on": N_("Until"),
    "reason": N_("Reason"),
    "delegation_id": N_("Stand-in"),
    "statements": N_("Statements"),
    "employee_id": N_("Employee"),
    "corrects_period": N_("Corrects month"),
    "into": N_("Into month"),
    "effective_from": N_("Effective from"),
    "tiers": N_("Tiers"),
    "service_rates": N_("Service rates"),
    "hold_forfeit_days": N_("Held commission forfeited after (days)"),
    "revision": N_("Revision"),
    "total": N_("Total"),
    "requested_date": N_("Requested date"),
    "lines": N_("Lines"),
    "last_day": N_("Last working day"),
    "key": N_("Checklist item"),
    "round": N_("Round"),
    "data": N_("Details"),
    "returned_items": N_("Returned for rework"),
    "items": N_("Checklist items"),
    "order_freeze": N_("Order freeze"),
    "enabled": N_("Enabled"),
    "severity": N_("Risk"),
    "owner_id": N_("Owner"),
    "contact_id": N_("Contact"),
    "is_key": N_("Key contact"),
    "interaction_id": N_("Communication record"),
    "by_owner": N_("By the owner"),
    "corrects_id": N_("Corrects record"),
    "complaint_id": N_("Complaint"),
    "silent_days": N_("Silent for (days)"),
    "channel": N_("Channel"),
    "client": N_("Network address"),
    "created": N_("Created"),
    "skipped": N_("Skipped"),
    "note": N_("Note"),
    "value": N_("Setting value"),
    "calendar": N_("Calendar"),
    "due_in": N_("Due after"),
    "remind_before": N_("Reminder before due"),
    "repeat_every": N_("Overdue notice every"),
    "escalate_after": N_("Escalate after due"),
    "declaration": N_("Declaration"),
    "order_id": N_("Order"),
    "collection_plan": N_("Collection plan"),
    "customer_id": N_("Customer"),
    "early": N_("Before the last day"),
    "version": N_("Version"),
}
# Codes stored as values, in words: task kinds, login channels and refusals, calendars.
VALUE_LABELS = {
    "order_approval": N_("Order approval"),
    "handover_item": N_("Handover checklist item"),
    "reassignment_plan": N_("Customer reassignment plan"),
    "offboarding_review": N_("Offboarding sign-off"),
    "offboarding_final": N_("Final offboarding confirmation"),
    "commission_review": N_("Commission review"),
    "commission_approval": N_("Commission approval"),
    "alert_followup": N_("Alert follow-up"),
    "page": N_("Web page"),
    "api": N_("API"),
    "unknown_user": N_("Unknown user name"),
    "wrong_password": N_("Wrong password"),
    "departed": N_("Has left the company"),
    "wall": N_("Wall clock"),
    "working_days": N_("Working days"),
}

# Why verification failed, for the reader.
BREAK_REASONS = {
    "edited": N_("This entry was changed after it was written."),
    "missing_predecessor": N_("The entry before this one was deleted or rewritten."),
    "out_of_order": N_("The entries around this one were moved, swapped or inserted."),
    "truncated": N_("The newest entries were removed: the noted head of the log is gone."),
}


def action_code(action: str) -> str:
    """The action without its running number: ``task.overdue_notice.2`` → ``task.overdue_notice``."""
    stem, _, number = action.rpartition(".")
    return stem if number.isdigit() and stem in NUMBERED_ACTIONS else action


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action_code(action), action)


def action_choices() -> list[tuple[str, str]]:
    """Every named action as (code, label in the reader's language), by label: the filter's list."""
    return sorted(((code, gettext_(label)) for code, label in ACTION_LABELS.items()), key=lambda pair: pair[1])


def actions_matching(text: str) -> tuple[str, ...]:
    """The actions whose label, in the reader's language or in English, contains ``text``."""
    wanted = text.strip().casefold()
    return tuple(
        code
        for code, label in ACTION_LABELS.items()
        if wanted in gettext_(label).casefold() or wanted in label.casefold()
    )


def entity_label(entity: str) -> str:
    return ENTITY_LABELS.get(entity, entity)


FILTERS: dict[str, Callable[..., Any]] = {"audit_label": action_label, "audit_entity": entity_label}
