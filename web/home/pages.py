"""Each role's home page: what that person should look at first."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from store.repo.reports import home as dashboard
from web.shared.auth import PageUser, get_db
from web.shared.templating import render

router = APIRouter(tags=["pages"], include_in_schema=False)


@router.get("/")
def home(request: Request, user: PageUser) -> Response:
    role = user.primary_role
    with get_db(request).session() as session:
        if role == "admin":
            figures = dashboard.admin_home(session)
        elif role == "department_head":
            figures = dashboard.department_home(session)
        elif role == "sales_manager":
            figures = dashboard.team_home(session, user.team_id)
        elif role == "finance":
            figures = dashboard.finance_home(session)
        elif role == "hr":
            figures = dashboard.hr_home(session)
        else:
            figures = dashboard.sales_home(session, user.id)
    return render(request, f"home/{role}.html", {"figures": figures, "role": role})
