"""Each role's home page: what that person should look at first."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from schemas.org import Role
from store.repo.reports import home
from web.shared.auth import PageUser, get_db
from web.shared.templating import render

router = APIRouter(tags=["pages"], include_in_schema=False)


@router.get("/")
def home_page(request: Request, user: PageUser) -> Response:
    role = user.primary_role
    with get_db(request).session() as session:
        if role == Role.admin:
            figures = home.admin_home(session)
        elif role == Role.department_head:
            figures = home.department_home(session)
        elif role == Role.sales_manager:
            figures = home.team_home(session, user.team_id)
        elif role == Role.finance:
            figures = home.finance_home(session)
        elif role == Role.hr:
            figures = home.hr_home(session)
        else:
            figures = home.sales_home(session, user.id)
    return render(request, f"home/{role}.html", {"figures": figures, "role": role})
