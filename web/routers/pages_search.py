"""The search page: find what was said with a customer as you type.

HTMX asks for the results fragment 300 ms after the last keystroke; without JavaScript the
form is a plain GET and the same page comes back with the results. A query that cannot be
searched yet (a single character) shows a hint in place of the results rather than an error.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import Response

from schemas.errors import InvalidInput
from store.repo import interaction_search
from web.auth import PageUser, get_db, viewer_of
from web.csrf import verify_csrf
from web.templating import render

router = APIRouter(tags=["pages"], include_in_schema=False, dependencies=[Depends(verify_csrf)])

PAGE_SIZE = 20
LAST_PAGE = interaction_search.COUNT_CAP // PAGE_SIZE


@router.get("/search")
def search_page(request: Request, user: PageUser, q: Annotated[str, Query()] = "",
                page: Annotated[int, Query(ge=1, le=LAST_PAGE)] = 1) -> Response:
    context: dict[str, object] = {"q": q, "page": page, "hits": [], "total": 0, "capped": False, "hint": None,
                                  "has_next": False}
    status = 200
    if q.strip():
        try:
            with get_db(request).session() as session:
                hits, total = interaction_search.search(session, viewer_of(user), q, limit=PAGE_SIZE,
                                                        offset=(page - 1) * PAGE_SIZE)
        except InvalidInput as exc:
            context["hint"] = exc.details[0]["message"] if exc.details else exc.message
            status = 200 if request.headers.get("hx-request") else exc.status
        else:
            capped = getattr(total, "capped", False)
            more = page * PAGE_SIZE < int(total) or (capped and len(hits) == PAGE_SIZE)
            context.update(hits=hits, total=int(total), capped=capped, has_next=more and page < LAST_PAGE)
    template = "search/_results.html" if request.headers.get("hx-request") else "search/index.html"
    return render(request, template, context, status_code=status)
