"""HR's final confirmation: before the last working day only as an explicit early departure with
its reason, which the audit log, the case's timeline and the handover report keep; on or after the
last working day the plain confirmation goes through as before."""

from __future__ import annotations

from datetime import date, timedelta

import httpx
from sqlalchemy import select
from temporalio.worker import Worker

from schemas.offboarding import FINAL_STEP, PLAN_STEP, task_id_of
from store.db import Database
from store.models import AuditEntry, Employee, Task
from tests.offboarding.test_pages import section
from tests.orders.test_pages import htmx, login_as
from tests.platform.test_pages import form_token
from tests.support.offboarding import act, make_book, start_case, wait_for_case
from tests.support.offboarding_pages import LEAVER_ITEMS, do_items, review_task
from tests.support.org import OrgFixture, company_today
from tests.support.steps import wait_for_row


async def ready_to_confirm(api, db: Database, org: OrgFixture, last_day: date) -> int:  # type: ignore[no-untyped-def]
    """A case with every item done, the customers moved and the three sign-offs given."""
    book = make_book(db, org, customers=2)
    created = await start_case(await api("hr"), org["sales_south"], last_day)
    case_id = created["id"]
    clients = {"leaver": await api("sales_south"), "finance": await api("finance"), "admin": await api("admin")}
    await do_items(db, clients, case_id, book, org["sales_south"], (*LEAVER_ITEMS, "receivables", "accounts_devices"))
    plan = await wait_for_row(
        db, Task, task_id_of(created["workflow_id"], case_id, PLAN_STEP), lambda task: task.status == "open"
    )
    approved = await act(await api("manager_south"), plan.id, "approve", data={"assignments": plan.context["proposal"]})
    assert approved.status_code == 200, approved.text
    await do_items(db, clients, case_id, book, org["sales_south"], ("customer_notice",))
    await wait_for_case(db, case_id, "review")
    for role, username in (("department_head", "head"), ("hr", "hr"), ("finance", "finance")):
        task = await review_task(db, org["sales_south"], role)
        assert (await act(await api(username), task.id, "approve")).status_code == 200
    await wait_for_case(db, case_id, "final")
    return case_id


def completion_audit(db: Database, case_id: int) -> dict:  # type: ignore[type-arg]
    with db.session() as session:
        entry = session.scalars(
            select(AuditEntry).where(
                AuditEntry.entity == "offboarding",
                AuditEntry.entity_id == str(case_id),
                AuditEntry.action == "offboarding.completed",
            )
        ).one()
        return dict(entry.detail or {})


async def test_confirming_before_the_last_working_day_needs_an_early_departure_and_why(
    api, worker: Worker, org: OrgFixture, db: Database
) -> None:  # type: ignore[no-untyped-def]
    last_day = date.today() + timedelta(days=14)
    case_id = await ready_to_confirm(api, db, org, last_day)
    hr = await api("hr")
    plain = await hr.post(f"/api/offboardings/{case_id}/complete", json={"comment": "交接完成"})
    assert plain.status_code == 409, plain.text
    assert plain.json()["error"]["code"] == "early_departure"
    assert plain.json()["error"]["message"] == "最后工作日尚未到来：请确认提前离职并说明原因。"
    no_reason = await hr.post(f"/api/offboardings/{case_id}/complete", json={"early": True, "early_reason": " "})
    assert no_reason.status_code == 422 and no_reason.json()["error"]["code"] == "early_reason_required"
    final = task_id_of(f"offboarding-{org['sales_south']}", case_id, FINAL_STEP)
    by_task = await act(hr, final, "complete")
    assert by_task.status_code == 422 and [d["code"] for d in by_task.json()["error"]["details"]] == ["early_departure"]
    with db.session() as session:
        person = session.get(Employee, org["sales_south"])
        assert person is not None and person.status == "offboarding", "nothing was recorded"

    done = await hr.post(
        f"/api/offboardings/{case_id}/complete",
        json={"comment": "交接完成", "early": True, "early_reason": "员工提前入职新公司"},
    )
    assert done.status_code == 200 and done.json()["status"] == "completed", done.text
    detail = completion_audit(db, case_id)
    assert detail["early"] is True and detail["early_reason"] == "员工提前入职新公司"
    assert detail["last_day"] == last_day.isoformat() and detail["comment"] == "交接完成"


async def test_on_the_last_working_day_the_plain_confirmation_goes_through(
    api, worker: Worker, org: OrgFixture, db: Database
) -> None:  # type: ignore[no-untyped-def]
    case_id = await ready_to_confirm(api, db, org, company_today())
    done = await (await api("hr")).post(f"/api/offboardings/{case_id}/complete", json={"comment": "交接完成"})
    assert done.status_code == 200, done.text
    assert "early_reason" not in completion_audit(db, case_id)


async def test_the_page_asks_for_the_early_departure_and_the_case_keeps_why(
    anonymous: httpx.AsyncClient, worker: Worker, api, org: OrgFixture, db: Database
) -> None:  # type: ignore[no-untyped-def]
    last_day = date.today() + timedelta(days=7)
    case_id = await ready_to_confirm(api, db, org, last_day)
    await login_as(anonymous, "hr")
    page = await anonymous.get(f"/offboardings/{case_id}")
    decision = section(page.text, "hr-actions")
    assert f"最后工作日为 {last_day.isoformat()}：现在确认即为提前离职" in decision and 'name="early"' in decision
    token = form_token(page.text)
    refused = await anonymous.post(
        f"/offboardings/{case_id}/complete",
        headers=htmx(page.text),
        data={"csrf_token": token, "comment": "交接完成", "early_reason": "提前入职"},
    )
    assert refused.status_code == 409 and 'data-code="early_departure"' in section(refused.text, "hr-actions")
    assert 'value="提前入职"' in refused.text, "what was typed stays in the form"
    confirmed = await anonymous.post(
        f"/offboardings/{case_id}/complete",
        headers=htmx(page.text),
        data={"csrf_token": token, "comment": "交接完成", "early": "1", "early_reason": "提前入职"},
    )
    assert confirmed.status_code == 200 and 'data-status="completed"' in confirmed.text
    await wait_for_case(db, case_id, "completed")
    timeline = (await anonymous.get(f"/offboardings/{case_id}")).text
    assert f"已确认提前离职（最后工作日为 {last_day.isoformat()}）：提前入职" in timeline
    report = await anonymous.get(f"/offboardings/{case_id}/report")
    assert f"在最后工作日 {last_day.isoformat()} 之前确认离职：提前入职" in section(report.text, "report-final")
