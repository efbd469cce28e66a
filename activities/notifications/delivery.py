"""Delivering a written notification over every enabled outside channel, once per channel.

The order per channel is claim → send → record:

1. claim the delivery row ``<notification_id>:<channel>`` (unique). A row already ``sent`` means
   an earlier attempt delivered it: nothing is sent again. ``pending``/``failed`` rows from an
   earlier attempt are sent now.
2. send; the channel returns only once the far side accepted the message.
3. record ``sent`` — or ``failed`` with the error — in its own transaction.

Every channel is tried even if one fails, so a WeCom outage does not hold back e-mail; then any
failure raises, Temporal retries the activity, and the retry sends only what is still owed.
The one window left is a crash between the far side's OK and step 3: the retry then sends again
(at-least-once). It is milliseconds wide, and e-mail carries a Message-ID derived from the
notification so the copies are recognisably one message.

Database work runs in threads (``asyncio.to_thread``): the sends are network waits and belong on
the event loop, the SQL is blocking and must not stall it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from temporalio.exceptions import ApplicationError

from activities.notifications.channels import Channel, ChannelFailed, Notice
from activities.notifications.messages import COMPANY_LANGUAGE
from activities.notifications.wording import chat_text, email_text, localised_title, where_to_act
from schemas.notifications import DeliveryReport
from store.db import Database, IntegrityError
from store.models import Employee, Notification
from store.repo.notifications import deliveries
from store.repo.processes import access as process_access

log = logging.getLogger("baton.notify")


@dataclass(frozen=True)
class _Failure:
    channel: str
    error: str
    permanent: bool


class NoticeDispatcher:
    """Sends notifications already written to the database. Used by the ``notify.deliver`` and
    ``notify.send`` activities; any other async activity may use it directly after its own commit."""

    def __init__(self, db: Database, channels: Sequence[Channel], web_url: str | None = None) -> None:
        self.db = db
        self.channels = list(channels)
        self.web_url = web_url

    async def deliver(self, notification_id: int) -> DeliveryReport:
        report = DeliveryReport(notification_id=notification_id)
        if not self.channels:
            return report
        notice = await asyncio.to_thread(self._notice, notification_id)
        if notice is None:
            raise ApplicationError(
                f"notification {notification_id} does not exist", type="NotificationMissing", non_retryable=True
            )
        failures: list[_Failure] = []
        for channel in self.channels:
            address = channel.address(notice)
            if address is None:
                report.skipped.append(channel.name)
                continue
            if not await asyncio.to_thread(self._claim, notification_id, channel.name, address):
                report.already_sent.append(channel.name)
                continue
            try:
                await channel.send(notice)
            except Exception as exc:  # ChannelFailed, or an adapter bug: either way it leaves its trace on the row
                failure = _Failure(
                    channel.name,
                    str(exc) if isinstance(exc, ChannelFailed) else f"{type(exc).__name__}: {exc}",
                    getattr(exc, "permanent", False),
                )
                failures.append(failure)
                await asyncio.to_thread(self._record_failed, notification_id, channel.name, failure.error)
                continue
            await asyncio.to_thread(self._record_sent, notification_id, channel.name)
            report.sent.append(channel.name)
        if failures:
            summary = "; ".join(f"{f.channel}: {f.error}" for f in failures)
            log.warning("notification %s not delivered: %s", notification_id, summary)
            raise ApplicationError(
                f"notification {notification_id} not delivered: {summary}",
                type="DeliveryFailed",
                non_retryable=all(f.permanent for f in failures),
            )
        return report

    def _notice(self, notification_id: int) -> Notice | None:
        with self.db.session() as session:
            notification = session.get(Notification, notification_id)
            if notification is None:
                return None
            person = session.get(Employee, notification.recipient_id)
            language = (person.language if person else None) or COMPANY_LANGUAGE
            case = (
                process_access.case_of(session, notification.process_id)
                if notification.process_id and not notification.task_id
                else None
            )
            path = where_to_act(notification, case)
            return Notice(
                notification_id=notification.id,
                recipient_name=person.name if person else "",
                recipient_email=person.email if person else None,
                recipient_phone=person.phone if person else None,
                subject=localised_title(notification, language),
                body=email_text(notification, language, self.web_url, path),
                chat_text=chat_text(notification, language, self.web_url, path),
            )

    def _claim(self, notification_id: int, channel: str, address: str) -> bool:
        try:
            with self.db.session() as session:
                return deliveries.claim(session, notification_id=notification_id, channel=channel, recipient=address)
        except IntegrityError:  # a concurrent attempt inserted the row first: decide on its row
            with self.db.session() as session:
                return deliveries.claim(session, notification_id=notification_id, channel=channel, recipient=address)

    def _record_sent(self, notification_id: int, channel: str) -> None:
        with self.db.session() as session:
            deliveries.mark_sent(session, notification_id, channel)

    def _record_failed(self, notification_id: int, channel: str, error: str) -> None:
        with self.db.session() as session:
            deliveries.mark_failed(session, notification_id, channel, error)
