"""The permission matrix: every customer route × every role × own / team / other / pool customer.

What a person may not see answers 404 exactly like a customer that does not exist, and never
appears in a list or a count."""

from __future__ import annotations

import pytest

from store.db import Database
from tests.support.customers import CustomerSet, make_customers
from tests.support.org import OrgFixture

# Who finds which customer in their list.
LISTED = {
    "sales_south": {"own"},
    "sales_south2": {"team"},
    "sales_east": {"other"},
    "manager_south": {"own", "team", "pool"},
    "manager_east": {"other"},
    "head": {"own", "team", "other", "pool"},
    "admin": {"own", "team", "other", "pool"},
    "finance": {"other"},  # customers with orders: what receivables need
    "hr": set(),  # no commercial detail
}
# Who may open which customer: a salesperson also sees the leads in their team's pool.
VISIBLE = {**LISTED, "sales_south": {"own", "pool"}, "sales_south2": {"team", "pool"}}
SALES_SIDE = {"sales_south", "sales_south2", "sales_east", "manager_south", "manager_east", "head", "admin"}
MANAGES = {
    "manager_south": {"own", "team", "pool"},
    "manager_east": {"other"},
    "head": {"own", "team", "other", "pool"},
    "admin": {"own", "team", "other", "pool"},
}


@pytest.fixture
def customers(db: Database, org: OrgFixture) -> CustomerSet:
    return make_customers(db, org)


@pytest.mark.parametrize("username", sorted(VISIBLE))
async def test_list_and_count_show_exactly_what_the_role_may_see(
    api,
    customers: CustomerSet,  # type: ignore[no-untyped-def]
    username: str,
) -> None:
    client = await api(username)
    response = await client.get("/api/customers?limit=200")
    assert response.status_code == 200
    names = {
        key
        for key, customer_id in customers.all.items()
        if customer_id in {item["id"] for item in response.json()["items"]}
    }
    assert names == LISTED[username]
    assert response.json()["total"] == len(LISTED[username])


@pytest.mark.parametrize("username", sorted(VISIBLE))
async def test_the_360_view_is_404_for_what_is_hidden(api, customers: CustomerSet, username: str) -> None:  # type: ignore[no-untyped-def]
    client = await api(username)
    missing = await client.get("/api/customers/999999")
    for key, customer_id in customers.all.items():
        response = await client.get(f"/api/customers/{customer_id}")
        if key in VISIBLE[username]:
            assert response.status_code == 200, (username, key)
            assert response.json()["id"] == customer_id
        else:
            assert response.status_code == 404, (username, key)
            assert response.json() == missing.json(), "hidden looks exactly like missing"


@pytest.mark.parametrize("username", sorted(VISIBLE))
async def test_complaints_need_the_sales_side_and_a_visible_customer(
    api,
    customers: CustomerSet,  # type: ignore[no-untyped-def]
    username: str,
) -> None:
    client = await api(username)
    body = {"summary": "货物延迟两天送达", "occurred_at": "2026-11-20T10:00:00+08:00"}
    for key, customer_id in customers.all.items():
        response = await client.post(f"/api/customers/{customer_id}/complaints", json=body)
        if username not in SALES_SIDE:
            assert response.status_code == 403, (username, key)
        elif key in VISIBLE[username]:
            assert response.status_code == 201, (username, key)
        else:
            assert response.status_code == 404, (username, key)


@pytest.mark.parametrize("username", sorted(VISIBLE))
async def test_reassigning_needs_the_team_manager_head_or_admin(
    api,
    customers: CustomerSet,  # type: ignore[no-untyped-def]
    org: OrgFixture,
    username: str,
) -> None:
    client = await api(username)
    for key, customer_id in customers.all.items():
        target = org["sales_east"] if key == "other" else org["sales_south2"]
        response = await client.post(
            f"/api/customers/{customer_id}/reassign", json={"owner_id": target, "reason": "调整客户分工"}
        )
        if key in MANAGES.get(username, set()):
            assert response.status_code == 200, (username, key, response.text)
            assert response.json()["owner_id"] == target
        elif key in VISIBLE[username]:
            assert response.status_code == 403, (username, key)
        else:
            assert response.status_code == 404, (username, key)


@pytest.mark.parametrize("username", sorted(VISIBLE))
async def test_recording_contact_is_open_to_the_sales_side_and_flags_non_owners(
    api, customers: CustomerSet, username: str
) -> None:  # type: ignore[no-untyped-def]
    client = await api(username)
    body = {"channel": "phone", "summary": "电话确认下月运输计划", "occurred_at": "2026-11-21T09:30:00+08:00"}
    response = await client.post(f"/api/customers/{customers.own}/interactions", json=body)
    if username not in SALES_SIDE:
        assert response.status_code == 403
    else:
        assert response.status_code == 201
        assert response.json()["by_owner"] is (username == "sales_south")
