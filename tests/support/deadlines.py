"""Deadline tests on the time-skipping server: a policy the test sets for its own processes, and a
process clock moved to the exact instant a deadline acts.

Time skipping costs wall time for every instant at which a timer fires (each fires activities and
a round trip through the server), not for the length of the jump. So a test that is about one
deadline sets the others it would cross to fire rarely, and jumps to just past the instants it
asserts on rather than "far enough".
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from schemas.policies import DeadlinePolicy
from store.db import Database
from store.repo.tasks import policies

PAST = timedelta(minutes=1)  # how far past an instant a test looks, so what is due then has fired


def use_policy(db: Database, key: str, **fields: Any) -> DeadlinePolicy:
    """Processes started from now on take this policy for ``key`` (where a duration is not given,
    zero: no reminder, a single overdue notice, no escalation)."""
    with db.session() as session:
        return policies.put_policy(session, actor_id=None, key=key, policy=DeadlinePolicy(**fields))


async def fast_forward_to(env: WorkflowEnvironment, handle: WorkflowHandle[Any, Any], instant: datetime) -> None:
    """Move the process's clock to just past ``instant``."""
    now = await env.get_current_time(handle)
    assert instant + PAST > now, f"{handle.id} is already at {now}, past {instant}"
    await env.fast_forward(handle, instant + PAST - now)
