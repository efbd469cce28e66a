"""Orders waiting for approval without a running process (loaded with the demo company, or
imported) get their ``order-<id>`` process when a worker starts: nobody is left unasked.

Idempotent: a process already running for the order is kept (``USE_EXISTING``).
"""

from __future__ import annotations

import logging

from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy

from schemas import search
from schemas.orders import OrderStart, OrderStatus
from schemas.tasks import Process
from store.db import Database
from store.repo.orders import records as order_repo
from store.repo.tasks import policies
from workflows.orders import OrderApprovalWorkflow

log = logging.getLogger("baton.orders")


async def adopt_pending_orders(client: Client, db: Database, task_queue: str) -> int:
    with db.session() as session:
        pending = order_repo.awaiting_approval(session)
        snapshot = policies.snapshot(session)
    for order_id, owner_id, workflow_id, customer in pending:
        await client.start_workflow(
            OrderApprovalWorkflow.run,
            OrderStart(order_id=order_id, owner_id=owner_id, policies=snapshot, adopted=True),
            id=workflow_id or f"order-{order_id}",
            task_queue=task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            search_attributes=search.process_attributes(
                Process.order.value, customer, OrderStatus.pending_approval.value
            ),
        )
    if pending:
        log.info("%d pending orders have their approval process", len(pending))
    return len(pending)
