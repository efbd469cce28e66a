"""The reassignment table on the case page: each customer's revenue of the last twelve months and
what it still owes, and the summary per successor that follows the manager's selects."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import httpx
from temporalio.worker import Worker

from store.db import Database
from store.models import Order
from store.models.base import utcnow
from tests.offboarding.test_pages import section
from tests.orders.test_pages import htmx, login_as
from tests.platform.test_pages import form_token
from tests.support.clock import company_today
from tests.support.offboarding import make_book, start_case
from tests.support.org import OrgFixture


def row_of(html: str, customer_id: int) -> str:
    found = re.search(rf'<tr data-customer="{customer_id}".*?</tr>', html, re.S)
    assert found, customer_id
    return found.group(0)


async def test_the_table_shows_revenue_and_what_is_owed_and_the_summary_follows_the_selects(
    anonymous: httpx.AsyncClient, worker: Worker, api, org: OrgFixture, db: Database
) -> None:  # type: ignore[no-untyped-def]
    book = make_book(db, org, customers=3)
    with db.session() as session:  # older than twelve months: owed still, but not this year's revenue
        session.add(
            Order(
                customer_id=book.customers[0],
                owner_id=org["sales_south"],
                status="approved",
                total=Decimal("7000.00"),
                requested_date=company_today() - timedelta(days=400),
                created_at=utcnow() - timedelta(days=400),
            )
        )
    case_id = (await start_case(await api("hr"), org["sales_south"]))["id"]
    await login_as(anonymous, "manager_south")
    page = await anonymous.get(f"/offboardings/{case_id}")
    plan = section(page.text, "plan")
    assert "近12个月营收" in plan and "尚欠金额" in plan
    first = row_of(plan, book.customers[0])
    assert re.search(r'<td class="num">¥80,000\.00</td>\s*<td class="num">¥57,000\.00</td>', first), first
    assert re.search(r'<td class="num">¥0\.00</td>\s*<td class="num">¥0\.00</td>', row_of(plan, book.customers[1])), (
        "an order awaiting approval is neither revenue nor owed yet"
    )
    assert 'hx-trigger="change"' in plan and f'hx-post="/offboardings/{case_id}/plan-load"' in plan

    summary = section(plan, "plan-load")
    assert summary.count("<li") == 2, "the proposal shares the three customers between two teammates"

    everyone_to_wang = {
        "csrf_token": form_token(page.text),
        "customer_id": [str(c) for c in book.customers],
        "to_id": [str(book.teammate)] * 3,
    }
    changed = await anonymous.post(f"/offboardings/{case_id}/plan-load", data=everyone_to_wang, headers=htmx(page.text))
    assert changed.status_code == 200 and "<html" not in changed.text
    load = section(changed.text, "plan-load")
    assert load.count("<li") == 1 and "王强" in load and "3 个客户" in load and "营收 ¥80,000.00" in load
    assert "尚欠 ¥57,000.00" in load and "李娜" not in load

    one_open = {**everyone_to_wang, "to_id": ["", str(book.teammate), str(org["sales_south2"])]}
    partly = section(
        (await anonymous.post(f"/offboardings/{case_id}/plan-load", data=one_open, headers=htmx(page.text))).text,
        "plan-load",
    )
    assert "王强</strong>:\n    1 个客户" in partly and "李娜</strong>:\n    1 个客户" in partly

    await login_as(anonymous, "sales_east")
    own = await anonymous.get("/offboardings")
    theirs = {**everyone_to_wang, "csrf_token": form_token(own.text)}
    stranger = await anonymous.post(f"/offboardings/{case_id}/plan-load", data=theirs, headers=htmx(own.text))
    assert stranger.status_code == 404, "not their case: as if it did not exist"
