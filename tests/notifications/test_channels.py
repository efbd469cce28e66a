"""Outside delivery: the channel adapters against real servers on loopback (SMTP via aiosmtpd,
a WeCom robot stand-in), the ``notify`` settings that choose them, and ``notify.deliver`` sending
each notification once per channel however often it is retried — by a test or by Temporal."""

from __future__ import annotations

import socket
import uuid
from collections.abc import AsyncIterator
from datetime import date

import pytest
import pytest_asyncio
from temporalio.client import Client
from temporalio.exceptions import ApplicationError
from temporalio.worker import Worker

from activities.notifications.channels import ChannelFailed, EmailChannel, Notice, WeComChannel, channels_for
from activities.notifications.notify import NotificationRequest, NotifyActivities
from baton.worker import activities_for
from schemas.kernel.config import Settings, load_settings
from schemas.kernel.notify_settings import EmailSettings, NotifySettings, WeComSettings
from schemas.notifications import DeliveryReport
from store.db import Database
from store.models import Employee, Notification, NotificationDelivery
from store.repo.notifications import deliveries
from store.repo.orders.records import reserve_draft
from tests.support.customers import make_customers
from tests.support.loopback import SmtpRecorder, WeComRobot
from tests.support.notices import give_emails, write_notification
from tests.support.notify_workflow import NotifyProbeWorkflow
from tests.support.org import OrgFixture

ROBOT_RATE_LIMITED = (200, {"errcode": 45009, "errmsg": "api freq out of limit"})
NOTICE = Notice(
    notification_id=42,
    recipient_name="张伟",
    recipient_email="zhang.wei@huatong.example",
    recipient_phone="13800000000",
    subject="新任务：交接客户档案",
    body="请在 3 个工作日内完成客户档案交接。\n打开 Baton 查看。",
    chat_text="请在 3 个工作日内完成客户档案交接。",
)


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
    return settings.with_changes(
        notify=NotifySettings(
            email=EmailSettings(enabled=True, host="127.0.0.1", port=smtp.port, timeout=5),
            wecom=WeComSettings(enabled=True, webhook_url=robot.url),
        )
    )


@pytest.fixture
def emails(db: Database, org: OrgFixture) -> dict[str, str]:
    return give_emails(db, org)


def notify_activities(db: Database, settings: Settings) -> NotifyActivities:
    return NotifyActivities(db, channels_for(settings.notify), "http://baton.test")


def rows_of(db: Database, notification_id: int) -> dict[str, NotificationDelivery]:
    with db.session() as session:
        return {row.channel: row for row in deliveries.for_notification(session, notification_id)}


def email_channel(port: int) -> EmailChannel:
    return EmailChannel(
        EmailSettings(enabled=True, host="127.0.0.1", port=port, sender="Baton <baton@huatong.example>", timeout=5)
    )


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_email_reaches_the_recipient_with_chinese_subject_and_body(smtp: SmtpRecorder) -> None:
    await email_channel(smtp.port).send(NOTICE)

    assert len(smtp.received) == 1
    mail = smtp.received[0]
    assert mail.rcpt_tos == ["zhang.wei@huatong.example"]
    assert mail.mail_from == "baton@huatong.example"
    assert mail.message["Subject"] == "新任务：交接客户档案"
    assert mail.message["To"].addresses[0].display_name == "张伟"
    assert mail.message["Message-ID"] == "<notification-42.email@baton>"
    body = mail.message.get_body(preferencelist=("plain",))
    assert body is not None and body.get_content_charset() == "utf-8"
    assert "请在 3 个工作日内完成客户档案交接。" in body.get_content()


async def test_email_to_a_server_that_is_down_fails_for_a_retry() -> None:
    with pytest.raises(ChannelFailed) as failed:
        await email_channel(closed_port()).send(NOTICE)
    assert not failed.value.permanent


async def test_a_refused_address_is_a_permanent_failure(smtp: SmtpRecorder) -> None:
    smtp.refuse.add("zhang.wei@huatong.example")
    with pytest.raises(ChannelFailed) as failed:
        await email_channel(smtp.port).send(NOTICE)
    assert failed.value.permanent
    assert smtp.received == []


async def test_wecom_posts_the_group_robot_text_naming_the_recipient(robot: WeComRobot) -> None:
    await WeComChannel(WeComSettings(enabled=True, webhook_url=robot.url)).send(NOTICE)

    assert len(robot.requests) == 1
    request = robot.requests[0]
    assert request.method == "POST" and request.target == "/cgi-bin/webhook/send?key=test-robot-key"
    assert request.headers["content-type"] == "application/json"
    assert request.body == {
        "msgtype": "text",
        "text": {
            "content": "@张伟 新任务：交接客户档案\n请在 3 个工作日内完成客户档案交接。",
            "mentioned_mobile_list": ["13800000000"],
        },
    }


