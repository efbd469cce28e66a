"""The notifications page and the bell in the top bar.

The bell's count is a small fragment (``/notifications/badge``) that HTMX loads with the page
and refreshes every 30 seconds. Marking one read answers with that row, read, and names
``notifications-changed`` in ``HX-Trigger`` (web/shared/counters.py), so the bell's count drops at once
without waiting for the poll.
Without JavaScript the forms post normally and the page comes back whole.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import RedirectResponse, Response

from activities.notifications.wording import localised_title, where_to_act
from schemas.kernel.errors import N_, NotFound
from schemas.kernel.i18n import current_language
from schemas.links import NOTIFICATIONS_PAGE
from schemas.org import Role
from store.models import Notification
from store.repo.notifications import inbox
from web.notifications.api import parse_id
from web.shared.auth import PageUser, get_db, get_settings
from web.shared.counters import NOTIFICATIONS_CHANGED, counts_changed
from web.shared.csrf import verify_csrf
from web.shared.templating import render

router = APIRouter(
    prefix="/notifications", tags=["pages"], include_in_schema=False, dependencies=[Depends(verify_csrf)]
)

PAGE_SIZE = 20
KIND_LABELS = {
    "reminder": N_("Reminder"),
    "overdue": N_("Overdue"),
    "escalation": N_("Escalation"),
    "info": N_("Information"),
}


@dataclass(frozen=True)
class NotificationRow:
    id: int
    kind: str
    kind_label: str  # English message id, translated in the template
    title: str
    body: str
    created_at: datetime
    read: bool
    params: dict[str, Any] = field(default_factory=dict)  # ``link``: where the title leads, inside Baton


def notification_row(notification: Notification) -> NotificationRow:
    return NotificationRow(
        id=notification.id,
        kind=notification.kind,
        kind_label=KIND_LABELS.get(notification.kind, KIND_LABELS["info"]),
        title=localised_title(notification, current_language.get()),
        body=notification.body or "",
        created_at=notification.created_at,
        read=notification.read,
        params=_shown_params(notification),
    )


def _shown_params(notification: Notification) -> dict[str, Any]:
    """The row's parameters; its ``link`` is where the notice leads inside Baton (its task, or
    the path it names: never a URL elsewhere)."""
    shown = {key: value for key, value in (notification.params or {}).items() if key != "link"}
    path = where_to_act(notification)
    if path != NOTIFICATIONS_PAGE:
        shown["link"] = path
    return shown


@router.get("")
def notifications_page(
    request: Request,
    user: PageUser,
    unread: Annotated[bool, Query()] = False,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    settings = get_settings(request)
    with get_db(request).session() as session:
        rows, total = inbox.page(session, user.id, unread_only=unread, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
        unread_total = inbox.unread_count(session, user.id)
        views = [notification_row(row) for row in rows]
    return render(
        request,
        "notifications/index.html",
        {
            "rows": views,
            "total": total,
            "unread": unread_total,
            "unread_only": unread,
            "page": page,
            "has_next": page * PAGE_SIZE < total,
            "mailbox": settings.notify.uses_mail_catcher and user.has(Role.admin),
        },
    )


@router.get("/badge")
def badge(request: Request, user: PageUser) -> Response:
    with get_db(request).session() as session:
        unread = inbox.unread_count(session, user.id)
    return render(request, "notifications/_badge.html", {"unread": unread})


@router.post("/read-all")
def mark_all_read(request: Request, user: PageUser) -> Response:
    with get_db(request).session() as session:
        inbox.mark_all_read(session, user.id)
    counts_changed(NOTIFICATIONS_CHANGED)
    return RedirectResponse("/notifications", status_code=303)


@router.post("/{notification_id}/read")
def mark_read(notification_id: str, request: Request, user: PageUser) -> Response:
    with get_db(request).session() as session:
        row = inbox.read_own(session, user.id, parse_id(notification_id))
        if row is None:
            raise NotFound()
        view = notification_row(row)
    counts_changed(NOTIFICATIONS_CHANGED)
    if not request.headers.get("hx-request"):
        return RedirectResponse("/notifications", status_code=303)
    return render(request, "notifications/_row.html", {"row": view})
