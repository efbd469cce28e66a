"""The payments page (finance): record a payment or a refund on an approved order, import a bank
CSV (checked whole, written all or nothing, every refused row listed), and the latest entries;
and the same payment form on an approved order's page, answered in place (HTMX).

A payment above what the order still owes is refused (``overpayment``, naming what it owes) unless
finance ticks "advance". Both forms post the plain way or through HTMX and, when refused, come back
with the problems at the field or row they concern; a recorded payment says which order and how
much, and what the order still owes.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request, UploadFile
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from schemas.kernel.errors import N_, BatonError
from schemas.kernel.ids import MAX_ID
from schemas.org import Role
from schemas.payments import PaymentIn, PaymentInvalid
from store.db import Database
from store.repo.orders import records as order_repo
from store.repo.orders.views import order_view
from store.repo.payments import records as payments
from web.payments.api import MAX_CSV_BYTES
from web.payments.forms import EARLIEST_YEAR, PaymentForm, by_field, money_section, payment_in, recorded_text
from web.shared.auth import Principal, get_db, require_roles, viewer_of
from web.shared.csrf import verify_csrf
from web.shared.labels import problem_text
from web.shared.paths import RecordId
from web.shared.templating import render

router = APIRouter(tags=["pages"], include_in_schema=False, dependencies=[Depends(verify_csrf)])
Finance = Annotated[Principal, Depends(require_roles(Role.finance, page=True))]
PAGE_SIZE = 30
TOO_LARGE = N_("At most 5 MB per file.")
OUT_OF_RANGE = N_("The order number or the date of this row is out of range.")
Text = Annotated[str, Form(max_length=30)]


def typed_payment(
    kind: Annotated[str, Form(max_length=10)] = "payment",
    amount: Text = "",
    paid_at: Text = "",
    note: Annotated[str, Form(max_length=2000)] = "",
    advance: Annotated[str, Form(max_length=10)] = "",
) -> PaymentForm:
    """The payment form's fields as typed; the order comes from the form or from the path."""
    return PaymentForm(kind=kind, amount=amount, paid_at=paid_at, note=note, advance=advance)


Typed = Annotated[PaymentForm, Depends(typed_payment)]


@router.get("/payments")
def payments_page(
    request: Request,
    user: Finance,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    recorded: Annotated[int | None, Query(ge=0, le=MAX_ID)] = None,
    imported: Annotated[int | None, Query(ge=0)] = None,
) -> Response:
    db = get_db(request)
    return render(
        request,
        "payments/index.html",
        {
            **_recent(db, page),
            "recorded": _recorded(db, recorded),
            "imported": imported,
            "form": PaymentForm(),
        },
    )


@router.post("/payments")
def record_payment(
    request: Request, user: Finance, typed: Typed, order_id: Annotated[str, Form(max_length=20)] = ""
) -> Response:
    form, db = replace(typed, order_id=order_id), get_db(request)
    try:
        recorded_id = _record(db, user, form, _timezone(request))
    except BatonError as exc:
        context = {**_recent(db, 1), "form": form, "error": exc, "problems": by_field(exc.details)}
        return render(request, "payments/index.html", context, status_code=exc.status)
    return RedirectResponse(f"/payments?recorded={recorded_id}", status_code=303)


@router.post("/orders/{order_id}/payments")
def record_on_order(order_id: RecordId, request: Request, user: Finance, typed: Typed) -> Response:
    """The order page's payment form: the order's money section comes back, with what was recorded
    or the refusal at its field, and the order's figures updated beside it."""
    form, db = replace(typed, order_id=str(order_id)), get_db(request)
    with db.session() as session:
        order_repo.visible(session, viewer_of(user), order_id)  # 404 for an order one may not see
    try:
        recorded_id = _record(db, user, form, _timezone(request))
    except BatonError as exc:
        context = {
            **order_money(db, user, order_id),
            "payment_form": form,
            "payment_error": exc,
            "problems": by_field(exc.details),
        }
        return render(request, "orders/_money.html", context, status_code=exc.status)
    context = {**order_money(db, user, order_id), "recorded": _recorded(db, recorded_id)}
    return render(request, "orders/_money.html", context)


@router.post("/payments/import")
async def import_payments(request: Request, user: Finance, file: UploadFile | None = None) -> Response:
    """A CSV of ``order_id,kind,amount,paid_at[,note]``: all rows recorded, or none and every refusal listed."""
    try:
        content = await file.read(MAX_CSV_BYTES + 1) if file is not None else b""
        if len(content) > MAX_CSV_BYTES:
            raise PaymentInvalid(details=[{"field": "file", "code": "too_large", "message": TOO_LARGE}])
        if not content:
            raise PaymentInvalid(
                details=[{"field": "file", "code": "empty_file", "message": N_("Choose a CSV file to import.")}]
            )
        rows, unreadable = await run_in_threadpool(payments.parse_csv, content)
        beyond = {number for number, row in rows if not _storable(row)}
        unreadable += [
            {"field": "row", "code": "out_of_range", "message": OUT_OF_RANGE, "row": number}
            for number in sorted(beyond)
        ]
        count = await run_in_threadpool(
            _import, get_db(request), user, [r for r in rows if r[0] not in beyond], unreadable
        )
    except BatonError as exc:
        refused = [{"row": d.get("row"), "text": problem_text(d)} for d in exc.details]
        context = {
            **await run_in_threadpool(_recent, get_db(request), 1),
            "form": PaymentForm(),
            "import_error": exc,
            "refused_rows": refused,
        }
        return render(request, "payments/index.html", context, status_code=exc.status)
    return RedirectResponse(f"/payments?imported={count}", status_code=303)


# ---------------------------------------------------------------- helpers
def _timezone(request: Request) -> str:
    """The company's time zone, in which a typed payment time is read."""
    timezone: str = request.app.state.settings.timezone
    return timezone


def order_money(db: Database, user: Principal, order_id: int) -> dict[str, Any]:
    """What the order page's money section shows: the figures, the payments, and for finance on
    an approved order the form to record one."""
    with db.session() as session:
        order = order_repo.visible(session, viewer_of(user), order_id)
        view = order_view(session, order)
        money = payments.for_order(session, order.id)
    return {"order": view, **money_section(user, view, money)}


def _record(db: Database, user: Principal, form: PaymentForm, timezone: str) -> int:
    payment = payment_in(form, timezone)
    with db.session() as session:
        return payments.record(session, actor_id=user.id, payment=payment).id


def _recorded(db: Database, payment_id: int | None) -> str | None:
    """The sentence saying what was recorded, on which order, and what it still owes."""
    if payment_id is None:
        return None
    with db.session() as session:
        payment = payments.get(session, payment_id)
        return recorded_text(payment, payments.owed_on(session, payment.order_id)) if payment else None


def _import(db: Database, user: Principal, rows: list[tuple[int, PaymentIn]], unreadable: list[dict[str, Any]]) -> int:
    with db.session() as session:
        return payments.import_rows(session, actor_id=user.id, rows=rows, unreadable=unreadable)


def _storable(row: PaymentIn) -> bool:
    """False for a row the database could not even look up (an id past its integers, a date
    before 1970): refused with the file's other problems."""
    return 0 < row.order_id <= MAX_ID and row.paid_at.year >= EARLIEST_YEAR


def _recent(db: Database, page: int) -> dict[str, Any]:
    with db.session() as session:
        rows, _total = payments.listed(session, order_id=None, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE)
    return {"payments": rows[:PAGE_SIZE], "page": page, "pages": page + 1 if len(rows) > PAGE_SIZE else page}
