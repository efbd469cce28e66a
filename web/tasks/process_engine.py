"""The workflow engine as one person's action reaches it, handed by the route to the services.

A service that starts a process or sends a Workflow Update for a person (``web/<area>/actions.py``)
takes a :class:`ProcessEngine` beside the database and the acting :class:`~web.shared.auth.Principal`,
never the web request: the Temporal handle, the settings that bound every call (``action_timeout``,
the task queue) and the deadline after which a process refuses the action all come from here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Unpack

from fastapi import Request
from temporalio.client import Client

from schemas.kernel.config import Settings
from schemas.kernel.errors import BatonError
from store.db import Database
from web.shared.auth import get_db, get_settings
from web.shared.engine import EngineHandle, UpdateOptions, action_expires_at, engine_handle


class ProcessEngine:
    """The engine for the actions of one request; routes build it with ``ProcessEngine.of(request)``."""

    def __init__(self, handle: EngineHandle, db: Database, settings: Settings) -> None:
        self._handle, self._db, self.settings = handle, db, settings

    @classmethod
    def of(cls, request: Request) -> ProcessEngine:
        """The engine, database and settings of the app serving ``request``."""
        return cls(engine_handle(request), get_db(request), get_settings(request))

    async def update(self, workflow_id: str, update: str, argument: Any, **options: Unpack[UpdateOptions]) -> Any:
        """Send a Workflow Update, bounded in time and fenced (:meth:`EngineHandle.execute_update`)."""
        return await self._handle.execute_update(self._db, self.settings, workflow_id, update, argument, **options)

    async def after_giving_up(
        self,
        workflow_id: str,
        attempt: str,
        result_type: type,
        refusals: dict[str, type[BatonError]],
        cause: BaseException,
    ) -> Any:
        """Answer an action the engine did not confirm in time: 503 with nothing recorded, unless
        the process applied it first (:meth:`EngineHandle.after_giving_up`)."""
        return await self._handle.after_giving_up(
            self._db, self.settings, workflow_id, attempt, result_type, refusals, cause
        )

    @property
    def timeout(self) -> float:
        """How long a person's action waits for the engine before the answer is 503."""
        return self.settings.action_timeout

    def deadline(self) -> datetime:
        """When the action stops counting: a process refuses it if it is delivered later."""
        return action_expires_at(self.settings)

    async def client(self) -> Client:
        """The Temporal client, connected within the action's timeout (503 when it cannot be)."""
        return await self._handle.client(timeout=self.timeout)
