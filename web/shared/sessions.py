"""One unit of work for a service that takes a session, run where a route wants it (often in the
thread pool, off the event loop): ``await run_in_threadpool(in_session, db, detail_context, user, 12)``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

from store.db import Database, Session

Params = ParamSpec("Params")
Result = TypeVar("Result")


def in_session(
    db: Database,
    work: Callable[Concatenate[Session, Params], Result],
    *args: Params.args,
    **kwargs: Params.kwargs,
) -> Result:
    """``work(session, *args, **kwargs)`` in one session of ``db``: committed when it returns,
    rolled back when it raises."""
    with db.session() as session:
        return work(session, *args, **kwargs)
