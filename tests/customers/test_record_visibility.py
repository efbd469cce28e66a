"""One visibility rule for communication records, complaints and key contacts wherever they
appear: finance, which search rightly gives none, reads none through the customer 360 either."""

from __future__ import annotations

from sqlalchemy import select

from store.db import Database
from store.models import Complaint, CustomerContact, Interaction
from store.models.base import utcnow
from tests.platform.test_pages import page_login
from tests.support.customers import make_customers
from tests.support.org import OrgFixture


async def test_finance_reads_the_money_of_a_customer_but_none_of_its_conversations(  # type: ignore[no-untyped-def]
    api, anonymous, db: Database, org: OrgFixture
) -> None:
    customers = make_customers(db, org)
    with db.session() as session:
        session.add(
            Interaction(
                customer_id=customers.other,
                employee_id=org["sales_east"],
                channel="wechat",
                summary="客户私下提到想换供应商",
                occurred_at=utcnow(),
                by_owner=True,
            )
        )
        session.add(
            Complaint(
                customer_id=customers.other, recorded_by=org["sales_east"], summary="到货延误", occurred_at=utcnow()
            )
        )
        session.add(
            CustomerContact(
                customer_id=customers.other, name="钱总", phone="13900000000", is_key=True, notes="只接受微信"
            )
        )
    finance = await api("finance")
    view = (await finance.get(f"/api/customers/{customers.other}")).json()
    assert view["orders"] and view["receivables"] == "12000.00", "finance still reads what is owed"
    assert view["interactions"] == [] and view["complaints"] == [] and view["contacts"] == []
    assert (await finance.get("/api/interactions", params={"q": "供应商"})).json()["total"] == 0
    await page_login(anonymous, "finance")
    page = await anonymous.get(f"/customers/{customers.other}")
    assert page.status_code == 200 and "杭州优选百货有限公司" in page.text
    assert "客户私下提到想换供应商" not in page.text and "钱总" not in page.text and "到货延误" not in page.text
    seller = await api("sales_east")
    mine = (await seller.get(f"/api/customers/{customers.other}")).json()
    assert [i["summary"] for i in mine["interactions"]] == ["客户私下提到想换供应商"]
    assert [c["name"] for c in mine["contacts"]] == ["钱总"]
    with db.session() as session:
        assert session.scalar(select(Interaction.id)) is not None
