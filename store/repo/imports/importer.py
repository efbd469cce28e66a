"""Importing customers and historical orders from CSV or XLSX: a dry run that reports every bad
row, then a commit that writes all of the file or nothing, and adds nothing the second time.

- **Dry run** (:func:`check`): reads the whole file, checks every row (see
  :mod:`store.repo.imports.rows`) and keeps an :class:`ImportJob` with the report: the first 1,000
  problems as ``{"row", "column", "code", "message", "params", "value"}`` plus the counts. Nothing
  else is written. A file with a wrong header, unreadable content or more than 100,000 data rows is
  refused whole with one report entry.
- **Commit** (:func:`commit`): only for a dry run without problems. The uploaded file is kept by
  the web layer, addressed by its SHA-256, and read again here: the commit parses and checks it
  again (people, customers and services may have changed since the dry run) and writes in batches
  of 1,000 rows inside ONE transaction, so a failure half way leaves nothing behind.
- **Idempotent by external id**: rows whose external id is already in Baton are skipped, so
  committing twice or importing the same file again adds nothing; a second commit of a committed
  job just answers the job as it is.
- **Progress**: a single transaction cannot show its progress to other sessions before it ends (and
  on SQLite a second writer would wait for it), so the running commit publishes ``done_rows`` to
  :data:`PROGRESS`, an in-memory registry of this process keyed by job id, which the progress
  endpoints read; the job row gets its final ``done_rows`` with the commit. A poll answered by
  another web process sees the row's status (``committing``) without the live count; the status is
  right everywhere. A job left ``committing`` by a crashed process wrote nothing: upload the file again.
- One audit entry per commit (``import.committed``), not one per row, so a 100,000-row import does
  not turn the audit log into a copy of the file.
- Cost, measured here: 100,000 customer rows take ~3 s to check from CSV (~20 s from XLSX, openpyxl
  without lxml) and ~16 s to commit on SQLite, ~40 s on PostgreSQL. On SQLite the one transaction
  holds the write lock for most of that; other writers wait (busy timeout 15 s), the price of
  all-or-nothing in the embedded setup. Split very large files when people work at the same time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from schemas.imports import ImportStatus
from schemas.kernel.errors import N_, BatonError, Forbidden, InvalidInput, NotFound
from store.models import ImportJob
from store.models.base import utcnow
from store.repo.audit import chain as audit
from store.repo.customers.visibility import Viewer
from store.repo.imports.files import file_format
from store.repo.imports.passes import KINDS, Writing, read_rows, refused
from store.repo.imports.report import PROGRESS, Problem, ProblemLog, keep_report, report_of

IMPORT_ROLES = ("admin", "department_head", "sales_manager")

SessionFactory = Callable[[], AbstractContextManager[Session]]
ReadFile = Callable[[str], bytes]  # content by SHA-256, from wherever the web layer keeps uploads


class ImportHasErrors(BatonError):
    code, status, message = (
        "import_has_errors",
        409,
        N_("This file has problems. Nothing was written: fix the rows in the report and upload it again."),
    )


class ImportConflict(BatonError):
    code, status, message = (
        "import_conflict",
        409,
        N_("The same records changed while importing. Nothing was written: upload the file again."),
    )


class ImportFileType(BatonError):
    code, status, message = "type_not_allowed", 415, N_("Upload a CSV or Excel (.xlsx) file.")


# ---------------------------------------------------------------- one pass over a file
# ---------------------------------------------------------------- dry run
def _require_importer(actor: Viewer) -> None:
    if not actor.has(*IMPORT_ROLES):
        raise Forbidden()


def check(session: Session, actor: Viewer, kind: str, filename: str, data: bytes) -> ImportJob:
    """The dry run: the job with its report; nothing but the job row is written."""
    _require_importer(actor)
    if kind not in KINDS:
        raise InvalidInput(details=[{"field": "kind", "code": "invalid", "message": N_("Choose customers or orders.")}])
    if file_format(filename) is None:
        raise ImportFileType()
    result = read_rows(session, actor, kind, filename, data)
    job = ImportJob(
        kind=kind,
        filename=filename[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        status=ImportStatus.checked,
        total_rows=result.total_rows,
        done_rows=0,
        created_by=actor.id,
    )
    keep_report(job, result.log, result.skipped_rows, result.new_rows)
    session.add(job)
    session.flush()
    return job


def visible_job(session: Session, actor: Viewer, job_id: int) -> ImportJob:
    """The job for the person who uploaded it, the department head and admin; 404 for anyone else."""
    job = session.get(ImportJob, job_id)
    if job is None or (job.created_by != actor.id and not actor.has("admin", "department_head")):
        raise NotFound()
    return job


# ---------------------------------------------------------------- commit
def claim(session_factory: SessionFactory, job_id: int, actor: Viewer) -> tuple[ImportJob, bool]:
    """Mark a clean dry run ``committing`` (exactly one caller wins). A job committed or being
    committed already comes back unclaimed, as it is: asking twice is harmless."""
    with session_factory() as session:
        job = visible_job(session, actor, job_id)
        _require_importer(actor)
        if job.status in (ImportStatus.committed, ImportStatus.committing):
            return job, False
        report = report_of(job)
        if job.status != ImportStatus.checked or report.problem_count:
            raise ImportHasErrors(details=report.problems[:100])
        result = cast(
            CursorResult[Any],
            session.execute(
                update(ImportJob)
                .where(ImportJob.id == job_id, ImportJob.status == ImportStatus.checked)
                .values(status=ImportStatus.committing, done_rows=0)
            ),
        )
        session.refresh(job)
        claimed = result.rowcount == 1
        if claimed:
            PROGRESS.set(job_id, 0, job.total_rows)
        return job, claimed


def run(
    session_factory: SessionFactory, job_id: int, actor: Viewer, *, read_file: ReadFile, timezone: str = "Asia/Shanghai"
) -> ImportJob:
    """Write a claimed job's file in one transaction. On any failure the transaction is rolled
    back, the job ends ``failed`` with the reason in its report, and the error is raised."""
    try:
        with session_factory() as session:
            job = session.get(ImportJob, job_id)
            if job is None or job.status != ImportStatus.committing:
                raise NotFound()
            data = read_file(job.sha256)
            if hashlib.sha256(data).hexdigest() != job.sha256:
                raise FileNotFoundError(job.sha256)
            writing = Writing(job_id=job.id, total_rows=job.total_rows, timezone=timezone)
            result = read_rows(session, actor, job.kind, job.filename, data, writing)
            if result.log.count:
                raise _Rejected(result.log)
            job.status, job.done_rows, job.committed_at = ImportStatus.committed, result.total_rows, utcnow()
            keep_report(job, result.log, result.skipped_rows, result.written_rows)
            audit.record(
                session,
                actor_id=actor.id,
                action="import.committed",
                entity="import_job",
                entity_id=job.id,
                detail={
                    "kind": job.kind,
                    "filename": job.filename,
                    "sha256": job.sha256,
                    "created": result.written_rows,
                    "skipped": result.skipped_rows,
                },
            )
            return job
    except BatonError:
        raise  # refused before anything was attempted (not this caller's job, not committing)
    except _Rejected as exc:
        _fail(session_factory, job_id, exc.log)
        raise ImportHasErrors(details=[problem.stored() for problem in exc.log.problems()[:100]]) from None
    except FileNotFoundError as exc:
        missing = refused(
            Problem(1, "", "upload_missing", N_("The uploaded file is no longer stored. Upload it again."))
        )
        _fail(session_factory, job_id, missing.log)
        raise ImportHasErrors(details=[problem.stored() for problem in missing.log.problems()]) from exc
    except DBAPIError as exc:  # an external id taken by an import running at the same time, a lost connection
        _fail(session_factory, job_id, refused(Problem(1, "", "conflict", ImportConflict.message)).log)
        raise ImportConflict() from exc
    except Exception:
        _fail(
            session_factory,
            job_id,
            refused(
                Problem(1, "", "commit_failed", N_("The import stopped on an unexpected error. Nothing was written."))
            ).log,
        )
        raise
    finally:
        PROGRESS.finish(job_id)


def commit(
    session_factory: SessionFactory, job_id: int, actor: Viewer, *, read_file: ReadFile, timezone: str = "Asia/Shanghai"
) -> ImportJob:
    """Claim and run in one call (the API waits for it; the page claims, then runs in the background)."""
    job, claimed = claim(session_factory, job_id, actor)
    return run(session_factory, job_id, actor, read_file=read_file, timezone=timezone) if claimed else job


class _Rejected(Exception):
    """The commit's own check found problems (records changed since the dry run): roll back."""

    def __init__(self, log: ProblemLog) -> None:
        super().__init__("the commit found problems")
        self.log = log


def _fail(session_factory: SessionFactory, job_id: int, log: ProblemLog) -> None:
    """A commit that wrote nothing: the job says so, with the reason as its report."""
    with session_factory() as session:
        job = session.get(ImportJob, job_id)
        if job is not None and job.status == ImportStatus.committing:
            job.status = ImportStatus.failed
            keep_report(job, log, 0, 0)


def recent_jobs(session: Session, actor: Viewer, limit: int = 20) -> list[ImportJob]:
    """The latest imports the person may look at (their own; every import for the head and admin)."""
    query = select(ImportJob).order_by(ImportJob.id.desc()).limit(limit)
    if not actor.has("admin", "department_head"):
        query = query.where(ImportJob.created_by == actor.id)
    return list(session.scalars(query))


def holds_upload(session: Session, sha256: str) -> bool:
    """Whether an import job keeps the upload with this content (its file must stay on disk)."""
    return session.scalar(select(ImportJob.id).where(ImportJob.sha256 == sha256).limit(1)) is not None
