"""The order pages: a new order with its live line editor and every failed check at its line, the
order lists by role, the order page, the approval queue with bulk approve, and finance's payments."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import httpx
import pytest
from sqlalchemy import select
from temporalio.worker import Worker

from store.db import Database
from store.models import Customer, Order, Payment, Task
from tests.platform.test_pages import form_token, page_login
from tests.support.clock import company_today
from tests.support.customers import CustomerSet, make_customers
from tests.support.orders import make_services, order_body, wait_for_approval, wait_for_status
from tests.support.org import OrgFixture


@pytest.fixture
def customers(db: Database, org: OrgFixture) -> CustomerSet:
    make_services(db)
    return make_customers(db, org)


async def login_as(client: httpx.AsyncClient, username: str) -> None:
    """A fresh session as ``username`` (the login page sends a logged-in person home)."""
    client.cookies.clear()
    await page_login(client, username)


def htmx(html: str) -> dict[str, str]:
    token = re.search(r'"X-CSRF-Token": "([^"]+)"', html)
    assert token
    return {"X-CSRF-Token": token.group(1), "HX-Request": "true"}


def approved_order(db: Database) -> int:
    """make_customers gives sales_east's customer one approved order."""
    with db.session() as session:
        order_id = session.scalar(select(Order.id).where(Order.status == "approved"))
        assert order_id is not None
        return order_id


def order_form(token: str, customer_id: int | str, lines: list[tuple[str, str, str]], days: int = 3) -> dict:  # type: ignore[type-arg]
    return {
        "csrf_token": token,
        "customer_id": str(customer_id),
        "requested_date": (company_today() + timedelta(days=days)).isoformat(),
        "service": [s for s, _q, _p in lines],
        "quantity": [q for _s, q, _p in lines],
        "unit_price": [p for _s, _q, p in lines],
    }


def fieldsets(html: str) -> list[str]:
    return re.findall(r'<fieldset class="order-line.*?</fieldset>', html, flags=re.S)


@pytest.mark.parametrize(
    ("username", "path", "status"),
    [
        ("sales_south", "/orders/new", 200),
        ("manager_south", "/orders/new", 200),
        ("finance", "/orders/new", 403),
        ("hr", "/orders/new", 403),
        ("head", "/orders/new", 403),
        ("sales_south", "/orders", 200),
        ("finance", "/orders", 200),
        ("admin", "/orders", 200),
        ("hr", "/orders", 403),
        ("manager_south", "/approvals", 200),
        ("head", "/approvals", 200),
        ("finance", "/approvals", 200),
        ("sales_south", "/approvals", 403),
        ("hr", "/approvals", 403),
        ("finance", "/payments", 200),
        ("sales_south", "/payments", 403),
        ("admin", "/payments", 403),
    ],
)
async def test_each_page_opens_for_its_roles_only(
    anonymous: httpx.AsyncClient, customers: CustomerSet, username: str, path: str, status: int
) -> None:
    await login_as(anonymous, username)
    assert (await anonymous.get(path)).status_code == status


async def test_an_order_page_is_not_found_for_those_who_may_not_see_it(
    anonymous: httpx.AsyncClient, customers: CustomerSet, db: Database
) -> None:
    order_id = approved_order(db)
    for username, status in [
        ("sales_east", 200),
        ("manager_east", 200),
        ("finance", 200),
        ("head", 200),
        ("sales_south", 404),
        ("manager_south", 404),
        ("hr", 404),
    ]:
        await login_as(anonymous, username)
        page = await anonymous.get(f"/orders/{order_id}")
        assert page.status_code == status, username
        if status == 200:
            assert "杭州优选百货有限公司" in page.text and "¥12,000.00" in page.text and "已批准" in page.text
    listed = await anonymous.get("/orders")  # hr, last logged in
    assert listed.status_code == 403


async def test_the_order_list_shows_each_role_its_orders(
    anonymous: httpx.AsyncClient, customers: CustomerSet, db: Database
) -> None:
    order_id = approved_order(db)
    await login_as(anonymous, "sales_south")
    assert f'href="/orders/{order_id}"' not in (await anonymous.get("/orders")).text
    await login_as(anonymous, "finance")
    page = await anonymous.get("/orders")
    assert f'href="/orders/{order_id}"' in page.text and "杭州优选百货有限公司" in page.text
    filtered = await anonymous.get("/orders?status=rejected", headers={"HX-Request": "true"})
    assert f'href="/orders/{order_id}"' not in filtered.text and "<html" not in filtered.text


