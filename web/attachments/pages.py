"""Evidence files on the task page: the list-and-upload fragment, and downloads for page users.

The upload answers with the fragment itself, the refusal (too large, wrong type, ...) shown inside
it with the error's status code kept, so a script or test sees the truth and a person sees why. A
successful upload also clears, out of band, a refusal the task's own form still shows ("upload at
least one file"), so nothing on screen contradicts the file just added.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import FileResponse, Response

from schemas.attachments import allowed_extensions
from schemas.kernel.config import Settings
from schemas.kernel.errors import BatonError, NotFound
from store.db import Database
from store.repo.tasks import attachments as attachment_repo
from web.attachments import task_files
from web.attachments.task_files import AttachmentId
from web.shared.answers import is_htmx
from web.shared.auth import PageUser, Principal, get_db
from web.shared.csrf import verify_csrf
from web.shared.paths import TaskId
from web.shared.templating import render
from web.tasks.visible import holds_open, visible_task

router = APIRouter(tags=["pages"], include_in_schema=False, dependencies=[Depends(verify_csrf)])


@router.get("/tasks/{task_id}/attachments")
async def attachments_fragment(task_id: TaskId, request: Request, user: PageUser) -> Response:
    return await _fragment(request, user, task_id)


@router.post("/tasks/{task_id}/attachments")
async def upload_from_page(task_id: TaskId, request: Request, user: PageUser) -> Response:
    # HTMX sends the CSRF token as a header, leaving the body unread for streaming; a plain form
    # post carries it in the body, which the CSRF check has then already parsed.
    body_parsed = not request.headers.get("x-csrf-token")
    settings = request.app.state.settings
    try:
        await task_files.attach_to_task(get_db(request), settings, user, task_id, request, body_parsed=body_parsed)
    except BatonError as exc:
        try:
            return await _fragment(request, user, task_id, error=exc)
        except NotFound:
            raise exc from None
    return await _fragment(request, user, task_id, uploaded=True)


@router.get("/attachments/{attachment_id}")
async def download_from_page(attachment_id: AttachmentId, request: Request, user: PageUser) -> FileResponse:
    return await run_in_threadpool(
        task_files.attachment_download, get_db(request), request.app.state.settings, user, attachment_id
    )


def _fragment_context(db: Database, settings: Settings, user: Principal, task_id: str) -> dict[str, object]:
    with db.session() as session:
        task = visible_task(session, user, task_id)
        if task is None:
            raise NotFound()
        rows = [task_files.attachment_out(row) for row in attachment_repo.for_task(session, task.id)]
        may_upload = holds_open(user, task)
    return {
        "task_id": task_id,
        "attachments": rows,
        "may_upload": may_upload,
        "max_mb": round(settings.upload_max_bytes / (1024 * 1024)),
        "accept": ",".join(f".{extension}" for extension in allowed_extensions()),
    }


async def _fragment(
    request: Request, user: Principal, task_id: str, *, error: BatonError | None = None, uploaded: bool = False
) -> Response:
    context = await run_in_threadpool(_fragment_context, get_db(request), request.app.state.settings, user, task_id)
    return render(
        request,
        "tasks/_attachments.html",
        {**context, "error": error, "uploaded": uploaded and is_htmx(request)},
        status_code=error.status if error else 200,
    )
