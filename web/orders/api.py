"""Orders and the price list over the JSON API (API.md "Orders and payments")."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from schemas.order_answers import OrderCreated, OrderResubmitted
from schemas.orders import (
    OrderIn,
    OrderOut,
    OrderStatus,
    ResubmitIn,
)
from schemas.org import Role
from schemas.services import ServiceCodeTaken, ServiceIn, ServiceOut
from store.db import Database, IntegrityError
from store.repo.orders import records as order_repo
from store.repo.orders.views import order_view, order_views
from web.orders import actions
from web.shared.auth import ApiUser, Principal, get_db, require_roles, viewer_of
from web.shared.company_time import company_today
from web.shared.paths import IdFilter, Offset, RecordId
from web.tasks.process_engine import ProcessEngine

router = APIRouter(prefix="/api", tags=["orders"])

OrderId = RecordId

Seller = Annotated[Principal, Depends(require_roles(Role.sales, Role.sales_manager))]
Admin = Annotated[Principal, Depends(require_roles(Role.admin))]


class OrderList(BaseModel):
    items: list[OrderOut]
    total: int


class CancelIn(BaseModel):
    reason: str = ""


@router.get("/services", response_model=list[ServiceOut])
def list_services(request: Request, user: ApiUser) -> list[ServiceOut]:
    with get_db(request).session() as session:
        return [ServiceOut.model_validate(s) for s in order_repo.list_services(session)]


@router.post("/services", response_model=ServiceOut, status_code=201)
def create_service(request: Request, body: ServiceIn, user: Admin) -> ServiceOut:
    try:
        with get_db(request).session() as session:
            if order_repo.services_by_code(session, [body.code]):
                raise ServiceCodeTaken()
            service = order_repo.create_service(session, actor_id=user.id, fields=body.model_dump())
            return ServiceOut.model_validate(service)
    except IntegrityError as exc:  # a racing create of the same code
        raise ServiceCodeTaken() from exc


@router.post("/orders", response_model=OrderCreated, status_code=201)
async def submit_order(request: Request, body: OrderIn, user: Seller) -> OrderCreated:
    return await actions.submit_order(get_db(request), ProcessEngine.of(request), user, body, company_today(request))


@router.get("/orders", response_model=OrderList)
def list_orders(
    request: Request,
    user: ApiUser,
    status: Annotated[OrderStatus | None, Query()] = None,
    owner_id: IdFilter = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Offset = 0,
) -> OrderList:
    with get_db(request).session() as session:
        rows, total = order_repo.list_orders(
            session, viewer_of(user), status=status, owner_id=owner_id, limit=limit, offset=offset
        )
        return OrderList(items=[OrderOut.model_validate(view) for view in order_views(session, rows)], total=total)


@router.get("/orders/{order_id}", response_model=OrderOut)
def get_order(request: Request, order_id: OrderId, user: ApiUser) -> OrderOut:
    return _order_out(get_db(request), user, order_id)


@router.post("/orders/{order_id}/resubmit", response_model=OrderResubmitted)
async def resubmit_order(request: Request, order_id: OrderId, body: ResubmitIn, user: Seller) -> OrderResubmitted:
    result = await actions.resubmit_order(
        get_db(request), ProcessEngine.of(request), user, order_id, body, company_today(request)
    )
    order = await run_in_threadpool(_order_out, get_db(request), user, order_id)
    return OrderResubmitted(**order.model_dump(), next_task=result.next_task)


@router.post("/orders/{order_id}/cancel", response_model=OrderOut)
async def cancel_order(request: Request, order_id: OrderId, user: Seller, body: CancelIn | None = None) -> OrderOut:
    await actions.cancel_order(get_db(request), ProcessEngine.of(request), user, order_id, body.reason if body else "")
    return await run_in_threadpool(_order_out, get_db(request), user, order_id)


def _order_out(db: Database, user: Principal, order_id: int) -> OrderOut:
    """The order as the caller may see it (404 otherwise), as it stands now."""
    with db.session() as session:
        order = order_repo.visible(session, viewer_of(user), order_id)
        return OrderOut.model_validate(order_view(session, order))
