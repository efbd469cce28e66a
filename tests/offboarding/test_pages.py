"""The offboarding pages: the case list and its start form, the case page each party works on
(checklist with evidence, the reassignment plan, the sign-offs, HR's decision), refusals shown
where they were made, the leaver's own view, and the printable handover report."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
from sqlalchemy import select
from temporalio.worker import Worker

from schemas.offboarding import PLAN_STEP, task_id_of
from store.db import Database
from store.models import Customer, HandoverItem, Notification
from store.models.base import utcnow
from tests.orders.test_pages import htmx, login_as
from tests.platform.test_pages import form_token
from tests.support.clock import company_today
from tests.support.offboarding import Book, item_task, make_book, start_case, wait_for_case
from tests.support.offboarding_pages import (
    LEAVER_ITEMS,
    do_items,
    post_step,
    review_task,
)
from tests.support.org import OrgFixture
from web.notifications.pages import notification_row


def section(html: str, element_id: str) -> str:
    """The element with this id, from its start tag to the matching end tag."""
    start = html.rindex("<", 0, html.index(f'id="{element_id}"'))
    found = re.match(r"<(\w+)", html[start:])
    assert found
    depth = 0
    for tag in re.finditer(rf"<(/?){found.group(1)}\b", html[start:]):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return html[start : start + tag.end()]
    return html[start:]


def item_card(html: str, key: str) -> str:
    return section(html, f"item-{key}")


async def started(api, org: OrgFixture, db: Database, customers: int = 4) -> tuple[int, Book]:  # type: ignore[no-untyped-def]
    book = make_book(db, org, customers=customers)
    created = await start_case(await api("hr"), org["sales_south"])
    return created["id"], book


async def test_the_list_and_the_start_form(
    anonymous: httpx.AsyncClient, worker: Worker, org: OrgFixture, db: Database
) -> None:
    make_book(db, org, customers=2)
    await login_as(anonymous, "manager_south")
    page = await anonymous.get("/offboardings")
    assert page.status_code == 200 and "发起离职交接" in page.text and 'href="/offboardings"' in page.text
    starter = section(page.text, "start-form")
    assert "张伟" in starter and "李娜" in starter and "王芳" not in starter, "only the people I manage"
    form = {
        "csrf_token": form_token(page.text),
        "employee_id": str(org["sales_south"]),
        "reason": "个人原因",
        "last_day": (company_today() - timedelta(days=1)).isoformat(),
    }
    past = await anonymous.post("/offboardings", data=form, headers=htmx(page.text))
    assert past.status_code == 422 and "最后工作日已经过去" in past.text and "<html" not in past.text
    assert 'id="start-form"' in past.text and 'value="个人原因"' in past.text, "the form keeps what was typed"

    form["last_day"] = (company_today() + timedelta(days=10)).isoformat()
    created = await anonymous.post("/offboardings", data=form, headers=htmx(page.text))
    assert created.status_code == 200, created.text
    case_url = created.headers["HX-Redirect"]
    assert re.fullmatch(r"/offboardings/\d+", case_url)
    again = await anonymous.post("/offboardings", data=form)
    assert again.status_code == 409 and "该员工已有进行中的离职交接" in again.text

    listed = await anonymous.get("/offboardings")
    assert f'href="{case_url}"' in listed.text and "交接中" in listed.text and "0 / 10" in listed.text
    assert "张伟" not in section(listed.text, "start-form"), "someone in a handover cannot be started again"
    finished = await anonymous.get("/offboardings?status=completed", headers={"HX-Request": "true"})
    assert f'href="{case_url}"' not in finished.text and "<html" not in finished.text
    await login_as(anonymous, "sales_east")
    others = await anonymous.get("/offboardings")
    assert f'href="{case_url}"' not in others.text and 'id="start-form"' not in others.text


async def test_the_case_page_for_the_leaver_and_for_others(
    anonymous: httpx.AsyncClient,
    worker: Worker,
    api,  # type: ignore[no-untyped-def]
    org: OrgFixture,
    db: Database,
) -> None:
    case_id, _book = await started(api, org, db)
    await item_task(db, case_id, "customer_files")
    await login_as(anonymous, "sales_south")
    mine = await anonymous.get("/offboardings/mine")
    assert mine.status_code == 303 and mine.headers["location"] == f"/offboardings/{case_id}"
    page = await anonymous.get(f"/offboardings/{case_id}")
    assert page.status_code == 200
    html = page.text
    assert html.index("您还需要完成的事项") < html.index("交接清单"), "the leaver's own items come first"
    for title in (
        "客户资料移交",
        "未完成订单确认",
        "客户跟进记录上传",
        "竞争对手接触情况说明",
        "应收账款确认",
        "客户关键联系人交接",
        "合同与报价单移交",
        "账号与设备归还",
        "业务经验沉淀",
        "客户交接确认函",
    ):
        assert title in section(html, "checklist"), title
    assert 'value="0" max="10"' in html and "0 / 10" in html
    blockers = section(html, "summary")
    assert "未完成：应收账款确认" in blockers and "客户分配方案尚未执行" in blockers and "缺少签字：财务" in blockers
    assert "任一财务" in item_card(html, "receivables"), "finance's item is for any finance person"
    plan = section(html, "plan")
    assert "华南客户00有限公司" in plan and {"李娜", "王强"} <= set(re.findall(r"李娜|王强", plan))
    assert "<select" not in plan, "only the plan's approver chooses successors"
    reviews = section(html, "reviews")
    assert all(party in reviews for party in ("部门负责人", "人力资源", "财务")) and reviews.count("待签字") == 3
    assert 'id="hr-actions"' not in html, "the leaver does not decide on their own case"

    await login_as(anonymous, "manager_south")
    managed = await anonymous.get(f"/offboardings/{case_id}")
    assert "您还需要完成的事项" not in managed.text and "<select" in section(managed.text, "plan")
    for username in ("sales_east", "manager_east", "sales_south2"):
        await login_as(anonymous, username)
        assert (await anonymous.get(f"/offboardings/{case_id}")).status_code == 404, username
        assert (await anonymous.get(f"/offboardings/{case_id}/report")).status_code == 404, username
    assert (await anonymous.get("/offboardings/mine")).status_code == 404, "no case of my own"


async def test_items_are_done_from_the_page_and_refusals_show_at_the_item(
    anonymous: httpx.AsyncClient, worker: Worker, api, org: OrgFixture, db: Database
) -> None:  # type: ignore[no-untyped-def]
    case_id, book = await started(api, org, db)
    await login_as(anonymous, "sales_south")
    page = await anonymous.get(f"/offboardings/{case_id}")
    token = form_token(page.text)
    files = await item_task(db, case_id, "customer_files")
    refused = await post_step(anonymous, case_id, files.id, {"csrf_token": token, "action": "done"}, htmx(page.text))
    assert refused.status_code == 422 and "<html" not in refused.text
    form = section(refused.text, f"task-{files.id}")
    assert 'data-code="task_incomplete"' in form and "请至少上传一个文件作为证明" in form

    orders = await item_task(db, case_id, "open_orders")
    plans = {
        "csrf_token": token,
        "action": "done",
        "customer_id": [str(c) for c in book.customers[:2]],
        "collection_plan": ["李娜月底前催收", ""],
    }
    missing = await post_step(anonymous, case_id, orders.id, plans, htmx(page.text))
    assert missing.status_code == 422 and "华南客户01有限公司: 请说明此客户的未结订单由谁、如何回款" in missing.text
    assert 'value="李娜月底前催收"' in missing.text and missing.text.count("has-problem") == 1

    followups = await item_task(db, case_id, "followup_records")
    nobody = await post_step(anonymous, case_id, followups.id, {"csrf_token": token, "action": "done"})
    assert nobody.status_code == 422 and "<html" in nobody.text, "a plain form post gets the whole page"
    assert "华南客户03有限公司: 交接开始以来没有跟进记录" in section(nobody.text, f"task-{followups.id}")

    contacts = await item_task(db, case_id, "key_contacts")
    no_comment = await post_step(
        anonymous, case_id, contacts.id, {"csrf_token": token, "action": "done"}, htmx(page.text)
    )
    assert no_comment.status_code == 422 and "请在备注中说明交接了什么" in no_comment.text
    done = await post_step(
        anonymous, case_id, contacts.id, {"csrf_token": token, "action": "done", "comment": "关键联系人已录入客户资料"}
    )
    assert done.status_code == 303 and done.headers["location"].startswith(f"/offboardings/{case_id}#task-")
    after = await anonymous.get(f"/offboardings/{case_id}")
    card = item_card(after.text, "key_contacts")
    assert "已完成" in card and "关键联系人已录入客户资料" in card and "张伟" in card
    assert "1 / 10" in after.text and "未完成：客户关键联系人交接" not in after.text
    with db.session() as session:
        item = session.scalars(select(HandoverItem).where(HandoverItem.key == "key_contacts")).one()
        assert item.status == "done" and item.comment == "关键联系人已录入客户资料"

    await login_as(anonymous, "sales_south2")
    own_page = await anonymous.get("/offboardings")
    stranger = await anonymous.post(
        f"/offboardings/{case_id}/tasks/{files.id}", data={"action": "done"}, headers=htmx(own_page.text)
    )
    assert stranger.status_code == 404, "not their case: as if it did not exist"


async def test_the_plan_from_the_page_then_sign_offs_and_hr(
    anonymous: httpx.AsyncClient,
    worker: Worker,
    api,  # type: ignore[no-untyped-def]
    org: OrgFixture,
    db: Database,
) -> None:
    case_id, book = await started(api, org, db, customers=3)
    clients = {"leaver": await api("sales_south"), "finance": await api("finance"), "admin": await api("admin")}
    await do_items(db, clients, case_id, book, org["sales_south"], (*LEAVER_ITEMS, "receivables", "accounts_devices"))

    await login_as(anonymous, "hr")
    page = await anonymous.get(f"/offboardings/{case_id}")
    blocked = await anonymous.post(
        f"/offboardings/{case_id}/complete", data={"csrf_token": form_token(page.text)}, headers=htmx(page.text)
    )
    assert blocked.status_code == 409 and "离职交接还不能完成" in blocked.text
    assert "客户分配方案尚未执行" in section(blocked.text, "hr-actions")

    await login_as(anonymous, "manager_south")
    page = await anonymous.get(f"/offboardings/{case_id}")
    plan_task = task_id_of(f"offboarding-{org['sales_south']}", case_id, PLAN_STEP)
    token = form_token(page.text)
    choices = {
        "csrf_token": token,
        "action": "approve",
        "customer_id": [str(c) for c in book.customers],
        "to_id": ["", str(book.teammate), str(book.teammate)],
    }
    refused = await post_step(anonymous, case_id, plan_task, choices, htmx(page.text))
    assert refused.status_code == 422 and "华南客户00有限公司: 请选择接手人" in refused.text
    choices["to_id"] = [str(org["sales_south2"]), str(book.teammate), str(book.teammate)]
    approved = await post_step(anonymous, case_id, plan_task, choices, htmx(page.text))
    assert approved.status_code == 200, approved.text
    assert "方案已执行" in section(approved.text, "plan") and "已移交" in section(approved.text, "plan")
    with db.session() as session:
        owners = {
            customer.id: customer.owner_id
            for customer in session.scalars(select(Customer).where(Customer.id.in_(book.customers)))
        }
    assert owners == {
        book.customers[0]: org["sales_south2"],
        book.customers[1]: book.teammate,
        book.customers[2]: book.teammate,
    }

    await login_as(anonymous, "sales_south2")
    inbox = await anonymous.get("/notifications")
    assert f'<a href="/customers/{book.customers[0]}">华南客户00有限公司 现在是您的客户' in inbox.text

    await do_items(db, clients, case_id, book, org["sales_south"], ("customer_notice",))
    await wait_for_case(db, case_id, "review")
    for username, role in (("finance", "finance"), ("head", "department_head"), ("hr", "hr")):
        task = await review_task(db, org["sales_south"], role)
        await login_as(anonymous, username)
        page = await anonymous.get(f"/offboardings/{case_id}")
        form = {"csrf_token": form_token(page.text), "action": "approve", "comment": f"{username} 同意"}
        if role == "finance":
            no_items = await post_step(anonymous, case_id, task.id, {**form, "action": "reject"}, htmx(page.text))
            assert no_items.status_code == 422 and "请选择需要返工的交接事项" in no_items.text
        signed = await post_step(anonymous, case_id, task.id, form, htmx(page.text))
        assert signed.status_code == 200, signed.text
    await wait_for_case(db, case_id, "final")
    page = await anonymous.get(f"/offboardings/{case_id}")  # hr, last logged in
    assert section(page.text, "reviews").count("已签字") == 3
    confirmed = await anonymous.post(
        f"/offboardings/{case_id}/complete",
        data={
            "csrf_token": form_token(page.text),
            "comment": "交接完成",
            "early": "1",
            "early_reason": "交接已全部完成，提前离职",
        },
    )
    assert confirmed.status_code == 303
    await wait_for_case(db, case_id, "completed")

    report = await anonymous.get(f"/offboardings/{case_id}/report")
    assert report.status_code == 200 and "data-print" in report.text and "/static/offboarding.css" in report.text
    customers = section(report.text, "report-customers")
    assert re.search(r"华南客户00有限公司</td><td>李娜", customers) and customers.count("王强") == 2
    sign_offs = section(report.text, "report-sign-offs")
    for name, comment in (("周敏", "finance 同意"), ("刘洋", "head 同意"), ("孙丽", "hr 同意")):
        assert name in sign_offs and comment in sign_offs
    items = section(report.text, "report-items")
    assert "customer_files.pdf" in items and "李娜月底前催收" in items and "未与竞争对手接触" in items
    assert "孙丽 于" in section(report.text, "report-final") and "交接完成" in section(report.text, "report-final")


async def test_hr_cancels_from_the_page(
    anonymous: httpx.AsyncClient,
    worker: Worker,
    api,  # type: ignore[no-untyped-def]
    org: OrgFixture,
    db: Database,
) -> None:
    case_id, _book = await started(api, org, db, customers=2)
    await login_as(anonymous, "hr")
    page = await anonymous.get(f"/offboardings/{case_id}")
    assert "确认离职" in section(page.text, "hr-actions")
    cancelled = await anonymous.post(
        f"/offboardings/{case_id}/cancel", headers=htmx(page.text), data={"reason": "员工决定留下"}
    )
    assert cancelled.status_code == 200 and 'data-status="cancelled"' in cancelled.text
    assert 'id="hr-actions"' not in cancelled.text and "<html" not in cancelled.text
    await wait_for_case(db, case_id, "cancelled")
    again = await anonymous.post(f"/offboardings/{case_id}/cancel", data={"csrf_token": form_token(page.text)})
    assert again.status_code == 409 and "这个离职交接已经结束" in again.text
    timeline = await anonymous.get(f"/offboardings/{case_id}")
    assert "离职交接已取消" in timeline.text and "员工决定留下" in timeline.text


def test_a_notification_links_only_inside_baton() -> None:
    def row(link: str) -> dict[str, object]:
        return notification_row(
            Notification(id=1, kind="info", title="t", body="", read=False, created_at=utcnow(), params={"link": link})
        ).params

    assert row("/customers/7") == {"link": "/customers/7"}
    assert row("//evil.example/x") == {} and row("https://evil.example") == {} and row("javascript:alert(1)") == {}


async def test_hr_home_lists_running_handovers_with_their_cases(
    anonymous: httpx.AsyncClient, worker: Worker, api, org: OrgFixture, db: Database
) -> None:  # type: ignore[no-untyped-def]
    case_id, _book = await started(api, org, db)
    await login_as(anonymous, "hr")
    home = await anonymous.get("/")
    assert home.status_code == 200
    assert f'<a href="/offboardings/{case_id}">张伟</a>' in home.text
