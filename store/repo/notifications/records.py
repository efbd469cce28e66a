"""In-app notifications: written once per dedupe key, read by their recipient."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from store.models import Notification


def by_dedupe_key(session: Session, dedupe_key: str) -> Notification | None:
    return session.scalars(select(Notification).where(Notification.dedupe_key == dedupe_key)).first()


def create_once(
    session: Session,
    *,
    recipient_id: int,
    kind: str,
    title: str,
    body: str = "",
    task_id: str | None = None,
    process_id: str | None = None,
    dedupe_key: str,
    message_id: str | None = None,
    params: dict[str, Any] | None = None,
) -> int:
    existing = by_dedupe_key(session, dedupe_key)
    if existing is not None:
        return existing.id
    row = Notification(
        recipient_id=recipient_id,
        kind=kind,
        title=title,
        body=body,
        task_id=task_id,
        process_id=process_id,
        dedupe_key=dedupe_key,
        message_id=message_id,
        params=params,
    )
    session.add(row)
    session.flush()
    return row.id


def ids_for_task(session: Session, task_id: str, kind: str) -> list[int]:
    """The notifications of one kind written for a task (a retried step finds what it wrote)."""
    return list(
        session.scalars(select(Notification.id).where(Notification.task_id == task_id, Notification.kind == kind))
    )


def unread_count(session: Session, recipient_id: int) -> int:
    query = (
        select(func.count())
        .select_from(Notification)
        .where(Notification.recipient_id == recipient_id, Notification.read.is_(False))
    )
    return session.scalar(query) or 0


def for_recipient(session: Session, recipient_id: int, *, limit: int = 50, offset: int = 0) -> list[Notification]:
    query = (
        select(Notification)
        .where(Notification.recipient_id == recipient_id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return list(session.scalars(query))


def mark_read(session: Session, recipient_id: int, notification_id: int) -> bool:
    result = session.execute(
        update(Notification)
        .where(Notification.id == notification_id, Notification.recipient_id == recipient_id)
        .values(read=True)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
