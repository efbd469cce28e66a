"""Reports over the JSON API: the quarterly customer distribution, as JSON and as CSV/XLSX.

Sales managers read their teams' customers, the department head and admin the company's; anyone
else is refused (403). A quarter is written ``2026Q4``; left out, it is the current company
quarter. A malformed quarter or one that has not begun answers 422.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response

from schemas.kernel.ids import MAX_ID
from schemas.org import Role
from schemas.reports import CustomerDistribution
from store.db import Session
from store.repo.reports import customers as customer_report
from web.reports.export import EXPORT_CAP, as_csv, as_xlsx, sections
from web.reports.views import quarter_or_current
from web.shared.auth import Principal, get_db, get_settings, require_roles, viewer_of
from web.shared.downloads import attachment

router = APIRouter(prefix="/api/reports", tags=["reports"])

Reader = Annotated[Principal, Depends(require_roles(Role.sales_manager, Role.department_head, Role.admin))]
QuarterQuery = Annotated[
    str | None, Query(max_length=20, description="A company quarter, e.g. 2026Q4; the current one when left out.")
]
PageQuery = Annotated[int, Query(ge=1, le=MAX_ID, description="Page of the customers without follow-up.")]


def read_report(
    session: Session,
    user: Principal,
    timezone: str,
    quarter: str | None,
    *,
    page: int = 1,
    per_page: int = customer_report.FOLLOW_UP_PER_PAGE,
) -> CustomerDistribution:
    """The report as ``user`` may read it, for ``quarter`` (the current company quarter if None)."""
    return customer_report.customer_distribution(
        session,
        viewer_of(user),
        quarter_or_current(timezone, quarter),
        timezone=timezone,
        page=page,
        per_page=per_page,
    )


def report_file(session: Session, user: Principal, timezone: str, quarter: str | None, file_format: str) -> Response:
    """The whole report as a file (the customers without follow-up up to ``EXPORT_CAP``); the
    export is recorded in the audit log, as it takes customer names out of Baton."""
    report = read_report(session, user, timezone, quarter, per_page=EXPORT_CAP)
    parts = sections(report)
    content = as_csv(parts) if file_format == "csv" else as_xlsx(parts)
    customer_report.record_export(session, viewer_of(user), report, file_format)
    return attachment(content, file_format, f"customer-distribution-{report.quarter}")


@router.get("/customer-distribution", response_model=CustomerDistribution)
def customer_distribution(
    request: Request, user: Reader, quarter: QuarterQuery = None, page: PageQuery = 1
) -> CustomerDistribution:
    """Customers by team, salesperson, region, industry and size with the quarter's orders and
    revenue; the revenue's concentration; the customers nobody contacted in the quarter."""
    with get_db(request).session() as session:
        return read_report(session, user, get_settings(request).timezone, quarter, page=page)


@router.get("/customer-distribution.{file_format}")
def customer_distribution_file(
    request: Request, file_format: Literal["csv", "xlsx"], user: Reader, quarter: QuarterQuery = None
) -> Response:
    """The same report as CSV (sections one after another) or XLSX (a sheet per section)."""
    with get_db(request).session() as session:
        return report_file(session, user, get_settings(request).timezone, quarter, file_format)
