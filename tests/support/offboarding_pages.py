"""Helpers for the offboarding page and browser tests: acting on a case's step from its page, and
doing the parts of a handover a test is not about over the API, each with its evidence."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select

from schemas.offboarding import review_step, task_id_of
from store.db import Database
from store.models import Offboarding, Task
from tests.support.eventually import once_ready
from tests.support.offboarding import Book, act, item_task, record_followups, upload
from tests.support.steps import wait_for_row

# The checklist items the leaver does (finance confirms receivables, admin takes the devices back).
LEAVER_ITEMS = (
    "customer_files",
    "open_orders",
    "followup_records",
    "competitor_contacts",
    "key_contacts",
    "contracts_quotes",
    "experience_notes",
)


async def post_step(
    client: httpx.AsyncClient, case_id: int, task_id: str, data: dict[str, Any], headers: dict[str, str] | None = None
) -> httpx.Response:
    """Post a step's form from the case page, waiting while the process is still registering the
    step (409 ``task_not_ready``)."""
    return await once_ready(
        lambda: client.post(f"/offboardings/{case_id}/tasks/{task_id}", data=data, headers=headers or {}), task_id
    )


async def do_item(
    db: Database, client: httpx.AsyncClient, case_id: int, key: str, book: Book, employee_id: int
) -> None:
    """One item done over the API with the evidence it needs."""
    task = await item_task(db, case_id, key)
    body: dict[str, Any] = {"comment": f"{key} 已交接"}
    if key in ("customer_files", "contracts_quotes"):
        await upload(client, task.id, f"{key}.pdf")
    elif key == "open_orders":
        body["data"] = {
            "orders": [{"order_id": order_id, "collection_plan": "李娜月底前催收"} for order_id in book.open_orders]
        }
    elif key == "followup_records":
        record_followups(db, employee_id, book.customers)
    elif key == "competitor_contacts":
        body["data"] = {"declaration": "未与竞争对手接触"}
    response = await act(client, task.id, "done", **body)
    assert response.status_code == 200, response.text


async def do_items(
    db: Database,
    clients: dict[str, httpx.AsyncClient],
    case_id: int,
    book: Book,
    employee_id: int,
    keys: tuple[str, ...],
) -> None:
    """The items named, each by whoever does it: the leaver, finance (receivables), admin (devices)."""
    doer = {"receivables": "finance", "accounts_devices": "admin"}
    for key in keys:
        await do_item(db, clients[doer.get(key, "leaver")], case_id, key, book, employee_id)


async def review_task(db: Database, employee_id: int, role: str, round_: int = 1) -> Task:
    """The open sign-off task of the person's latest case."""
    with db.session() as session:
        case = session.scalars(
            select(Offboarding).where(Offboarding.employee_id == employee_id).order_by(Offboarding.id.desc())
        ).first()
        assert case is not None
        task_id = task_id_of(case.workflow_id, case.id, review_step(role, round_))
    return await wait_for_row(db, Task, task_id, lambda row: row.status == "open")
