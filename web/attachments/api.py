"""Evidence files over the JSON API: upload onto a task, list a task's files, download one."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import FileResponse

from schemas.attachments import AttachmentList, AttachmentOut, allowed_extensions
from web.attachments import task_files
from web.attachments.task_files import AttachmentId
from web.shared.auth import ApiUser, get_db
from web.shared.openapi_errors import upload_body
from web.shared.paths import TaskId

router = APIRouter(tags=["attachments"])

# The body is parsed from the stream by hand (see web/attachments/files.py), so FastAPI cannot infer it.
UPLOAD_BODY = upload_body("one of: " + ", ".join(allowed_extensions()))
ERRORS: dict[int | str, dict[str, Any]] = {
    403: {"description": "not_your_task"},
    404: {"description": "not_found"},
    409: {"description": "task_closed"},
    413: {"description": "too_large"},
    415: {"description": "type_not_allowed"},
    422: {"description": "empty_file or invalid_input (no file)"},
}


@router.post(
    "/api/tasks/{task_id}/attachments",
    status_code=201,
    response_model=AttachmentOut,
    openapi_extra=UPLOAD_BODY,
    responses=ERRORS,
)
async def upload_attachment(task_id: TaskId, request: Request, user: ApiUser) -> AttachmentOut:
    """The task's holder adds one evidence file (multipart field ``file``)."""
    return await task_files.attach_to_task(get_db(request), request.app.state.settings, user, task_id, request)


@router.get("/api/tasks/{task_id}/attachments", response_model=AttachmentList)
async def list_attachments(task_id: TaskId, request: Request, user: ApiUser) -> AttachmentList:
    items = await run_in_threadpool(task_files.task_attachments, get_db(request), user, task_id)
    return AttachmentList(items=items, total=len(items))


@router.get(
    "/api/attachments/{attachment_id}",
    response_class=FileResponse,
    responses={200: {"content": {"application/octet-stream": {}}}, 404: {"description": "not_found"}},
)
async def download_attachment(attachment_id: AttachmentId, request: Request, user: ApiUser) -> FileResponse:
    return await run_in_threadpool(
        task_files.attachment_download, get_db(request), request.app.state.settings, user, attachment_id
    )
