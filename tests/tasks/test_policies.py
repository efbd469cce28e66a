"""Deadline policies: who reads and changes them, what bad input gets, what a running process keeps,
and the admin page with its inline row editing."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from schemas.policies import POLICY_KEYS, CalendarKind, DeadlinePolicy
from store.db import Database
from store.models import AuditEntry, DeadlinePolicyRow
from store.repo.tasks import policies
from tests.platform.test_pages import page_login
from tests.support.org import OrgFixture

MANAGER_APPROVAL = {
    "due_in": "PT12H",
    "remind_before": "PT3H",
    "repeat_every": "PT4H",
    "escalate_after": "P1D",
    "calendar": "wall",
}


def written(db: Database) -> tuple[int, int]:
    """Stored policy rows and policy audit entries: both stay 0 after rejected input."""
    with db.session() as session:
        rows = session.scalar(select(func.count()).select_from(DeadlinePolicyRow)) or 0
        audits = (
            session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "policy.changed"))
            or 0
        )
    return rows, audits


def problems(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == "invalid_input"
    return {d["field"]: d["code"] for d in response.json()["error"]["details"]}


# ---------------------------------------------------------------- API
async def test_defaults_are_listed_as_iso_durations(api, org: OrgFixture) -> None:  # type: ignore[no-untyped-def]
    manager = await api("manager_south")
    response = await manager.get("/api/policies")
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 10 and [item["key"] for item in body["items"]] == list(POLICY_KEYS)
    items = {item["key"]: item for item in body["items"]}
    assert items["offboarding.item"] == {
        "key": "offboarding.item",
        "due_in": "P5D",
        "remind_before": "P1D",
        "repeat_every": "P1D",
        "escalate_after": "P2D",
        "calendar": "working_days",
    }
    assert items["order.manager_approval"]["due_in"] == "PT8H"
    assert items["order.expiry"]["remind_before"] == "PT0S"


async def test_back_office_reads_policies_sales_does_not(
    api,
    org: OrgFixture,  # type: ignore[no-untyped-def]
    anonymous: httpx.AsyncClient,
) -> None:
    for username in ("admin", "hr", "head", "finance"):
        assert (await (await api(username)).get("/api/policies")).status_code == 200, username
    refused = await (await api("sales_south")).get("/api/policies")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    assert (await anonymous.get("/api/policies")).status_code == 401


async def test_admin_changes_a_policy_and_everyone_reads_it(
    api,
    org: OrgFixture,  # type: ignore[no-untyped-def]
    db: Database,
) -> None:
    admin = await api("admin")
    response = await admin.put("/api/policies/order.manager_approval", json=MANAGER_APPROVAL)
    assert response.status_code == 200, response.text
    assert response.json() == {"key": "order.manager_approval", **MANAGER_APPROVAL}
    listed = await (await api("finance")).get("/api/policies")
    assert {"key": "order.manager_approval", **MANAGER_APPROVAL} in listed.json()["items"]
    with db.session() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "policy.changed")).one()
        assert entry.actor_id == org["admin"] and entry.entity_id == "order.manager_approval"
        assert entry.detail["before"]["due_in"] == "PT8H" and entry.detail["after"]["due_in"] == "PT12H"


async def test_working_day_policy_is_stored_in_whole_days(api, org: OrgFixture) -> None:  # type: ignore[no-untyped-def]
    admin = await api("admin")
    response = await admin.put("/api/policies/order.expiry", json={"due_in": "P10D", "calendar": "working_days"})
    assert response.status_code == 200, response.text
    assert response.json()["due_in"] == "P10D" and response.json()["calendar"] == "working_days"


async def test_only_admin_changes_policies(api, org: OrgFixture, db: Database) -> None:  # type: ignore[no-untyped-def]
    for username in ("hr", "head", "finance", "manager_south", "sales_south"):
        response = await (await api(username)).put("/api/policies/order.manager_approval", json=MANAGER_APPROVAL)
        assert response.status_code == 403, username
    assert written(db) == (0, 0)


async def test_unknown_key_is_404(api, org: OrgFixture) -> None:  # type: ignore[no-untyped-def]
    admin = await api("admin")
    for body in (MANAGER_APPROVAL, {"due_in": "3 days"}):
        response = await admin.put("/api/policies/order.coffee_break", json=body)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "unknown_policy"


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"due_in": "P1D", "remind_before": "-PT1H"}, "remind_before", "negative"),
        ({"due_in": "-P1D"}, "due_in", "negative"),
        ({"due_in": "PT0S"}, "due_in", "due_not_positive"),
        ({"due_in": "PT4H", "remind_before": "PT4H"}, "remind_before", "remind_not_before_due"),
        ({"due_in": "PT4H", "remind_before": "P1D"}, "remind_before", "remind_not_before_due"),
        ({"due_in": "3 days"}, "due_in", "iso_duration"),
        ({"due_in": 3}, "due_in", "iso_duration"),
        ({"due_in": 259200.0}, "due_in", "iso_duration"),
        ({"due_in": "03:00:00"}, "due_in", "iso_duration"),
        ({"due_in": "P1M"}, "due_in", "iso_duration"),
        ({"due_in": "P1D", "escalate_after": 86400}, "escalate_after", "iso_duration"),
        ({"due_in": "PT36H", "calendar": "working_days"}, "due_in", "fractional_working_days"),
        ({"due_in": "P1.5D", "calendar": "working_days"}, "due_in", "fractional_working_days"),
        ({"due_in": "P1D", "repeat_every": "PT10S"}, "repeat_every", "repeat_too_often"),
        ({"due_in": "P400D"}, "due_in", "too_long"),
        ({"remind_before": "PT1H"}, "due_in", "missing"),
    ],
)
async def test_bad_policy_is_422_naming_the_field_and_nothing_is_written(  # type: ignore[no-untyped-def]
    api, org: OrgFixture, db: Database, body: dict[str, Any], field: str, code: str
) -> None:
    admin = await api("admin")
    response = await admin.put("/api/policies/order.head_approval", json=body)
    assert problems(response).get(field) == code, response.text
    assert written(db) == (0, 0)


async def test_every_problem_is_listed_at_once_in_the_readers_language(  # type: ignore[no-untyped-def]
    api, org: OrgFixture, db: Database
) -> None:
    admin = await api("admin")
    response = await admin.put(
        "/api/policies/alert.followup",
        json={
            "due_in": "P2D",
            "remind_before": "P3D",
            "repeat_every": "PT10S",
            "escalate_after": "3 days",
            "calendar": "working_days",
        },
    )
    assert problems(response) == {
        "remind_before": "remind_not_before_due",
        "repeat_every": "repeat_too_often",
        "escalate_after": "iso_duration",
    }
    messages = {d["field"]: d["message"] for d in response.json()["error"]["details"]}
    assert messages["remind_before"] == "提醒必须早于截止时间。"
    assert written(db) == (0, 0)


async def test_a_step_that_only_expires_takes_no_reminders(
    api,
    org: OrgFixture,  # type: ignore[no-untyped-def]
    db: Database,
) -> None:
    admin = await api("admin")
    response = await admin.put("/api/policies/order.expiry", json={"due_in": "P7D", "remind_before": "P1D"})
    assert problems(response) == {"remind_before": "only_due"}
    assert written(db) == (0, 0)


def test_a_snapshot_taken_before_a_change_keeps_the_old_policy(db: Database, org: OrgFixture) -> None:
    with db.session() as session:
        before = policies.snapshot(session)
    carried = before.model_dump_json()  # what a workflow receives as its start input
    with db.session() as session:
        policies.put_policy(
            session,
            actor_id=org["admin"],
            key="order.manager_approval",
            policy=DeadlinePolicy(due_in=timedelta(hours=12), remind_before=timedelta(hours=3)),
        )
    with db.session() as session:
        after = policies.snapshot(session)
    assert before.get("order.manager_approval").due_in == timedelta(hours=8)
    assert type(before).model_validate_json(carried).get("order.manager_approval").due_in == timedelta(hours=8)
    assert after.get("order.manager_approval").due_in == timedelta(hours=12)
    assert after.get("offboarding.item").calendar == CalendarKind.working_days


# ---------------------------------------------------------------- admin page
async def admin_page(client: httpx.AsyncClient) -> str:
    await page_login(client, "admin")
    page = await client.get("/admin/policies")
    assert page.status_code == 200
    token = re.search(r'"X-CSRF-Token": "([^"]+)"', page.text)
    assert token
    return token.group(1)


def htmx(token: str) -> dict[str, str]:
    return {"X-CSRF-Token": token, "HX-Request": "true"}


async def test_admin_sees_every_policy_in_words(anonymous: httpx.AsyncClient, org: OrgFixture) -> None:
    await page_login(anonymous, "admin")
    page = await anonymous.get("/admin/policies")
    assert page.status_code == 200
    assert page.text.count("data-policy=") == 10
    assert "5 个工作日" in page.text and "8 小时" in page.text and "1 天" in page.text
    assert 'href="/admin/policies"' in page.text
    row = re.search(r'<tr id="policy-offboarding-item".*?</tr>', page.text, re.S)
    assert row
    assert re.search(r'name="due_in" value="5"[^>]*type="number"', row.group(0))
    assert re.search(r'<option value="days" selected>个工作日</option>', row.group(0))
    assert not re.search(r"\bP\d|PT\d", page.text), "no ISO 8601 durations to read or type"


async def test_admin_edits_a_row_in_place(anonymous: httpx.AsyncClient, org: OrgFixture, db: Database) -> None:
    token = await admin_page(anonymous)
    response = await anonymous.post(
        "/admin/policies/order.manager_approval",
        headers=htmx(token),
        data={
            "calendar": "wall",
            "due_in": "12",
            "due_in_unit": "hours",
            "remind_before": "3",
            "remind_before_unit": "hours",
            "repeat_every": "240",
            "repeat_every_unit": "minutes",
            "escalate_after": "28",
            "escalate_after_unit": "hours",
        },
    )
    assert response.status_code == 200, response.text
    assert response.text.lstrip().startswith('<tr id="policy-order-manager_approval"')
    assert "<html" not in response.text
    assert 'value="12"' in response.text and "12 小时" in response.text and "1 天 4 小时" in response.text
    assert 'name="repeat_every" value="4"' in response.text, "shown in the largest whole unit"
    assert "已保存" in response.text
    with db.session() as session:
        assert policies.all_policies(session)["order.manager_approval"].due_in == timedelta(hours=12)


async def test_invalid_row_shows_the_error_inline_and_changes_nothing(  # type: ignore[no-untyped-def]
    anonymous: httpx.AsyncClient, org: OrgFixture, db: Database
) -> None:
    token = await admin_page(anonymous)
    response = await anonymous.post(
        "/admin/policies/offboarding.item",
        headers=htmx(token),
        data={
            "calendar": "working_days",
            "due_in": "2.5",
            "due_in_unit": "days",
            "remind_before": "1",
            "remind_before_unit": "days",
        },
    )
    assert response.status_code == 422
    assert response.text.lstrip().startswith('<tr id="policy-offboarding-item"')
    assert "请输入 0 或以上的整数" in response.text and 'aria-invalid="true"' in response.text
    assert 'value="2.5"' in response.text, "what the admin typed stays in the input"
    hours = await anonymous.post(
        "/admin/policies/offboarding.item",
        headers=htmx(token),
        data={"calendar": "working_days", "due_in": "36", "due_in_unit": "hours"},
    )
    assert hours.status_code == 422 and "整天数" in hours.text
    assert re.search(r'<option value="hours" selected>', hours.text), "the unit chosen stays chosen"
    assert written(db) == (0, 0)


async def test_plain_form_post_without_javascript(anonymous: httpx.AsyncClient, org: OrgFixture, db: Database) -> None:
    token = await admin_page(anonymous)
    saved = await anonymous.post(
        "/admin/policies/commission.review",
        data={"csrf_token": token, "calendar": "working_days", "due_in": "4", "due_in_unit": "days"},
    )
    assert saved.status_code == 303 and saved.headers["location"] == "/admin/policies"
    rejected = await anonymous.post(
        "/admin/policies/commission.review",
        data={"csrf_token": token, "calendar": "working_days", "due_in": "12", "due_in_unit": "hours"},
    )
    assert rejected.status_code == 422 and "<html" in rejected.text and "整天数" in rejected.text
    with db.session() as session:
        assert policies.all_policies(session)["commission.review"].due_in == timedelta(days=4)


async def test_page_post_without_csrf_token_is_refused(
    anonymous: httpx.AsyncClient, org: OrgFixture, db: Database
) -> None:
    await admin_page(anonymous)
    response = await anonymous.post(
        "/admin/policies/order.manager_approval", data={"due_in": "PT12H"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 403
    assert written(db) == (0, 0)


async def test_non_admins_get_403_on_the_page(anonymous: httpx.AsyncClient, org: OrgFixture, db: Database) -> None:
    await page_login(anonymous, "hr")
    page = await anonymous.get("/admin/policies")
    assert page.status_code == 403 and "<html" in page.text
    home = await anonymous.get("/")
    assert 'href="/admin/policies"' not in home.text
    token = re.search(r'"X-CSRF-Token": "([^"]+)"', home.text)
    assert token
    response = await anonymous.post(
        "/admin/policies/order.manager_approval", headers=htmx(token.group(1)), data={"due_in": "PT12H"}
    )
    assert response.status_code == 403
    assert written(db) == (0, 0)


@pytest.mark.browser
async def test_admin_fixes_a_mistake_in_the_browser(
    page,
    live_server: str,  # type: ignore[no-untyped-def]
    org: OrgFixture,
    db: Database,
) -> None:
    from tests.support.org import PASSWORD

    await page.goto(f"{live_server}/login?next=/admin/policies")
    await page.get_by_label("用户名").fill("admin")
    await page.get_by_label("密码").fill(PASSWORD)
    await page.get_by_role("button", name="登录").click()
    await page.wait_for_url(f"{live_server}/admin/policies")
    row = page.locator("#policy-order-manager_approval")
    due = page.get_by_label("订单审批：团队经理: 办理时限", exact=True)
    await due.fill("0")
    await row.get_by_role("button", name="保存").click()
    await row.get_by_role("alert").wait_for()
    assert "办理时限必须大于零" in await row.get_by_role("alert").inner_text()
    assert written(db) == (0, 0)
    await page.get_by_label("订单审批：团队经理: 办理时限", exact=True).fill("12")
    await page.get_by_label("订单审批：团队经理: 办理时限: 单位", exact=True).select_option("hours")
    await page.locator("#policy-order-manager_approval").get_by_role("button", name="保存").click()
    await page.locator("#policy-order-manager_approval").get_by_role("status").wait_for()
    assert "12 小时" in await page.locator("#policy-order-manager_approval").inner_text()
    assert written(db) == (1, 1)


def test_two_admins_saving_a_new_policy_at_once_both_succeed(db: Database, org: OrgFixture) -> None:
    """Both saves of a key never saved before land (one after the other), none fails on the key."""
    import threading

    barrier = threading.Barrier(2)
    failures: list[BaseException] = []
    wanted = {"admin": timedelta(days=3), "head": timedelta(days=4)}

    def save(key: str, actor: str) -> None:
        try:
            with db.session() as session:
                barrier.wait(timeout=10)
                policies.put_policy(session, actor_id=org[actor], key=key, policy=DeadlinePolicy(due_in=wanted[actor]))
        except BaseException as exc:  # collected for the assertion
            failures.append(exc)

    for key in POLICY_KEYS[:4]:
        threads = [threading.Thread(target=save, args=(key, actor)) for actor in wanted]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        barrier.reset()
        assert not failures, failures
        with db.session() as session:
            assert policies.get_policy(session, key).due_in in wanted.values()
            assert (
                session.scalar(
                    select(func.count())
                    .select_from(AuditEntry)
                    .where(AuditEntry.action == "policy.changed", AuditEntry.entity_id == key)
                )
                == 2
            )
