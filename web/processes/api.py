"""The list of processes over the JSON API: what a person may see, filtered and paged."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request

from schemas.processes import ProcessPage
from store.repo.processes.listing import ProcessFilter, list_processes
from web.shared.auth import ApiUser, get_db, viewer_of
from web.shared.company_time import company_days
from web.shared.paths import DateFilter, IdFilter, Offset

router = APIRouter(prefix="/api", tags=["processes"])


ProcessKind = Literal["order", "offboarding", "commission", "alert"]


@router.get("/processes", response_model=ProcessPage)
def processes(
    request: Request,
    user: ApiUser,
    kind: Annotated[ProcessKind | None, Query(alias="type")] = None,
    status: Annotated[str | None, Query(max_length=30, pattern=r"^[a-z_]+$")] = None,
    person_id: IdFilter = None,
    overdue: Annotated[bool | None, Query()] = None,
    since: DateFilter = None,
    until: DateFilter = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Offset = 0,
) -> ProcessPage:
    """Orders, offboardings and settlements the caller may see, newest first: ``status`` is a
    process's own status or ``open``/``closed``; ``person_id`` the salesperson or the leaver;
    ``since``/``until`` company dates, both included."""
    first, after_last = company_days(request, since, until)
    wanted = ProcessFilter(
        kind=kind, status=status, person_id=person_id, overdue=overdue, since=first, until=after_last
    )
    with get_db(request).session() as session:
        rows, total = list_processes(session, viewer_of(user), wanted, limit=limit, offset=offset)
    return ProcessPage(items=rows, total=total)
