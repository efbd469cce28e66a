"""What the order and payment pages call things: approval steps, approver warnings, the events of
an order's timeline, and the problems a refused order or payment comes back with.

Problems arrive as ``{"code", "message", "params", "line"?, "field"?, "row"?}`` with a message id
as ``message``, translated with its parameters by ``problem_text`` (web/shared/labels.py), so every
problem reads in the reader's language.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from schemas.kernel.errors import N_
from schemas.orders import APPROVALS
from web.shared.labels import label_filter, translated

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


def warning_text(warning: Mapping[str, Any]) -> str:
    code = str(warning.get("code") or "")
    return translated(WARNING_LABELS[code], warning) if code in WARNING_LABELS else code


def step_label(step: str | None) -> str:
    return STEP_LABELS.get(step or "", step or "—")


FILTERS: dict[str, Callable[..., Any]] = {
    "step_label": step_label,
    "decision_label": label_filter(DECISION_LABELS, blank="—"),
    "payment_kind_label": label_filter(PAYMENT_KIND_LABELS),
}
