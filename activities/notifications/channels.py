"""Outside notification channels: e-mail over SMTP and the WeCom group robot.

Each channel is an adapter behind :class:`Channel`: it says where a notice would go for a
person (or that it cannot reach them) and sends it, raising :class:`ChannelFailed` when the
far side does not confirm. Whether to send at all — the once-only bookkeeping — is the
delivery activity's job (activities/notifications/delivery.py), so adapters stay small and testable against
real servers.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, formatdate
from typing import Protocol

import aiosmtplib
import httpx

from schemas.kernel.notify_settings import EmailSettings, NotifySettings, WeComSettings

# WeCom rejects text messages over 2048 bytes; leave room for the mention line.
WECOM_TEXT_LIMIT = 2000


@dataclass(frozen=True)
class Notice:
    """One notification as an outside channel sends it, already in the recipient's language."""

    notification_id: int
    recipient_name: str
    recipient_email: str | None
    recipient_phone: str | None
    subject: str
    body: str  # the whole e-mail text
    chat_text: str = ""  # shorter, for a group chat: the details and where to act


class ChannelFailed(Exception):
    """The channel did not confirm the send. ``permanent`` failures will not get better on retry
    (a refused address); the rest (connection refused, rate limit, timeout) are retried."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class Channel(Protocol):
    name: str

    def address(self, notice: Notice) -> str | None:
        """Where the notice goes (recorded on the delivery row), or None when this channel
        cannot reach the person — then nothing is sent and nothing is owed."""
        ...

    async def send(self, notice: Notice) -> None:
        """Send once; return only when the far side accepted it, else raise ChannelFailed."""
        ...


class EmailChannel:
    """SMTP via aiosmtplib. The Message-ID is derived from the notification, so if a send ever
    did repeat (the process died between the server's OK and our record of it) mail clients can
    tell the copies are one message."""

    name = "email"

    def __init__(self, settings: EmailSettings) -> None:
        self.settings = settings

    def address(self, notice: Notice) -> str | None:
        return notice.recipient_email or None

    def compose(self, notice: Notice) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.settings.sender
        message["To"] = formataddr((notice.recipient_name, notice.recipient_email or ""))
        message["Subject"] = notice.subject
        message["Date"] = formatdate(localtime=False, usegmt=True)
        message["Message-ID"] = f"<notification-{notice.notification_id}.email@baton>"
        message["X-Baton-Notification"] = str(notice.notification_id)
        message.set_content(notice.body, charset="utf-8")
        return message

    async def send(self, notice: Notice) -> None:
        if not notice.recipient_email:
            raise ChannelFailed("recipient has no e-mail address", permanent=True)
        settings = self.settings
        try:
            await aiosmtplib.send(
                self.compose(notice),
                hostname=settings.host,
                port=settings.port,
                username=settings.username,
                password=settings.password,
                start_tls=settings.starttls,
                timeout=settings.timeout,
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            raise ChannelFailed(f"SMTP refused the recipient: {exc}", permanent=True) from exc
        except aiosmtplib.SMTPResponseException as exc:
            # Not permanent even for 5xx: a wrong password or a full quota gets fixed, then the retry lands.
            raise ChannelFailed(f"SMTP {exc.code}: {exc.message}") from exc
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise ChannelFailed(f"SMTP {settings.host}:{settings.port}: {exc}") from exc


class WeComChannel:
    """The WeCom group robot webhook. WeCom answers HTTP 200 even when it refuses a message, so
    the JSON ``errcode`` decides: anything but 0 is a failure (and is retried)."""

    name = "wecom"

    def __init__(self, settings: WeComSettings, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.settings = settings
        self.transport = transport

    def address(self, notice: Notice) -> str | None:
        # The group, not a person: record who it was for, never the webhook key.
        return f"wecom-group:{notice.recipient_name}" if self.settings.webhook_url else None

    def payload(self, notice: Notice) -> dict[str, object]:
        content = f"@{notice.recipient_name} {notice.subject}"
        if notice.chat_text:
            content += f"\n{notice.chat_text}"
        encoded = content.encode("utf-8")
        if len(encoded) > WECOM_TEXT_LIMIT:
            content = encoded[:WECOM_TEXT_LIMIT].decode("utf-8", errors="ignore") + "…"
        text: dict[str, object] = {"content": content}
        if notice.recipient_phone:
            text["mentioned_mobile_list"] = [notice.recipient_phone]
        return {"msgtype": "text", "text": text}

    async def send(self, notice: Notice) -> None:
        url = self.settings.webhook_url
        if not url:
            raise ChannelFailed("no WeCom webhook configured", permanent=True)
        try:
            async with httpx.AsyncClient(timeout=self.settings.timeout, transport=self.transport) as client:
                response = await client.post(url, json=self.payload(notice))
        except httpx.HTTPError as exc:
            raise ChannelFailed(f"WeCom webhook unreachable: {type(exc).__name__}: {exc}") from exc
        if response.status_code != 200:
            raise ChannelFailed(f"WeCom webhook answered HTTP {response.status_code}")
        try:
            answer = response.json()
        except ValueError as exc:
            raise ChannelFailed("WeCom webhook answered something other than JSON") from exc
        errcode = answer.get("errcode") if isinstance(answer, dict) else None
        if errcode != 0:
            errmsg = answer.get("errmsg", "") if isinstance(answer, dict) else ""
            raise ChannelFailed(f"WeCom errcode {errcode}: {errmsg}")


def channels_for(settings: NotifySettings) -> list[Channel]:
    """The enabled channels, in the order people expect them: e-mail, then the group robot."""
    channels: list[Channel] = []
    if settings.email.enabled:
        channels.append(EmailChannel(settings.email))
    if settings.wecom.enabled and settings.wecom.webhook_url:
        channels.append(WeComChannel(settings.wecom))
    return channels
