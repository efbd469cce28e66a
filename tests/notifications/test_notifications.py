"""In-app notifications: the caller's own over the API, the bell and its page, and the dev
mailbox, fed by the real mail catcher that ``baton dev`` runs."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from activities.notifications.channels import channels_for
from activities.notifications.notify import NotifyActivities
from baton.mail_catcher import start_mail_catcher
from schemas.kernel.config import Settings
from schemas.kernel.notify_settings import EmailSettings, NotifySettings
from store.db import Database
from store.models import Notification
from store.repo.notifications.mailbox import mailbox_dir
from tests.support.notices import give_emails
from tests.support.notices import write_notification as write
from tests.support.org import PASSWORD, OrgFixture


@pytest_asyncio.fixture
async def catcher(tmp_path: Path) -> AsyncIterator[int]:
    """The dev mail catcher, in-process on a free port, keeping mail under the test's data dir."""
    server = await start_mail_catcher(mailbox_dir(tmp_path), port=0)
    yield int(server.sockets[0].getsockname()[1])
    server.close()


@pytest.fixture
def settings(settings: Settings, catcher: int, tmp_path: Path) -> Settings:
    """E-mail goes to the mail catcher, as on a development stack."""
    assert settings.data_dir == tmp_path
    return settings.with_changes(
        notify=NotifySettings(
            email=EmailSettings(enabled=True, host="127.0.0.1", port=catcher, mail_catcher=True, timeout=5),
            mail_catcher_port=catcher,
        )
    )


# ---------------------------------------------------------------- API
async def test_the_api_lists_only_the_callers_own_notifications(api, db: Database, org: OrgFixture) -> None:  # type: ignore[no-untyped-def]
    mine = [write(db, org["sales_south"], title=f"提醒 {n}", kind="reminder") for n in range(3)]
    others = write(db, org["sales_south2"], title="李娜的通知")
    client = await api("sales_south")
    await client.post(f"/api/notifications/{mine[0]}/read")

    listed = (await client.get("/api/notifications")).json()
    unread = (await client.get("/api/notifications", params={"unread": 1})).json()
    paged = (await client.get("/api/notifications", params={"limit": 1, "offset": 1})).json()

    assert listed["total"] == 3 and [item["id"] for item in listed["items"]] == mine[::-1]
    assert others not in [item["id"] for item in listed["items"]]
    assert set(listed["items"][0]) >= {"id", "kind", "task_id", "process_id", "title", "created_at", "read"}
    assert [item["read"] for item in listed["items"]] == [False, False, True]
    assert unread["total"] == 2 and all(not item["read"] for item in unread["items"])
    assert paged["total"] == 3 and [item["id"] for item in paged["items"]] == [mine[1]]


async def test_someone_elses_notification_is_not_found_and_stays_unread(  # type: ignore[no-untyped-def]
    api, db: Database, org: OrgFixture
) -> None:
    others = write(db, org["sales_south2"])
    client = await api("sales_south")

    for path in (
        f"/api/notifications/{others}/read",
        "/api/notifications/not-an-id/read",
        "/api/notifications/99999999/read",
    ):
        response = await client.post(path)
        assert response.status_code == 404, path
        assert response.json()["error"]["code"] == "not_found"
    with db.session() as session:
        notification = session.get(Notification, others)
        assert notification is not None and not notification.read


async def test_read_all_marks_only_the_callers_notifications(  # type: ignore[no-untyped-def]
    api, db: Database, org: OrgFixture
) -> None:
    for _ in range(2):
        write(db, org["hr"])
    others = write(db, org["finance"])
    client = await api("hr")

    assert (await client.post("/api/notifications/read-all")).json() == {"updated": 2}
    assert (await client.get("/api/notifications", params={"unread": 1})).json()["total"] == 0
    with db.session() as session:
        notification = session.get(Notification, others)
        assert notification is not None and not notification.read


# ---------------------------------------------------------------- pages
async def page_login(client: httpx.AsyncClient, username: str) -> str:
    """Log in through the form; returns the session's CSRF token, as HTMX sends it."""
    page = await client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    response = await client.post(
        "/login", data={"username": username, "password": PASSWORD, "csrf_token": token.group(1), "next": "/"}
    )
    assert response.status_code == 303
    home = await client.get("/")
    session_token = re.search(r'"X-CSRF-Token": "([^"]+)"', home.text)
    assert session_token
    return session_token.group(1)


def badge_count(html: str) -> int:
    found = re.search(r'data-unread="(\d+)"', html)
    return int(found.group(1)) if found else 0


