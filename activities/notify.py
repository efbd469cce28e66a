"""Notification delivery. In-app notifications are rows; ``dedupe_key`` makes retries harmless."""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from temporalio import activity

from store.db import Database
from store.repo import notifications as notification_repo


class NotificationRequest(BaseModel):
    recipient_id: int
    kind: str  # reminder / overdue / escalation / info
    title: str
    body: str = ""
    task_id: str | None = None
    process_id: str | None = None
    dedupe_key: str


class NotifyActivities:
    """Bound to one database; registered on the worker as activities."""

    def __init__(self, db: Database) -> None:
        self.db = db

    @activity.defn(name="notify.in_app")
    def in_app(self, request: NotificationRequest) -> int:
        """Write the notification once; a retry with the same key returns the existing row."""
        try:
            with self.db.session() as session:
                return notification_repo.create_once(session, **request.model_dump())
        except IntegrityError:
            with self.db.session() as session:
                existing = notification_repo.by_dedupe_key(session, request.dedupe_key)
                if existing is None:
                    raise
                return existing.id
