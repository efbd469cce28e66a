"""The payroll export of a settlement: one row per employee, as CSV (UTF-8 with BOM, so Excel
opens Chinese names correctly) or XLSX. Exporting is recorded in the audit log."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from openpyxl import Workbook
from sqlalchemy.orm import Session

from store.models import CommissionSettlement, Employee
from store.repo.audit import chain as audit
from store.repo.commission.views import TOTALS, settlement_view
from store.repo.customers.visibility import Viewer

HEADER = ("period", "employee_id", "username", "employee_name", "team_id", *TOTALS)


def export_rows(
    session: Session, settlement: CommissionSettlement, viewer: Viewer, file_format: str
) -> list[tuple[object, ...]]:
    view = settlement_view(session, settlement, viewer, with_lines=False)
    usernames = {
        e.id: e.username
        for e in session.query(Employee).filter(Employee.id.in_([row.employee_id for row in view.statements]))
    }
    audit.record(
        session,
        actor_id=viewer.id,
        action="commission.export",
        entity="commission_settlement",
        entity_id=settlement.period,
        detail={"format": file_format, "statements": len(view.statements)},
    )
    return [
        (
            settlement.period,
            row.employee_id,
            usernames.get(row.employee_id, ""),
            row.employee_name,
            row.team_id,
            *(getattr(row, key) for key in TOTALS),
        )
        for row in view.statements
    ]


def as_csv(rows: list[tuple[object, ...]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def as_xlsx(rows: list[tuple[object, ...]]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("commission")
    sheet.append(list(HEADER))
    for row in rows:
        sheet.append(
            [Decimal(str(value)) if index >= len(HEADER) - len(TOTALS) else value for index, value in enumerate(row)]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
