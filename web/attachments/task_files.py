"""Evidence files on tasks, for the API and the task page alike: the holder of an open task adds
one, whoever may see the task lists its files, and a download is checked the same way.

Permission is checked before a byte of an upload is read, so a refused person costs no upload;
the task is looked at again once the file is in, in case it closed while the file was arriving.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import FileResponse

from schemas.attachments import AttachmentOut
from schemas.kernel.config import Settings
from schemas.kernel.errors import NotFound
from schemas.kernel.ids import MAX_ID
from schemas.task_errors import NotYourTask, TaskClosed
from schemas.tasks import TaskStatus
from store.db import Database
from store.models import Attachment
from store.repo.tasks import attachments as attachment_repo
from store.repo.tasks import records as task_repo
from web.attachments.files import StoredFile, download, receive_parsed_upload, receive_upload
from web.shared.auth import Principal
from web.tasks.visible import holds, visible_task

# An id as the database can hold it (a 32-bit integer), so a malformed id is a 422, never a database error.
AttachmentId = Annotated[int, Path(ge=1, le=MAX_ID)]


def attachment_out(row: Attachment) -> AttachmentOut:
    return AttachmentOut(
        id=row.id,
        filename=row.filename,
        size=row.size,
        sha256=row.sha256,
        content_type=row.content_type,
        task_id=row.task_id,
        uploaded_by=row.uploaded_by,
        created_at=row.created_at,
    )


def _check_may_upload(db: Database, principal: Principal, task_id: str) -> None:
    """Checked before a byte of the body is read, so a refused person costs no upload."""
    with db.session() as session:
        task = visible_task(session, principal, task_id)
        if task is None:  # hidden answers as missing
            raise NotFound()
        if not holds(principal, task):
            raise NotYourTask()
        if task.status != TaskStatus.open:
            raise TaskClosed()


def _record(db: Database, principal: Principal, task_id: str, stored: StoredFile) -> AttachmentOut:
    with db.session() as session:
        task = task_repo.get(session, task_id)
        if task is None or task.status != TaskStatus.open:  # closed while the file was arriving
            raise TaskClosed()
        row = attachment_repo.add_to_task(
            session,
            task,
            filename=stored.filename,
            content_type=stored.content_type,
            size=stored.size,
            sha256=stored.sha256,
            uploaded_by=principal.id,
        )
        return attachment_out(row)


async def attach_to_task(
    db: Database, settings: Settings, principal: Principal, task_id: str, upload: Request, *, body_parsed: bool = False
) -> AttachmentOut:
    """The holder adds one evidence file to an open task. ``upload`` is the request whose body
    carries the file: streamed as it arrives, or read from the form Starlette has already parsed
    (``body_parsed``)."""
    await run_in_threadpool(_check_may_upload, db, principal, task_id)
    receive = receive_parsed_upload if body_parsed else receive_upload
    stored = await receive(upload, settings.uploads_dir, settings.upload_max_bytes)
    return await run_in_threadpool(_record, db, principal, task_id, stored)


def task_attachments(db: Database, principal: Principal, task_id: str) -> list[AttachmentOut]:
    with db.session() as session:
        task = visible_task(session, principal, task_id)
        if task is None:
            raise NotFound()
        return [attachment_out(row) for row in attachment_repo.for_task(session, task.id)]


def attachment_download(db: Database, settings: Settings, principal: Principal, attachment_id: int) -> FileResponse:
    with db.session() as session:
        row = attachment_repo.visible(
            session, attachment_id, employee_id=principal.id, roles=principal.roles, team_id=principal.team_id
        )
        if row is None:
            raise NotFound()
    return download(settings.uploads_dir, sha256=row.sha256, filename=row.filename, content_type=row.content_type)
