"""Customer pages: the list (mine / my team's / all, the pool), the customer 360, and the forms
to record contact, log a complaint, reassign, and add a customer."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from starlette.responses import RedirectResponse, Response

from schemas.customers import CustomerIn, InteractionIn
from schemas.kernel.errors import BatonError, Forbidden
from schemas.kernel.money import as_typed
from store.repo.customers import interactions
from store.repo.customers import records as customers
from web.customers.forms import form_owner, local_input, parsed
from web.customers.rows import list_teams, may_claim_from_pool, row_offers
from web.customers.views import SALES_SIDE, detail_context, owner_choices
from web.shared.auth import PageUser, get_db, get_settings, viewer_of
from web.shared.company_time import start_of_company_day
from web.shared.csrf import verify_csrf
from web.shared.paths import RecordId
from web.shared.templating import render

router = APIRouter(tags=["pages"], include_in_schema=False, dependencies=[Depends(verify_csrf)])
PAGE_SIZE = 30


@router.get("/customers")
def customer_list(
    request: Request,
    user: PageUser,
    q: Annotated[str, Query(max_length=100)] = "",
    pool: bool = False,
    team: Annotated[str, Query(max_length=12)] = "",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    """Mine (a salesperson), my teams' (a manager) or all; "pool only" shows the leads the reader
    may work: their team's pool, every team's for the department head and admin."""
    team_id = int(team) if team.isdigit() and 0 < int(team) <= 2**31 - 1 else None
    with get_db(request).session() as session:
        viewer = viewer_of(user)
        rows, total = customers.list_customers(
            session, viewer, q=q or None, pool=pool, team_id=team_id, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
        )
        offers = row_offers(session, viewer, rows, start_of_company_day(request))
        teams = list_teams(session, viewer)
    context = {
        "customers": rows,
        "total": total,
        "q": q,
        "pool": pool,
        "page": page,
        "team_id": team_id,
        "teams": teams if len(teams) > 1 else [],
        "pages": max(1, -(-total // PAGE_SIZE)),
        "may_create": user.has(*SALES_SIDE),
        "in_pool_team": may_claim_from_pool(viewer),
        **offers,
    }
    template = "customers/_rows.html" if request.headers.get("hx-request") else "customers/index.html"
    return render(request, template, context)


@router.get("/customers/new")
def new_customer_page(request: Request, user: PageUser) -> Response:
    if not user.has(*SALES_SIDE):
        raise Forbidden()
    default_owner = str(user.id) if user.has("sales") else ""
    with get_db(request).session() as session:
        choices = owner_choices(session, user)
    return render(request, "customers/new.html", {"form": {"owner_id": default_owner}, **choices})


@router.post("/customers/new")
def create_customer(
    request: Request,
    user: PageUser,
    name: Annotated[str, Form()] = "",
    region: Annotated[str, Form()] = "",
    industry: Annotated[str, Form()] = "",
    size: Annotated[str, Form()] = "",
    contact_name: Annotated[str, Form()] = "",
    contact_phone: Annotated[str, Form()] = "",
    address: Annotated[str, Form()] = "",
    credit_limit: Annotated[str, Form()] = "0",
    tags: Annotated[str, Form()] = "",
    notes: Annotated[str, Form()] = "",
    owner_id: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    if not user.has(*SALES_SIDE):
        raise Forbidden()
    form = {
        "owner_id": owner_id,
        "name": name,
        "region": region,
        "industry": industry,
        "size": size,
        "contact_name": contact_name,
        "contact_phone": contact_phone,
        "address": address,
        "credit_limit": as_typed(credit_limit) or "0",
        "tags": [t.strip() for t in tags.replace("；", ";").split(";") if t.strip()],
        "notes": notes,
    }
    try:
        body = parsed(CustomerIn, {**form, "size": size or None, "owner_id": form_owner(owner_id)})
        fields = body.model_dump()
        fields["size"] = body.size.value if body.size else ""
        with get_db(request).session() as session:
            created = customers.create_customer(session, actor=viewer_of(user), fields=fields)
            customer_id = created.id
    except BatonError as exc:
        with get_db(request).session() as session:
            choices = owner_choices(session, user)
        return render(
            request,
            "customers/new.html",
            {"form": {**form, "tags": tags}, "error": exc, **choices},
            status_code=exc.status,
        )
    return RedirectResponse(f"/customers/{customer_id}", status_code=303)


@router.get("/customers/{customer_id}")
def customer_page(customer_id: RecordId, request: Request, user: PageUser) -> Response:
    with get_db(request).session() as session:
        context = detail_context(session, user, customer_id, start_of_company_day(request))
    return render(request, "customers/detail.html", context)


@router.post("/customers/{customer_id}/interactions")
def record_contact(
    customer_id: RecordId,
    request: Request,
    user: PageUser,
    channel: Annotated[str, Form()],
    summary: Annotated[str, Form()] = "",
    occurred_at: Annotated[str, Form()] = "",
) -> Response:
    """A refusal answers with the error summary alone (web/shared/errors.py): the page shows it at the form
    still there, each problem at its field, and what was typed stays (static/baton.js)."""
    if not user.has(*SALES_SIDE):
        raise Forbidden()
    body = parsed(
        InteractionIn,
        {
            "channel": channel,
            "summary": summary.strip(),
            "occurred_at": local_input(occurred_at, get_settings(request).timezone),
        },
    )
    with get_db(request).session() as session:
        customers.visible(session, viewer_of(user), customer_id)
        interactions.record(
            session,
            actor_id=user.id,
            customer_id=customer_id,
            channel=body.channel.value,
            summary=body.summary,
            occurred_at=body.occurred_at,
        )
    with get_db(request).session() as session:
        context = detail_context(session, user, customer_id, start_of_company_day(request))
    return render(request, "customers/_timeline.html", {**context, "saved": True})


@router.post("/customers/{customer_id}/reassign")
def reassign(
    customer_id: RecordId,
    request: Request,
    user: PageUser,
    owner_id: Annotated[str, Form()] = "",
    reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    try:
        with get_db(request).session() as session:
            customers.reassign(
                session,
                actor=viewer_of(user),
                customer_ids=[customer_id],
                to_owner_id=form_owner(owner_id),
                reason=reason,
            )
    except BatonError as exc:
        with get_db(request).session() as session:
            context = detail_context(session, user, customer_id, start_of_company_day(request))
        return render(request, "customers/detail.html", {**context, "error": exc}, status_code=exc.status)
    return RedirectResponse(f"/customers/{customer_id}", status_code=303)
