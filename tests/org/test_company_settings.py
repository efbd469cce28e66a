"""Company settings are a typed catalogue: an unknown key or a value that does not fit is refused
before anything is stored, so a bad value can never stop order submissions."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from store.db import Database
from store.models import AuditEntry, Setting
from store.repo.org import settings as company_settings
from tests.support.org import OrgFixture


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("order.head_threshold", "abc"),
        ("order.head_threshold", None),
        ("order.head_threshold", "-5"),
        ("order.head_threshold", "1.234"),
        ("order.head_threshold", 1e30),
        ("order.head_threshold", "NaN"),
        ("order.head_threshold", "99999999999999"),
        ("order.head_threshold", True),
        ("pool.daily_claims", "ten"),
        ("pool.daily_claims", -1),
        ("pool.daily_claims", "１０"),
        ("pool.daily_claims", 100000),
        ("pool.daily_claims", [3]),
    ],
)
async def test_a_value_that_does_not_fit_is_refused_and_nothing_is_stored(  # type: ignore[no-untyped-def]
    api, org: OrgFixture, db: Database, key: str, value: object
) -> None:
    admin = await api("admin")
    response = await admin.put(f"/api/settings/{key}", json={"value": value})
    assert response.status_code == 422, response.text
    detail = response.json()["error"]["details"][0]
    assert detail["field"] == "value" and "%(" not in detail["message"]
    with db.session() as session:
        assert session.get(Setting, key) is None
        assert (
            session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "setting.changed"))
            == 0
        )


async def test_an_unknown_key_is_404(api, org: OrgFixture, db: Database) -> None:  # type: ignore[no-untyped-def]
    admin = await api("admin")
    response = await admin.put("/api/settings/anything.at.all", json={"value": "1"})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_setting"
    with db.session() as session:
        assert session.get(Setting, "anything.at.all") is None


async def test_values_are_stored_normalised_and_orders_still_submit_after_a_refused_change(  # type: ignore[no-untyped-def]
    api, org: OrgFixture, db: Database
) -> None:
    admin = await api("admin")
    assert (await admin.put("/api/settings/order.head_threshold", json={"value": 250000})).json() == {
        "key": "order.head_threshold",
        "value": "250000",
    }
    assert (await admin.put("/api/settings/pool.daily_claims", json={"value": " 3 "})).json()["value"] == "3"
    assert (await admin.put("/api/settings/order.head_threshold", json={"value": "abc"})).status_code == 422
    listed = (await admin.get("/api/settings")).json()
    assert listed == {"order.head_threshold": "250000", "pool.daily_claims": "3"}
    with db.session() as session:
        assert company_settings.daily_claims(session) == 3
        assert str(company_settings.head_threshold(session)) == "250000"


def test_a_value_broken_by_hand_in_the_database_falls_back_to_the_default(db: Database, org: OrgFixture) -> None:
    with db.session() as session:
        session.add(Setting(key="order.head_threshold", value="abc"))
        session.add(Setting(key="pool.daily_claims", value=None))
    with db.session() as session:
        assert str(company_settings.head_threshold(session)) == "100000"
        assert company_settings.daily_claims(session) == 10


async def test_only_admin_reads_the_settings(api, org: OrgFixture) -> None:  # type: ignore[no-untyped-def]
    for username in ("hr", "finance", "head", "sales_south"):
        assert (await (await api(username)).get("/api/settings")).status_code == 403
