"""Outside deliveries of notifications (e-mail, WeCom): the once-only ledger.

A row is claimed under the unique key ``<notification_id>:<channel>`` before anything is sent.
``sent`` is final; ``pending`` (claimed, outcome not recorded) and ``failed`` (the channel said
no) may be sent again by the next attempt.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from schemas.notifications import DeliveryStatus
from store.models import NotificationDelivery
from store.models.base import utcnow

ERROR_LIMIT = 2000


def delivery_key(notification_id: int, channel: str) -> str:
    return f"{notification_id}:{channel}"


def by_key(session: Session, idempotency_key: str) -> NotificationDelivery | None:
    return session.scalars(
        select(NotificationDelivery).where(NotificationDelivery.idempotency_key == idempotency_key)
    ).first()


def claim(session: Session, *, notification_id: int, channel: str, recipient: str) -> bool:
    """True when the caller should send now; False when this channel already delivered it.

    Two racing attempts both inserting raise IntegrityError on the unique key for the loser,
    which then calls again and finds the winner's row."""
    key = delivery_key(notification_id, channel)
    row = by_key(session, key)
    if row is None:
        session.add(
            NotificationDelivery(
                idempotency_key=key,
                notification_id=notification_id,
                channel=channel,
                recipient=recipient,
                status=DeliveryStatus.pending,
            )
        )
        session.flush()
        return True
    if row.status == DeliveryStatus.sent:
        return False
    row.recipient = recipient
    return True


def mark_sent(session: Session, notification_id: int, channel: str) -> None:
    row = by_key(session, delivery_key(notification_id, channel))
    if row is not None:
        row.status, row.error, row.sent_at = DeliveryStatus.sent, None, utcnow()


def mark_failed(session: Session, notification_id: int, channel: str, error: str) -> None:
    row = by_key(session, delivery_key(notification_id, channel))
    if row is not None and row.status != DeliveryStatus.sent:
        row.status, row.error = DeliveryStatus.failed, error[:ERROR_LIMIT]


def for_notification(session: Session, notification_id: int) -> list[NotificationDelivery]:
    query = (
        select(NotificationDelivery)
        .where(NotificationDelivery.notification_id == notification_id)
        .order_by(NotificationDelivery.id)
    )
    return list(session.scalars(query))
