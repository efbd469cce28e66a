"""Jinja2 environment with the translation catalogue, and the one ``render`` helper pages use."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.responses import HTMLResponse

from web import i18n
from web.auth import session_principal
from web.csrf import expected_token
from web.navigation import navigation_for

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"

_environment = Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=select_autoescape(),
                           extensions=["jinja2.ext.i18n"])
templates = Jinja2Templates(env=_environment)
templates.env.install_gettext_callables(  # type: ignore[attr-defined]
    lambda message: i18n.gettext_(message),
    lambda singular, plural, n: i18n.ngettext_(singular, plural, n),
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


templates.env.filters["money"] = format_money
templates.env.filters["local_time"] = local_time


def render(request: Request, name: str, context: dict[str, Any] | None = None,
           status_code: int = 200) -> HTMLResponse:
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
