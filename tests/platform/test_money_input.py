"""Every money field reads an amount the same way and says what is wrong with it in the same
words: too large (with the largest amount the field takes) is not "at most two decimals" — for
order prices, payments, credit limits and the commission plan, over the API and on the pages."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest

from schemas.kernel.money import MAX_AMOUNT, MAX_PRICE, Least, MoneyProblem, read_money
from store.db import Database
from tests.orders.test_pages import approved_order, fieldsets, htmx, login_as, order_form
from tests.platform.test_pages import form_token
from tests.support.customers import CustomerSet, make_customers
from tests.support.orders import make_services, order_body
from tests.support.org import OrgFixture

TOO_LARGE = "99999999999999"


@pytest.fixture
def customers(db: Database, org: OrgFixture) -> CustomerSet:
    make_services(db)
    return make_customers(db, org)


@pytest.mark.parametrize(
    ("typed", "least", "most", "found"),
    [
        ("1234.50", Least.positive, MAX_AMOUNT, Decimal("1234.50")),
        ("¥1,234.5", Least.positive, MAX_AMOUNT, Decimal("1234.5")),
        ("１２３", Least.positive, MAX_AMOUNT, Decimal("123")),
        ("0", Least.zero, MAX_AMOUNT, Decimal("0")),
        ("-12.30", Least.any, MAX_AMOUNT, Decimal("-12.30")),
        (TOO_LARGE, Least.positive, MAX_AMOUNT, "amount_too_large"),
        ("100000000.00", Least.positive, MAX_PRICE, "amount_too_large"),
        ("1e30", Least.positive, MAX_AMOUNT, "amount_too_large"),
        ("12.345", Least.positive, MAX_AMOUNT, "too_many_decimals"),
        ("0", Least.positive, MAX_AMOUNT, "amount_not_positive"),
        ("-1", Least.zero, MAX_AMOUNT, "amount_negative"),
        ("十元", Least.positive, MAX_AMOUNT, "not_an_amount"),
        ("NaN", Least.positive, MAX_AMOUNT, "not_an_amount"),
        (True, Least.positive, MAX_AMOUNT, "not_an_amount"),
    ],
)
def test_one_reading_of_an_amount(typed: object, least: Least, most: Decimal, found: object) -> None:
    if isinstance(found, Decimal):
        assert read_money(typed, least=least, most=most) == found
    else:
        with pytest.raises(MoneyProblem) as problem:
            read_money(typed, least=least, most=most)
        assert problem.value.code == found


def too_large(response: httpx.Response, field: str) -> str:
    assert response.status_code == 422, response.text
    detail = next(d for d in response.json()["error"]["details"] if d["field"] == field)
    assert detail["code"] == "amount_too_large" and "两位小数" not in detail["message"]
    return str(detail["message"])


async def test_a_too_large_amount_is_called_too_large_over_the_api(
    api,
    customers: CustomerSet,  # type: ignore[no-untyped-def]
    db: Database,
) -> None:
    finance = await api("finance")
    payment = await finance.post(
        "/api/payments",
        json={
            "order_id": approved_order(db),
            "kind": "payment",
            "amount": TOO_LARGE,
            "paid_at": "2026-10-12T10:00:00+08:00",
        },
    )
    assert too_large(payment, "amount") == "金额过大：最多 ¥999,999,999,999.99。"
    english = await finance.post(
        "/api/payments",
        headers={"Accept-Language": "en"},
        json={
            "order_id": approved_order(db),
            "kind": "payment",
            "amount": TOO_LARGE,
            "paid_at": "2026-10-12T10:00:00+08:00",
        },
    )
    assert too_large(english, "amount") == "This amount is too large: at most ¥999,999,999,999.99."

    order = await (await api("sales_south")).post(
        "/api/orders", json=order_body(customers.own, [("LTL", 1, TOO_LARGE)])
    )
    assert too_large(order, "lines.0.unit_price") == "金额过大：最多 ¥99,999,999.99。", "a unit price has its own cap"
    customer = await (await api("sales_south")).post(
        "/api/customers", json={"name": "大额客户", "credit_limit": TOO_LARGE}
    )
    assert too_large(customer, "credit_limit") == "金额过大：最多 ¥999,999,999,999.99。"
    plan = await finance.put(
        "/api/commission/plan", json={"tiers": [{"from": "0", "rate": "0.02"}, {"from": TOO_LARGE, "rate": "0.03"}]}
    )
    assert "金额过大" in too_large(plan, "tiers.1.from")
    three = await finance.post(
        "/api/payments",
        json={
            "order_id": approved_order(db),
            "kind": "payment",
            "amount": "1.005",
            "paid_at": "2026-10-12T10:00:00+08:00",
        },
    )
    assert [d["message"] for d in three.json()["error"]["details"]] == ["金额最多两位小数（精确到分）。"]


async def test_the_pages_say_too_large_with_the_maximum(
    anonymous: httpx.AsyncClient, customers: CustomerSet, db: Database
) -> None:
    await login_as(anonymous, "finance")
    token = form_token((await anonymous.get("/payments")).text)
    payment = await anonymous.post(
        "/payments",
        data={
            "csrf_token": token,
            "order_id": str(approved_order(db)),
            "kind": "payment",
            "amount": TOO_LARGE,
            "paid_at": "2026-01-05T10:00",
        },
    )
    assert payment.status_code == 422 and "金额过大：最多 ¥999,999,999,999.99" in payment.text
    assert "两位小数" not in payment.text
    plan_page = await anonymous.get("/commission/plan")
    plan = await anonymous.post(
        "/commission/plan",
        headers=htmx(plan_page.text),
        data={
            "effective_from": "2026-01",
            "hold_forfeit_days": "",
            "tier_from": ["0", TOO_LARGE],
            "tier_rate": ["0.02", "0.03"],
        },
    )
    assert plan.status_code == 422 and "金额过大：最多 ¥999,999,999,999.99" in plan.text

    await login_as(anonymous, "sales_south")
    page = await anonymous.get("/orders/new")
    lines = await anonymous.post(
        "/orders/lines",
        headers=htmx(page.text),
        data=order_form(form_token(page.text), customers.own, [("LTL", "1", TOO_LARGE)]),
    )
    assert "金额过大：最多 ¥99,999,999.99" in lines.text and "两位小数" not in lines.text
    submitted = await anonymous.post(
        "/orders/new", data=order_form(form_token(page.text), customers.own, [("LTL", "1", TOO_LARGE)])
    )
    assert submitted.status_code == 422 and "金额过大：最多 ¥99,999,999.99" in fieldsets(submitted.text)[0]
    customer_page = await anonymous.get("/customers/new")
    customer = await anonymous.post(
        "/customers/new",
        data={"csrf_token": form_token(customer_page.text), "name": "大额客户", "credit_limit": TOO_LARGE},
    )
    assert customer.status_code == 422 and "金额过大：最多 ¥999,999,999,999.99" in customer.text
