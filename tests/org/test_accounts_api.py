"""Logging in over the API, tokens, throttling, departed employees, and the error shape."""

from __future__ import annotations

import httpx
from sqlalchemy import func, select

from schemas.org import EmployeeStatus
from store.db import Database
from store.models import AuditEntry, AuthToken, Employee, LoginFailure
from tests.support.org import PASSWORD, OrgFixture


async def test_login_returns_token_and_user(anonymous: httpx.AsyncClient, org: OrgFixture) -> None:
    response = await anonymous.post("/api/login", json={"username": "sales_south", "password": PASSWORD})
    assert response.status_code == 200
    body = response.json()
    assert body["user"] == {"id": org["sales_south"], "username": "sales_south", "name": "张伟", "roles": ["sales"]}
    me = await anonymous.get("/api/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200
    assert me.json()["username"] == "sales_south"


async def test_wrong_password_and_unknown_user_answer_the_same_401(
    anonymous: httpx.AsyncClient, org: OrgFixture, db: Database
) -> None:
    wrong = await anonymous.post("/api/login", json={"username": "sales_south", "password": "nope-nope"})
    unknown = await anonymous.post("/api/login", json={"username": "nobody", "password": "nope-nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["error"]["code"] == unknown.json()["error"]["code"] == "invalid_credentials"
    assert wrong.json()["error"]["message"] == unknown.json()["error"]["message"]
    assert "token" not in wrong.json()
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(AuthToken)) == 0


async def test_ten_failures_lock_the_username_even_for_the_right_password(
    anonymous: httpx.AsyncClient, org: OrgFixture
) -> None:
    for _ in range(10):
        response = await anonymous.post("/api/login", json={"username": "hr", "password": "guess-1234"})
        assert response.status_code == 401
    locked = await anonymous.post("/api/login", json={"username": "hr", "password": PASSWORD})
    assert locked.status_code == 429
    assert locked.json()["error"]["code"] == "too_many_attempts"
    other = await anonymous.post("/api/login", json={"username": "finance", "password": PASSWORD})
    assert other.status_code == 200, "throttling is per username"


def client_from(app, address: str) -> httpx.AsyncClient:  # type: ignore[no-untyped-def]
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://baton.test")


async def test_guessing_from_one_address_never_locks_the_real_person_out_from_another(
    app, org: OrgFixture, db: Database
) -> None:  # type: ignore[no-untyped-def]
    async with client_from(app, "203.0.113.7") as attacker, client_from(app, "198.51.100.2") as admin:
        for _ in range(10):
            guess = await attacker.post("/api/login", json={"username": "admin", "password": "guess"})
            assert guess.status_code == 401
        refused = await attacker.post("/api/login", json={"username": "admin", "password": PASSWORD})
        assert refused.status_code == 429
        real = await admin.post("/api/login", json={"username": "admin", "password": PASSWORD})
        assert real.status_code == 200, "a client that has not failed is always heard"
        still = await attacker.post("/api/login", json={"username": "admin", "password": PASSWORD})
        assert still.status_code == 429, "the real person's login forgives only their own client"
    with db.session() as session:
        failures = session.scalars(select(AuditEntry).where(AuditEntry.action == "account.login_failed")).all()
        assert len(failures) == 10 and {f.detail["client"] for f in failures} == {"203.0.113.7"}
        assert (
            session.scalar(
                select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "account.login_throttled")
            )
            == 2
        )


async def test_an_address_guessing_across_many_accounts_is_throttled_as_a_whole(
    app, org: OrgFixture, db: Database
) -> None:  # type: ignore[no-untyped-def]
    from store.models.base import utcnow

    with db.session() as session:
        session.add_all([LoginFailure(username=f"user{n}", client="203.0.113.9", at=utcnow()) for n in range(50)])
    async with client_from(app, "203.0.113.9") as sprayer, client_from(app, "198.51.100.3") as other:
        assert (await sprayer.post("/api/login", json={"username": "hr", "password": PASSWORD})).status_code == 429
        assert (await other.post("/api/login", json={"username": "hr", "password": PASSWORD})).status_code == 200


async def test_failures_outside_the_window_do_not_count(
    anonymous: httpx.AsyncClient, org: OrgFixture, db: Database
) -> None:
    from datetime import timedelta

    from store.models.base import utcnow

    with db.session() as session:
        old = utcnow() - timedelta(minutes=11)
        session.add_all([LoginFailure(username="hr", at=old) for _ in range(12)])
    response = await anonymous.post("/api/login", json={"username": "hr", "password": PASSWORD})
    assert response.status_code == 200


async def test_departed_employee_cannot_log_in_and_tokens_stop_working(
    anonymous: httpx.AsyncClient, api, org: OrgFixture, db: Database
) -> None:  # type: ignore[no-untyped-def]
    client = await api("sales_east")
    assert (await client.get("/api/me")).status_code == 200
    with db.session() as session:
        employee = session.get(Employee, org["sales_east"])
        assert employee is not None
        employee.status = EmployeeStatus.departed
    after = await client.get("/api/me")
    assert after.status_code == 401
    login = await anonymous.post("/api/login", json={"username": "sales_east", "password": PASSWORD})
    assert login.status_code == 401
    assert login.json()["error"]["code"] == "invalid_credentials"


async def test_logout_revokes_the_token(api) -> None:  # type: ignore[no-untyped-def]
    client = await api("finance")
    assert (await client.post("/api/logout")).status_code == 204
    assert (await client.get("/api/me")).status_code == 401


async def test_missing_and_forged_bearer_tokens_are_401(anonymous: httpx.AsyncClient, org: OrgFixture) -> None:
    assert (await anonymous.get("/api/me")).json()["error"]["code"] == "not_authenticated"
    forged = await anonymous.get("/api/me", headers={"Authorization": "Bearer forged-token"})
    assert forged.status_code == 401


async def test_malformed_json_and_wrong_types_name_the_fields(anonymous: httpx.AsyncClient) -> None:
    broken = await anonymous.post("/api/login", content=b'{"username": ', headers={"content-type": "application/json"})
    assert broken.status_code == 422
    assert broken.json()["error"]["code"] == "invalid_input"
    wrong = await anonymous.post("/api/login", json={"username": 12, "password": ["x"]})
    assert wrong.status_code == 422
    fields = {d["field"] for d in wrong.json()["error"]["details"]}
    assert {"username", "password"} <= fields


async def test_error_messages_follow_accept_language(anonymous: httpx.AsyncClient, org: OrgFixture) -> None:
    body = {"username": "nobody", "password": "x"}
    chinese = await anonymous.post("/api/login", json=body)
    english = await anonymous.post("/api/login", json=body, headers={"Accept-Language": "en-US,en;q=0.9"})
    assert chinese.json()["error"]["message"] == "用户名或密码错误。"
    assert english.json()["error"]["message"] == "Wrong username or password."


async def test_unknown_route_is_a_json_404(anonymous: httpx.AsyncClient) -> None:
    response = await anonymous.get("/api/no-such-thing")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
