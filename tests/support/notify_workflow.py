"""A one-step process that notifies a person through ``notify.send`` under a fast retry policy of
its own (not one of workflows/calls.py's kinds), so tests can watch Temporal retry a delivery and
count what actually went out."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities.notifications.notify import NotificationRequest, NotifyActivities
    from schemas.notifications import DeliveryReport


@workflow.defn(name="NotifyProbe")
class NotifyProbeWorkflow:
    @workflow.run
    async def run(self, request: NotificationRequest) -> DeliveryReport:
        return await workflow.execute_activity_method(
            NotifyActivities.send,
            request,
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=RetryPolicy(
                initial_interval=timedelta(milliseconds=50), backoff_coefficient=1.0, maximum_attempts=5
            ),
        )