async def test_wecom_errcode_other_than_zero_is_a_failure(robot: WeComRobot) -> None:
    robot.answers.append((200, {"errcode": 93000, "errmsg": "invalid webhook url"}))
    with pytest.raises(ChannelFailed, match="errcode 93000: invalid webhook url"):
        await WeComChannel(WeComSettings(enabled=True, webhook_url=robot.url)).send(NOTICE)


async def test_wecom_http_error_is_a_failure(robot: WeComRobot) -> None:
    robot.answers.append((502, {"error": "bad gateway"}))
    with pytest.raises(ChannelFailed, match="HTTP 502"):
        await WeComChannel(WeComSettings(enabled=True, webhook_url=robot.url)).send(NOTICE)


def test_wecom_never_records_the_webhook_key() -> None:
    channel = WeComChannel(WeComSettings(enabled=True, webhook_url="https://qyapi.weixin.qq.com/x?key=secret"))
    assert channel.address(NOTICE) == "wecom-group:张伟"
    assert "secret" not in repr(channel.settings)


def test_dev_default_sends_email_to_the_mail_catcher_and_no_wecom() -> None:
    notify = load_settings(env={}).notify
    assert notify.uses_mail_catcher
    assert (notify.email.host, notify.email.port) == ("127.0.0.1", 1025)
    assert not notify.wecom.enabled
    assert [channel.name for channel in channels_for(notify)] == ["email"]


def test_environment_overrides_choose_real_servers() -> None:
    notify = load_settings(
        env={
            "BATON_SMTP_HOST": "smtp.huatong.example",
            "BATON_SMTP_PORT": "2525",
            "BATON_WECOM_WEBHOOK": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
        }
    ).notify
    assert not notify.uses_mail_catcher
    assert (notify.email.host, notify.email.port) == ("smtp.huatong.example", 2525)
    assert notify.wecom.enabled and notify.wecom.webhook_url is not None
    assert [channel.name for channel in channels_for(notify)] == ["email", "wecom"]


def test_mail_catcher_port_comes_from_the_environment() -> None:
    notify = load_settings(env={"BATON_MAIL_CATCHER_PORT": "2626"}).notify
    assert notify.mail_catcher_port == 2626 and notify.email.port == 2626


def test_settings_without_a_notify_section_send_nothing() -> None:
    assert channels_for(NotifySettings()) == []


# ---------------------------------------------------------------- delivery
async def test_delivering_twice_sends_one_email_and_one_robot_message(
    db: Database, org: OrgFixture, emails: dict[str, str], settings: Settings, smtp: SmtpRecorder, robot: WeComRobot
) -> None:
    notify = notify_activities(db, settings)
    notification_id = write_notification(db, org["sales_south"], body="客户：华南机械厂")

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
        "email": "sent",
        "wecom": "sent",
    }


async def test_a_failed_channel_is_recorded_and_the_retry_sends_only_what_is_owed(
    db: Database, org: OrgFixture, emails: dict[str, str], settings: Settings, smtp: SmtpRecorder, robot: WeComRobot
) -> None:
    notify = notify_activities(db, settings)
    notification_id = write_notification(db, org["manager_south"])
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
    db: Database, org: OrgFixture, emails: dict[str, str], settings: Settings, smtp: SmtpRecorder
) -> None:
    notification_id = write_notification(db, org["hr"])
    with db.session() as session:
        deliveries.claim(session, notification_id=notification_id, channel="email", recipient=emails["hr"])

    report = await notify_activities(db, settings).deliver(notification_id)

    assert "email" in report.sent and len(smtp.received) == 1
    assert rows_of(db, notification_id)["email"].status == "sent"


async def test_notify_send_writes_the_bell_row_and_delivers_it_once(
    db: Database, org: OrgFixture, emails: dict[str, str], settings: Settings, smtp: SmtpRecorder
) -> None:
    notify = notify_activities(db, settings)
    request = NotificationRequest(
        recipient_id=org["finance"], kind="overdue", title="已逾期：佣金复核", dedupe_key="commission-2026-10:overdue:1"
    )

    first = await notify.send(request)
    again = await notify.send(request)

    assert first.notification_id == again.notification_id and again.already_sent == ["email", "wecom"]
    assert len(smtp.received) == 1
    with db.session() as session:
        assert session.query(Notification).filter_by(recipient_id=org["finance"]).count() == 1


async def test_someone_without_an_email_address_gets_the_robot_message_only(
    db: Database, org: OrgFixture, settings: Settings, smtp: SmtpRecorder, robot: WeComRobot
) -> None:
    report = await notify_activities(db, settings).deliver(write_notification(db, org["sales_east"]))

    assert report.skipped == ["email"] and report.sent == ["wecom"]
    assert smtp.received == [] and len(robot.requests) == 1


