"""The workflow engine as one person's action reaches it, handed by the route to the services.

A service that starts a process or sends a Workflow Update for a person (``web/<area>/actions.py``)
takes a :class:`ProcessEngine` beside the database and the acting :class:`~web.shared.auth.Principal`,
never the web request: the Temporal client, the settings that bound every call (``action_timeout``,
the task queue) and the deadline after which a process refuses the action all come from here.

The shared update functions (web/shared/engine.py) read the handle, the settings and the database
from the request, and note on it that the open-task counts changed (named in the answer's
``HX-Trigger`` header, see web/shared/counters.py). So the engine keeps the route's request for
them and for nothing else: no service reads it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Concatenate, ParamSpec, TypeVar

from fastapi import Request
from temporalio.client import Client

from schemas.kernel.config import Settings
from web.shared import engine as shared_engine

P = ParamSpec("P")
R = TypeVar("R")


def _bound(function: Callable[Concatenate[Request, P], R], request: Request) -> Callable[P, R]:
    """``function`` with the request as its first argument; the rest of its signature is kept."""

    def call(*args: P.args, **kwargs: P.kwargs) -> R:
        return function(request, *args, **kwargs)

    return call


class ProcessEngine:
    """The engine for the actions of one request; routes build it with ``ProcessEngine(request)``.

    ``update(workflow_id, update, argument, *, update_id, result_type, refusals, closed)`` sends a
    Workflow Update, bounded in time and fenced (``web.shared.engine.execute_update``);
    ``after_giving_up(workflow_id, attempt, result_type, refusals, cause)`` answers an action the
    engine did not confirm in time: 503 with nothing recorded, unless the process applied it first.
    """

    def __init__(self, request: Request) -> None:
        self._request = request
        self.update = _bound(shared_engine.execute_update, request)
        self.after_giving_up = _bound(shared_engine.after_giving_up, request)

    @property
    def settings(self) -> Settings:
        """The app's settings as they stand (the same ones web/shared/engine.py reads)."""
        settings: Settings = self._request.app.state.settings
        return settings

    @property
    def timeout(self) -> float:
        """How long a person's action waits for the engine before the answer is 503."""
        return self.settings.action_timeout

    def deadline(self) -> datetime:
        """When the action stops counting: a process refuses it if it is delivered later."""
        return shared_engine.action_deadline(self._request)

    async def client(self) -> Client:
        """The Temporal client, connected within the action's timeout (503 when it cannot be)."""
        return await shared_engine.engine_handle(self._request).client(timeout=self.timeout)
