"""A submission the engine could not confirm answers 503 and leaves no order; the salesperson's
retry once the worker is back starts a fresh process under an id never used before, although the
first attempt's ``order-<id>`` process may still be running."""

from __future__ import annotations

import concurrent.futures
import contextlib
from datetime import date

from sqlalchemy import select
from temporalio.client import Client
from temporalio.service import RPCError

from baton.worker import build_worker
from schemas.kernel.config import Settings
from store.db import Database
from store.models import Order
from store.repo.orders import records as order_repo
from tests.conftest import end_processes
from tests.support.customers import make_customers
from tests.support.orders import make_services, order_body
from tests.support.org import OrgFixture
from tests.support.workflows import SUPPORT_WORKFLOWS


async def test_a_retry_after_an_outage_starts_cleanly_under_a_new_id(  # type: ignore[no-untyped-def]
    api,
    app,
    temporal_client: Client,
    settings: Settings,
    db: Database,
    org: OrgFixture,
    activity_executor: concurrent.futures.ThreadPoolExecutor,
) -> None:
    make_services(db)
    customers = make_customers(db, org)
    app.state.settings = settings.with_changes(action_timeout=1.5)
    with db.session() as session:
        before = set(session.scalars(select(Order.id)))
    sales = await api("sales_south")
    refused = await sales.post("/api/orders", json=order_body(customers.own))
    assert refused.status_code == 503 and refused.json()["error"]["code"] == "engine_unavailable"
    with db.session() as session:
        assert set(session.scalars(select(Order.id))) == before, "nothing of it is recorded"
    app.state.settings = settings
    abandoned = temporal_client.get_workflow_handle(f"order-{max(before) + 1}")
    try:
        async with build_worker(temporal_client, settings, db, activity_executor, extra_workflows=SUPPORT_WORKFLOWS):
            retried = await sales.post("/api/orders", json=order_body(customers.own))
            assert retried.status_code == 201, retried.text
            assert retried.json()["id"] > max(before) + 1, "the first attempt's id is never handed out again"
            await end_processes(temporal_client, settings.temporal.task_queue, db)
    finally:  # the first attempt's process must not outlive the test (ids start afresh in the next)
        with contextlib.suppress(RPCError):
            await abandoned.terminate("test finished")


def test_an_order_id_is_never_handed_out_twice(db: Database, org: OrgFixture) -> None:
    customers = make_customers(db, org)
    seen = []
    for _ in range(3):
        with db.session() as session:
            draft = order_repo.reserve_draft(
                session,
                owner_id=org["sales_south"],
                customer_id=customers.own,
                requested_date=date(2030, 1, 2),
                note="",
            )
            seen.append(draft.id)
        with db.session() as session:
            order_repo.discard_draft(session, draft.id)
    assert len(set(seen)) == 3 and seen == sorted(seen)


async def test_an_id_whose_process_already_runs_is_skipped(  # type: ignore[no-untyped-def]
    api, worker, temporal_client: Client, settings: Settings, db: Database, org: OrgFixture
) -> None:
    """A database restored from an older backup may hand out an id whose process still runs in the
    engine: the salesperson's order goes under the next id instead of failing."""
    from schemas.orders import OrderStart
    from store.repo.tasks import policies

    make_services(db)
    customers = make_customers(db, org)
    with db.session() as session:
        taken = max(session.scalars(select(Order.id))) + 1
        start = OrderStart(order_id=taken, owner_id=org["sales_south"], policies=policies.snapshot(session))
    stranger = await temporal_client.start_workflow(
        "OrderApproval", start, id=f"order-{taken}", task_queue=f"{settings.temporal.task_queue}-elsewhere"
    )
    try:
        created = await (await api("sales_south")).post("/api/orders", json=order_body(customers.own))
        assert created.status_code == 201, created.text
        assert created.json()["id"] != taken
        with db.session() as session:
            assert session.get(Order, taken) is None, "the skipped id's draft is gone"
    finally:
        await stranger.terminate("test finished")
