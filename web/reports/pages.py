"""Report pages: the quarterly customer distribution with its charts, tables, the customers
without follow-up and the exports.

The page reads the same report as ``GET /api/reports/customer-distribution`` and offers the same
files; the downloads live beside the page (``/reports/customers.csv``) because the browser sends
the session cookie, not the API's bearer token.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from schemas.org import Role
from web.reports.api import PageQuery, QuarterQuery, read_report, report_file
from web.reports.views import page_context
from web.shared.auth import Principal, get_db, get_settings, require_roles
from web.shared.csrf import verify_csrf
from web.shared.templating import render

router = APIRouter(tags=["pages"], include_in_schema=False, dependencies=[Depends(verify_csrf)])
PageReader = Annotated[
    Principal, Depends(require_roles(Role.sales_manager, Role.department_head, Role.admin, page=True))
]


@router.get("/reports/customers")
def customer_report_page(
    request: Request, user: PageReader, quarter: QuarterQuery = None, page: PageQuery = 1
) -> Response:
    with get_db(request).session() as session:
        report = read_report(session, user, get_settings(request).timezone, quarter, page=page)
    return render(request, "reports/customers.html", page_context(report))


@router.get("/reports/customers.{file_format}")
def customer_report_file(
    request: Request, file_format: Literal["csv", "xlsx"], user: PageReader, quarter: QuarterQuery = None
) -> Response:
    with get_db(request).session() as session:
        return report_file(session, user, get_settings(request).timezone, quarter, file_format)
