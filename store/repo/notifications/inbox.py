"""A person's own notifications: the bell's list, its unread count and marking read.

Every query is scoped by ``recipient_id``; a notification of someone else is simply not found,
which the web layer answers 404 exactly like one that does not exist.
"""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from store.models import Notification
from store.repo.notifications.records import mark_read, unread_count

__all__ = ["mark_all_read", "mark_read", "own", "page", "read_own", "unread_count"]


def own(session: Session, recipient_id: int, notification_id: int) -> Notification | None:
    return session.scalars(
        select(Notification).where(Notification.id == notification_id, Notification.recipient_id == recipient_id)
    ).first()


def read_own(session: Session, recipient_id: int, notification_id: int) -> Notification | None:
    """The person's own notification, now marked read; None when it is not theirs or not there."""
    row = own(session, recipient_id, notification_id)
    if row is not None:
        row.read = True
        session.flush()
    return row


def page(
    session: Session, recipient_id: int, *, unread_only: bool = False, limit: int = 50, offset: int = 0
) -> tuple[list[Notification], int]:
    """Newest first, with the total matching the same filter (for paging)."""
    conditions = [Notification.recipient_id == recipient_id]
    if unread_only:
        conditions.append(Notification.read.is_(False))
    total = session.scalar(select(func.count()).select_from(Notification).where(*conditions)) or 0
    rows = session.scalars(
        select(Notification)
        .where(*conditions)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return list(rows), total


def mark_all_read(session: Session, recipient_id: int) -> int:
    result = session.execute(
        update(Notification)
        .where(Notification.recipient_id == recipient_id, Notification.read.is_(False))
        .values(read=True)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
