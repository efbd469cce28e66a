"""Notification delivery (once per channel, however often it is retried), the caller's own
notifications over the API, the bell, and the dev mailbox fed by the real mail catcher."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest
import pytest_asyncio
from temporalio.client import Client
from temporalio.exceptions import ApplicationError
from temporalio.worker import Worker

from activities.channels import EmailChannel
from activities.delivery import NoticeDispatcher
from activities.notify import NotificationRequest, NotifyActivities
from baton.config import Settings
from baton.mail_catcher import mailbox_dir, start_mail_catcher
from baton.notify_settings import EmailSettings, NotifySettings, WeComSettings
from baton.worker import activities_for
from schemas.notifications import DeliveryReport
from store.db import Database
from store.models import Employee, Notification, NotificationDelivery
from store.repo import deliveries
from tests.support.loopback import SmtpRecorder, WeComRobot
from tests.support.notify_workflow import NotifyProbeWorkflow
from tests.support.org import PASSWORD, OrgFixture

ROBOT_RATE_LIMITED = (200, {"errcode": 45009, "errmsg": "api freq out of limit"})


@pytest_asyncio.fixture
async def smtp() -> AsyncIterator[SmtpRecorder]:
    recorder = SmtpRecorder()
    await recorder.start()
    yield recorder
    await recorder.stop()


@pytest_asyncio.fixture
async def robot() -> AsyncIterator[WeComRobot]:
    stand_in = WeComRobot()
    await stand_in.start()
    yield stand_in
    await stand_in.stop()


@pytest.fixture
def settings(settings: Settings, smtp: SmtpRecorder, robot: WeComRobot) -> Settings:
    """The suite's settings with e-mail to the loopback SMTP server and WeCom to the robot stand-in."""
    return settings.with_changes(notify=NotifySettings(
        email=EmailSettings(enabled=True, host="127.0.0.1", port=smtp.port, timeout=5),
        wecom=WeComSettings(enabled=True, webhook_url=robot.url)))


@pytest.fixture
def emails(db: Database, org: OrgFixture) -> dict[str, str]:
    with db.session() as session:
        for username, employee_id in org.ids.items():
            employee = session.get(Employee, employee_id)
            assert employee is not None
            employee.email = f"{username}@huatong.example"
    return {username: f"{username}@huatong.example" for username in org.ids}


def notify_activities(db: Database, settings: Settings) -> NotifyActivities:
    from activities.channels import channels_for

    return NotifyActivities(db, channels_for(settings.notify), "http://baton.test")


def write(db: Database, recipient_id: int, title: str = "新任务：交接客户档案", body: str = "",
          kind: str = "info") -> int:
    request = NotificationRequest(recipient_id=recipient_id, kind=kind, title=title, body=body,
                                  dedupe_key=f"test:{uuid.uuid4().hex}")
    return NotifyActivities(db).in_app(request)


def rows_of(db: Database, notification_id: int) -> dict[str, NotificationDelivery]:
    with db.session() as session:
        return {row.channel: row for row in deliveries.for_notification(session, notification_id)}


# ---------------------------------------------------------------- delivery
async def test_delivering_twice_sends_one_email_and_one_robot_message(
        db: Database, org: OrgFixture, emails: dict[str, str], settings: Settings, smtp: SmtpRecorder,
        robot: WeComRobot) -> None:
    notify = notify_activities(db, settings)
    notification_id = write(db, org["sales_south"], body="客户：华南机械厂")

    first = await notify.deliver(notification_id)
    second = await notify.deliver(notification_id)

    assert first.sent == ["email", "wecom"] and second.already_sent == ["email", "wecom"] and second.sent == []
    assert len(smtp.received) == 1 and len(robot.requests) == 1
    mail = smtp.received[0]
    assert mail.rcpt_tos == [emails["sales_south"]]
    assert mail.message["Subject"] == "新任务：交接客户档案"
    text = mail.message.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    assert "客户：华南机械厂" in text and "http://baton.test/notifications" in text
    assert robot.requests[0].body["text"]["content"].startswith("@张伟 新任务：交接客户档案")
    assert {channel: row.status for channel, row in rows_of(db, notification_id).items()} == {
        "email": "sent", "wecom": "sent"}


async def test_a_failed_channel_is_recorded_and_the_retry_sends_only_what_is_owed(
        db: Database, org: OrgFixture, emails: dict[str, str], settings: Settings, smtp: SmtpRecorder,
        robot: WeComRobot) -> None:
    notify = notify_activities(db, settings)
    notification_id = write(db, org["manager_south"])
    robot.answers.append(ROBOT_RATE_LIMITED)

    # The first attempt fails after the e-mail was confirmed: Temporal would retry it.
    with pytest.raises(ApplicationError, match="errcode 45009") as failed:
        await notify.deliver(notification_id)
    assert not failed.value.non_retryable
    rows = rows_of(db, notification_id)
    assert rows["email"].status == "sent" and rows["email"].sent_at is not None
    assert rows["wecom"].status == "failed" and "errcode 45009" in (rows["wecom"].error or "")

    retried = await notify.deliver(notification_id)

    assert retried.sent == ["wecom"] and retried.already_sent == ["email"]
    assert len(smtp.received) == 1, "the e-mail is never sent twice"
    assert len(robot.requests) == 2, "the robot heard one refused and one accepted message"
    rows = rows_of(db, notification_id)
    assert rows["wecom"].status == "sent" and rows["wecom"].error is None


