"""The top bar's counts (open tasks, unread notifications), kept current by what changes them.

Both badges poll every 30 s. An action that changes one says so at once: it notes an event on
the request (``counts_changed(request, TASKS_CHANGED)``) wherever the change happens — inside a
shared action such as a Workflow Update sent for a person — and the request middleware
(web/shared/middleware.py) names the events in the answer's ``HX-Trigger`` header. HTMX fires them on
the page's body and each badge listens (``hx-trigger="tasks-changed from:body, every 30s"``),
so no router has to remember to refresh a count, and a count never lags the action that moved it.
"""

from __future__ import annotations

from fastapi import Request

TASKS_CHANGED = "tasks-changed"  # a task was completed, claimed, released or withdrawn
NOTIFICATIONS_CHANGED = "notifications-changed"  # notifications were read
STATE_KEY = "counts_changed"


def counts_changed(request: Request, *events: str) -> None:
    """Note that this request changed the counts behind ``events`` (sent with its answer)."""
    noted: list[str] = request.scope.setdefault("state", {}).setdefault(STATE_KEY, [])
    noted.extend(event for event in events if event not in noted)


def trigger_header(existing: str | None, events: list[str]) -> str:
    """The ``HX-Trigger`` value naming ``events`` besides any event the answer already names."""
    names = [name.strip() for name in (existing or "").split(",") if name.strip()]
    return ", ".join([*names, *(event for event in events if event not in names)])
