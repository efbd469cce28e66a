"""Opening, cancelling and configuring offboardings: who may start one and with what, one open
case per person, HR's cancel (the person stays, nothing is deleted), the admin's checklist
template, and a reassignment that fails midway moving nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from schemas.org import EmployeeStatus
from store.db import Database
from store.models import Customer, Employee, Offboarding, OwnershipChange, Task
from store.repo.audit import chain as audit
from store.repo.customers.visibility import Viewer
from store.repo.offboarding import checklist as handover
from store.repo.offboarding import reassignment
from store.repo.offboarding.records import open_case
from tests.support.clock import company_today
from tests.support.offboarding import act, item_task, make_book, start_case, wait_for_case
from tests.support.orders import make_services, order_body
from tests.support.org import OrgFixture

TOMORROW = (company_today() + timedelta(days=1)).isoformat()


def body(employee_id: int, **changes: object) -> dict[str, object]:
    return {"employee_id": employee_id, "reason": "个人原因", "last_day": TOMORROW, **changes}


def case_count(db: Database) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(Offboarding)) or 0


async def test_bad_starts_are_refused_with_nothing_recorded(api, db: Database, org: OrgFixture) -> None:  # type: ignore[no-untyped-def]
    hr = await api("hr")
    with db.session() as session:
        gone = session.get(Employee, org["sales_east"])
        assert gone is not None
        gone.status = EmployeeStatus.departed
    cases = [
        (await hr.post("/api/offboardings", json=body(999999)), 422, "unknown_employee"),
        (await hr.post("/api/offboardings", json=body(org["sales_east"])), 422, "employee_departed"),
        (await hr.post("/api/offboardings", json=body(org["sales_south"], last_day="2020-01-01")), 422, "date_in_past"),
        (await hr.post("/api/offboardings", json=body(org["sales_south"], reason="")), 422, None),
        (await hr.post("/api/offboardings", json=body(org["sales_south"], last_day="31/12/2026")), 422, None),
        (await (await api("sales_south2")).post("/api/offboardings", json=body(org["sales_south"])), 403, None),
        (await (await api("manager_east")).post("/api/offboardings", json=body(org["sales_south"])), 403, None),
        (await hr.post("/api/offboardings", json=body(2**40)), 422, None),
    ]
    for response, status, code in cases:
        assert response.status_code == status, response.text
        if code:
            assert code in [d["code"] for d in response.json()["error"]["details"]], response.text
    assert case_count(db) == 0
    with db.session() as session:
        person = session.get(Employee, org["sales_south"])
        assert person is not None and person.status == "active" and not person.order_freeze


async def test_hr_cancels_the_person_stays_and_history_is_kept(skipping_api, db: Database, org: OrgFixture) -> None:  # type: ignore[no-untyped-def]
    make_services(db)
    book = make_book(db, org, customers=4)
    hr, manager, leaver = (
        await skipping_api("hr"),
        await skipping_api("manager_south"),
        await skipping_api("sales_south"),
    )
    created = await start_case(manager, org["sales_south"])
    files = await item_task(db, created["id"], "customer_files")
    assert (await manager.post(f"/api/offboardings/{created['id']}/cancel", json={})).status_code == 403
    assert (await leaver.post(f"/api/offboardings/{created['id']}/complete")).status_code == 403

    cancelled = await hr.post(f"/api/offboardings/{created['id']}/cancel", json={"reason": "员工决定留下"})
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled"
    case = (await hr.get(f"/api/offboardings/{created['id']}")).json()
    assert case["status"] == "cancelled" and case["blockers"] == []
    assert {row["status"] for row in case["reassignments"]} == {"cancelled"}
    with db.session() as session:
        person = session.get(Employee, org["sales_south"])
        assert person is not None and person.status == "active" and not person.order_freeze
        task = session.get(Task, files.id)
        assert task is not None and task.status == "cancelled", "withdrawn, still in the history"
        owners = set(session.scalars(select(Customer.owner_id).where(Customer.id.in_(book.customers))))
        assert owners == {org["sales_south"]}
    again = await hr.post(f"/api/offboardings/{created['id']}/cancel", json={})
    assert again.status_code == 409 and again.json()["error"]["code"] == "offboarding_closed"
    order = await leaver.post("/api/orders", json=order_body(book.customers[0], [("LTL", 1, "95.00")]))
    assert order.status_code == 201, "the freeze is lifted: the salesperson sells again"

    second = await start_case(hr, org["sales_south"])
    assert second["id"] != created["id"] and second["workflow_id"] == created["workflow_id"]
    await wait_for_case(db, second["id"], "handover")
    fresh = await item_task(db, second["id"], "customer_files")
    assert fresh.id != files.id and fresh.status == "open", "the second case has tasks of its own"
    refused = await act(leaver, fresh.id, "done")
    assert refused.status_code == 422, "files on the first case's task do not count for the second"
    assert (await hr.get(f"/api/offboardings/{created['id']}")).json()["status"] == "cancelled"


async def test_the_checklist_follows_the_admins_template(skipping_api, db: Database, org: OrgFixture) -> None:  # type: ignore[no-untyped-def]
    admin, hr = await skipping_api("admin"), await skipping_api("hr")
    default = (await admin.get("/api/offboarding-templates/sales")).json()
    assert len(default["items"]) == 10
    assert (await hr.get("/api/offboarding-templates/sales")).status_code == 403
    duplicated = {"items": [default["items"][0], default["items"][0]]}
    assert (await admin.put("/api/offboarding-templates/sales", json=duplicated)).status_code == 422
    bad_kind = {"items": [{**default["items"][0], "evidence": "photo"}]}
    assert (await admin.put("/api/offboarding-templates/sales", json=bad_kind)).status_code == 422
    assert (await admin.put("/api/offboarding-templates/nobody", json=default)).status_code == 422
    shorter = {
        "items": [
            *default["items"][:2],
            {"key": "vehicle_keys", "title": "归还车辆钥匙", "assignee": "manager", "evidence": "comment"},
        ]
    }
    saved = await admin.put("/api/offboarding-templates/sales", json=shorter)
    assert saved.status_code == 200, saved.text
    created = await start_case(hr, org["sales_south"])
    case = (await hr.get(f"/api/offboardings/{created['id']}")).json()
    assert [item["key"] for item in case["items"]] == ["customer_files", "open_orders", "vehicle_keys"]
    keys = await item_task(db, created["id"], "vehicle_keys")
    assert keys.assignee_id == org["manager_south"] and keys.title == "归还车辆钥匙"


def test_a_reassignment_failing_midway_moves_nothing(
    db: Database, org: OrgFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = make_book(db, org, customers=6)
    with db.session() as session:
        case, leaver = open_case(
            session,
            actor=Viewer(org["hr"], frozenset({"hr"}), None),
            employee_id=org["sales_south"],
            reason="x",
            last_day=company_today(),
            today=company_today(),
        )
        handover.set_up(session, case, leaver)
        plan, case_id = reassignment.proposal(session, case.id), case.id
    real_record, calls = audit.record, []

    def failing_record(*args: object, **kwargs: object) -> object:
        calls.append(kwargs.get("action"))
        if calls.count("customer.reassigned") == 4:
            raise RuntimeError("database went away")
        return real_record(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(audit, "record", failing_record)
    with pytest.raises(RuntimeError), db.session() as session:
        stored_case = session.get(Offboarding, case_id)
        person = session.get(Employee, org["sales_south"])
        assert stored_case is not None and person is not None
        reassignment.execute(
            session,
            stored_case,
            person,
            org["manager_south"],
            [{"customer_id": int(row["customer_id"] or 0), "to_id": int(row["to_id"] or 0)} for row in plan],
            "交接",
        )
    with db.session() as session:
        owners = set(session.scalars(select(Customer.owner_id).where(Customer.id.in_(book.customers))))
        assert owners == {org["sales_south"]}, "three customers had moved before the failure; none stays moved"
        assert (
            session.scalar(
                select(func.count())
                .select_from(OwnershipChange)
                .where(OwnershipChange.from_owner_id == org["sales_south"])
            )
            == 0
        )
        stored = session.get(Offboarding, case_id)
        assert stored is not None and stored.plan_executed_at is None
