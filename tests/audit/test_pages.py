"""Reading the audit log: ``GET /api/audit`` and ``/verify`` for their roles only, the filters,
the audit page with its filters and chain check, and that logins, logouts, failed logins, new
employees with their roles, policy, setting and plan changes, payments and exports each leave an
entry naming who did it (and what changed, where something changed)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import select, update
from temporalio.worker import Worker

from store.db import Database
from store.models import AuditEntry, CommissionSettlement
from store.repo.audit import chain as audit
from tests.commission.test_settlement import PLAN
from tests.orders.test_pages import htmx, login_as
from tests.payments.test_api import orders  # noqa: F401  (fixture)
from tests.support.customers import make_customers
from tests.support.orders import make_services, order_body, wait_for_approval
from tests.support.org import OrgFixture


def entries(db: Database, action: str) -> list[AuditEntry]:
    with db.session() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def seed(db: Database, org: OrgFixture) -> None:
    with db.session() as session:
        audit.record(
            session,
            actor_id=org["admin"],
            action="payment.payment",
            entity="order",
            entity_id=7,
            detail={"amount": "800.00"},
        )
        audit.record(
            session,
            actor_id=org["finance"],
            action="payment.refund",
            entity="order",
            entity_id=7,
            detail={"amount": "100.00"},
        )
        audit.record(
            session,
            actor_id=org["hr"],
            action="policy.changed",
            entity="deadline_policy",
            entity_id="order.expiry",
            detail={"before": {"due_in": "P7D"}, "after": {"due_in": "P10D"}},
        )


@pytest.mark.parametrize(
    ("username", "listing", "verifying"),
    [
        ("admin", 200, 200),
        ("hr", 200, 403),
        ("finance", 403, 403),
        ("head", 403, 403),
        ("manager_south", 403, 403),
        ("sales_south", 403, 403),
    ],
)
async def test_only_admin_and_hr_read_the_log_and_only_admin_verifies(
    api,
    username: str,
    listing: int,  # type: ignore[no-untyped-def]
    verifying: int,
) -> None:
    client = await api(username)
    assert (await client.get("/api/audit")).status_code == listing
    assert (await client.get("/api/audit/verify")).status_code == verifying
    if listing == 403:
        assert (await client.get("/api/audit")).json()["error"]["code"] == "forbidden"


async def test_anonymous_is_401(anonymous: httpx.AsyncClient) -> None:
    assert (await anonymous.get("/api/audit")).status_code == 401
    assert (await anonymous.get("/api/audit/verify")).status_code == 401


async def test_the_filters_narrow_and_page_the_entries_newest_first(api, db: Database, org: OrgFixture) -> None:  # type: ignore[no-untyped-def]
    hr = await api("hr")
    seed(db, org)
    by_record = await hr.get("/api/audit", params={"entity": "order", "entity_id": "7"})
    assert by_record.status_code == 200 and by_record.headers["X-Total-Count"] == "2"
    body = by_record.json()
    assert [e["action"] for e in body] == ["payment.refund", "payment.payment"]
    assert set(body[0]) >= {"id", "at", "actor_id", "actor_name", "action", "entity", "entity_id", "detail"}
    assert body[0]["actor_id"] == org["finance"] and body[0]["actor_name"] and body[0]["detail"] == {"amount": "100.00"}
    assert datetime.fromisoformat(body[0]["at"]).utcoffset() is not None
    by_person = (await hr.get("/api/audit", params={"actor_id": org["hr"], "action": "policy"})).json()
    assert [e["entity_id"] for e in by_person] == ["order.expiry"]
    assert [e["action"] for e in (await hr.get("/api/audit", params={"action": "payment."})).json()] == [
        "payment.refund",
        "payment.payment",
    ]
    paged = await hr.get("/api/audit", params={"limit": 1, "offset": 1, "entity": "order"})
    assert [e["action"] for e in paged.json()] == ["payment.payment"] and paged.headers["X-Total-Count"] == "2"
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()  # the filter reads dates as company days
    assert len((await hr.get("/api/audit", params={"since": today, "until": today, "entity": "order"})).json()) == 2
    assert (await hr.get("/api/audit", params={"until": "2000-01-01"})).json() == []
    assert (await hr.get("/api/audit", params={"since": "2999-01-01T00:00:00+08:00"})).json() == []
    for bad in ({"since": "yesterday"}, {"actor_id": "x"}, {"limit": 501}, {"limit": 0}):
        response = await hr.get("/api/audit", params=bad)
        assert response.status_code == 422, bad


async def test_verify_answers_ok_with_the_count_or_the_first_broken_entry(
    api,
    db: Database,  # type: ignore[no-untyped-def]
    org: OrgFixture,
) -> None:
    admin = await api("admin")  # the login itself is an entry
    seed(db, org)
    with db.session() as session:
        count = len(list(session.scalars(select(AuditEntry.id))))
        refund_id = session.scalar(select(AuditEntry.id).where(AuditEntry.action == "payment.refund"))
    intact = (await admin.get("/api/audit/verify")).json()
    assert intact["ok"] is True and intact["entries"] == count and intact["first_broken"] is None
    with db.session() as session:
        session.execute(update(AuditEntry).where(AuditEntry.id == refund_id).values(detail={"amount": "1.00"}))
    broken = (await admin.get("/api/audit/verify")).json()
    assert broken["ok"] is False and broken["first_broken_id"] == refund_id
    assert broken["first_broken"]["reason"] == "edited" and broken["first_broken"]["action"] == "payment.refund"
    assert broken["first_broken"]["entity"] == "order" and broken["first_broken"]["entity_id"] == "7"
    assert (await admin.get("/api/audit/verify", params={"anchor": "nothex"})).status_code == 422


# ---------------------------------------------------------------- what gets audited
async def test_logins_logouts_and_failed_logins_are_audited(
    api,
    anonymous: httpx.AsyncClient,
    db: Database,  # type: ignore[no-untyped-def]
    org: OrgFixture,
) -> None:
    sales = await api("sales_south")
    assert (await sales.post("/api/logout")).status_code == 204
    assert (
        await anonymous.post("/api/login", json={"username": "sales_south", "password": "wrong-one"})
    ).status_code == 401
    await login_as(anonymous, "hr")
    await anonymous.post("/logout", headers=htmx((await anonymous.get("/")).text))
    logins = [(e.actor_id, e.entity_id, e.detail["channel"]) for e in entries(db, "account.login")]
    assert logins == [(org["sales_south"], "sales_south", "api"), (org["hr"], "hr", "page")]
    logouts = [(e.actor_id, e.detail["channel"]) for e in entries(db, "account.logout")]
    assert logouts == [(org["sales_south"], "api"), (org["hr"], "page")]
    failed = entries(db, "account.login_failed")
    assert [(e.actor_id, e.entity_id, e.detail["reason"]) for e in failed] == [(None, "sales_south", "wrong_password")]


async def test_admin_actions_leave_entries_with_actor_and_before_after(api, db: Database, org: OrgFixture) -> None:  # type: ignore[no-untyped-def]
    admin, finance = await api("admin"), await api("finance")
    created = await admin.post(
        "/api/employees",
        json={"username": "qian.feng", "name": "钱峰", "password": "long-enough-1", "roles": ["sales_manager"]},
    )
    assert created.status_code == 201
    (employee,) = entries(db, "employee.created")
    assert employee.actor_id == org["admin"] and employee.detail["roles"] == ["sales_manager"]
    policy = {
        "due_in": "PT12H",
        "remind_before": "PT3H",
        "repeat_every": "PT4H",
        "escalate_after": "P1D",
        "calendar": "wall",
    }
    assert (await admin.put("/api/policies/order.manager_approval", json=policy)).status_code == 200
    (changed,) = entries(db, "policy.changed")
    assert changed.actor_id == org["admin"] and changed.detail["after"]["due_in"] == "PT12H"
    assert (await admin.put("/api/settings/order.head_threshold", json={"value": "200000"})).status_code == 200
    (setting,) = entries(db, "setting.changed")
    assert setting.detail == {"before": "100000", "after": "200000"} and setting.actor_id == org["admin"]
    assert (await finance.put("/api/commission/plan", json=PLAN)).status_code == 200
    raised = {**PLAN, "tiers": [{"from": "0", "rate": "0.025"}]}
    assert (await finance.put("/api/commission/plan", json=raised)).status_code == 200
    first, second = entries(db, "commission.plan")
    assert first.detail["before"] is None and first.actor_id == org["finance"]
    assert second.detail["before"]["tiers"][0]["rate"] == "0.02"
    assert second.detail["after"]["tiers"][0]["rate"] == "0.025"


async def test_payments_and_exports_are_audited(
    api,
    db: Database,
    org: OrgFixture,  # type: ignore[no-untyped-def]
    orders: dict[str, int],  # noqa: F811
) -> None:
    finance = await api("finance")
    paid = await finance.post(
        "/api/payments",
        json={
            "order_id": orders["approved"],
            "kind": "payment",
            "amount": "800.00",
            "paid_at": "2026-10-12T10:00:00+08:00",
        },
    )
    assert paid.status_code == 201
    (payment,) = entries(db, "payment.payment")
    assert (payment.actor_id, payment.entity, payment.entity_id) == (org["finance"], "order", str(orders["approved"]))
    assert payment.detail["amount"] == "800.00"
    with db.session() as session:
        session.add(CommissionSettlement(period="2026-09", workflow_id="commission-2026-09", status="locked"))
    assert (await finance.get("/api/commission/settlements/2026-09/export.csv")).status_code == 200
    (export,) = entries(db, "commission.export")
    assert (export.actor_id, export.entity_id, export.detail["format"]) == (org["finance"], "2026-09", "csv")


# ---------------------------------------------------------------- the page
@pytest.mark.parametrize(
    ("username", "status"),
    [("admin", 200), ("hr", 200), ("finance", 403), ("sales_south", 403), ("manager_south", 403), ("head", 403)],
)
async def test_the_audit_page_opens_for_admin_and_hr_only(
    anonymous: httpx.AsyncClient, org: OrgFixture, username: str, status: int
) -> None:
    await login_as(anonymous, username)
    assert (await anonymous.get("/admin/audit")).status_code == status
    home = await anonymous.get("/")
    assert ('href="/admin/audit"' in home.text) is (status == 200)


async def test_the_page_filters_and_shows_changes_readably(
    anonymous: httpx.AsyncClient, db: Database, org: OrgFixture
) -> None:
    seed(db, org)
    await login_as(anonymous, "hr")
    page = await anonymous.get("/admin/audit", params={"entity": "deadline_policy"})
    assert page.status_code == 200
    assert 'name="entity_id"' in page.text and 'name="actor_id"' in page.text and 'type="date"' in page.text
    assert "未决订单到期失效" in page.text and "<del>7 天</del> → <ins>10 天</ins>" in page.text
    assert "order.expiry" not in page.text and "P7D" not in page.text, "no stored keys or ISO durations"
    assert "/orders/7" not in page.text, "filtered to policies"
    assert 'hx-get="/admin/audit/verify"' not in page.text, "only admin checks the chain"
    rows = await anonymous.get(
        "/admin/audit",
        params={"entity": "order", "entity_id": "7"},
        headers={"HX-Request": "true", "HX-Target": "audit-rows"},
    )
    assert rows.status_code == 200 and "<form" not in rows.text
    assert 'href="/orders/7"' in rows.text and "¥800.00" in rows.text
    bad = await anonymous.get("/admin/audit", params={"since": "soon"})
    assert bad.status_code == 422 and 'name="since"' in bad.text
    assert (await anonymous.get("/admin/audit/verify")).status_code == 403


async def test_admin_verifies_the_chain_from_the_page(
    anonymous: httpx.AsyncClient, db: Database, org: OrgFixture
) -> None:
    seed(db, org)
    await login_as(anonymous, "admin")
    page = await anonymous.get("/admin/audit", headers={"Accept-Language": "en"})
    assert 'hx-get="/admin/audit/verify"' in page.text
    intact = await anonymous.get("/admin/audit/verify", headers={"HX-Request": "true"})
    assert intact.status_code == 200 and 'class="success"' in intact.text
    with db.session() as session:
        target: Any = session.scalar(select(AuditEntry.id).where(AuditEntry.action == "payment.refund"))
        session.execute(update(AuditEntry).where(AuditEntry.id == target).values(actor_id=None))
    broken = await anonymous.get("/admin/audit/verify", headers={"HX-Request": "true"})
    assert 'role="alert"' in broken.text and f'href="#audit-{target}"' in broken.text


# ---------------------------------------------------------------- read in the reader's words
def cells(html: str, entry_id: int) -> list[str]:
    """One entry's row as read: each cell's text, tags stripped."""
    row = re.search(rf'<tr id="audit-{entry_id}">(.*?)</tr>', html, re.S)
    assert row, entry_id
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell)).strip()
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
    ]


async def test_an_approval_is_on_its_orders_log_in_names_labels_and_company_time(
    api, anonymous: httpx.AsyncClient, worker: Worker, db: Database, org: OrgFixture
) -> None:  # type: ignore[no-untyped-def]
    make_services(db)
    customers = make_customers(db, org)
    created = await (await api("sales_south")).post(
        "/api/orders", json=order_body(customers.own, [("LTL", 10, "95.00")])
    )
    order_id = created.json()["id"]
    task = await wait_for_approval(db, order_id, "manager")
    decided = await (await api("manager_south")).post(f"/api/tasks/{task.id}/complete", json={"action": "approve"})
    assert decided.status_code == 200, decided.text
    await wait_for_approval(db, order_id, "finance")

    hr = await api("hr")
    on_order = (await hr.get("/api/audit", params={"entity": "order", "entity_id": str(order_id)})).json()
    approval = next(e for e in on_order if e["action"] == "task.completed" and e["entity_id"] == task.id)
    assert approval["actor_id"] == org["manager_south"] and approval["action_label"] == "任务完成"
    assert approval["record"] == f"任务“审批订单 #{order_id}（团队经理）”" and approval["link"] == f"/tasks/{task.id}"
    assert {"label": "决定", "value": "已批准", "before": None} in approval["detail_lines"]
    assert any(e["action"] == "order.submitted" for e in on_order), "the order's own entries as well"

    await login_as(anonymous, "hr")
    page = (await anonymous.get("/admin/audit", params={"entity": "order", "entity_id": str(order_id)})).text
    row = cells(page, approval["id"])
    assert row[1] == "陈杰" and row[2] == "任务完成" and row[4].startswith("决定 已批准")
    assert f'href="/tasks/{task.id}"' in page
    submitted = next(e for e in on_order if e["action"] == "order.submitted")
    row = cells(page, submitted["id"])
    assert row[2] == "提交订单" and row[3] == f"订单 订单 #{order_id} · 佛山美达电器有限公司"
    assert "金额 ¥950.00" in row[4] and "明细 LTL × 10 @ ¥95.00" in row[4] and "要求日期" in row[4]
    opened = next(e for e in on_order if e["action"] == "task.opened" and e["entity_id"] == task.id)
    row = cells(page, opened["id"])
    assert task.due_at is not None
    company_due = task.due_at.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M")
    assert f"截止 {company_due}" in row[4] and "负责人 陈杰" in row[4] and "类型 订单审批" in row[4], row
    for raw in ("order.submitted", "task.completed", "assignee_id", "due_at", "+00:00", "{", "order_approval"):
        assert raw not in re.sub(r"<[^>]+>", "", page.split('<div id="audit-rows">', 1)[1]), raw


async def test_the_action_filter_speaks_the_readers_language(
    api,
    anonymous: httpx.AsyncClient,
    db: Database,  # type: ignore[no-untyped-def]
    org: OrgFixture,
) -> None:
    seed(db, org)
    hr = await api("hr")
    found = (await hr.get("/api/audit", params={"action": "收款"})).json()
    assert [e["action"] for e in found] == ["payment.payment"]
    english = (await hr.get("/api/audit", params={"action": "refund rec"}, headers={"Accept-Language": "en"})).json()
    assert [e["action"] for e in english] == ["payment.refund"]
    assert (await hr.get("/api/audit", params={"action": "不存在的操作"})).json() == []

    await login_as(anonymous, "hr")
    page = await anonymous.get("/admin/audit")
    choice = re.search(r'<select name="action">(.*?)</select>', page.text, re.S)
    assert choice and '<option value="payment.payment" >登记收款</option>' in choice.group(1).replace("  ", " ")
    picked = await anonymous.get("/admin/audit", params={"action": "payment.payment"})
    assert picked.text.count('<tr id="audit-') == 1 and "登记收款" in picked.text
    assert '<option value="payment.payment" selected>' in picked.text
