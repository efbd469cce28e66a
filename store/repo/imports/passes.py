"""One pass over an uploaded file: every row checked in chunks by its kind's row checks, and,
when committing, each clean chunk written as it goes, stopping at the first problem.

The dry run and the commit make the same pass (:mod:`store.repo.imports.importer`), so what the
dry run promised is what the commit checks again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from schemas.kernel.errors import N_
from store.repo.customers.visibility import Viewer
from store.repo.imports.columns import COLUMNS, CellProblem, map_header
from store.repo.imports.customer_rows import CustomerRows
from store.repo.imports.files import UnreadableFile, first_row_over, open_sheet
from store.repo.imports.order_rows import OrderRows
from store.repo.imports.report import PROGRESS, Problem, ProblemLog
from store.repo.imports.rows import RowChecks

ROW_CHECKS: dict[str, type[RowChecks]] = {"customers": CustomerRows, "orders": OrderRows}
KINDS = tuple(ROW_CHECKS)
MAX_ROWS = 100_000
BATCH_ROWS = 1_000


@dataclass
class Pass:
    """What one pass found: the problems, how many data rows, which were imported already, and
    (committing) how many it wrote."""

    log: ProblemLog
    total_rows: int = 0
    skipped: frozenset[int] = frozenset()  # rows already imported
    written_rows: int = 0

    @property
    def skipped_rows(self) -> int:
        return len(self.skipped - self.log.error_rows)

    @property
    def new_rows(self) -> int:
        return self.total_rows - len(self.log.error_rows | self.skipped)


@dataclass(frozen=True)
class Writing:
    """Given to a pass that commits: where it reports progress and what the rows are written as."""

    job_id: int
    total_rows: int
    timezone: str

    def progress(self, done_rows: int) -> None:
        PROGRESS.set(self.job_id, done_rows, self.total_rows)


def refused(problem: Problem, total_rows: int = 0) -> Pass:
    log = ProblemLog()
    log.add(problem)
    return Pass(log=log, total_rows=total_rows)


def _too_many(row: int) -> Pass:
    return refused(
        Problem(
            row,
            "",
            "too_many_rows",
            N_("The file has more than %(limit)s data rows. Split it into files of at most %(limit)s rows."),
            {"limit": f"{MAX_ROWS:,}"},
        ),
        MAX_ROWS + 1,
    )


def read_rows(
    session: Session, actor: Viewer, kind: str, filename: str, data: bytes, writing: Writing | None = None
) -> Pass:
    """Check every row; when ``writing``, also write each clean chunk, stopping at the first problem."""
    try:
        over = first_row_over(filename, data, MAX_ROWS)
        if over is not None:
            return _too_many(over)
        sheet = open_sheet(filename, data)
    except UnreadableFile as exc:
        return refused(Problem(exc.row, "", "unreadable", exc.message, dict(exc.params)))
    header = map_header(COLUMNS[kind], sheet.header)
    if isinstance(header, CellProblem):
        return refused(Problem(1, "", header.code, header.message, header.params))
    result = Pass(log=ProblemLog())
    rows = ROW_CHECKS[kind](session, actor, header, result.log)
    chunk: list[tuple[int, list[Any]]] = []
    try:
        for number, cells in sheet.rows:
            result.total_rows += 1
            if result.total_rows > MAX_ROWS:
                return _too_many(number)
            chunk.append((number, cells))
            if len(chunk) == BATCH_ROWS:
                if not _take(rows, chunk, result, writing):
                    return result
                chunk = []
        if chunk and not _take(rows, chunk, result, writing):
            return result
    except UnreadableFile as exc:
        return refused(Problem(exc.row, "", "unreadable", exc.message, dict(exc.params)), result.total_rows)
    if result.total_rows == 0:
        result.log.add(Problem(2, "", "no_rows", N_("The file has a header but no data rows.")))
    result.skipped = frozenset(rows.skipped_rows)
    return result


def _take(rows: RowChecks, chunk: list[tuple[int, list[Any]]], result: Pass, writing: Writing | None) -> bool:
    """Check one chunk and, when committing and all is still clean, write it; False stops the pass."""
    ready = rows.check_chunk(chunk)
    if writing is None:
        return True
    if result.log.count:
        return False
    if ready:
        result.written_rows += rows.write(ready, job_id=writing.job_id, timezone=writing.timezone)
    writing.progress(result.total_rows)
    return True
