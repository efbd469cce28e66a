"""How workflows call activities: by the activity's own method (never its name), under one of
the few kinds of call whose timeouts and retries are set here once.

- a **record write**: a short database write; run locally by the worker that runs the workflow
  (:func:`write`) or, where the history must hold it before it runs, through the server
  (:func:`call`);
- a **delivery**: e-mail and WeCom for notifications already written (:func:`deliver`);
- a **long computation**: a risk rule over the books, or every commission statement of a month.

The registered activity names (``@activity.defn(name=...)``) are what the histories record; the
method references here resolve to them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities.notifications.notify import NotifyActivities

Arg = TypeVar("Arg")
Result = TypeVar("Result")
Activity = Callable[[Any, Arg], Result]


@dataclass(frozen=True)
class CallKind:
    """Timeouts and retries of one kind of activity call."""

    retry: RetryPolicy
    start_to_close: timedelta | None = None
    schedule_to_close: timedelta | None = None
    heartbeat: timedelta | None = None


QUICK_RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(minutes=1))
RECORD_WRITE = CallKind(start_to_close=timedelta(seconds=30), retry=QUICK_RETRY)
# Sending e-mail/WeCom may wait for a mail server, but never holds a deadline up for long: the
# in-app notification is already written; after this, the delivery row records the failure.
DELIVERY = CallKind(schedule_to_close=timedelta(minutes=10), retry=QUICK_RETRY)
RULE_EVALUATION = CallKind(
    start_to_close=timedelta(minutes=30),
    retry=RetryPolicy(initial_interval=timedelta(seconds=5), maximum_interval=timedelta(minutes=2), maximum_attempts=5),
)
STATEMENT_COMPUTATION = CallKind(
    start_to_close=timedelta(hours=1),
    heartbeat=timedelta(minutes=2),
    retry=RetryPolicy(
        initial_interval=timedelta(seconds=5),
        maximum_interval=timedelta(minutes=5),
        maximum_attempts=5,
        non_retryable_error_types=["NoCommissionPlan"],
    ),
)


async def write(activity: Activity[Arg, Result], arg: Arg, summary: str) -> Result:
    """A record write run as a local activity: no round trip through the server, so a person's
    action answers quickly."""
    return await workflow.execute_local_activity_method(
        activity,
        arg,
        start_to_close_timeout=RECORD_WRITE.start_to_close,
        retry_policy=RECORD_WRITE.retry,
        summary=summary,
    )


async def call(activity: Activity[Arg, Result], arg: Arg, summary: str, kind: CallKind = RECORD_WRITE) -> Result:
    """A regular activity, scheduled through the server: the history holds it before it runs."""
    return await workflow.execute_activity_method(
        activity,
        arg,
        start_to_close_timeout=kind.start_to_close,
        schedule_to_close_timeout=kind.schedule_to_close,
        heartbeat_timeout=kind.heartbeat,
        retry_policy=kind.retry,
        summary=summary,
    )


async def deliver(notification_ids: list[int]) -> None:
    """Send new notifications over the outside channels (e-mail, WeCom), each once; a delivery
    that gives up is logged, never raised: the in-app notification stands."""
    if not notification_ids:
        return
    sends = [
        call(NotifyActivities.deliver, notification_id, "deliver notification", DELIVERY)
        for notification_id in notification_ids
    ]
    for outcome in await asyncio.gather(*sends, return_exceptions=True):
        if isinstance(outcome, BaseException):
            workflow.logger.warning("notification delivery gave up: %s", outcome)