async def test_the_line_editor_recomputes_the_total_on_the_server(
    anonymous: httpx.AsyncClient, customers: CustomerSet
) -> None:
    await login_as(anonymous, "sales_south")
    page = await anonymous.get("/orders/new")
    assert "佛山美达电器有限公司" in page.text and "东莞恒通五金制品厂" not in page.text, "only my customers"
    form = order_form(form_token(page.text), customers.own, [("LTL", "10", "95.00"), ("WH", "100", "9")])
    lines = await anonymous.post("/orders/lines", data=form, headers=htmx(page.text))
    assert lines.status_code == 200 and "<html" not in lines.text
    assert 'name="quantity"' not in lines.text, "figures only: what is being typed is never overwritten"
    assert lines.text.count('hx-swap-oob="true"') == 3, "two lines' figures and the total"
    assert "¥1,850.00" in lines.text, "10 × 95 + 100 × 9"
    assert "标价 ¥100.00 · 底价 ¥80.00" in lines.text, "the price list beside the line"
    added = await anonymous.post("/orders/lines?add=1", data=form, headers=htmx(page.text))
    assert len(fieldsets(added.text)) == 3 and "¥1,850.00" in added.text
    removed = await anonymous.post("/orders/lines?remove=0", data=form, headers=htmx(page.text))
    assert len(fieldsets(removed.text)) == 1 and "¥900.00" in removed.text
    below = await anonymous.post(
        "/orders/lines",
        headers=htmx(page.text),
        data=order_form(form_token(page.text), customers.own, [("LTL", "1", "70")]),
    )
    assert "低于底价" in below.text


async def test_unreadable_lines_are_marked_before_anything_is_sent(
    anonymous: httpx.AsyncClient, customers: CustomerSet, db: Database
) -> None:
    await login_as(anonymous, "sales_south")
    token = form_token((await anonymous.get("/orders/new")).text)
    answer = await anonymous.post(
        "/orders/new", data=order_form(token, "", [("LTL", "十", "95"), ("", "", ""), ("WH", "3", "9.999")])
    )
    assert answer.status_code == 422
    first, blank, third = fieldsets(answer.text)
    assert "请输入 1 到 1,000,000 之间的整数" in first
    assert "problems" not in blank, "a blank line is left out, not refused"
    assert "金额最多两位小数（精确到分）" in third, "a price reads as every amount does"
    assert "请选择您自己的客户" in answer.text
    with db.session() as session:
        assert session.scalars(select(Order).where(Order.status != "approved")).all() == [], "nothing was sent"


async def test_every_failed_check_is_shown_at_its_line(
    anonymous: httpx.AsyncClient, worker: Worker, customers: CustomerSet, db: Database
) -> None:
    with db.session() as session:
        customer = session.get(Customer, customers.own)
        assert customer is not None
        customer.contact_phone, customer.credit_limit = "", Decimal("1000")
    await login_as(anonymous, "sales_south")
    token = form_token((await anonymous.get("/orders/new")).text)
    answer = await anonymous.post(
        "/orders/new",
        data=order_form(token, customers.own, [("LTL", "10", "75.00"), ("WH", "5", "10.00"), ("FTL", "6", "5000.00")]),
    )
    assert answer.status_code == 422
    summary = answer.text[answer.text.index('data-code="order_invalid"') : answer.text.index("<fieldset")]
    for text in ("客户资料不完整", "超过信用额度", "整车运输：", "仅剩 5 车"):
        assert text in summary, f"{text}: order-level checks (and capacity, which is per service) on top"
    floor, fine, _full = fieldsets(answer.text)
    assert "低于底价 80.00" in floor, "a price check at its line"
    assert "problems" not in fine
    assert 'value="75.00"' in floor, "what was typed stays in the form"
    with db.session() as session:
        assert session.scalars(select(Order).where(Order.status != "approved")).all() == []


async def test_a_submitted_order_opens_on_its_page_and_its_owner_cancels_it(
    anonymous: httpx.AsyncClient, worker: Worker, customers: CustomerSet, db: Database
) -> None:
    await login_as(anonymous, "sales_south")
    token = form_token((await anonymous.get("/orders/new")).text)
    answer = await anonymous.post("/orders/new", data=order_form(token, customers.own, [("LTL", "10", "95.00")]))
    assert answer.status_code == 303, answer.text
    order_id = int(answer.headers["location"].rsplit("/", 1)[1])
    await wait_for_approval(db, order_id, "manager")
    page = await anonymous.get(f"/orders/{order_id}")
    assert "待审批" in page.text and "零担运输" in page.text and "¥950.00" in page.text
    assert "陈杰" in page.text, "waiting on the team manager"
    assert "新客户" in page.text, "the approvers' warning"
    assert "提交审批（第 1 版）" in page.text, "the timeline"
    assert "取消订单" in page.text
    listed = await anonymous.get("/orders")
    assert f'href="/orders/{order_id}"' in listed.text and "团队经理" in listed.text
    await login_as(anonymous, "manager_south")
    assert "取消订单" not in (await anonymous.get(f"/orders/{order_id}")).text, "only the owner cancels"
    await login_as(anonymous, "sales_south")
    page = await anonymous.get(f"/orders/{order_id}")
    cancelled = await anonymous.post(
        f"/orders/{order_id}/cancel", data={"csrf_token": form_token(page.text), "reason": "客户改期"}
    )
    assert cancelled.status_code == 303
    await wait_for_status(db, order_id, "cancelled")
    page = await anonymous.get(f"/orders/{order_id}")
    assert "订单已取消" in page.text and "客户改期" in page.text and "取消订单" not in page.text


