"""An import's report and live progress: what the dry run found, what a commit has done so far.

The report keeps every problem *counted* but only the first 1,000 (by row, then column) *listed*:
a 100,000-row file full of mistakes must not turn into a 100,000-entry JSON column, and nobody
fixes row 90,000 before row 3. It is stored in ``ImportJob.report`` as that list followed by one
summary entry with the counts (the column is a list; :func:`report_of` reads both back).

Progress of a running commit lives in :data:`PROGRESS`, in memory; see
:mod:`store.repo.imports.importer` for why a single-transaction commit cannot publish it in the
database.
"""

from __future__ import annotations

import heapq
import itertools
import threading
from dataclasses import dataclass, field
from typing import Any

from schemas.imports import ImportStatus
from store.models import ImportJob

REPORT_KEEP = 1_000


@dataclass(frozen=True)
class Problem:
    row: int
    column: str  # the heading as written in the file ("" for the whole file)
    code: str
    message: str  # English message id, translated where it is shown
    params: dict[str, Any] = field(default_factory=dict)
    value: str = ""

    def stored(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "column": self.column,
            "code": self.code,
            "message": self.message,
            "params": self.params,
            "value": self.value,
        }


class ProblemLog:
    """Every problem counted; the first ``keep`` by (row, column) kept, in bounded memory even for
    a 100,000-row file full of mistakes (a duplicate found late still sorts to its row)."""

    def __init__(self, keep: int = REPORT_KEEP) -> None:
        self.keep, self.count = keep, 0
        self.error_rows: set[int] = set()
        self._heap: list[tuple[int, int, int, Problem]] = []  # negated keys: the largest kept is on top
        self._sequence = itertools.count()

    def add(self, problem: Problem, order: int = -1) -> None:
        self.count += 1
        self.error_rows.add(problem.row)
        item = (-problem.row, -order, -next(self._sequence), problem)
        if len(self._heap) < self.keep:
            heapq.heappush(self._heap, item)
        elif item > self._heap[0]:
            heapq.heapreplace(self._heap, item)

    def problems(self) -> list[Problem]:
        return [item[3] for item in sorted(self._heap, reverse=True)]


@dataclass(frozen=True)
class Report:
    problems: list[dict[str, Any]]  # at most REPORT_KEEP, by row then column
    problem_count: int
    skipped_rows: int  # already imported: external id present in Baton
    new_rows: int  # what a commit would add (or added)


def report_of(job: ImportJob) -> Report:
    """The job's report. The ``report`` column is a list: the problems, then one summary entry."""
    entries = list(job.report or [])
    summary = entries.pop()["summary"] if entries and "summary" in entries[-1] else {}
    return Report(
        problems=entries,
        problem_count=summary.get("problem_count", len(entries)),
        skipped_rows=summary.get("skipped_rows", 0),
        new_rows=summary.get("new_rows", 0),
    )


def keep_report(job: ImportJob, log: ProblemLog, skipped_rows: int, new_rows: int) -> None:
    """Store what was found on the job: listed problems, then the summary (see :func:`report_of`)."""
    job.error_rows = len(log.error_rows)
    job.report = [problem.stored() for problem in log.problems()] + [
        {"summary": {"problem_count": log.count, "skipped_rows": skipped_rows, "new_rows": new_rows}}
    ]


@dataclass(frozen=True)
class Progress:
    done_rows: int
    total_rows: int


class ProgressRegistry:
    """Live progress of the commits running in this process, by job id (thread-safe: the commit
    runs in a worker thread while polls read it)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jobs: dict[int, Progress] = {}

    def set(self, job_id: int, done_rows: int, total_rows: int) -> None:
        with self._lock:
            self._jobs[job_id] = Progress(done_rows, total_rows)

    def get(self, job_id: int) -> Progress | None:
        with self._lock:
            return self._jobs.get(job_id)

    def finish(self, job_id: int) -> None:
        with self._lock:
            self._jobs.pop(job_id, None)


PROGRESS = ProgressRegistry()


def progress_of(job: ImportJob) -> Progress:
    """Live while this process is committing the job; the job row's numbers otherwise."""
    live = PROGRESS.get(job.id) if job.status == ImportStatus.committing else None
    return live or Progress(job.done_rows, job.total_rows)