async def test_a_claim_left_pending_by_a_crashed_attempt_is_sent_by_the_next(
        db: Database, org: OrgFixture, emails: dict[str, str], settings: Settings, smtp: SmtpRecorder) -> None:
    notification_id = write(db, org["hr"])
    with db.session() as session:
        deliveries.claim(session, notification_id=notification_id, channel="email", recipient=emails["hr"])

    report = await notify_activities(db, settings).deliver(notification_id)

    assert "email" in report.sent and len(smtp.received) == 1
    assert rows_of(db, notification_id)["email"].status == "sent"


async def test_notify_send_writes_the_bell_row_and_delivers_it_once(
        db: Database, org: OrgFixture, emails: dict[str, str], settings: Settings, smtp: SmtpRecorder) -> None:
    notify = notify_activities(db, settings)
    request = NotificationRequest(recipient_id=org["finance"], kind="overdue", title="已逾期：佣金复核",
                                  dedupe_key="commission-2026-10:overdue:1")

    first = await notify.send(request)
    again = await notify.send(request)

    assert first.notification_id == again.notification_id and again.already_sent == ["email", "wecom"]
    assert len(smtp.received) == 1
    with db.session() as session:
        assert session.query(Notification).filter_by(recipient_id=org["finance"]).count() == 1


async def test_someone_without_an_email_address_gets_the_robot_message_only(
        db: Database, org: OrgFixture, settings: Settings, smtp: SmtpRecorder, robot: WeComRobot) -> None:
    report = await notify_activities(db, settings).deliver(write(db, org["sales_east"]))

    assert report.skipped == ["email"] and report.sent == ["wecom"]
    assert smtp.received == [] and len(robot.requests) == 1


async def test_a_missing_notification_is_not_retried(db: Database, settings: Settings) -> None:
    with pytest.raises(ApplicationError) as failed:
        await notify_activities(db, settings).deliver(987654)
    assert failed.value.non_retryable


async def test_an_email_comes_in_the_recipients_language(
        db: Database, org: OrgFixture, emails: dict[str, str], settings: Settings, smtp: SmtpRecorder) -> None:
    with db.session() as session:
        employee = session.get(Employee, org["head"])
        assert employee is not None
        employee.language = "en"
        session.add(Notification(recipient_id=org["head"], kind="escalation", title="升级给你：审批订单 17",
                                 message_id="Escalated to you: %(title)s", dedupe_key="order-17:escalation:1",
                                 params={"title": "审批订单 17", "title_message": ["Approve order %(order)s",
                                                                                 {"order": "17"}]}))
    with db.session() as session:
        notification = session.query(Notification).filter_by(dedupe_key="order-17:escalation:1").one()

    await notify_activities(db, settings).deliver(notification.id)

    assert smtp.received[0].message["Subject"] == "Escalated to you: Approve order 17"


async def test_temporal_retries_a_failed_delivery_without_sending_twice(
        db: Database, org: OrgFixture, emails: dict[str, str], settings: Settings, smtp: SmtpRecorder,
        robot: WeComRobot, temporal_client: Client, activity_executor: object) -> None:
    robot.answers += [ROBOT_RATE_LIMITED, ROBOT_RATE_LIMITED]
    task_queue = f"notify-{uuid.uuid4().hex[:8]}"
    request = NotificationRequest(recipient_id=org["sales_south2"], kind="reminder", title="即将到期：交接客户档案",
                                  dedupe_key="offboarding-9:customer_files:reminder")
    async with Worker(temporal_client, task_queue=task_queue, workflows=[NotifyProbeWorkflow],
                      activities=activities_for(db, settings), activity_executor=activity_executor):  # type: ignore[arg-type]
        handle = await temporal_client.start_workflow(NotifyProbeWorkflow.run, request, id=f"notify-{task_queue}",
                                                      task_queue=task_queue)
        report = await handle.result()

    assert isinstance(report, DeliveryReport)
    assert report.sent == ["wecom"] and report.already_sent == ["email"], "the third attempt sent only WeCom"
    assert len(smtp.received) == 1 and len(robot.requests) == 3
    attempts = [event for event in [e async for e in handle.fetch_history_events()]
                if event.HasField("activity_task_started_event_attributes")]
    assert attempts[-1].activity_task_started_event_attributes.attempt == 3


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
        api, db: Database, org: OrgFixture) -> None:
    others = write(db, org["sales_south2"])
    client = await api("sales_south")

    for path in (f"/api/notifications/{others}/read", "/api/notifications/not-an-id/read",
                 "/api/notifications/99999999/read"):
        response = await client.post(path)
        assert response.status_code == 404, path
        assert response.json()["error"]["code"] == "not_found"
    with db.session() as session:
        notification = session.get(Notification, others)
        assert notification is not None and not notification.read


