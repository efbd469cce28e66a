"""The fence activity a person's action passes before it changes anything (see
``store/repo/tasks/fences.py``). It is a regular activity, so by the time it runs the engine has
durably accepted the action: a worker that dies afterwards leaves an accepted action that the next
worker finishes, never database changes the engine does not know about."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from temporalio import activity

from store.db import Database
from store.repo.tasks import fences as action_fences


class FenceActivities:
    def __init__(self, db: Database) -> None:
        self.db = db

    @activity.defn(name="actions.fence")
    def fence(self, update_id: str) -> bool:
        """True when the action may be applied; False when the web already told the person it was
        not recorded."""
        with self.db.session() as session:
            return action_fences.apply(session, update_id)


def fence_activities(db: Database) -> list[Callable[..., Any]]:
    return [FenceActivities(db).fence]
