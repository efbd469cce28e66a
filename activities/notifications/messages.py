"""What people are told, written once in the company language (for e-mail and WeCom) with its
English message id and parameters kept beside it, so each reader sees it in their own language."""

from __future__ import annotations

from typing import Any

from schemas.kernel.i18n import translate_in
from store.db import Session
from store.repo.notifications import records as notification_repo

COMPANY_LANGUAGE = "zh_CN"


def in_company_language(message: str, params: dict[str, Any]) -> str:
    return translate_in(COMPANY_LANGUAGE, message, params)


def tell(
    session: Session,
    *,
    recipient_id: int,
    message: str,
    params: dict[str, Any],
    dedupe_key: str,
    process_id: str | None = None,
    task_id: str | None = None,
    kind: str = "info",
    rendered_params: dict[str, Any] | None = None,
) -> int:
    """One in-app notification per ``dedupe_key`` (a retried activity writes it once)."""
    return notification_repo.create_once(
        session,
        recipient_id=recipient_id,
        kind=kind,
        title=in_company_language(message, rendered_params if rendered_params is not None else params),
        task_id=task_id,
        process_id=process_id,
        dedupe_key=dedupe_key,
        message_id=message,
        params=params,
    )