async def test_a_rejection_needs_a_comment_and_the_owner_revises(
    anonymous: httpx.AsyncClient,
    worker: Worker,
    api,
    customers: CustomerSet,  # type: ignore[no-untyped-def]
    db: Database,
) -> None:
    sales = await api("sales_south")
    order_id = (await sales.post("/api/orders", json=order_body(customers.own))).json()["id"]
    task = await wait_for_approval(db, order_id, "manager")
    await login_as(anonymous, "manager_south")
    queue = await anonymous.get("/approvals")
    assert f"订单 #{order_id}" in queue.text and "佛山美达电器有限公司" in queue.text and "新客户" in queue.text
    refused = await anonymous.post(
        f"/approvals/{task.id}", data={"action": "reject", "comment": " "}, headers=htmx(queue.text)
    )
    assert refused.status_code == 422 and "驳回时请写明原因" in refused.text and "<html" not in refused.text
    rejected = await anonymous.post(
        f"/approvals/{task.id}", data={"action": "reject", "comment": "价格太低"}, headers=htmx(queue.text)
    )
    assert rejected.status_code == 200 and "已记录" in rejected.text
    await wait_for_status(db, order_id, "rejected")

    await login_as(anonymous, "sales_south")
    page = await anonymous.get(f"/orders/{order_id}")
    assert "价格太低" in page.text and "修改后重新提交" in page.text
    resubmitted = await anonymous.post(
        f"/orders/{order_id}/resubmit", data={**order_form(form_token(page.text), "", [("LTL", "10", "98.00")])}
    )
    assert resubmitted.status_code == 303, resubmitted.text
    await wait_for_approval(db, order_id, "manager", revision=2)
    with db.session() as session:
        order = session.get(Order, order_id)
        assert order is not None and order.revision == 2 and order.total == Decimal("980.00")


async def test_a_manager_approves_several_orders_at_once(
    anonymous: httpx.AsyncClient,
    worker: Worker,
    api,  # type: ignore[no-untyped-def]
    customers: CustomerSet,
    db: Database,
) -> None:
    sales = await api("sales_south")
    ids = [
        (await sales.post("/api/orders", json=order_body(customers.own, [("WH", n, "10.00")]))).json()["id"]
        for n in (3, 4)
    ]
    tasks = [await wait_for_approval(db, order_id, "manager") for order_id in ids]
    await login_as(anonymous, "finance")
    finance_queue = await anonymous.get("/approvals")
    assert 'form="bulk-approve"' not in finance_queue.text, "bulk approve is for managers"
    assert (
        await anonymous.post("/approvals/bulk", data={"task_id": tasks[0].id}, headers=htmx(finance_queue.text))
    ).status_code == 403

    await login_as(anonymous, "manager_south")
    queue = await anonymous.get("/approvals")
    assert queue.text.count('form="bulk-approve"') == 2
    answer = await anonymous.post(
        "/approvals/bulk",
        headers=htmx(queue.text),
        data={"task_id": [t.id for t in tasks] + ["order-999999:r1-manager"]},
    )
    assert answer.status_code == 200
    report = re.search(r'<div class="card bulk-report".*?</div>', answer.text, flags=re.S)
    assert report is not None
    lines = re.findall(r"<li class=\"(recorded|refused)\">(.*?)</li>", report.group(0), flags=re.S)
    assert [(kind, " ".join(text.split())) for kind, text in lines] == [
        ("recorded", f"订单 #{ids[0]}: 已批准"),
        ("recorded", f"订单 #{ids[1]}: 已批准"),
        ("refused", "订单 #999999: 未记录 — 未找到。"),
    ]
    with db.session() as session:
        assert {session.get(Task, t.id).status for t in tasks} == {"done"}  # type: ignore[union-attr]
    for order_id in ids:
        await wait_for_approval(db, order_id, "finance")
    nothing = await anonymous.post("/approvals/bulk", headers=htmx(queue.text), data={})
    assert nothing.status_code == 422 and "请先勾选" in nothing.text


