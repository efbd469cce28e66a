"""A notification's words in a given language.

Rows keep the English message id and its parameters beside the title rendered in the company
language, so each reader (the bell, the API, an e-mail) gets the title in their own language.
A task title inside a notice (``title_message``) is itself translated first.
"""

from __future__ import annotations

from typing import Any

from schemas.errors import N_
from schemas.notifications import NotificationOut
from store.models import Notification
from web.i18n import translate_in

OPEN_IN_BATON = N_("Open Baton to see it: %(url)s")
SENT_BY_BATON = N_("This message was sent by Baton. Your notifications are also in Baton under the bell.")


def localised_title(notification: Notification, language: str) -> str:
    if not notification.message_id:
        return notification.title
    params: dict[str, Any] = dict(notification.params or {})
    title_message = params.get("title_message")
    try:
        if isinstance(title_message, list | tuple) and len(title_message) == 2 and isinstance(title_message[0], str):
            params["title"] = translate_in(language, title_message[0], dict(title_message[1] or {}))
        return translate_in(language, notification.message_id, params)
    except (KeyError, ValueError, TypeError):  # a translation that does not fit its parameters
        return notification.title


def chat_text(notification: Notification, language: str, web_url: str | None) -> str:
    """What follows the title in a group chat: the details, then where to act."""
    lines = [notification.body] if notification.body else []
    if web_url:
        lines.append(translate_in(language, OPEN_IN_BATON, {"url": f"{web_url.rstrip('/')}/notifications"}))
    return "\n".join(lines)


def email_text(notification: Notification, language: str, web_url: str | None) -> str:
    """The plain-text body of a notification e-mail: the title, the details, where to act."""
    lines = [localised_title(notification, language)]
    short = chat_text(notification, language, web_url)
    if short:
        lines += ["", short]
    lines += ["", "-- ", translate_in(language, SENT_BY_BATON)]
    return "\n".join(lines)


def notification_out(notification: Notification, language: str) -> NotificationOut:
    return NotificationOut(id=notification.id, kind=notification.kind, task_id=notification.task_id,
                           process_id=notification.process_id, title=localised_title(notification, language),
                           body=notification.body or "", created_at=notification.created_at, read=notification.read)
