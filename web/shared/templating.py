"""Jinja2 environment with the translation catalogue and every template filter, and the one ``render``
helper pages use."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.responses import HTMLResponse

import web.alerts.labels
import web.audit.labels
import web.commission.labels
import web.offboarding.labels
import web.orders.labels
import web.shared.labels
from schemas.kernel import i18n
from schemas.links import case_page
from store.models.base import utcnow
from web.shared.auth import get_settings, session_principal
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


FILTERS: dict[str, Callable[..., Any]] = {
    "money": format_money,
    "local_time": local_time,
    "task_title": task_title,
    "process_page": process_page,
    "due_soon": due_soon,
}
# Every filter the templates use, in one place: the formats above, then each area's names for its
# codes (the ``FILTERS`` of its labels module). A name two tables claim is refused at start-up.
FILTER_TABLES = (
    FILTERS,
    web.shared.labels.FILTERS,
    web.alerts.labels.FILTERS,
    web.audit.labels.FILTERS,
    web.commission.labels.FILTERS,
    web.offboarding.labels.FILTERS,
    web.orders.labels.FILTERS,
)


def install_filters(environment: Environment, tables: Iterable[Mapping[str, Callable[..., Any]]]) -> None:
    """Every table's filters into ``environment``; a name two tables claim is refused."""
    installed: set[str] = set()
    for table in tables:
        if taken := installed & set(table):
            raise ValueError(f"template filters named twice: {sorted(taken)}")
        installed |= set(table)
        environment.filters.update(table)


install_filters(templates.env, FILTER_TABLES)


def render(request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200) -> HTMLResponse:
    principal = session_principal(request)
    settings = get_settings(request)
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