async def test_recording_a_payment_shows_each_problem_at_its_field(
    anonymous: httpx.AsyncClient, customers: CustomerSet, db: Database
) -> None:
    order_id = approved_order(db)
    await login_as(anonymous, "finance")
    token = form_token((await anonymous.get("/payments")).text)
    bad = await anonymous.post(
        "/payments", data={"csrf_token": token, "order_id": "abc", "kind": "payment", "amount": "1.234", "paid_at": ""}
    )
    assert bad.status_code == 422
    for text in ("请输入订单号", "金额最多两位小数（精确到分）", "请输入付款时间"):
        assert text in bad.text
    too_much = await anonymous.post(
        "/payments",
        data={
            "csrf_token": token,
            "order_id": str(order_id),
            "kind": "refund",
            "amount": "100.00",
            "paid_at": "2026-01-05T10:00",
        },
    )
    assert too_much.status_code == 422 and "退款不能超过该订单已收金额" in too_much.text
    ok = await anonymous.post(
        "/payments",
        data={
            "csrf_token": token,
            "order_id": str(order_id),
            "kind": "payment",
            "amount": "5000.00",
            "paid_at": "2026-01-05T10:00",
            "note": "银行转账",
        },
    )
    assert ok.status_code == 303
    page = await anonymous.get(ok.headers["location"])
    assert f"已在订单 #{order_id} 上记录收款 ¥5,000.00。该订单尚欠 ¥7,000.00。" in page.text, "which order, how much"
    assert "银行转账" in page.text
    with db.session() as session:
        payment = session.scalars(select(Payment)).one()
        assert payment.paid_at.hour == 2, "the form's local time is Shanghai time (UTC+8)"


async def test_a_csv_import_is_recorded_whole_or_not_at_all(
    anonymous: httpx.AsyncClient, customers: CustomerSet, db: Database
) -> None:
    order_id = approved_order(db)
    await login_as(anonymous, "finance")
    token = form_token((await anonymous.get("/payments")).text)

    async def upload(content: str) -> httpx.Response:
        return await anonymous.post(
            "/payments/import", data={"csrf_token": token}, files={"file": ("bank.csv", content.encode(), "text/csv")}
        )

    unreadable = await upload(
        f"order_id,kind,amount,paid_at\n{order_id},payment,1000.00,2026-01-05 10:00\n"
        f"{order_id},payment,abc,2026-01-07\n{order_id},payment,10.00,2026-13-45\n"
    )
    assert unreadable.status_code == 422 and "未导入任何记录" in unreadable.text
    assert re.search(r"<td>3</td><td[^>]*>请用数字输入金额", unreadable.text), "an amount, as every amount reads"
    assert re.search(r"<td>4</td><td[^>]*>无法读取这一行", unreadable.text), "the unreadable row, by number"
    unknown = await upload(
        f"order_id,kind,amount,paid_at\n{order_id},payment,1000.00,2026-01-05 10:00\n"
        "999999,payment,50.00,2026-01-06 10:00\n"
    )
    assert unknown.status_code == 422 and re.search(r"<td>3</td><td[^>]*>没有这个订单", unknown.text)
    with db.session() as session:
        assert session.scalars(select(Payment)).all() == [], "the good first row was not written either"
    imported = await upload(
        f"order_id,kind,amount,paid_at,note\n{order_id},payment,1000.00,2026-01-05 10:00,首付\n"
        f"{order_id},refund,200,2026-01-06,\n"
    )
    assert imported.status_code == 303
    assert "已导入 2 笔" in (await anonymous.get(imported.headers["location"])).text
    empty = await upload("")
    assert empty.status_code == 422 and "请选择要导入的 CSV 文件" in empty.text


async def test_ids_beyond_the_database_are_refused_not_crashed(
    anonymous: httpx.AsyncClient, customers: CustomerSet
) -> None:
    await login_as(anonymous, "finance")
    assert (await anonymous.get("/orders/99999999999999999999")).status_code == 422
    token = form_token((await anonymous.get("/payments")).text)
    payment = await anonymous.post(
        "/payments",
        data={
            "csrf_token": token,
            "order_id": "99999999999999999999",
            "kind": "payment",
            "amount": "1",
            "paid_at": "0001-01-01T00:00",
        },
    )
    assert payment.status_code == 422 and "请输入订单号" in payment.text and "请输入付款时间" in payment.text
    rows = await anonymous.post(
        "/payments/import",
        data={"csrf_token": token},
        files={
            "file": (
                "bank.csv",
                b"order_id,kind,amount,paid_at\n99999999999999999999,payment,1.00,2026-01-05\n"
                b"7,payment,1.00,0001-01-01\n",
                "text/csv",
            )
        },
    )
    assert rows.status_code == 422 and re.search(r"<td>2</td><td[^>]*>无法读取这一行", rows.text)
    assert re.search(r"<td>3</td><td[^>]*>这一行的订单号或日期超出范围", rows.text)
