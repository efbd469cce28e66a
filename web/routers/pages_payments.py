"""The payments page (finance): record a payment or a refund on an approved order, import a bank
CSV (checked whole, written all or nothing, every refused row listed), and the latest entries.

Both forms post the plain way and, when refused, come back with the problems at the field or row
they concern; a recorded payment or import redirects to the page with a confirmation.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Query, Request, UploadFile
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from schemas.errors import N_, BatonError
from schemas.orders import PaymentIn, PaymentInvalid
from schemas.org import Role
from store.repo import payments
from web.auth import Principal, get_db, require_roles
from web.csrf import verify_csrf
from web.order_form import MAX_ID, record_id
from web.order_labels import problem_text
from web.routers.api_payments import MAX_CSV_BYTES
from web.templating import render

router = APIRouter(prefix="/payments", tags=["pages"], include_in_schema=False, dependencies=[Depends(verify_csrf)])
Finance = Annotated[Principal, Depends(require_roles(Role.finance, page=True))]
PAGE_SIZE = 30
FIELD_PROBLEMS = {"order_id": N_("Enter the order number."),
                  "kind": N_("Choose payment or refund."),
                  "amount": N_("Enter an amount above zero with at most two decimals."),
                  "paid_at": N_("Enter when the money was paid."),
                  "note": N_("The note is too long.")}
INVALID = N_("Some fields are not valid.")
EARLIEST_YEAR = 1970
TOO_LARGE = N_("At most 5 MB per file.")
OUT_OF_RANGE = N_("The order number or the date of this row is out of range.")


@router.get("")
def payments_page(request: Request, user: Finance, page: Annotated[int, Query(ge=1, le=10_000)] = 1,
                  recorded: Annotated[int | None, Query(ge=0)] = None,
                  imported: Annotated[int | None, Query(ge=0)] = None) -> Response:
    return render(request, "payments/index.html",
                  {**_recent(request, page), "recorded": recorded, "imported": imported, "form": {}})


@router.post("")
def record_payment(request: Request, user: Finance, order_id: Annotated[str, Form(max_length=20)] = "",
                   kind: Annotated[str, Form(max_length=10)] = "payment",
                   amount: Annotated[str, Form(max_length=30)] = "",
                   paid_at: Annotated[str, Form(max_length=30)] = "",
                   note: Annotated[str, Form(max_length=2000)] = "") -> Response:
    form = {"order_id": order_id, "kind": kind, "amount": amount, "paid_at": paid_at, "note": note}
    try:
        payment = _payment_in(request, form)
        with get_db(request).session() as session:
            row = payments.record(session, actor_id=user.id, payment=payment)
            recorded_id = row.id
    except BatonError as exc:
        context = {**_recent(request, 1), "form": form, "error": exc, "problems": _by_field(exc.details)}
        return render(request, "payments/index.html", context, status_code=exc.status)
    return RedirectResponse(f"/payments?recorded={recorded_id}", status_code=303)


@router.post("/import")
async def import_payments(request: Request, user: Finance, file: UploadFile | None = None) -> Response:
    """A CSV of ``order_id,kind,amount,paid_at[,note]``: all rows recorded, or none and every refusal listed."""
    try:
        content = await file.read(MAX_CSV_BYTES + 1) if file is not None else b""
        if len(content) > MAX_CSV_BYTES:
            raise PaymentInvalid(details=[{"field": "file", "code": "too_large", "message": TOO_LARGE}])
        if not content:
            raise PaymentInvalid(details=[{"field": "file", "code": "empty_file",
                                           "message": N_("Choose a CSV file to import.")}])
        rows, unreadable = await run_in_threadpool(payments.parse_csv, content)
        beyond = {number for number, row in rows if not _storable(row)}
        unreadable += [{"field": "row", "code": "out_of_range", "message": OUT_OF_RANGE, "row": number}
                       for number in sorted(beyond)]
        count = await run_in_threadpool(_import, request, user, [r for r in rows if r[0] not in beyond], unreadable)
    except BatonError as exc:
        refused = [{"row": d.get("row"), "text": problem_text(d)} for d in exc.details]
        context = {**await run_in_threadpool(_recent, request, 1), "form": {}, "import_error": exc,
                   "refused_rows": refused}
        return render(request, "payments/index.html", context, status_code=exc.status)
    return RedirectResponse(f"/payments?imported={count}", status_code=303)


# ---------------------------------------------------------------- helpers
def _import(request: Request, user: Principal, rows: list[tuple[int, PaymentIn]],
            unreadable: list[dict[str, Any]]) -> int:
    with get_db(request).session() as session:
        return payments.import_rows(session, actor_id=user.id, rows=rows, unreadable=unreadable)


def _storable(row: PaymentIn) -> bool:
    """False for a row the database could not even look up (an id past its integers, a date
    before 1970): refused with the file's other problems."""
    return 0 < row.order_id <= MAX_ID and row.paid_at.year >= EARLIEST_YEAR


def _recent(request: Request, page: int) -> dict[str, Any]:
    with get_db(request).session() as session:
        rows, _total = payments.listed(session, order_id=None, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE)
    return {"payments": rows[:PAGE_SIZE], "page": page, "pages": page + 1 if len(rows) > PAGE_SIZE else page}


def _paid_at(value: str, request: Request) -> datetime | None:
    """``datetime-local`` carries no offset: it is the company's local time."""
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if parsed.year < EARLIEST_YEAR:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=ZoneInfo(request.app.state.settings.timezone))


def _payment_in(request: Request, form: dict[str, str]) -> PaymentIn:
    """The form as the API body; each field that does not read well is named."""
    values: dict[str, Any] = {"order_id": record_id(form["order_id"]), "kind": form["kind"],
                              "amount": form["amount"].strip(), "paid_at": _paid_at(form["paid_at"], request),
                              "note": form["note"].strip()}
    try:
        return PaymentIn.model_validate(values)
    except ValidationError as exc:
        fields = dict.fromkeys(str(e["loc"][0]) for e in exc.errors() if e["loc"])
        raise PaymentInvalid(details=[{"field": f, "code": "invalid", "message": FIELD_PROBLEMS.get(f, INVALID)}
                                      for f in fields]) from exc


def _by_field(details: list[dict[str, Any]]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for detail in details:
        field = str(detail.get("field") or "")
        found.setdefault(field if field in FIELD_PROBLEMS else "", []).append(problem_text(detail))
    return found

