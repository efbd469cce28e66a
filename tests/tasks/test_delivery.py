"""Deadline notices leave Baton: the helper hands each new notification to e-mail delivery."""

from __future__ import annotations

import concurrent.futures
from datetime import timedelta

from temporalio.testing import WorkflowEnvironment

from baton.worker import build_worker
from schemas.kernel.config import Settings
from schemas.kernel.notify_settings import EmailSettings, NotifySettings
from store.db import Database
from tests.support.loopback import SmtpRecorder
from tests.support.notices import give_emails
from tests.support.org import OrgFixture
from tests.support.steps import HOUR, approval_step, start_probe, wait_for_step
from tests.support.workflows import SUPPORT_WORKFLOWS


async def test_new_task_and_overdue_notice_arrive_by_email_once(
    time_skipping_env: WorkflowEnvironment,
    settings: Settings,
    db: Database,
    org: OrgFixture,
    activity_executor: concurrent.futures.ThreadPoolExecutor,
) -> None:
    emails = give_emails(db, org)
    smtp = SmtpRecorder()
    port = await smtp.start()
    mailing = settings.with_changes(
        notify=NotifySettings(email=EmailSettings(enabled=True, host="127.0.0.1", port=port))
    )
    try:
        async with build_worker(
            time_skipping_env.client, mailing, db, activity_executor, extra_workflows=SUPPORT_WORKFLOWS
        ):
            handle = await start_probe(
                time_skipping_env.client, mailing.temporal.task_queue, [approval_step(assignee_id=org["sales_south"])]
            )
            await wait_for_step(handle, db, f"{handle.id}:approve")
            await time_skipping_env.fast_forward(handle, 8 * HOUR + timedelta(minutes=1))
            received = [(mail.rcpt_tos[0], str(mail.message["Subject"])) for mail in smtp.received]
    finally:
        await smtp.stop()
    to_sales = [subject for to, subject in received if to == emails["sales_south"]]
    to_manager = [subject for to, subject in received if to == emails["manager_south"]]
    assert any("新任务" in s for s in to_sales), received
    assert any("已逾期" in s for s in to_sales) and any("已逾期" in s for s in to_manager), received
    assert len(received) == len(set(received)), "each notification is mailed once"


async def test_a_mail_server_that_never_answers_holds_up_no_step(  # type: ignore[no-untyped-def]
    temporal_client,
    settings: Settings,
    db: Database,
    org: OrgFixture,
    activity_executor: concurrent.futures.ThreadPoolExecutor,
) -> None:
    """E-mail goes out beside the step: the next step opens at once although the mail server
    accepted the connection and then said nothing at all."""
    import asyncio

    from schemas.tasks import Actor, TaskAction

    give_emails(db, org)
    held: list[asyncio.StreamWriter] = []

    async def silent(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)  # never greets, never answers

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    mailing = settings.with_changes(
        notify=NotifySettings(email=EmailSettings(enabled=True, host="127.0.0.1", port=port, timeout=300))
    )
    try:
        async with build_worker(temporal_client, mailing, db, activity_executor, extra_workflows=SUPPORT_WORKFLOWS):
            handle = await start_probe(
                temporal_client,
                mailing.temporal.task_queue,
                [approval_step(assignee_id=org["sales_south"]), approval_step("finance", assignee_id=org["finance"])],
            )
            await wait_for_step(handle, db, f"{handle.id}:approve")
            await handle.execute_update(
                "complete_task",
                TaskAction(task_id=f"{handle.id}:approve", action="approve", actor=Actor(id=org["sales_south"])),
            )
            await wait_for_step(handle, db, f"{handle.id}:finance")  # bounded: ~10 s, not the mail timeout
            await handle.terminate("test finished")
    finally:
        for writer in held:
            writer.close()
        server.close()
