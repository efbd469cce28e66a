"""Working the pool from the pages: a salesperson claims a lead, a manager assigns one to a
salesperson of its team. From the list each answers the row that changed (and the claims left
today); from the customer page a claim reloads the page, and a refusal shows in place."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import RedirectResponse, Response

from schemas.customers import NotInPool
from schemas.kernel.errors import N_, BatonError, Forbidden, InvalidInput, NotFound
from store.repo.customers import pool as customer_pool
from store.repo.customers import records as customers
from store.repo.customers.visibility import can_manage_customer
from web.customers.forms import form_owner
from web.customers.rows import row_offers
from web.customers.views import detail_context
from web.shared.auth import PageUser, Principal, get_db, viewer_of
from web.shared.company_time import start_of_company_day
from web.shared.csrf import verify_csrf
from web.shared.paths import RecordId
from web.shared.templating import render

router = APIRouter(tags=["pages"], include_in_schema=False, dependencies=[Depends(verify_csrf)])
ASSIGNED = N_("Assigned from the pool")


@router.post("/customers/{customer_id}/claim")
def claim(
    customer_id: RecordId, request: Request, user: PageUser, view: Annotated[str, Form(max_length=10)] = "row"
) -> Response:
    htmx = bool(request.headers.get("hx-request"))
    try:
        if not user.has("sales"):
            raise Forbidden()
        with get_db(request).session() as session:
            customer_pool.claim(
                session, actor=viewer_of(user), customer_id=customer_id, since=start_of_company_day(request)
            )
    except BatonError as exc:
        if view == "row" and htmx:
            return _row(request, user, customer_id, {"error": exc}, status_code=exc.status)
        return _claim_refused(request, user, customer_id, exc, htmx)
    if view == "row" and htmx:
        return _row(request, user, customer_id, {"claimed": True})
    if htmx:
        return Response(status_code=200, headers={"HX-Redirect": f"/customers/{customer_id}"})
    return RedirectResponse(f"/customers/{customer_id}", status_code=303)


@router.post("/customers/{customer_id}/assign")
def assign(
    customer_id: RecordId, request: Request, user: PageUser, owner_id: Annotated[str, Form(max_length=12)] = ""
) -> Response:
    """A manager gives a pool lead to a salesperson: a reassignment from nobody."""
    try:
        with get_db(request).session() as session:
            lead = customers.visible(session, viewer_of(user), customer_id)  # 404 before 403
            if not can_manage_customer(session, viewer_of(user), lead):
                raise Forbidden()
            owner = form_owner(owner_id)
            if owner is None:
                raise InvalidInput(
                    details=[{"field": "owner_id", "code": "required", "message": N_("Choose a salesperson.")}]
                )
            if lead.owner_id is not None:
                raise NotInPool()
            customers.reassign(
                session, actor=viewer_of(user), customer_ids=[customer_id], to_owner_id=owner, reason=ASSIGNED
            )
    except BatonError as exc:
        return _row(request, user, customer_id, {"error": exc}, status_code=exc.status)
    return _row(request, user, customer_id, {"assigned": True})


def _row(
    request: Request, user: Principal, customer_id: int, outcome: dict[str, Any], status_code: int = 200
) -> Response:
    """The list row of the customer as the reader sees it now; a lead someone else took in the
    meantime is no longer theirs to see, so only the outcome is shown."""
    with get_db(request).session() as session:
        viewer = viewer_of(user)
        try:
            customer = customers.visible(session, viewer, customer_id)
        except NotFound:
            customer = None
        offers = row_offers(session, viewer, [customer] if customer else [], start_of_company_day(request))
    return render(
        request,
        "customers/_row.html",
        {"c": customer, "customer_id": customer_id, "pool": True, "oob_allowance": True, **offers, **outcome},
        status_code=status_code,
    )


def _claim_refused(request: Request, user: Principal, customer_id: int, exc: BatonError, htmx: bool) -> Response:
    """A refused claim from the customer page: the claim box (or the page) with the reason."""
    try:
        with get_db(request).session() as session:
            context = detail_context(session, user, customer_id, start_of_company_day(request))
    except NotFound:
        if exc.status == 404:
            raise exc from None
        context = {"customer_id": customer_id, "claimable": False, "allowance": None}
    context["claim_error"] = exc
    template = "customers/_claim.html" if htmx else "customers/detail.html"
    if not htmx and "customer" not in context:
        raise exc
    return render(request, template, context, status_code=exc.status)
