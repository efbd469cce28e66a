"""Connecting to Temporal (the dev server Baton starts, or a cluster from configuration) and asking
it whether a worker is polling: client-side I/O, so it lives with the web, never in workflows/."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.service import TLSConfig

from schemas.kernel.config import TemporalSettings

# A poller the server saw within this window counts as a live worker.
WORKER_SEEN_WITHIN = timedelta(seconds=90)


def _tls(settings: TemporalSettings) -> TLSConfig | bool:
    if not settings.tls_enabled:
        return False

    def read(path: str | None) -> bytes | None:
        return Path(path).read_bytes() if path else None

    return TLSConfig(
        server_root_ca_cert=read(settings.tls_server_ca),
        client_cert=read(settings.tls_client_cert),
        client_private_key=read(settings.tls_client_key),
    )


async def connect(settings: TemporalSettings, timeout: float = 5.0) -> Client:
    """A client with Baton's data converter; fails within ``timeout`` seconds if nobody answers."""
    tls = _tls(settings)
    if settings.api_key and tls is False:
        tls = True  # API keys are only ever sent over TLS
    return await asyncio.wait_for(
        Client.connect(
            settings.target,
            namespace=settings.namespace,
            api_key=settings.api_key,
            tls=tls,
            data_converter=pydantic_data_converter,
        ),
        timeout=timeout,
    )


async def worker_alive(client: Client, task_queue: str) -> bool:
    """True when a worker polled the task queue recently, for workflow or activity tasks."""
    now = datetime.now(UTC)
    for queue_type in (TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW, TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY):
        request = DescribeTaskQueueRequest(
            namespace=client.namespace, task_queue=TaskQueue(name=task_queue), task_queue_type=queue_type
        )
        response = await client.workflow_service.describe_task_queue(request, timeout=timedelta(seconds=3))
        for poller in response.pollers:
            if now - poller.last_access_time.ToDatetime(tzinfo=UTC) <= WORKER_SEEN_WITHIN:
                return True
    return False
