"""The import page: upload a customers or orders file, read the dry-run report, commit, watch progress.

- ``/imports?kind=customers|orders``: the upload form for that kind (a choice of two links, so the
  kind travels in the URL and the upload can stream without the body being parsed first) and the
  recent imports.
- ``/imports/{id}``: the report table (row, column, reason; paged on the server), the Commit button
  when the dry run is clean, and the progress fragment.
- ``POST /imports/{id}/commit`` claims the job, answers the progress fragment at once and runs the
  commit after the answer is sent (a background task in this process, which is where the live
  progress is kept); the fragment polls ``/imports/{id}/progress`` every second until the job is
  committed or failed, then stops (the final fragment carries no trigger).
"""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from schemas.imports import ImportStatus
from schemas.kernel.config import Settings
from schemas.kernel.errors import N_, BatonError
from schemas.org import Role
from store.db import Database, Session
from store.repo.imports import importer
from store.repo.imports.columns import COLUMNS
from store.repo.imports.report import progress_of, report_of
from web.imports.api import JobId, Kind, imports_dir, read_stored, reason, receive_import
from web.shared.auth import Principal, get_db, get_settings, require_roles, viewer_of
from web.shared.csrf import verify_csrf
from web.shared.sessions import in_session
from web.shared.templating import render

log = logging.getLogger("baton.imports")

router = APIRouter(prefix="/imports", tags=["pages"], include_in_schema=False, dependencies=[Depends(verify_csrf)])
PageImporter = Annotated[
    Principal, Depends(require_roles(Role.admin, Role.department_head, Role.sales_manager, page=True))
]
PAGE_SIZE = 100
KIND_LABELS = {"customers": N_("Customers"), "orders": N_("Orders")}
STATUS_LABELS: dict[str, str] = {
    ImportStatus.checked: N_("Checked"),
    ImportStatus.committing: N_("Importing"),
    ImportStatus.committed: N_("Imported"),
    ImportStatus.failed: N_("Failed"),
}


@router.get("")
async def import_page(request: Request, user: PageImporter, kind: Annotated[Kind, Query()] = "customers") -> Response:
    context = await run_in_threadpool(in_session, get_db(request), index_context, user, kind, get_settings(request))
    return render(request, "imports/index.html", context)


@router.post("")
async def upload_from_page(
    request: Request, user: PageImporter, kind: Annotated[Kind, Query()] = "customers"
) -> Response:
    # HTMX sends the CSRF token as a header and leaves the body to stream; a plain form post carries
    # it in the body, which the CSRF check has then already parsed.
    body_parsed = not request.headers.get("x-csrf-token")
    try:
        job = await receive_import(request, user, kind, body_parsed=body_parsed)
    except BatonError as exc:
        index = await run_in_threadpool(in_session, get_db(request), index_context, user, kind, get_settings(request))
        template = "imports/_upload.html" if request.headers.get("hx-request") else "imports/index.html"
        return render(request, template, {**index, "error": exc}, status_code=exc.status)
    target = f"/imports/{job.id}"
    if request.headers.get("hx-request"):
        return Response(status_code=200, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


@router.get("/{job_id}")
async def job_page(
    job_id: JobId, request: Request, user: PageImporter, page: Annotated[int, Query(ge=1, le=100)] = 1
) -> Response:
    context = await run_in_threadpool(in_session, get_db(request), job_context, user, job_id, page)
    return render(request, "imports/job.html", context)


@router.get("/{job_id}/progress")
async def progress_fragment(job_id: JobId, request: Request, user: PageImporter) -> Response:
    context = await run_in_threadpool(in_session, get_db(request), job_context, user, job_id, 1)
    return render(request, "imports/_progress.html", context)


@router.post("/{job_id}/commit")
async def commit_from_page(
    job_id: JobId, request: Request, user: PageImporter, background: BackgroundTasks
) -> Response:
    db = get_db(request)
    try:
        job, claimed = await run_in_threadpool(importer.claim, db.session, job_id, viewer_of(user))
    except importer.ImportHasErrors as exc:
        context = await run_in_threadpool(in_session, db, job_context, user, job_id, 1)
        return render(request, "imports/_progress.html", {**context, "error": exc}, status_code=exc.status)
    if claimed:
        background.add_task(run_commit, db, get_settings(request), user, job.id)
    if not request.headers.get("hx-request"):
        return RedirectResponse(f"/imports/{job.id}", status_code=303)
    context = await run_in_threadpool(in_session, db, job_context, user, job_id, 1)
    return render(request, "imports/_progress.html", context)


def run_commit(db: Database, settings: Settings, user: Principal, job_id: int) -> None:
    """The commit after the answer was sent. Its outcome, failure included, is on the job."""
    try:
        importer.run(
            db.session,
            job_id,
            viewer_of(user),
            read_file=read_stored(imports_dir(settings)),
            timezone=settings.timezone,
        )
    except BatonError:
        pass  # the job is marked failed with the reason in its report; the progress fragment shows it
    except Exception:
        log.exception("import %s failed", job_id)


# ---------------------------------------------------------------- contexts
def index_context(session: Session, user: Principal, kind: str, settings: Settings) -> dict[str, object]:
    return {
        "kind": kind,
        "kinds": KIND_LABELS,
        "statuses": STATUS_LABELS,
        "jobs": importer.recent_jobs(session, viewer_of(user)),
        "required_columns": _headings(kind, required=True),
        "optional_columns": _headings(kind, required=False),
        "max_mb": round(settings.upload_max_bytes / (1024 * 1024)),
        "report_of": report_of,
        "error": None,
    }


def _headings(kind: str, *, required: bool) -> str:
    """The Chinese headings of a kind's columns, as a hint next to the form (English names work too)."""
    return "、".join(column.aliases[0] for column in COLUMNS[kind] if column.required == required)


def job_context(session: Session, user: Principal, job_id: int, page: int) -> dict[str, object]:
    job = importer.visible_job(session, viewer_of(user), job_id)
    report, progress = report_of(job), progress_of(job)
    shown = report.problems[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    return {
        "job": job,
        "report": report,
        "progress": progress,
        "kinds": KIND_LABELS,
        "statuses": STATUS_LABELS,
        "problems": [{**problem, "reason": reason(problem)} for problem in shown],
        "page": page,
        "pages": max(1, -(-len(report.problems) // PAGE_SIZE)),
        "committable": job.status == ImportStatus.checked and report.problem_count == 0,
        "error": None,
    }
