"""Customers over the JSON API: create, list (visibility-scoped), the 360 view, reassign,
reclaim silent ones into the pool, claim a pool lead, communication records and complaints."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel

from schemas.customers import (
    BulkReassignIn,
    ComplaintIn,
    ComplaintOut,
    ContactIn,
    ContactOut,
    Customer360,
    CustomerIn,
    CustomerList,
    CustomerOut,
    InteractionIn,
    InteractionOut,
    ReassignIn,
    ReclaimIn,
)
from schemas.kernel.errors import Forbidden
from schemas.org import Role
from store.repo.customers import interactions
from store.repo.customers import pool as customer_pool
from store.repo.customers import profile as customer_view
from store.repo.customers import records as customers
from web.shared.auth import ApiUser, Principal, get_db, require_roles, viewer_of
from web.shared.company_time import start_of_company_day
from web.shared.paths import IdFilter, Offset, RecordId

router = APIRouter(prefix="/api", tags=["customers"])

SALES_SIDE = (Role.sales, Role.sales_manager, Role.department_head, Role.admin)
SalesSide = Annotated[Principal, Depends(require_roles(*SALES_SIDE))]
Managers = Annotated[Principal, Depends(require_roles(Role.sales_manager, Role.department_head, Role.admin))]
Admin = Annotated[Principal, Depends(require_roles(Role.admin))]
Sales = Annotated[Principal, Depends(require_roles(Role.sales))]


class Reclaimed(BaseModel):
    reclaimed: int


class Reassigned(BaseModel):
    items: list[CustomerOut]


def customer_out(customer: Any) -> CustomerOut:
    return CustomerOut.model_validate(customer, from_attributes=True)


@router.post("/customers", status_code=201, response_model=CustomerOut)
def create_customer(body: CustomerIn, request: Request, user: SalesSide) -> CustomerOut:
    fields = body.model_dump()
    fields["size"] = body.size.value if body.size else ""
    with get_db(request).session() as session:
        return customer_out(customers.create_customer(session, actor=viewer_of(user), fields=fields))


@router.get("/customers", response_model=CustomerList)
def list_customers(
    request: Request,
    user: ApiUser,
    q: Annotated[str | None, Query(max_length=100)] = None,
    owner_id: IdFilter = None,
    team_id: IdFilter = None,
    pool: bool = False,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Offset = 0,
) -> CustomerList:
    with get_db(request).session() as session:
        rows, total = customers.list_customers(
            session, viewer_of(user), q=q, owner_id=owner_id, team_id=team_id, pool=pool, limit=limit, offset=offset
        )
        return CustomerList(items=[customer_out(c) for c in rows], total=total)


@router.get("/customers/{customer_id}", response_model=Customer360)
def get_customer(customer_id: RecordId, request: Request, user: ApiUser) -> Customer360:
    with get_db(request).session() as session:
        view = customer_view.customer_360(session, viewer_of(user), customer_id)
        customer = view.pop("customer")
        return Customer360.model_validate({**customer_out(customer).model_dump(), **view}, from_attributes=True)


@router.post("/customers/reassign", response_model=Reassigned)
def reassign_many(body: BulkReassignIn, request: Request, user: Managers) -> Reassigned:
    with get_db(request).session() as session:
        moved = customers.reassign(
            session,
            actor=viewer_of(user),
            customer_ids=body.customer_ids,
            to_owner_id=body.owner_id,
            reason=body.reason,
        )
        return Reassigned(items=[customer_out(c) for c in moved])


@router.post("/customers/reclaim", response_model=Reclaimed)
def reclaim(body: ReclaimIn, request: Request, user: Managers) -> Reclaimed:
    with get_db(request).session() as session:
        return Reclaimed(
            reclaimed=customers.reclaim_silent(session, actor=viewer_of(user), silent_days=body.silent_days)
        )


@router.post("/customers/{customer_id}/reassign", response_model=CustomerOut)
def reassign_one(customer_id: RecordId, body: ReassignIn, request: Request, user: ApiUser) -> CustomerOut:
    with get_db(request).session() as session:
        viewer = viewer_of(user)
        customers.visible(session, viewer, customer_id)  # 404 before 403: no leaking existence
        if not user.has(Role.sales_manager, Role.department_head, Role.admin):
            raise Forbidden()
        moved = customers.reassign(
            session, actor=viewer, customer_ids=[customer_id], to_owner_id=body.owner_id, reason=body.reason
        )
        return customer_out(moved[0])


@router.post("/customers/{customer_id}/claim", response_model=CustomerOut)
def claim(customer_id: RecordId, request: Request, user: Sales) -> CustomerOut:
    """A salesperson takes a lead of their team's pool (capped by ``pool.daily_claims`` a day)."""
    with get_db(request).session() as session:
        return customer_out(
            customer_pool.claim(
                session, actor=viewer_of(user), customer_id=customer_id, since=start_of_company_day(request)
            )
        )


@router.delete("/customers/{customer_id}", status_code=204)
def delete_customer(customer_id: RecordId, request: Request, user: Admin) -> None:
    with get_db(request).session() as session:
        customers.soft_delete(session, actor=viewer_of(user), customer_id=customer_id)


@router.post("/customers/{customer_id}/interactions", status_code=201, response_model=InteractionOut)
def record_interaction(customer_id: RecordId, body: InteractionIn, request: Request, user: SalesSide) -> InteractionOut:
    """Anyone on the sales side may record contact; with a customer they do not own it is flagged."""
    with get_db(request).session() as session:
        row = interactions.record(
            session,
            actor_id=user.id,
            customer_id=customer_id,
            channel=body.channel.value,
            summary=body.summary,
            content=body.content,
            occurred_at=body.occurred_at,
            corrects_id=body.corrects_id,
        )
        return InteractionOut.model_validate(row, from_attributes=True)


@router.post("/customers/{customer_id}/contacts", status_code=201, response_model=ContactOut)
def add_contact(customer_id: RecordId, body: ContactIn, request: Request, user: SalesSide) -> ContactOut:
    """The owner, the team's manager, the department head or admin keep the customer's people."""
    with get_db(request).session() as session:
        contact = customers.add_contact(
            session, actor=viewer_of(user), customer_id=customer_id, fields=body.model_dump()
        )
        return ContactOut.model_validate(contact, from_attributes=True)


@router.post("/customers/{customer_id}/complaints", status_code=201, response_model=ComplaintOut)
def record_complaint(customer_id: RecordId, body: ComplaintIn, request: Request, user: SalesSide) -> ComplaintOut:
    with get_db(request).session() as session:
        customers.visible(session, viewer_of(user), customer_id)
        row = interactions.record_complaint(
            session, actor_id=user.id, customer_id=customer_id, summary=body.summary, occurred_at=body.occurred_at
        )
        return ComplaintOut.model_validate(row, from_attributes=True)


class ChainCheck(BaseModel):
    ok: bool
    entries: int
    first_broken_id: int | None = None


@router.get("/audit/interactions/verify", response_model=ChainCheck)
def verify_records(request: Request, user: Admin) -> ChainCheck:
    """Recompute the communication records' hash chain; the first altered record is named."""
    with get_db(request).session() as session:
        report = interactions.verify_chain(session)
        return ChainCheck(ok=report.ok, entries=report.entries, first_broken_id=report.first_broken_id)
