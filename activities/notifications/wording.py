"""A notification's words in a given language.

Rows keep the English message id and its parameters beside the title rendered in the company
language, so each reader (the bell, the API, an e-mail) gets the title in their own language.
A task title inside a notice (``title_message``) is itself translated first. A message that
leaves Baton links straight to where the person acts: the task, or the case it is about.
"""

from __future__ import annotations

from typing import Any

from schemas.kernel.errors import N_
from schemas.kernel.i18n import translate_in
from schemas.links import NOTIFICATIONS_PAGE, case_page, inside, task_page
from schemas.notifications import NotificationOut
from store.models import Notification

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


def where_to_act(notification: Notification, case: tuple[str, str] | None = None) -> str:
    """The page a notice opens: its task, else the page it names, else its case (``case``: the
    process kind and record its ``process_id`` runs), else the notifications list."""
    if notification.task_id:
        return task_page(notification.task_id)
    link = (notification.params or {}).get("link")
    if inside(link):
        return str(link)
    return (case_page(*case) if case else None) or NOTIFICATIONS_PAGE


def chat_text(notification: Notification, language: str, web_url: str | None, path: str = NOTIFICATIONS_PAGE) -> str:
    """What follows the title in a group chat: the details, then where to act."""
    lines = [notification.body] if notification.body else []
    if web_url:
        lines.append(translate_in(language, OPEN_IN_BATON, {"url": f"{web_url.rstrip('/')}{path}"}))
    return "\n".join(lines)


def email_text(notification: Notification, language: str, web_url: str | None, path: str = NOTIFICATIONS_PAGE) -> str:
    """The plain-text body of a notification e-mail: the title, the details, where to act."""
    lines = [localised_title(notification, language)]
    short = chat_text(notification, language, web_url, path)
    if short:
        lines += ["", short]
    lines += ["", "-- ", translate_in(language, SENT_BY_BATON)]
    return "\n".join(lines)


def notification_out(notification: Notification, language: str) -> NotificationOut:
    return NotificationOut(
        id=notification.id,
        kind=notification.kind,
        task_id=notification.task_id,
        process_id=notification.process_id,
        title=localised_title(notification, language),
        body=notification.body or "",
        created_at=notification.created_at,
        read=notification.read,
    )
