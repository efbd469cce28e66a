"""Notifications: the in-app row (the bell) and its delivery over e-mail and WeCom.

Three activities, all safe to retry:

- ``notify.in_app(NotificationRequest) -> int`` writes the row once per ``dedupe_key``.
- ``notify.deliver(notification_id) -> DeliveryReport`` sends a written row over every enabled
  channel, once per channel (see activities/notifications/delivery.py for how retries stay single).
- ``notify.send(NotificationRequest) -> DeliveryReport`` is the convenience "in-app + deliver":
  it writes the row, then delivers it. Use it from a workflow when both belong to one step::

      report = await calls.call(NotifyActivities.send, request, "notify", calls.DELIVERY)  # workflows/calls.py

  Call ``notify.in_app`` and ``notify.deliver`` separately instead when the bell must show the
  notification at once even while a mail server is down (deliver then retries on its own).
  An activity that wrote notification rows in its own transaction (tasks.py) returns the ids, and
  the workflow hands them to ``notify.deliver`` with ``HumanStepsWorkflow.send_later``; or the
  activity awaits :meth:`NoticeDispatcher.deliver` itself after committing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from pydantic import BaseModel
from temporalio import activity

from activities.notifications.channels import Channel
from activities.notifications.delivery import NoticeDispatcher
from schemas.notifications import DeliveryReport
from store.db import Database, IntegrityError
from store.repo.notifications import records as notification_repo


class NotificationRequest(BaseModel):
    recipient_id: int
    kind: str  # reminder / overdue / escalation / info
    title: str
    body: str = ""
    task_id: str | None = None
    process_id: str | None = None
    dedupe_key: str


class NotifyActivities:
    """Bound to one database and the enabled channels; registered on the worker as activities."""

    def __init__(self, db: Database, channels: Sequence[Channel] = (), web_url: str | None = None) -> None:
        self.db = db
        self.dispatcher = NoticeDispatcher(db, channels, web_url)

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

    @activity.defn(name="notify.deliver")
    async def deliver(self, notification_id: int) -> DeliveryReport:
        """Send the row over every enabled channel; a failed channel raises so Temporal retries."""
        return await self.dispatcher.deliver(notification_id)

    @activity.defn(name="notify.send")
    async def send(self, request: NotificationRequest) -> DeliveryReport:
        """In-app + deliver in one step; both halves are idempotent, so the whole is too."""
        notification_id = await asyncio.to_thread(self.in_app, request)
        return await self.dispatcher.deliver(notification_id)
