"""The top bar's counts (open tasks, unread notifications), kept current by what changes them.

Both badges poll every 30 s. An action that changes one says so at once: it notes an event
(``counts_changed(TASKS_CHANGED)``) wherever the change happens — inside a shared action such as
a Workflow Update sent for a person, which knows no request — and the request middleware
(web/shared/middleware.py), which opens a fresh note for each request with :func:`noting_counts`,
names the events in the answer's ``HX-Trigger`` header. HTMX fires them on the page's body and
each badge listens (``hx-trigger="tasks-changed from:body, every 30s"``), so no router has to
remember to refresh a count, and a count never lags the action that moved it.

The note is a context variable: it reaches an endpoint run in the thread pool as it reaches an
async one, and outside a request (a background task, a test calling a service) nothing is noted.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

TASKS_CHANGED = "tasks-changed"  # a task was completed, claimed, released or withdrawn
NOTIFICATIONS_CHANGED = "notifications-changed"  # notifications were read

_noted: ContextVar[list[str] | None] = ContextVar("counts_changed", default=None)


def counts_changed(*events: str) -> None:
    """Note that the current request changed the counts behind ``events`` (sent with its answer)."""
    noted = _noted.get()
    if noted is not None:
        noted.extend(event for event in events if event not in noted)


@contextmanager
def noting_counts(noted: list[str]) -> Iterator[None]:
    """While the block runs (one request), events are noted in ``noted``, each once, in order."""
    token = _noted.set(noted)
    try:
        yield
    finally:
        _noted.reset(token)


def trigger_header(existing: str | None, events: list[str]) -> str:
    """The ``HX-Trigger`` value naming ``events`` besides any event the answer already names."""
    names = [name.strip() for name in (existing or "").split(",") if name.strip()]
    return ", ".join([*names, *(event for event in events if event not in names)])
