"""Jinja2 environment with the translation catalogue, and the one ``render`` helper pages use."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.responses import HTMLResponse

from schemas.alerts import RULE_LABELS, SEVERITY_LABELS
from schemas.kernel import i18n
from schemas.kernel.errors import N_
from schemas.links import case_page
from store.models.base import utcnow
from web.audit.labels import action_label as audit_label
from web.orders.labels import DECISION_LABELS, PAYMENT_KIND_LABELS, step_label
from web.shared.auth import session_principal
from web.shared.csrf import expected_token
from web.shared.navigation import navigation_for

TEMPLATES_DIR = Path(__file__).resolve().parents[1] / "templates"

_environment = Environment(
    loader=FileSystemLoader(TEMPLATES_DIR), autoescape=select_autoescape(), extensions=["jinja2.ext.i18n"]
)
templates = Jinja2Templates(env=_environment)
templates.env.install_gettext_callables(  # type: ignore[attr-defined]
    lambda message: i18n.gettext_(message),
    lambda singular, plural, n: i18n.translations(i18n.current_language.get()).ngettext(singular, plural, n),
    newstyle=True,
)


def format_money(value: Decimal | int | float | str | None) -> str:
    if value is None:
        return "—"
    return f"¥{Decimal(str(value)):,.2f}"


def local_time(value: datetime | None, timezone: str = "Asia/Shanghai", fmt: str = "%Y-%m-%d %H:%M") -> str:
    if value is None:
        return "—"
    return value.astimezone(ZoneInfo(timezone)).strftime(fmt)


def process_page(task: Any) -> str | None:
    """Where the task's case is seen whole (the order, the handover, the settlement, the alert)."""
    return case_page(getattr(task, "process", None), getattr(task, "process_id", None))


def task_title(task: Any) -> str:
    """A task's title in the reader's language (rows keep the message id and its parameters)."""
    message = (getattr(task, "context", None) or {}).get("title_message")
    if message and isinstance(message, list) and len(message) == 2:
        return i18n.gettext_(message[0], **message[1]) if message[1] else i18n.gettext_(message[0])
    return str(getattr(task, "title", ""))


def due_soon(task: Any, within: timedelta = timedelta(hours=24)) -> bool:
    due = getattr(task, "due_at", None)
    return due is not None and due - utcnow() <= within


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
ORDER_STATUS_LABELS = {
    "pending_approval": N_("Awaiting approval"),
    "approved": N_("Approved"),
    "rejected": N_("Rejected"),
    "expired": N_("Expired"),
    "cancelled": N_("Cancelled"),
}
SIZE_LABELS = {"small": N_("Small"), "medium": N_("Medium"), "large": N_("Large")}
STATUS_LABELS = {"active": N_("Active"), "offboarding": N_("In offboarding"), "departed": N_("Departed")}


templates.env.filters["money"] = format_money
templates.env.filters["local_time"] = local_time
templates.env.filters["task_title"] = task_title
templates.env.filters["process_page"] = process_page
templates.env.filters["due_soon"] = due_soon
templates.env.filters["role_label"] = lambda role: ROLE_LABELS.get(role, role)
templates.env.filters["audit_label"] = audit_label
templates.env.filters["channel_label"] = lambda channel: CHANNEL_LABELS.get(channel, channel)
templates.env.filters["order_status_label"] = lambda status: ORDER_STATUS_LABELS.get(status, status)
templates.env.filters["size_label"] = lambda size: SIZE_LABELS.get(size, size)
templates.env.filters["status_label"] = lambda status: STATUS_LABELS.get(status, status)
templates.env.filters["step_label"] = step_label
templates.env.filters["decision_label"] = lambda decision: DECISION_LABELS.get(decision, decision or "—")
templates.env.filters["payment_kind_label"] = lambda kind: PAYMENT_KIND_LABELS.get(kind, kind)
templates.env.filters["alert_rule_label"] = lambda rule: RULE_LABELS.get(rule, rule)
templates.env.filters["severity_label"] = lambda severity: SEVERITY_LABELS.get(severity, severity)


def render(request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200) -> HTMLResponse:
    principal = session_principal(request)
    settings = request.app.state.settings
    base: dict[str, Any] = {
        "user": principal,
        "csrf_token": expected_token(request),
        "lang": i18n.current_language.get(),
        "languages": i18n.LANGUAGES,
        "nav": navigation_for(principal, request.url.path) if principal else [],
        "temporal_ui_url": settings.temporal.ui_url,
        "timezone": settings.timezone,
    }
    base.update(context or {})
    response = templates.TemplateResponse(request, name, base, status_code=status_code)
    return response
