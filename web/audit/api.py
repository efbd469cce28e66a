"""The audit log over the JSON API (API.md "History and audit").

``GET /api/audit`` answers the matching entries as a JSON list, newest first, with the number
that match in all in ``X-Total-Count`` (page with ``limit``/``offset``). Each entry comes as stored
and also worded for the reader (``action_label``, ``record``, ``link``, ``detail_lines``);
``entity=order&entity_id=N`` also finds the entries of the order's tasks (its approvals), and
``action`` takes a code's start or words from an action's label in the reader's language. ``GET /api/audit/verify``
walks the whole hash chain; its ``head_hash`` can be noted and passed back later as ``anchor`` to
also catch the newest entries being cut off.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel

from schemas.org import Role
from store.repo.audit import log as audit_log
from web.audit.entries import entry_views
from web.audit.filters import audit_filter
from web.shared.auth import Principal, get_db, get_settings, require_roles
from web.shared.paths import Offset

router = APIRouter(prefix="/api/audit", tags=["audit"])

Readers = Annotated[Principal, Depends(require_roles(Role.admin, Role.hr))]
Admin = Annotated[Principal, Depends(require_roles(Role.admin))]
Text = Annotated[str | None, Query(max_length=100)]


class DetailLineOut(BaseModel):
    label: str
    value: str
    before: str | None = None  # set when the entry records a change of this field


class AuditEntryOut(BaseModel):
    """The stored entry (the contract's fields), then the same entry in the reader's words."""

    id: int
    at: datetime
    actor_id: int | None
    actor_name: str | None
    action: str
    entity: str
    entity_id: str
    detail: dict[str, Any]
    action_label: str = ""
    record: str = ""  # the record named: "订单 #12 · 佛山美达电器有限公司", a task's title
    link: str | None = None  # its page in Baton
    detail_lines: list[DetailLineOut] = []


class BrokenEntryOut(BaseModel):
    id: int | None
    at: datetime | None
    action: str | None
    entity: str | None
    entity_id: str | None
    reason: str  # edited, missing_predecessor, out_of_order, truncated


class VerifyOut(BaseModel):
    ok: bool
    entries: int  # how many entries, from the first, follow the chain
    head_hash: str | None = None
    first_broken_id: int | None = None
    first_broken: BrokenEntryOut | None = None


@router.get("", response_model=list[AuditEntryOut])
def list_entries(
    request: Request,
    response: Response,
    user: Readers,
    entity: Text = None,
    entity_id: Text = None,
    actor_id: Annotated[str | None, Query(max_length=12)] = None,
    action: Text = None,
    since: Annotated[str | None, Query(max_length=40)] = None,
    until: Annotated[str | None, Query(max_length=40)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Offset = 0,
) -> list[AuditEntryOut]:
    wanted = audit_filter(
        get_settings(request).timezone,
        entity=entity,
        entity_id=entity_id,
        actor_id=actor_id,
        action=action,
        since=since,
        until=until,
    )
    with get_db(request).session() as session:
        rows, total = audit_log.search(session, wanted, limit=limit, offset=offset)
        views = entry_views(session, rows, get_settings(request).timezone)
    response.headers["X-Total-Count"] = str(total)
    return [
        AuditEntryOut(
            id=row.id,
            at=row.at,
            actor_id=row.actor_id,
            actor_name=view.actor,
            action=row.action,
            entity=row.entity,
            entity_id=row.entity_id,
            detail=row.detail or {},
            action_label=view.action,
            record=view.record,
            link=view.link,
            detail_lines=[DetailLineOut(**line.__dict__) for line in view.lines],
        )
        for row, view in zip(rows, views, strict=True)
    ]


@router.get("/verify", response_model=VerifyOut)
def verify(
    request: Request, user: Admin, anchor: Annotated[str | None, Query(pattern="^[0-9a-f]{64}$")] = None
) -> VerifyOut:
    """Recompute every entry's hash; ``ok`` false names the first entry that does not follow."""
    with get_db(request).session() as session:
        result = audit_log.verify(session, anchor=anchor)
    broken = result.broken
    return VerifyOut(
        ok=result.ok,
        entries=result.entries,
        head_hash=result.head_hash,
        first_broken_id=broken.id if broken else None,
        first_broken=BrokenEntryOut(**broken.__dict__) if broken else None,
    )
