"""What each row of a customers or orders file must satisfy, and how good rows are written.

The same code serves the dry run and the commit, so what the dry run promised is exactly what the
commit checks again (records may have changed in between). Rows are handled in chunks, so the
database is asked once per chunk (which external ids exist, which owners, which customers), not
once per row.

Rules, in business terms:
- a row whose external id is already in Baton is *skipped* (already imported): that is what makes
  importing the same file twice add nothing. Its cells are still checked for form (the file itself
  is wrong otherwise), but not against records, since nothing of it will be written;
- the same external id twice in one file is an error on every row that carries it;
- customers land where a customer created by hand would (:mod:`store.repo.imports.customer_rows`);
- an order belongs to a customer the importer can see and to its owner, history as it happened
  (:mod:`store.repo.imports.order_rows`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from schemas.kernel.errors import N_
from store.models import Employee
from store.repo.customers.visibility import Viewer
from store.repo.imports import columns as cells
from store.repo.imports.columns import CellProblem, CellValue, Column, HeaderMap
from store.repo.imports.report import Problem, ProblemLog


@dataclass
class ParsedRow:
    number: int
    values: dict[str, Any]
    ok: bool = True


Parser = Callable[[CellValue, Column], Any]


class RowChecks:
    """One kind of import: parse a row's cells, check chunks of rows against the records, write."""

    columns: ClassVar[tuple[Column, ...]]
    parsers: ClassVar[dict[str, Parser]]

    def __init__(self, session: Session, actor: Viewer, header: HeaderMap, log: ProblemLog) -> None:
        self.session, self.actor, self.header, self.log = session, actor, header, log
        self.skipped_rows: set[int] = set()
        self._first_row: dict[str, int] = {}
        self._repeated: set[str] = set()
        self._owners: dict[str, Employee | None] = {}

    def problem(self, row: ParsedRow, field_name: str, found: CellProblem, value: CellValue = None) -> None:
        row.ok = False
        self.log.add(
            Problem(
                row.number,
                self.header.label(field_name),
                found.code,
                found.message,
                found.params,
                cells.cell_text(value)[:100],
            ),
            self.header.order(field_name),
        )

    def parse(self, number: int, raw: list[CellValue]) -> ParsedRow:
        row = ParsedRow(number, {})
        for column in self.columns:
            index = self.header.positions.get(column.field, (len(raw), ""))[0]
            value = raw[index] if index < len(raw) else None
            try:
                row.values[column.field] = self.parsers.get(column.field, cells.text)(value, column)
            except CellProblem as found:
                row.values[column.field] = None
                self.problem(row, column.field, found, value)
        return row

    def check_chunk(self, chunk: list[tuple[int, list[CellValue]]]) -> list[ParsedRow]:
        """The rows of this chunk that may be written; every problem goes to the log."""
        rows = [self.parse(number, raw) for number, raw in chunk]
        self._mark_repeats(rows)
        ids = {row.values["external_id"] for row in rows if row.values.get("external_id")}
        existing = self.existing_ids(ids) if ids else set()
        fresh = []
        for row in rows:
            if row.values.get("external_id") in existing:
                self.skipped_rows.add(row.number)
            else:
                fresh.append(row)
        self.check_records(fresh)
        return [row for row in fresh if row.ok]

    def _mark_repeats(self, rows: list[ParsedRow]) -> None:
        for row in rows:
            external_id = row.values.get("external_id")
            if not external_id:
                continue
            first = self._first_row.setdefault(external_id, row.number)
            if first == row.number:
                continue
            self.problem(
                row,
                "external_id",
                CellProblem(
                    "duplicate",
                    N_("External id %(id)s is repeated in this file: first on row %(first)s."),
                    id=external_id,
                    first=first,
                ),
                external_id,
            )
            if external_id not in self._repeated:
                self._repeated.add(external_id)
                self.log.add(
                    Problem(
                        first,
                        self.header.label("external_id"),
                        "duplicate",
                        N_("External id %(id)s is repeated in this file: again on row %(again)s."),
                        {"id": external_id, "again": row.number},
                        external_id,
                    ),
                    self.header.order("external_id"),
                )

    def owners(self, usernames: set[str]) -> dict[str, Employee | None]:
        """Employees by username, asked once per name for the whole file."""
        missing = [name for name in usernames if name and name not in self._owners]
        if missing:
            query = select(Employee).where(Employee.username.in_(missing))
            found = {employee.username: employee for employee in self.session.scalars(query)}
            self._owners.update({name: found.get(name) for name in missing})
        return self._owners

    def existing_ids(self, ids: set[str]) -> set[str]:
        raise NotImplementedError

    def check_records(self, rows: list[ParsedRow]) -> None:
        raise NotImplementedError

    def write(self, rows: list[ParsedRow], *, job_id: int, timezone: str) -> int:
        raise NotImplementedError


UNKNOWN_OWNER = CellProblem("unknown_owner", N_("No such salesperson."))
