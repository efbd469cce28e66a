"""The audit filters as people type them, shared by ``GET /api/audit`` and the audit page.

A bare date is a company calendar day: ``since`` starts at its midnight, ``until`` includes the
whole day. A time without an offset is company time too; one with an offset is taken as given.
An action is a code (or the start of one) or words from its label in the reader's language.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from schemas.kernel.errors import N_, InvalidInput
from schemas.kernel.ids import MAX_ID
from store.repo.audit.log import AuditFilter
from web.audit.labels import actions_matching

ACTION_CODE = re.compile(r"[a-z_]+(\.[a-z_0-9]+)*\.?")


def _problem(field: str) -> InvalidInput:
    return InvalidInput(
        details=[
            {"field": field, "code": "invalid", "message": N_("Give a date (YYYY-MM-DD) or a time with its date.")}
        ]
    )


def parse_bound(text: str | None, timezone: str, field: str, *, end: bool) -> datetime | None:
    """``since``/``until`` as an aware instant; ``until`` comes back exclusive."""
    text = (text or "").strip()
    if not text:
        return None
    zone = ZoneInfo(timezone)
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime.combine(day + timedelta(days=1) if end else day, time(), tzinfo=zone)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise _problem(field) from exc
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)


def parse_actor(text: str | None) -> int | None:
    text = (text or "").strip()
    if not text:
        return None
    if not text.isdigit() or not 1 <= int(text) <= MAX_ID:
        raise InvalidInput(details=[{"field": "actor_id", "code": "invalid", "message": N_("Not a number.")}])
    return int(text)


def parse_action(text: str | None) -> tuple[str, ...] | None:
    """The actions meant: those whose label, in the reader's language or English, holds the words
    ("收款" finds payments), and a code or its start as given (``payment``, ``task.escalated``)."""
    text = (text or "").strip()
    if not text:
        return None
    return ((text,) if ACTION_CODE.fullmatch(text) else ()) + actions_matching(text)


def audit_filter(
    timezone: str,
    *,
    entity: str | None = None,
    entity_id: str | None = None,
    actor_id: str | None = None,
    action: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> AuditFilter:
    """The filters as typed. A process's record (an order, a case) also finds the entries of its
    tasks: a manager's approval is on the order's log (store/repo/audit/log.py)."""
    return AuditFilter(
        entity=(entity or "").strip() or None,
        entity_id=(entity_id or "").strip() or None,
        actor_id=parse_actor(actor_id),
        actions=parse_action(action),
        since=parse_bound(since, timezone, "since", end=False),
        until=parse_bound(until, timezone, "until", end=True),
    )
