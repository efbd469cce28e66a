"""Customer pages: the list (mine / my team's / all, the pool), the customer 360, and the forms
to record contact, log a complaint, reassign, and add a customer."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Query, Request
from pydantic import ValidationError
from starlette.responses import RedirectResponse, Response

from schemas.customers import CustomerIn, InteractionIn
from schemas.field_problems import plain_message
from schemas.kernel.errors import N_, BatonError, Forbidden, InvalidInput
from schemas.kernel.money import as_typed, money_problem
from store.repo.customers import interactions
from store.repo.customers import pool as customer_pool
from store.repo.customers import profile as customer_view
from store.repo.customers import records as customers
from store.repo.customers.placement import owners_for
from store.repo.customers.visibility import can_manage_customer
from store.repo.org import records as org
from web.customers.rows import list_teams, may_claim_from_pool, owner_groups, row_offers
from web.shared.auth import PageUser, Principal, get_db, viewer_of
from web.shared.csrf import verify_csrf
from web.shared.engine import start_of_company_day
from web.shared.labels import problem_text
from web.shared.paths import RecordId
from web.shared.templating import render

router = APIRouter(tags=["pages"], include_in_schema=False, dependencies=[Depends(verify_csrf)])
PAGE_SIZE = 30
SALES_SIDE = ("sales", "sales_manager", "department_head", "admin")


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
    return render(request, "customers/new.html", {"form": {"owner_id": default_owner}, **_owner_choices(request, user)})


def _owner_choices(request: Request, user: Principal) -> dict[str, Any]:
    """Whom the form offers as owner: nobody but the salesperson themselves for sales; the pool
    and the people of the teams they manage for a manager; everyone for the head and admin."""
    if not user.has("sales_manager", "department_head", "admin"):
        return {"owner_groups": None}
    with get_db(request).session() as session:
        team_names = {team.id: team.name for team in org.all_teams(session)}
        return {"owner_groups": owner_groups(owners_for(session, viewer_of(user)), team_names, user.team_id)}


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
        body = _parse(CustomerIn, {**form, "size": size or None, "owner_id": form_owner(owner_id)})
        fields = body.model_dump()
        fields["size"] = body.size.value if body.size else ""
        with get_db(request).session() as session:
            created = customers.create_customer(session, actor=viewer_of(user), fields=fields)
            customer_id = created.id
    except BatonError as exc:
        return render(
            request,
            "customers/new.html",
            {"form": {**form, "tags": tags}, "error": exc, **_owner_choices(request, user)},
            status_code=exc.status,
        )
    return RedirectResponse(f"/customers/{customer_id}", status_code=303)


@router.get("/customers/{customer_id}")
def customer_page(customer_id: RecordId, request: Request, user: PageUser) -> Response:
    return render(request, "customers/detail.html", detail_context(request, user, customer_id))


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
    body = _parse(
        InteractionIn,
        {"channel": channel, "summary": summary.strip(), "occurred_at": _local_input(occurred_at, request)},
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
    return render(request, "customers/_timeline.html", {**detail_context(request, user, customer_id), "saved": True})


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
        return render(
            request,
            "customers/detail.html",
            {**detail_context(request, user, customer_id), "error": exc},
            status_code=exc.status,
        )
    return RedirectResponse(f"/customers/{customer_id}", status_code=303)


def form_owner(value: str) -> int | None:
    """The owner a form chose: empty is nobody (the pool); anything but an id is refused."""
    if not value.strip():
        return None
    if not value.strip().isdigit():
        raise InvalidInput(
            details=[{"field": "owner_id", "code": "unknown_owner", "message": N_("No such salesperson.")}]
        )
    return int(value)


def _parse(model: Any, values: dict[str, Any]) -> Any:
    """The body, or every refused field; an amount (the credit limit) in the words of every money
    field, already in the reader's language."""
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        raise InvalidInput(
            details=[
                {
                    "field": ".".join(str(p) for p in e["loc"]),
                    "code": e["type"],
                    "message": problem_text(money) if (money := money_problem(e)) else plain_message(e),
                }
                for e in exc.errors()
            ]
        ) from exc


def _local_input(value: str, request: Request) -> str:
    """``datetime-local`` inputs carry no offset: they are the company's local time."""
    if not value:
        return datetime.now(UTC).isoformat()
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return value  # the model reports it
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ZoneInfo(request.app.state.settings.timezone))
    return parsed.isoformat()


def detail_context(request: Request, user: Principal, customer_id: int) -> dict[str, Any]:
    """The customer page: the 360 view, who the reader may reassign it to (the customer's team
    first), and for a pool lead whether the reader may claim it and how many claims are left."""
    with get_db(request).session() as session:
        viewer = viewer_of(user)
        view = customer_view.customer_360(session, viewer, customer_id)
        customer = view["customer"]
        manageable = can_manage_customer(session, viewer, customer)
        team_names = {team.id: team.name for team in org.all_teams(session)}
        choices = owner_groups(owners_for(session, viewer) if manageable else [], team_names, customer.team_id)
        claimable = customer_pool.may_claim(viewer, customer)
        allowance = customer_pool.allowance(session, viewer.id, start_of_company_day(request)) if claimable else None
        people = {i.employee_id for i in view["interactions"]} | {c.recorded_by for c in view["complaints"]}
        people |= {o.from_owner_id for o in view["ownership"]} | {o.to_owner_id for o in view["ownership"]}
        people |= {o.actor_id for o in view["ownership"]}
        names = customer_view.names(session, people)
    return {
        **view,
        "names": names,
        "manageable": manageable,
        "owner_groups": choices,
        "may_record": user.has(*SALES_SIDE),
        "customer_id": customer_id,
        "claimable": claimable,
        "allowance": allowance,
    }