async def test_a_missing_notification_is_not_retried(db: Database, settings: Settings) -> None:
    with pytest.raises(ApplicationError) as failed:
        await notify_activities(db, settings).deliver(987654)
    assert failed.value.non_retryable


async def test_an_email_comes_in_the_recipients_language(
    db: Database, org: OrgFixture, emails: dict[str, str], settings: Settings, smtp: SmtpRecorder
) -> None:
    with db.session() as session:
        employee = session.get(Employee, org["head"])
        assert employee is not None
        employee.language = "en"
        session.add(
            Notification(
                recipient_id=org["head"],
                kind="escalation",
                title="升级给你：审批订单 17",
                message_id="Escalated to you: %(title)s",
                dedupe_key="order-17:escalation:1",
                params={"title": "审批订单 17", "title_message": ["Approve order %(order)s", {"order": "17"}]},
            )
        )
    with db.session() as session:
        notification = session.query(Notification).filter_by(dedupe_key="order-17:escalation:1").one()

    await notify_activities(db, settings).deliver(notification.id)

    assert smtp.received[0].message["Subject"] == "Escalated to you: Approve order 17"


async def test_a_notice_links_straight_to_its_task_or_its_case(
    db: Database, org: OrgFixture, emails: dict[str, str], settings: Settings, smtp: SmtpRecorder, robot: WeComRobot
) -> None:
    """The e-mail and the robot text open the task the notice is about, or the case page when it
    is about a process (an order decided), never just the list of notifications."""
    customers = make_customers(db, org)
    with db.session() as session:
        order = reserve_draft(
            session, owner_id=org["sales_south"], customer_id=customers.own, requested_date=date(2026, 12, 1), note=""
        )
        order_id, workflow_id = order.id, order.workflow_id
        session.add_all(
            [
                Notification(
                    recipient_id=org["manager_south"],
                    kind="reminder",
                    title="提醒：审批订单",
                    task_id=f"{workflow_id}:r1-manager",
                    process_id=workflow_id,
                    dedupe_key=f"{workflow_id}:t",
                ),
                Notification(
                    recipient_id=org["sales_south"],
                    kind="info",
                    title="订单已批准",
                    process_id=workflow_id,
                    dedupe_key=f"{workflow_id}:approved",
                ),
            ]
        )
    with db.session() as session:
        ids = [
            row.id
            for row in session.query(Notification)
            .filter(Notification.process_id == workflow_id)
            .order_by(Notification.id)
        ]
    notify = notify_activities(db, settings)
    for notification_id in ids:
        await notify.deliver(notification_id)

    texts = [
        mail.message.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
        for mail in smtp.received
    ]
    chats = [request.body["text"]["content"] for request in robot.requests]
    task_link, case_link = f"http://baton.test/tasks/{workflow_id}:r1-manager", f"http://baton.test/orders/{order_id}"
    assert task_link in texts[0] and task_link in chats[0]
    assert case_link in texts[1] and case_link in chats[1]
    assert not any("/notifications" in text for text in texts + chats)


async def test_temporal_retries_a_failed_delivery_without_sending_twice(
    db: Database,
    org: OrgFixture,
    emails: dict[str, str],
    settings: Settings,
    smtp: SmtpRecorder,
    robot: WeComRobot,
    temporal_client: Client,
    activity_executor: object,
) -> None:
    robot.answers += [ROBOT_RATE_LIMITED, ROBOT_RATE_LIMITED]
    task_queue = f"notify-{uuid.uuid4().hex[:8]}"
    request = NotificationRequest(
        recipient_id=org["sales_south2"],
        kind="reminder",
        title="即将到期：交接客户档案",
        dedupe_key="offboarding-9:customer_files:reminder",
    )
    async with Worker(
        temporal_client,
        task_queue=task_queue,
        workflows=[NotifyProbeWorkflow],
        activities=activities_for(db, settings),
        activity_executor=activity_executor,  # type: ignore[arg-type]
    ):
        handle = await temporal_client.start_workflow(
            NotifyProbeWorkflow.run, request, id=f"notify-{task_queue}", task_queue=task_queue
        )
        report = await handle.result()

    assert isinstance(report, DeliveryReport)
    assert report.sent == ["wecom"] and report.already_sent == ["email"], "the third attempt sent only WeCom"
    assert len(smtp.received) == 1 and len(robot.requests) == 3
    attempts = [
        event
        for event in [e async for e in handle.fetch_history_events()]
        if event.HasField("activity_task_started_event_attributes")
    ]
    assert attempts[-1].activity_task_started_event_attributes.attempt == 3