async def test_read_all_marks_only_the_callers_notifications(  # type: ignore[no-untyped-def]
        api, db: Database, org: OrgFixture) -> None:
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
    response = await client.post("/login", data={"username": username, "password": PASSWORD,
                                                 "csrf_token": token.group(1), "next": "/"})
    assert response.status_code == 303
    home = await client.get("/")
    session_token = re.search(r'"X-CSRF-Token": "([^"]+)"', home.text)
    assert session_token
    return session_token.group(1)


def badge_count(html: str) -> int:
    found = re.search(r'data-unread="(\d+)"', html)
    return int(found.group(1)) if found else 0


async def test_the_bell_count_drops_when_a_notification_is_marked_read(
        anonymous: httpx.AsyncClient, db: Database, org: OrgFixture) -> None:
    first, second = write(db, org["manager_east"]), write(db, org["manager_east"], title="已逾期：客户交接")
    csrf = await page_login(anonymous, "manager_east")
    home = await anonymous.get("/")
    assert 'hx-get="/notifications/badge" hx-trigger="load, every 30s"' in home.text
    assert badge_count((await anonymous.get("/notifications/badge")).text) == 2

    answer = await anonymous.post(f"/notifications/{second}/read",
                                  headers={"HX-Request": "true", "X-CSRF-Token": csrf})

    assert answer.status_code == 200
    assert f'id="notification-{second}"' in answer.text and 'data-read="true"' in answer.text
    assert 'hx-swap-oob="innerHTML"' in answer.text and badge_count(answer.text) == 1
    assert badge_count((await anonymous.get("/notifications/badge")).text) == 1
    listing = await anonymous.get("/notifications")
    assert f'id="notification-{first}"' in listing.text and "标为已读" in listing.text


async def test_marking_read_needs_the_csrf_token_and_ones_own_notification(
        anonymous: httpx.AsyncClient, db: Database, org: OrgFixture) -> None:
    mine, others = write(db, org["sales_east"]), write(db, org["sales_south"])
    csrf = await page_login(anonymous, "sales_east")

    forged = await anonymous.post(f"/notifications/{mine}/read", headers={"HX-Request": "true"})
    not_mine = await anonymous.post(f"/notifications/{others}/read",
                                    headers={"HX-Request": "true", "X-CSRF-Token": csrf})

    assert forged.status_code == 403 and not_mine.status_code == 404
    assert badge_count((await anonymous.get("/notifications/badge")).text) == 1


async def test_the_notifications_page_shows_shanghai_time(
        anonymous: httpx.AsyncClient, db: Database, org: OrgFixture) -> None:
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
        anonymous: httpx.AsyncClient, app, db: Database, org: OrgFixture,  # type: ignore[no-untyped-def]
        emails: dict[str, str], settings: Settings) -> None:
    server = await start_mail_catcher(mailbox_dir(settings.data_dir), port=0)
    port = int(server.sockets[0].getsockname()[1])
    try:
        app.state.settings = settings.with_changes(notify=NotifySettings(
            email=EmailSettings(enabled=True, host="127.0.0.1", port=port, mail_catcher=True), mail_catcher_port=port))
        email = EmailChannel(app.state.settings.notify.email)
        notification_id = write(db, org["sales_south"], title="新任务：交接客户档案", body="请整理张伟名下的客户档案。")
        await NoticeDispatcher(db, [email]).deliver(notification_id)
    finally:
        server.close()
    caught = list(mailbox_dir(settings.data_dir).glob("*.eml"))
    assert len(caught) == 1

    await page_login(anonymous, "admin")
    listing = await anonymous.get("/dev/mailbox")
    assert listing.status_code == 200
    assert "新任务：交接客户档案" in listing.text and emails["sales_south"] in listing.text
    assert "请整理张伟名下的客户档案。" in listing.text
    message = await anonymous.get(f"/dev/mailbox/{caught[0].stem}")
    assert message.status_code == 200 and "请整理张伟名下的客户档案。" in message.text
    assert (await anonymous.get("/dev/mailbox/..%2Fbaton")).status_code == 404

    await anonymous.post("/logout", data={"csrf_token": re.findall(r'name="csrf_token" value="([^"]+)"',
                                                                   listing.text)[0]})
    await page_login(anonymous, "hr")
    assert (await anonymous.get("/dev/mailbox")).status_code == 404, "admins only"


async def test_the_dev_mailbox_does_not_exist_when_mail_goes_to_a_real_server(
        anonymous: httpx.AsyncClient, org: OrgFixture) -> None:
    await page_login(anonymous, "admin")
    assert (await anonymous.get("/dev/mailbox")).status_code == 404
