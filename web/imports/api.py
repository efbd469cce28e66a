"""Customer and historical-order import over the JSON API: upload for a dry run, commit, progress.

- ``POST /api/imports?kind=customers|orders`` (multipart ``file``, .csv or .xlsx, at most
  ``upload_max_bytes``) → ``201`` the checked job with its report; ``415`` for another file type,
  ``413`` over the size limit. A file with problems is still a ``201``: the report *is* the answer.
- ``POST /api/imports/{id}/commit`` → ``200`` the committed job. Idempotent by design: committing
  a committed job (a retry after a lost answer) answers the job as it is and adds nothing; a job
  being committed answers ``committing`` with its progress. ``409 import_has_errors`` when the dry
  run (or the commit's own re-check) found problems, ``409 import_conflict`` when the same records
  changed meanwhile; in both cases nothing was written. The call waits for the commit; another
  client can watch ``GET /api/imports/{id}`` meanwhile.
- ``GET /api/imports/{id}`` → the job with ``progress {done_rows, total_rows}``.

The upload is streamed into ``<data dir>/imports`` by the evidence-upload helpers of
web/attachments/files.py (size limit while streaming, content sniffing, content addressed by SHA-256),
which the commit reads back. The page router (web/imports/pages.py) reuses the helpers below.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi import Path as PathParam
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from schemas.kernel.config import Settings
from schemas.kernel.i18n import gettext_
from schemas.kernel.ids import MAX_ID
from schemas.org import Role
from schemas.task_errors import FileTypeNotAllowed
from store.db import Session
from store.models import ImportJob
from store.repo.imports import importer
from store.repo.imports.files import file_format
from store.repo.imports.report import progress_of, report_of
from web.attachments.files import StoredFile, blob_path, receive_parsed_upload, receive_upload
from web.shared.auth import Principal, get_db, get_settings, require_roles, viewer_of
from web.shared.openapi_errors import upload_body
from web.shared.sessions import in_session

router = APIRouter(prefix="/api/imports", tags=["imports"])

Importer = Annotated[Principal, Depends(require_roles(Role.admin, Role.department_head, Role.sales_manager))]
JobId = Annotated[int, PathParam(ge=1, le=MAX_ID)]
Kind = Literal["customers", "orders"]
API_PROBLEMS = 100  # problems listed in an API answer; the page pages through all that are kept

UPLOAD_BODY = upload_body(".csv (UTF-8 or GB18030) or .xlsx")
ERRORS: dict[int | str, dict[str, Any]] = {
    403: {"description": "forbidden (sales cannot import)"},
    404: {"description": "not_found"},
    409: {"description": "import_has_errors or import_conflict (nothing written)"},
    413: {"description": "too_large"},
    415: {"description": "type_not_allowed"},
    422: {"description": "empty_file or invalid_input"},
}


class ImportProblemOut(BaseModel):
    row: int
    column: str
    code: str
    reason: str
    value: str = ""


class ImportProgressOut(BaseModel):
    done_rows: int
    total_rows: int


class ImportJobOut(BaseModel):
    id: int
    kind: str
    filename: str
    status: str  # checked / committing / committed / failed
    total_rows: int
    error_rows: int
    skipped_rows: int  # already in Baton by external id: skipped, not an error
    new_rows: int  # what a commit adds (or added)
    problem_count: int
    problems: list[ImportProblemOut]
    progress: ImportProgressOut
    created_at: datetime
    committed_at: datetime | None


def reason(problem: dict[str, Any]) -> str:
    """A stored problem in the reader's language (a report written by an older version whose
    parameters no longer fit the message still shows, untranslated, rather than failing the page)."""
    message, params = str(problem.get("message", "")), problem.get("params") or {}
    try:
        return gettext_(message, **params)
    except (KeyError, TypeError, ValueError):
        return message


def rendered(problems: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Problems as error details, already in the reader's language (the error handler would
    translate the message id without its parameters)."""
    return [
        {
            "row": p.get("row"),
            "column": p.get("column", ""),
            "code": p.get("code", ""),
            "message": reason(p),
            "value": p.get("value", ""),
        }
        for p in problems
    ]


