"""Careless and hostile text is refused with a clear 422 and nothing stored: NUL characters
(which PostgreSQL cannot store), summaries of nothing but spaces."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from store.db import Database
from store.models import Interaction
from tests.support.customers import CustomerSet, make_customers
from tests.support.org import OrgFixture


@pytest.fixture
def customers(db: Database, org: OrgFixture) -> CustomerSet:
    return make_customers(db, org)


def stored_interactions(db: Database) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(Interaction)) or 0


@pytest.mark.parametrize("summary", ["拜访\u0000客户", "\u0000"])
async def test_a_nul_character_in_a_json_body_is_refused(  # type: ignore[no-untyped-def]
    api, customers: CustomerSet, db: Database, summary: str
) -> None:
    before = stored_interactions(db)
    client = await api("sales_south")
    response = await client.post(
        f"/api/customers/{customers.own}/interactions",
        json={"channel": "phone", "summary": summary, "occurred_at": "2026-11-19T10:00:00+08:00"},
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["code"] == "nul_character"
    assert stored_interactions(db) == before


async def test_a_nul_character_in_a_query_or_form_is_refused(  # type: ignore[no-untyped-def]
    api, anonymous, customers: CustomerSet
) -> None:
    client = await api("sales_south")
    search = await client.get("/api/interactions", params={"q": "报价\u0000"})
    assert search.status_code == 422
    login = await anonymous.post("/login", data={"username": "admin\u0000", "password": "x"})
    assert login.status_code == 422


async def test_a_summary_of_spaces_is_refused_as_empty(  # type: ignore[no-untyped-def]
    api, customers: CustomerSet, db: Database
) -> None:
    before = stored_interactions(db)
    client = await api("sales_south")
    blank = {"summary": "   \u3000 ", "occurred_at": "2026-11-19T10:00:00+08:00"}
    for path, body in (
        (f"/api/customers/{customers.own}/interactions", {**blank, "channel": "visit"}),
        (f"/api/customers/{customers.own}/complaints", blank),
    ):
        response = await client.post(path, json=body)
        assert response.status_code == 422, path
        assert [d["field"] for d in response.json()["error"]["details"]] == ["summary"]
    assert stored_interactions(db) == before
    kept = await client.post(
        f"/api/customers/{customers.own}/interactions",
        json={"channel": "visit", "summary": "  上门拜访  ", "occurred_at": "2026-11-19T10:00:00+08:00"},
    )
    assert kept.status_code == 201 and kept.json()["summary"] == "上门拜访"


async def test_money_over_the_api_is_a_decimal_string_of_ascii_digits(  # type: ignore[no-untyped-def]
    api, customers: CustomerSet, db: Database
) -> None:
    from store.models import Order
    from tests.support.orders import make_services, order_body

    make_services(db)
    with db.session() as session:
        before = session.scalar(select(func.count()).select_from(Order))
    sales = await api("sales_south")
    for price in (95.0, "９５.００"):
        body = order_body(customers.own)
        body["lines"][0]["unit_price"] = price
        response = await sales.post("/api/orders", json=body)
        assert response.status_code == 422, price
        detail = response.json()["error"]["details"][0]
        assert detail["field"] == "lines.0.unit_price" and detail["code"] == "not_an_amount", price
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Order)) == before, "nothing is half-written"


async def test_a_person_typing_full_width_digits_on_a_page_is_understood(  # type: ignore[no-untyped-def]
    anonymous, customers: CustomerSet, db: Database
) -> None:
    from tests.platform.test_pages import form_token, page_login
    from tests.support.orders import make_services

    make_services(db)
    await page_login(anonymous, "sales_south")
    form = await anonymous.get(f"/orders/new?customer_id={customers.own}")
    preview = await anonymous.post(
        "/orders/lines",
        data={
            "csrf_token": form_token(form.text),
            "customer_id": str(customers.own),
            "service": "LTL",
            "quantity": "10",
            "unit_price": "９５.００",
        },
    )
    assert preview.status_code == 200
    assert "950.00" in preview.text, "¥950.00: the full-width price was read as 95.00"
