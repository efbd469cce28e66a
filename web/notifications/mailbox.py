"""The dev mailbox: what the local mail catcher received, for admins of a development stack.

It exists only while e-mail goes to the catcher (``notify.email.mail_catcher``); on a stack that
sends real mail, and for anyone but an admin, these pages answer 404 as if they did not exist.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from schemas.kernel.errors import NotFound
from schemas.org import Role
from store.repo.notifications.mailbox import find_message, list_messages, mailbox_dir
from web.shared.auth import Principal, get_settings, page_principal
from web.shared.csrf import verify_csrf
from web.shared.templating import render

router = APIRouter(prefix="/dev/mailbox", tags=["pages"], include_in_schema=False, dependencies=[Depends(verify_csrf)])


def mailbox_admin(request: Request, user: Principal = Depends(page_principal)) -> Principal:
    if not get_settings(request).notify.uses_mail_catcher or not user.has(Role.admin):
        raise NotFound()
    return user


@router.get("")
def mailbox_page(request: Request, user: Principal = Depends(mailbox_admin)) -> Response:
    settings = get_settings(request)
    messages = list_messages(mailbox_dir(settings.data_dir))
    return render(
        request, "notifications/mailbox.html", {"messages": messages, "smtp_port": settings.notify.email.port}
    )


@router.get("/{message_id}")
def mailbox_message(message_id: str, request: Request, user: Principal = Depends(mailbox_admin)) -> Response:
    message = find_message(mailbox_dir(get_settings(request).data_dir), message_id)
    if message is None:
        raise NotFound()
    return render(request, "notifications/mailbox_message.html", {"message": message})