def job_out(job: ImportJob, problems_limit: int = API_PROBLEMS) -> ImportJobOut:
    report, progress = report_of(job), progress_of(job)
    problems = [
        ImportProblemOut(
            row=p["row"], column=p.get("column", ""), code=p.get("code", ""), reason=reason(p), value=p.get("value", "")
        )
        for p in report.problems[:problems_limit]
    ]
    return ImportJobOut(
        id=job.id,
        kind=job.kind,
        filename=job.filename,
        status=job.status,
        total_rows=job.total_rows,
        error_rows=job.error_rows,
        skipped_rows=report.skipped_rows,
        new_rows=report.new_rows,
        problem_count=report.problem_count,
        problems=problems,
        progress=ImportProgressOut(done_rows=progress.done_rows, total_rows=progress.total_rows),
        created_at=job.created_at,
        committed_at=job.committed_at,
    )


# ---------------------------------------------------------------- shared with the page
def imports_dir(settings: Settings) -> Path:
    """Where uploads wait for their commit, by content (web/attachments/files.py)."""
    return Path(settings.data_dir) / "imports"


def read_stored(folder: Path) -> importer.ReadFile:
    """How the commit reads an upload back: by its hash, from the imports dir."""
    return lambda sha256: blob_path(folder, sha256).read_bytes()


async def receive_import(request: Request, user: Principal, kind: str, *, body_parsed: bool = False) -> ImportJob:
    """Stream the request's upload into the imports dir and dry-run it. Only .csv and .xlsx are
    taken (the evidence helpers also check that the bytes look like that kind of file)."""
    receive = receive_parsed_upload if body_parsed else receive_upload
    settings, db = get_settings(request), get_db(request)
    folder = imports_dir(settings)
    try:
        stored = await receive(request, folder, settings.upload_max_bytes)
    except FileTypeNotAllowed:
        raise importer.ImportFileType() from None
    if file_format(stored.filename) is None:
        await run_in_threadpool(in_session, db, forget, folder, stored)
        raise importer.ImportFileType()
    return await run_in_threadpool(in_session, db, dry_run, folder, user, kind, stored)


def dry_run(session: Session, folder: Path, user: Principal, kind: str, stored: StoredFile) -> ImportJob:
    """Check an upload kept in ``folder``: the job with its report; nothing else is written."""
    data = blob_path(folder, stored.sha256).read_bytes()
    return importer.check(session, viewer_of(user), kind, stored.filename, data)


def forget(session: Session, folder: Path, stored: StoredFile) -> None:
    """Drop a refused upload, unless an import already holds the same content."""
    if not importer.holds_upload(session, stored.sha256):
        blob_path(folder, stored.sha256).unlink(missing_ok=True)


# ---------------------------------------------------------------- routes
@router.post("", status_code=201, response_model=ImportJobOut, openapi_extra=UPLOAD_BODY, responses=ERRORS)
async def upload_import(request: Request, user: Importer, kind: Annotated[Kind, Query()]) -> ImportJobOut:
    """Dry run: every bad row reported as row, column and reason; nothing but the job is written."""
    return job_out(await receive_import(request, user, kind))


@router.post("/{job_id}/commit", response_model=ImportJobOut, responses=ERRORS)
async def commit_import(job_id: JobId, request: Request, user: Importer) -> ImportJobOut:
    """Write a clean dry run, all or nothing; skipping external ids already in Baton."""
    settings = get_settings(request)
    try:
        job = await run_in_threadpool(
            importer.commit,
            get_db(request).session,
            job_id,
            viewer_of(user),
            read_file=read_stored(imports_dir(settings)),
            timezone=settings.timezone,
        )
    except importer.ImportHasErrors as exc:
        raise importer.ImportHasErrors(details=rendered(exc.details)) from None
    return job_out(job)


@router.get("/{job_id}", response_model=ImportJobOut, responses={404: {"description": "not_found"}})
async def get_import(job_id: JobId, request: Request, user: Importer) -> ImportJobOut:
    return job_out(await run_in_threadpool(in_session, get_db(request), importer.visible_job, viewer_of(user), job_id))
