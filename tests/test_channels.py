"""The outside channels against real servers on loopback: SMTP (aiosmtpd) and a WeCom robot
stand-in; and the ``notify`` settings that choose them."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from activities.channels import ChannelFailed, EmailChannel, Notice, WeComChannel, channels_for
from baton.config import load_settings
from baton.notify_settings import EmailSettings, NotifySettings, WeComSettings
from tests.support.loopback import SmtpRecorder, WeComRobot

NOTICE = Notice(notification_id=42, recipient_name="张伟", recipient_email="zhang.wei@huatong.example",
                recipient_phone="13800000000", subject="新任务：交接客户档案",
                body="请在 3 个工作日内完成客户档案交接。\n打开 Baton 查看。", chat_text="请在 3 个工作日内完成客户档案交接。")


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


def email_channel(port: int) -> EmailChannel:
    return EmailChannel(EmailSettings(enabled=True, host="127.0.0.1", port=port, sender="Baton <baton@huatong.example>",
                                      timeout=5))


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
    assert request.body == {"msgtype": "text", "text": {
        "content": "@张伟 新任务：交接客户档案\n请在 3 个工作日内完成客户档案交接。",
        "mentioned_mobile_list": ["13800000000"]}}


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
    notify = load_settings(env={"BATON_SMTP_HOST": "smtp.huatong.example", "BATON_SMTP_PORT": "2525",
                                "BATON_WECOM_WEBHOOK": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"}).notify
    assert not notify.uses_mail_catcher
    assert (notify.email.host, notify.email.port) == ("smtp.huatong.example", 2525)
    assert notify.wecom.enabled and notify.wecom.webhook_url is not None
    assert [channel.name for channel in channels_for(notify)] == ["email", "wecom"]


def test_mail_catcher_port_comes_from_the_environment() -> None:
    notify = load_settings(env={"BATON_MAIL_CATCHER_PORT": "2626"}).notify
    assert notify.mail_catcher_port == 2626 and notify.email.port == 2626


def test_settings_without_a_notify_section_send_nothing() -> None:
    assert channels_for(NotifySettings()) == []
