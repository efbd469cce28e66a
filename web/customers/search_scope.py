"""How a reader narrows a records search, read the same way by the API and the search page."""

from __future__ import annotations

from datetime import date

from schemas.kernel.errors import N_, InvalidInput
from store.repo.customers.search_scope import SearchScope
from web.shared.company_time import day_span


def search_scope(
    timezone: str, customer_id: int | None, author_id: int | None, since: date | None, until: date | None
) -> SearchScope:
    """The narrowing a reader asked for, company dates as instants; a span that ends before it starts
    is refused rather than answered with nothing."""
    if since and until and until < since:
        raise InvalidInput(
            details=[{"field": "until", "code": "before_since", "message": N_("The end is before the start.")}]
        )
    start, end = day_span(timezone, since, until)
    return SearchScope(customer_id=customer_id, author_id=author_id, since=start, until=end)
