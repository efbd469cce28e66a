"""Words every area uses: a message id with its parameters in the reader's language, a refused
field's problem, and the names of the codes several areas show (roles, contact channels, order
and employee statuses, customer sizes).

Labels are English message ids, translated where they are shown. A template names a code through
a filter (``{{ _(role|role_label) }}``); each area's ``labels`` module lists its own filters in a
``FILTERS`` table and web/shared/templating.py installs every table in one place.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from schemas.kernel.errors import N_
from schemas.kernel.i18n import gettext_
from schemas.orders import OrderStatus
from schemas.org import EmployeeStatus

ROLE_LABELS = {
    "sales": N_("salesperson"),
    "sales_manager": N_("sales manager"),
    "department_head": N_("department head"),
    "hr": N_("HR"),
    "finance": N_("finance"),
    "admin": N_("administrator"),
}
CHANNEL_LABELS = {
    "phone": N_("Phone"),
    "wechat": N_("WeChat"),
    "email": N_("E-mail"),
    "visit": N_("Visit"),
    "other": N_("Other"),
}
ORDER_STATUS_LABELS: dict[str, str] = {
    OrderStatus.pending_approval: N_("Awaiting approval"),
    OrderStatus.approved: N_("Approved"),
    OrderStatus.rejected: N_("Rejected"),
    OrderStatus.expired: N_("Expired"),
    OrderStatus.cancelled: N_("Cancelled"),
}
SIZE_LABELS = {"small": N_("Small"), "medium": N_("Medium"), "large": N_("Large")}
EMPLOYEE_STATUS_LABELS: dict[str, str] = {
    EmployeeStatus.active: N_("Active"),
    EmployeeStatus.offboarding: N_("In offboarding"),  # while a handover runs
    EmployeeStatus.departed: N_("Departed"),
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
    """One problem of a refusal (``{"code", "message", "params"}``) in the reader's language."""
    code = str(detail.get("code") or "")
    message = PROBLEM_MESSAGES.get(code) or str(detail.get("message") or "")
    return translated(message, detail.get("params") or {}) if message else code


def label_filter(labels: Mapping[Any, str], *, blank: str | None = None) -> Callable[[Any], Any]:
    """A template filter naming a code by ``labels``: a code not named shows as stored, and with
    ``blank`` an empty one shows as ``blank``."""

    def label(value: Any) -> Any:
        shown = value if blank is None else value or blank
        return labels.get(str(value), shown)

    return label


FILTERS: dict[str, Callable[..., Any]] = {
    "role_label": label_filter(ROLE_LABELS),
    "channel_label": label_filter(CHANNEL_LABELS),
    "order_status_label": label_filter(ORDER_STATUS_LABELS),
    "size_label": label_filter(SIZE_LABELS),
    "status_label": label_filter(EMPLOYEE_STATUS_LABELS),
}
