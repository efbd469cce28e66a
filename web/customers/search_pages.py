"""The search page: find what was said with a customer as you type.

HTMX asks for the results fragment 300 ms after the last keystroke (or when a filter changes);
without JavaScript the form is a plain GET and the same page comes back with the results. The
search may be narrowed to one customer (a result's "only this customer"), one author and a span
of dates. A query that cannot be searched yet (a single character, an end before the start)
shows a hint in place of the results rather than an error.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import Response

from schemas.kernel.errors import InvalidInput, NotFound
from store.repo.customers import records as customers
from store.repo.customers import search as interaction_search
from store.repo.customers.search_scope import author_choices
from web.customers.search_scope import search_scope
from web.shared.auth import PageUser, get_db, get_settings, viewer_of
from web.shared.csrf import verify_csrf
from web.shared.forms import typed_record_id
from web.shared.templating import render

router = APIRouter(tags=["pages"], include_in_schema=False, dependencies=[Depends(verify_csrf)])

PAGE_SIZE = 20
LAST_PAGE = interaction_search.COUNT_CAP // PAGE_SIZE
Text = Annotated[str, Query(max_length=20)]


def _day(value: str) -> date | None:
    """A date the form sent; anything else is no filter (the date input only sends dates)."""
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@router.get("/search")
def search_page(
    request: Request,
    user: PageUser,
    q: Annotated[str, Query()] = "",
    page: Annotated[int, Query(ge=1, le=LAST_PAGE)] = 1,
    customer_id: Text = "",
    author_id: Text = "",
    since: Text = "",
    until: Text = "",
) -> Response:
    """Filters it cannot read are ignored, and a customer the reader may not see is no filter."""
    viewer = viewer_of(user)
    first, last = _day(since), _day(until)
    customer, customer_name = typed_record_id(customer_id), None
    with get_db(request).session() as session:
        if customer is not None:
            try:
                customer_name = customers.visible(session, viewer, customer).name
            except NotFound:
                customer = None
        authors = author_choices(session, viewer)
    author = typed_record_id(author_id)
    author = author if author in {person for person, _ in authors} else None
    filters = {
        key: value
        for key, value in (
            ("customer_id", customer),
            ("author_id", author),
            ("since", first and first.isoformat()),
            ("until", last and last.isoformat()),
        )
        if value
    }
    context: dict[str, object] = {
        "q": q,
        "page": page,
        "hits": [],
        "total": 0,
        "capped": False,
        "hint": None,
        "has_next": False,
        "authors": authors,
        "author_id": author,
        "customer_id": customer,
        "customer_name": customer_name,
        "since": first,
        "until": last,
        "query": urlencode({"q": q, **filters}),
        "without_customer": urlencode({"q": q, **{k: v for k, v in filters.items() if k != "customer_id"}}),
    }
    status = 200
    if q.strip():
        try:
            scope = search_scope(get_settings(request).timezone, customer, author, first, last)
            with get_db(request).session() as session:
                hits, total = interaction_search.search(
                    session, viewer, q, scope=scope, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
                )
        except InvalidInput as exc:
            context["hint"] = exc.details[0]["message"] if exc.details else exc.message
            status = 200 if request.headers.get("hx-request") else exc.status
        else:
            capped = getattr(total, "capped", False)
            more = page * PAGE_SIZE < int(total) or (capped and len(hits) == PAGE_SIZE)
            context.update(hits=hits, total=int(total), capped=capped, has_next=more and page < LAST_PAGE)
    template = "customers/_search_results.html" if request.headers.get("hx-request") else "customers/search.html"
    return render(request, template, context, status_code=status)
