"""The caller's own notifications over the JSON API: list, mark one read, mark all read.

Titles come in the reader's language (Accept-Language). Another person's notification id
answers 404, the same as an id that never existed.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from activities.notifications.wording import notification_out
from schemas.kernel.errors import NotFound
from schemas.kernel.i18n import current_language
from schemas.notifications import MarkedRead, NotificationList, NotificationOut
from store.repo.notifications import inbox
from web.shared.auth import ApiUser, get_db
from web.shared.paths import Offset

router = APIRouter(prefix="/api/notifications", tags=["notifications"])


def parse_id(notification_id: str) -> int:
    """Ids are opaque to clients: anything that is not one of ours is simply not found."""
    if not notification_id.isdigit() or len(notification_id) > 18:
        raise NotFound()
    return int(notification_id)


@router.get("", response_model=NotificationList)
def list_notifications(
    request: Request,
    user: ApiUser,
    unread: Annotated[bool, Query(description="only unread ones")] = False,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Offset = 0,
) -> NotificationList:
    language = current_language.get()
    with get_db(request).session() as session:
        rows, total = inbox.page(session, user.id, unread_only=unread, limit=limit, offset=offset)
        return NotificationList(
            items=[notification_out(row, language) for row in rows],
            total=total,
            unread=inbox.unread_count(session, user.id),
        )


@router.post("/read-all", response_model=MarkedRead)
def mark_all_read(request: Request, user: ApiUser) -> MarkedRead:
    with get_db(request).session() as session:
        return MarkedRead(updated=inbox.mark_all_read(session, user.id))


@router.post("/{notification_id}/read", response_model=NotificationOut)
def mark_read(notification_id: str, request: Request, user: ApiUser) -> NotificationOut:
    with get_db(request).session() as session:
        row = inbox.read_own(session, user.id, parse_id(notification_id))
        if row is None:
            raise NotFound()
        return notification_out(row, current_language.get())
