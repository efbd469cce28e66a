"""The list of processes: orders, handovers and settlements side by side, newest first, each
person seeing what they may, filtered by type, status, person, overdue work and date."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx

from schemas.orders import OrderStatus
from store.db import Database
from store.models import Offboarding, Order, Task
from store.models.base import utcnow
from tests.orders.test_pages import login_as
from tests.support.clock import company_today
from tests.support.commission import pay, sale, save_plan, settle
from tests.support.org import OrgFixture


def make_processes(db: Database, org: OrgFixture) -> dict[str, Any]:
    """Two orders of the south team (one overdue at the manager), one of the east, a handover of
    李娜, and October's settlement with a statement for 张伟 only."""
    save_plan(db, org)
    south, east = sale(db, org, "sales_south", "1000.00"), sale(db, org, "sales_east", "2000.00")
    waiting = sale(db, org, "sales_south", "3000.00")
    pay(db, south, "1000.00", "2026-10-10")
    settle(db, "2026-10")
    with db.session() as session:
        order = session.get(Order, waiting)
        assert order is not None
        order.status, order.workflow_id = OrderStatus.pending_approval, f"order-{waiting}"
        order.created_at = utcnow() - timedelta(days=40)
        session.add(
            Task(
                id=f"order-{waiting}:r1-manager",
                workflow_id=f"order-{waiting}",
                process="order",
                process_id=str(waiting),
                kind="order_approval",
                title="审批订单",
                assignee_id=org["manager_south"],
                actions=["approve", "reject"],
                status="open",
                overdue=True,
                due_at=utcnow() - timedelta(hours=3),
            )
        )
        session.add(
            Offboarding(
                employee_id=org["sales_south2"],
                open_for=org["sales_south2"],
                workflow_id=f"offboarding-{org['sales_south2']}",
                last_day=company_today() + timedelta(days=9),
                manager_id=org["manager_south"],
            )
        )
    return {"south": south, "east": east, "waiting": waiting}


async def listed(client: httpx.AsyncClient, **params: Any) -> dict[str, Any]:
    response = await client.get("/api/processes", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def ids(body: dict[str, Any]) -> set[str]:
    return {item["workflow_id"] for item in body["items"]}


async def test_each_person_sees_the_processes_they_may(api, db: Database, org: OrgFixture) -> None:  # type: ignore[no-untyped-def]
    made = make_processes(db, org)
    everything = {
        f"order-{made['south']}",
        f"order-{made['east']}",
        f"order-{made['waiting']}",
        f"offboarding-{org['sales_south2']}",
        "commission-2026-10",
    }
    for who in ("admin", "head", "finance"):
        body = await listed(await api(who))
        assert ids(body) == everything and body["total"] == 5, who
    hr = await api("hr")
    orders = {f"order-{made['south']}", f"order-{made['east']}", f"order-{made['waiting']}"}
    assert ids(await listed(hr)) == everything - orders, "HR reads no orders, in the list as in the records"
    for order in orders:
        assert (await hr.get(f"/api/orders/{order.split('-')[1]}")).status_code == 404
    assert (await hr.get("/api/customers")).json()["total"] == 0
    manager = await listed(await api("manager_south"))
    assert ids(manager) == everything - {f"order-{made['east']}"}
    zhang = await listed(await api("sales_south"))
    assert ids(zhang) == {f"order-{made['south']}", f"order-{made['waiting']}", "commission-2026-10"}
    wang = await listed(await api("sales_east"))
    assert ids(wang) == {f"order-{made['east']}"}  # no statement in October: not his settlement


async def test_filters_by_type_status_person_overdue_and_date(api, db: Database, org: OrgFixture) -> None:  # type: ignore[no-untyped-def]
    made = make_processes(db, org)
    admin = await api("admin")
    assert ids(await listed(admin, type="offboarding")) == {f"offboarding-{org['sales_south2']}"}
    assert ids(await listed(admin, type="order", status="open")) == {f"order-{made['waiting']}"}
    assert ids(await listed(admin, status="approved")) == {f"order-{made['south']}", f"order-{made['east']}"}
    assert ids(await listed(admin, overdue="true")) == {f"order-{made['waiting']}"}
    assert ids(await listed(admin, person_id=org["sales_south"], type="commission")) == {"commission-2026-10"}
    assert ids(await listed(admin, person_id=org["sales_east"], type="commission")) == set()
    recent = await listed(admin, since=(company_today() - timedelta(days=7)).isoformat())
    assert f"order-{made['waiting']}" not in ids(recent) and f"order-{made['south']}" in ids(recent)
    old = await listed(admin, until=(company_today() - timedelta(days=30)).isoformat())
    assert ids(old) == {f"order-{made['waiting']}"}
    overdue = (await listed(admin, overdue="true"))["items"][0]
    assert overdue["overdue"] is True and overdue["subject"].startswith("客户") and overdue["kind"] == "order"


async def test_pages_are_newest_first_and_bad_filters_are_refused(api, db: Database, org: OrgFixture) -> None:  # type: ignore[no-untyped-def]
    make_processes(db, org)
    admin = await api("admin")
    first, second = await listed(admin, limit=2), await listed(admin, limit=2, offset=2)
    rest = await listed(admin, limit=2, offset=4)
    pages = [item for body in (first, second, rest) for item in body["items"]]
    assert len(pages) == 5 and len({item["workflow_id"] for item in pages}) == 5
    starts = [item["started_at"] for item in pages]
    assert starts == sorted(starts, reverse=True)
    for params in (
        {"type": "holiday"},
        {"limit": "0"},
        {"since": "yesterday"},
        {"status": "DROP TABLE"},
        {"person_id": "99999999999"},
    ):
        assert (await admin.get("/api/processes", params=params)).status_code == 422, params


async def test_the_process_list_page_filters_and_links_to_each_case(
    anonymous: httpx.AsyncClient, db: Database, org: OrgFixture
) -> None:
    made = make_processes(db, org)
    await login_as(anonymous, "manager_south")
    page = await anonymous.get("/processes")
    assert page.status_code == 200 and "流程" in page.text and 'href="/processes"' in page.text
    assert f'href="/orders/{made["waiting"]}"' in page.text and "/commission/2026-10" in page.text
    assert f'href="/orders/{made["east"]}"' not in page.text  # another team's order
    assert "李娜" in page.text and "待审批" in page.text
    late = await anonymous.get("/processes", params={"overdue": "1"}, headers={"HX-Request": "true"})
    assert late.status_code == 200 and "1 个流程" in late.text and "逾期" in late.text
    assert "<html" not in late.text
    odd = await anonymous.get("/processes", params={"type": "nonsense", "since": "not-a-date", "state": "x"})
    assert odd.status_code == 200 and "4 个流程" in odd.text  # unknown filters are ignored, not errors
