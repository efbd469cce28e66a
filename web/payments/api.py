"""Payments and refunds over the JSON API: finance records money actually collected."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, UploadFile
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from schemas.org import Role
from schemas.payments import PaymentIn, PaymentInvalid, PaymentOut
from store.repo.payments import records as payments
from web.shared.auth import Principal, get_db, require_roles
from web.shared.paths import IdFilter, Offset

router = APIRouter(prefix="/api/payments", tags=["orders"])

Finance = Annotated[Principal, Depends(require_roles(Role.finance))]
MAX_CSV_BYTES = 5 * 1024 * 1024


class PaymentList(BaseModel):
    items: list[PaymentOut]
    total: int


class Imported(BaseModel):
    imported: int


@router.post("", response_model=PaymentOut, status_code=201)
def record_payment(request: Request, body: PaymentIn, user: Finance) -> PaymentOut:
    with get_db(request).session() as session:
        return PaymentOut.model_validate(payments.record(session, actor_id=user.id, payment=body))


@router.get("", response_model=PaymentList)
def list_payments(
    request: Request,
    user: Finance,
    order_id: IdFilter = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Offset = 0,
) -> PaymentList:
    with get_db(request).session() as session:
        rows, total = payments.listed(session, order_id=order_id, limit=limit, offset=offset)
        return PaymentList(items=[PaymentOut.model_validate(p) for p in rows], total=total)


@router.post("/import", response_model=Imported, status_code=201)
async def import_payments(request: Request, file: UploadFile, user: Finance) -> Imported:
    """CSV ``order_id,kind,amount,paid_at[,note][,advance]``: every row checked (a payment above what
    its order still owes needs ``advance`` yes), then all written or none."""
    content = await file.read(MAX_CSV_BYTES + 1)
    if len(content) > MAX_CSV_BYTES:
        raise PaymentInvalid(details=[{"field": "file", "code": "too_large", "message": "At most 5 MB per file."}])
    rows, unreadable = payments.parse_csv(content)

    def write() -> int:
        with get_db(request).session() as session:
            return payments.import_rows(session, actor_id=user.id, rows=rows, unreadable=unreadable)

    return Imported(imported=await run_in_threadpool(write))
