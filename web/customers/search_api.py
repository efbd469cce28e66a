"""Keyword search over communication records: ``GET /api/interactions?q=``.

Any logged-in user may search; the results are only records they may see (store/repo/
visibility.py), so a term that occurs only in someone else's customer finds nothing. A search may
be narrowed to one customer, one author and a span of company dates. Each hit names its customer
and its author. Highlights are returned as segments, never as HTML, so no client has to trust
markup built from record text.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from schemas.kernel.ids import MAX_ID
from store.repo.customers import search as interaction_search
from web.customers.search_scope import search_scope
from web.shared.auth import ApiUser, get_db, get_settings, viewer_of
from web.shared.paths import EARLIEST_DATE, LATEST_DATE

router = APIRouter(prefix="/api/interactions", tags=["interactions"])


class Segment(BaseModel):
    text: str
    match: bool


class Highlight(BaseModel):
    field: str = Field(description="summary or content")
    segments: list[Segment]


class InteractionHit(BaseModel):
    id: int
    customer_id: int
    customer_name: str
    employee_id: int = Field(description="who wrote the record")
    author_name: str = Field(description="the name of who wrote the record")
    channel: str
    summary: str
    occurred_at: datetime
    highlights: list[Highlight]


class InteractionSearch(BaseModel):
    items: list[InteractionHit]
    total: int = Field(description=f"matches counted, at most {interaction_search.COUNT_CAP}")
    total_capped: bool = Field(description="counting stopped early: there may be more than total")


def hit_out(hit: interaction_search.SearchHit) -> InteractionHit:
    return InteractionHit(
        id=hit.id,
        customer_id=hit.customer_id,
        customer_name=hit.customer_name,
        employee_id=hit.employee_id,
        author_name=hit.author_name,
        channel=hit.channel,
        summary=hit.summary,
        occurred_at=hit.occurred_at,
        highlights=[
            Highlight(field=f.field, segments=[Segment(text=t, match=m) for t, m in f.segments]) for f in hit.highlights
        ],
    )


@router.get("", response_model=InteractionSearch)
def search_interactions(
    request: Request,
    user: ApiUser,
    q: Annotated[str, Query(description="words of 2+ characters, all must occur; at most 100 characters")],
    customer_id: Annotated[int | None, Query(ge=1, le=MAX_ID, description="only this customer's records")] = None,
    author_id: Annotated[int | None, Query(ge=1, le=MAX_ID, description="only what this employee wrote")] = None,
    since: Annotated[
        date | None, Query(ge=EARLIEST_DATE, le=LATEST_DATE, description="from this company date on (included)")
    ] = None,
    until: Annotated[
        date | None, Query(ge=EARLIEST_DATE, le=LATEST_DATE, description="up to this company date (included)")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=interaction_search.COUNT_CAP)] = 0,
) -> InteractionSearch:
    """Records containing every word of ``q`` (Chinese substrings of 2+ characters too), newest first,
    narrowed to a customer, an author and company dates when given. An unusable query (a 1-character
    word, over 100 characters) or ``until`` before ``since`` answers 422 ``invalid_input``."""
    scope = search_scope(get_settings(request).timezone, customer_id, author_id, since, until)
    with get_db(request).session() as session:
        hits, total = interaction_search.search(session, viewer_of(user), q, scope=scope, limit=limit, offset=offset)
    return InteractionSearch(
        items=[hit_out(h) for h in hits], total=int(total), total_capped=getattr(total, "capped", False)
    )