async def test_the_bell_count_drops_when_a_notification_is_marked_read(
    anonymous: httpx.AsyncClient, db: Database, org: OrgFixture
) -> None:
    first, second = write(db, org["manager_east"]), write(db, org["manager_east"], title="已逾期：客户交接")
    csrf = await page_login(anonymous, "manager_east")
    home = await anonymous.get("/")
    assert 'hx-get="/notifications/badge" hx-trigger="load, notifications-changed from:body, every 30s"' in home.text
    assert badge_count((await anonymous.get("/notifications/badge")).text) == 2

    answer = await anonymous.post(f"/notifications/{second}/read", headers={"HX-Request": "true", "X-CSRF-Token": csrf})

    assert answer.status_code == 200
    assert f'id="notification-{second}"' in answer.text and 'data-read="true"' in answer.text
    assert answer.headers["HX-Trigger"] == "notifications-changed", "the bell refreshes at once"
    assert badge_count((await anonymous.get("/notifications/badge")).text) == 1
    listing = await anonymous.get("/notifications")
    assert f'id="notification-{first}"' in listing.text and "标为已读" in listing.text


async def test_marking_read_needs_the_csrf_token_and_ones_own_notification(
    anonymous: httpx.AsyncClient, db: Database, org: OrgFixture
) -> None:
    mine, others = write(db, org["sales_east"]), write(db, org["sales_south"])
    csrf = await page_login(anonymous, "sales_east")

    forged = await anonymous.post(f"/notifications/{mine}/read", headers={"HX-Request": "true"})
    not_mine = await anonymous.post(
        f"/notifications/{others}/read", headers={"HX-Request": "true", "X-CSRF-Token": csrf}
    )

    assert forged.status_code == 403 and not_mine.status_code == 404
    assert badge_count((await anonymous.get("/notifications/badge")).text) == 1


async def test_the_notifications_page_shows_shanghai_time(
    anonymous: httpx.AsyncClient, db: Database, org: OrgFixture
) -> None:
    notification_id = write(db, org["finance"], title="佣金结算已开始")
    with db.session() as session:
        row = session.get(Notification, notification_id)
        assert row is not None
        row.created_at = datetime(2026, 10, 31, 18, 30, tzinfo=UTC)
    await page_login(anonymous, "finance")

    page = await anonymous.get("/notifications")

    assert "佣金结算已开始" in page.text and "2026-11-01 02:30" in page.text


# ---------------------------------------------------------------- dev mailbox
async def test_the_mail_catcher_keeps_mail_that_the_dev_mailbox_lists(
    anonymous: httpx.AsyncClient, db: Database, org: OrgFixture, settings: Settings
) -> None:
    emails = give_emails(db, org)
    notify = NotifyActivities(db, channels_for(settings.notify), "http://baton.test")
    older = write(db, org["sales_south"], title="新任务：交接客户档案", body="请整理张伟名下的客户档案。")
    newer = write(db, org["manager_south"], title="已逾期：客户重新分配方案")
    for notification_id in (older, newer):
        await notify.deliver(notification_id)
    caught = sorted(mailbox_dir(settings.data_dir).glob("*.eml"))
    assert len(caught) == 2
    assert "新任务".encode() not in caught[0].read_bytes(), "the subject travels encoded (RFC 2047)"

    await page_login(anonymous, "admin")
    listing = await anonymous.get("/dev/mailbox")

    assert listing.status_code == 200
    assert listing.text.index("已逾期：客户重新分配方案") < listing.text.index("新任务：交接客户档案"), "newest first"
    assert emails["sales_south"] in listing.text and "张伟" in listing.text
    assert "请整理张伟名下的客户档案。" in listing.text, "the body preview, decoded"
    message = await anonymous.get(f"/dev/mailbox/{caught[0].stem}")
    assert message.status_code == 200
    assert "请整理张伟名下的客户档案。" in message.text and "http://baton.test/notifications" in message.text
    for missing in ("20260101T000000000000-0000000z", "..%2Fbaton.db"):
        assert (await anonymous.get(f"/dev/mailbox/{missing}")).status_code == 404


async def test_the_dev_mailbox_is_for_admins_only(anonymous: httpx.AsyncClient, org: OrgFixture) -> None:
    await page_login(anonymous, "hr")
    assert (await anonymous.get("/dev/mailbox")).status_code == 404


async def test_the_dev_mailbox_does_not_exist_when_mail_goes_to_a_real_server(
    anonymous: httpx.AsyncClient, app, org: OrgFixture, settings: Settings
) -> None:  # type: ignore[no-untyped-def]
    app.state.settings = settings.with_changes(
        notify=NotifySettings(email=EmailSettings(enabled=True, host="smtp.huatong.example", port=587))
    )
    await page_login(anonymous, "admin")
    assert (await anonymous.get("/dev/mailbox")).status_code == 404
    assert "/dev/mailbox" not in (await anonymous.get("/notifications")).text
