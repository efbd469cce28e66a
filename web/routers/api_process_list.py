"""The list of processes over the JSON API: what a person may see, filtered and paged."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from store.repo.process_list import ProcessFilter, list_processes
from web.auth import ApiUser, get_db, viewer_of

router = APIRouter(prefix="/api", tags=["processes"])


class ProcessOut(BaseModel):
    workflow_id: str
    kind: str
    process_id: str
    subject: str
    status: str
    person_id: int | None
    started_at: datetime
    overdue: bool


class ProcessPage(BaseModel):
    items: list[ProcessOut]
    total: int


@router.get("/processes", response_model=ProcessPage)
def processes(request: Request, user: ApiUser,
              kind: Annotated[Literal["order", "offboarding", "commission"] | None, Query(alias="type")] = None,
              status: Annotated[str | None, Query(max_length=30, pattern=r"^[a-z_]+$")] = None,
              person_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
              overdue: Annotated[bool | None, Query()] = None,
              since: Annotated[date | None, Query()] = None, until: Annotated[date | None, Query()] = None,
              limit: Annotated[int, Query(ge=1, le=200)] = 50, offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
              ) -> ProcessPage:
    """Orders, offboardings and settlements the caller may see, newest first: ``status`` is a
    process's own status or ``open``/``closed``; ``person_id`` the salesperson or the leaver;
    ``since``/``until`` company dates, both included."""
    zone = ZoneInfo(request.app.state.settings.timezone)

    def start_of(day: date | None) -> datetime | None:
        return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC) if day else None

    wanted = ProcessFilter(kind=kind, status=status, person_id=person_id, overdue=overdue, since=start_of(since),
                           until=start_of(until + timedelta(days=1)) if until else None)
    with get_db(request).session() as session:
        rows, total = list_processes(session, viewer_of(user), wanted, limit=limit, offset=offset)
    return ProcessPage(items=[ProcessOut(**row.__dict__) for row in rows], total=total)
