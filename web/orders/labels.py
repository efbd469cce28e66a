"""What the order and payment pages call things: approval steps, approver warnings, the events of
an order's timeline, and the problems a refused order or payment comes back with.

Problems arrive as ``{"code", "message", "params", "line"?, "field"?, "row"?}`` with a message id
as ``message``, translated here with its parameters; a source that still writes plain English
gets its message id by code (:data:`PROBLEM_MESSAGES`), so every problem reads in the reader's
language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from schemas.kernel.errors import N_
from schemas.kernel.i18n import gettext_
from schemas.orders import APPROVALS

STEP_LABELS: dict[str, str] = {approval.step: approval.label for approval in APPROVALS}
WARNING_LABELS = {
    "close_to_credit_limit": N_("Close to the credit limit (%(used)s used)"),
    "unusual_discount": N_("Unusual discount: %(services)s"),
    "new_customer": N_("New customer"),
}
DECISION_LABELS = {"approve": N_("Approved"), "reject": N_("Rejected")}
PAYMENT_KIND_LABELS = {"payment": N_("Payment"), "refund": N_("Refund")}
ORDER_EVENTS = {
    "order.submitted": N_("Submitted for approval (revision %(revision)s)"),
    "order.approved": N_("Order approved"),
    "order.rejected": N_("Order rejected"),
    "order.expired": N_("Expired without a decision"),
    "order.cancelled": N_("Order cancelled"),
    "payment.payment": N_("Payment recorded: %(amount)s"),
    "payment.refund": N_("Refund recorded: %(amount)s"),
}
# Problems whose source writes plain English (the human-step validator), by their stable code.
PROBLEM_MESSAGES = {"comment_required": N_("Write why you reject: a comment is required.")}


class _Unknown(dict[str, Any]):
    """Parameters where one the message names is missing: it reads as a dash, never as ``%(name)s``."""

    def __missing__(self, key: str) -> str:
        return "—"


def translated(message: str, params: Mapping[str, Any]) -> str:
    """A message id in the reader's language with its parameters; one it names but was not given
    reads as a dash, never as ``%(name)s``."""
    text = gettext_(message)
    if not params and "%(" not in text:
        return text
    try:
        return text % _Unknown(params)
    except (ValueError, TypeError):  # a stray "%" in a text that is not a template
        return text


def problem_text(detail: Mapping[str, Any]) -> str:
    code = str(detail.get("code") or "")
    message = PROBLEM_MESSAGES.get(code) or str(detail.get("message") or "")
    return translated(message, detail.get("params") or {}) if message else code


def warning_text(warning: Mapping[str, Any]) -> str:
    code = str(warning.get("code") or "")
    return translated(WARNING_LABELS[code], warning) if code in WARNING_LABELS else code


def step_label(step: str | None) -> str:
    return STEP_LABELS.get(step or "", step or "—")
