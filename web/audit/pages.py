"""The audit page for HR and admin: filter the log by record, person, action and dates, page
through it newest first, and (admin) check the hash chain there and then.

The filters are the same as ``GET /api/audit`` (web/audit/filters.py); the table is swapped in
place by HTMX when a filter changes, and the plain form works without JavaScript.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import Response

from schemas.kernel.errors import BatonError
from schemas.org import Role
from store.db import Session
from store.repo.audit import log as audit_log
from store.repo.org import records as org
from web.audit.entries import entry_views
from web.audit.filters import audit_filter
from web.audit.labels import BREAK_REASONS, action_choices
from web.shared.auth import Principal, get_db, get_settings, require_roles
from web.shared.csrf import verify_csrf
from web.shared.templating import render

router = APIRouter(tags=["pages"], include_in_schema=False, dependencies=[Depends(verify_csrf)])
Readers = Annotated[Principal, Depends(require_roles(Role.admin, Role.hr, page=True))]
Admin = Annotated[Principal, Depends(require_roles(Role.admin, page=True))]
Text = Annotated[str, Query(max_length=100)]
Bound = Annotated[str, Query(max_length=40)]
PAGE_SIZE = 50


@router.get("/admin/audit")
def audit_page(
    request: Request,
    user: Readers,
    entity: Text = "",
    entity_id: Text = "",
    actor_id: Text = "",
    action: Text = "",
    since: Bound = "",
    until: Bound = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    filters = {
        "entity": entity,
        "entity_id": entity_id,
        "actor_id": actor_id,
        "action": action,
        "since": since,
        "until": until,
    }
    timezone = get_settings(request).timezone
    context: dict[str, Any] = {"filters": filters, "page": page, "error": None}
    rows_only = request.headers.get("hx-request") and request.headers.get("hx-target") == "audit-rows"
    with get_db(request).session() as session:
        try:
            wanted = audit_filter(timezone, **filters)
        except BatonError as exc:
            context.update({"entries": [], "total": 0, "pages": 1, "error": exc})
            status = exc.status
        else:
            context.update(entries_context(session, wanted, page, timezone))
            status = 200
        if not rows_only:
            context.update(filter_choices(session))
    chosen = {key: value for key, value in filters.items() if value}
    context["pager_query"] = "&" + urlencode(chosen) if chosen else ""
    template = "audit/_rows.html" if rows_only else "audit/index.html"
    return render(request, template, context, status_code=status)


@router.get("/admin/audit/verify")
def verify_chain(request: Request, user: Admin) -> Response:
    """Walk the whole chain now; the answer names the first entry that does not follow."""
    with get_db(request).session() as session:
        result = audit_log.verify(session)
    broken = asdict(result.broken) if result.broken else None
    reason = BREAK_REASONS.get(result.broken.reason, "") if result.broken else ""
    return render(request, "audit/_verify.html", {"result": result, "broken": broken, "reason": reason})


def entries_context(session: Session, wanted: audit_log.AuditFilter, page: int, timezone: str) -> dict[str, Any]:
    """A page of the matching entries, newest first, worded for the reader."""
    entries, total = audit_log.search(session, wanted, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    views = entry_views(session, entries, timezone)
    return {"entries": views, "total": total, "pages": max(1, -(-total // PAGE_SIZE))}


def filter_choices(session: Session) -> dict[str, Any]:
    """What the filter lists offer: the kinds of record in the log and everyone who could act."""
    people, _total = org.list_employees(session, limit=2000)
    kinds = audit_log.entity_kinds(session)
    return {
        "people": sorted(((p.id, p.name) for p in people), key=lambda pair: pair[1]),
        "kinds": kinds,
        "actions": action_choices(),
    }
