"""The processes page: orders, offboardings, settlements and alert follow-ups a person may see, side by side,
filtered by type, state, overdue work and start date, newest first."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from schemas.alerts import ALERT_STATUS_LABELS
from schemas.kernel.errors import N_
from schemas.links import PROCESS_PAGES
from store.repo.offboarding.records import employee_names
from store.repo.processes.listing import ProcessFilter, list_processes
from web.commission.labels import STATUS_LABELS as SETTLEMENT_STATUS_LABELS
from web.offboarding.labels import CASE_STATUS_LABELS
from web.shared.auth import PageUser, get_db, viewer_of
from web.shared.company_time import company_days
from web.shared.labels import ORDER_STATUS_LABELS
from web.shared.templating import render

router = APIRouter(tags=["pages"], include_in_schema=False)

PAGE_SIZE = 25
KINDS = {
    "order": N_("Order"),
    "offboarding": N_("Offboarding"),
    "commission": N_("Commission settlement"),
    "alert": N_("Risk alert"),
}
STATES = {"open": N_("In progress"), "closed": N_("Closed")}
STATUS_LABELS = {
    "order": ORDER_STATUS_LABELS,
    "offboarding": CASE_STATUS_LABELS,
    "commission": SETTLEMENT_STATUS_LABELS,
    "alert": ALERT_STATUS_LABELS,
}


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@router.get("/processes")
def processes_page(
    request: Request,
    user: PageUser,
    kind_text: Annotated[str | None, Query(alias="type", max_length=40)] = None,
    state_text: Annotated[str | None, Query(alias="state", max_length=40)] = None,
    overdue_text: Annotated[str | None, Query(alias="overdue", max_length=10)] = None,
    since_text: Annotated[str | None, Query(alias="since", max_length=20)] = None,
    until_text: Annotated[str | None, Query(alias="until", max_length=20)] = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    """A filter the page does not know is ignored rather than refused: the form only sends known ones."""
    kind = kind_text if kind_text in KINDS else None
    state = state_text if state_text in STATES else None
    overdue = overdue_text in ("1", "true", "on")
    since, until = _day(since_text), _day(until_text)
    first, after_last = company_days(request, since, until)
    wanted = ProcessFilter(
        kind=kind or None, status=state or None, overdue=True if overdue else None, since=first, until=after_last
    )
    with get_db(request).session() as session:
        rows, total = list_processes(session, viewer_of(user), wanted, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
        names = employee_names(session, {row.person_id for row in rows if row.person_id is not None})
    links = {row.workflow_id: PROCESS_PAGES[row.kind].format(row.process_id) for row in rows}
    filters = {
        key: value
        for key, value in (
            ("type", kind),
            ("state", state),
            ("overdue", "1" if overdue else None),
            ("since", since and since.isoformat()),
            ("until", until and until.isoformat()),
        )
        if value
    }
    context = {
        "rows": rows,
        "total": total,
        "names": names,
        "links": links,
        "kinds": KINDS,
        "states": STATES,
        "status_labels": STATUS_LABELS,
        "kind": kind,
        "state": state,
        "overdue": overdue,
        "since": since.isoformat() if since else None,
        "until": until.isoformat() if until else None,
        "page": page,
        "pages": max(1, -(-total // PAGE_SIZE)),
        "pager_query": ("&" + urlencode(filters)) if filters else "",
    }
    template = "processes/_rows.html" if request.headers.get("hx-request") else "processes/index.html"
    return render(request, template, context)
