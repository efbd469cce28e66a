"""Customer pages: the list (mine / my team's / all, the pool), the customer 360, and the forms
to record contact, log a complaint, reassign, and add a customer."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Query, Request
from pydantic import ValidationError
from sqlalchemy import select
from starlette.responses import RedirectResponse, Response

from schemas.customers import CustomerIn, InteractionIn
from schemas.errors import BatonError, Forbidden, InvalidInput
from store.models import Employee
from store.repo import customer_view, customers, interactions
from store.repo.visibility import can_manage_customer
from web.auth import PageUser, Principal, get_db, viewer_of
from web.csrf import verify_csrf
from web.paths import RecordId
from web.templating import render

router = APIRouter(tags=["pages"], include_in_schema=False, dependencies=[Depends(verify_csrf)])
PAGE_SIZE = 30
SALES_SIDE = ("sales", "sales_manager", "department_head", "admin")


@router.get("/customers")
def customer_list(request: Request, user: PageUser, q: Annotated[str, Query(max_length=100)] = "",
                  pool: bool = False, page: Annotated[int, Query(ge=1, le=10_000)] = 1) -> Response:
    with get_db(request).session() as session:
        rows, total = customers.list_customers(session, viewer_of(user), q=q or None, pool=pool, limit=PAGE_SIZE,
                                               offset=(page - 1) * PAGE_SIZE)
        owners = customer_view.names(session, {c.owner_id for c in rows})
    context = {"customers": rows, "total": total, "q": q, "pool": pool, "page": page, "owners": owners,
               "pages": max(1, -(-total // PAGE_SIZE)), "may_create": user.has(*SALES_SIDE)}
    template = "customers/_rows.html" if request.headers.get("hx-request") else "customers/index.html"
    return render(request, template, context)


@router.get("/customers/new")
def new_customer_page(request: Request, user: PageUser) -> Response:
    if not user.has(*SALES_SIDE):
        raise Forbidden()
    return render(request, "customers/new.html", {"form": {}})


@router.post("/customers/new")
def create_customer(request: Request, user: PageUser, name: Annotated[str, Form()] = "",
                    region: Annotated[str, Form()] = "", industry: Annotated[str, Form()] = "",
                    size: Annotated[str, Form()] = "", contact_name: Annotated[str, Form()] = "",
                    contact_phone: Annotated[str, Form()] = "", address: Annotated[str, Form()] = "",
                    credit_limit: Annotated[str, Form()] = "0", tags: Annotated[str, Form()] = "",
                    notes: Annotated[str, Form()] = "") -> Response:
    if not user.has(*SALES_SIDE):
        raise Forbidden()
    form = {"name": name, "region": region, "industry": industry, "size": size, "contact_name": contact_name,
            "contact_phone": contact_phone, "address": address, "credit_limit": credit_limit or "0",
            "tags": [t.strip() for t in tags.replace("；", ";").split(";") if t.strip()], "notes": notes}
    try:
        body = _parse(CustomerIn, {**form, "size": size or None})
        fields = body.model_dump()
        fields["size"] = body.size.value if body.size else ""
        with get_db(request).session() as session:
            created = customers.create_customer(session, actor=viewer_of(user), fields=fields)
            customer_id = created.id
    except BatonError as exc:
        return render(request, "customers/new.html", {"form": {**form, "tags": tags}, "error": exc},
                      status_code=exc.status)
    return RedirectResponse(f"/customers/{customer_id}", status_code=303)


@router.get("/customers/{customer_id}")
def customer_page(customer_id: RecordId, request: Request, user: PageUser) -> Response:
    return render(request, "customers/detail.html", _detail(request, user, customer_id))


@router.post("/customers/{customer_id}/interactions")
def record_contact(customer_id: RecordId, request: Request, user: PageUser, channel: Annotated[str, Form()],
                   summary: Annotated[str, Form()] = "", occurred_at: Annotated[str, Form()] = "") -> Response:
    if not user.has(*SALES_SIDE):
        raise Forbidden()
    try:
        body = _parse(InteractionIn, {"channel": channel, "summary": summary.strip(),
                                      "occurred_at": _local_input(occurred_at, request)})
        with get_db(request).session() as session:
            customers.visible(session, viewer_of(user), customer_id)
            interactions.record(session, actor_id=user.id, customer_id=customer_id, channel=body.channel.value,
                                summary=body.summary, occurred_at=body.occurred_at)
    except BatonError as exc:
        return render(request, "customers/_timeline.html", {**_detail(request, user, customer_id), "error": exc},
                      status_code=exc.status)
    return render(request, "customers/_timeline.html", {**_detail(request, user, customer_id), "saved": True})


@router.post("/customers/{customer_id}/reassign")
def reassign(customer_id: RecordId, request: Request, user: PageUser, owner_id: Annotated[str, Form()] = "",
             reason: Annotated[str, Form(max_length=500)] = "") -> Response:
    try:
        with get_db(request).session() as session:
            customers.reassign(session, actor=viewer_of(user), customer_ids=[customer_id],
                               to_owner_id=int(owner_id) if owner_id else None, reason=reason)
    except BatonError as exc:
        return render(request, "customers/detail.html", {**_detail(request, user, customer_id), "error": exc},
                      status_code=exc.status)
    return RedirectResponse(f"/customers/{customer_id}", status_code=303)


def _parse(model: Any, values: dict[str, Any]) -> Any:
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        raise InvalidInput(details=[{"field": ".".join(str(p) for p in e["loc"]), "code": e["type"],
                                     "message": e["msg"]} for e in exc.errors()]) from exc


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


def _detail(request: Request, user: Principal, customer_id: int) -> dict[str, Any]:
    with get_db(request).session() as session:
        viewer = viewer_of(user)
        view = customer_view.customer_360(session, viewer, customer_id)
        customer = view["customer"]
        manageable = can_manage_customer(session, viewer, customer)
        team_members = list(session.scalars(select(Employee).where(
            Employee.team_id == customer.team_id, Employee.status == "active").order_by(Employee.name))) \
            if manageable else []
        people = {i.employee_id for i in view["interactions"]} | {c.recorded_by for c in view["complaints"]}
        people |= {o.from_owner_id for o in view["ownership"]} | {o.to_owner_id for o in view["ownership"]}
        people |= {o.actor_id for o in view["ownership"]}
        names = customer_view.names(session, people)
    return {**view, "names": names, "manageable": manageable, "team_members": team_members,
            "may_record": user.has(*SALES_SIDE), "customer_id": customer_id}
