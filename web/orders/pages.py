"""Order pages: my orders (mine, my team's, or all, by role), a new order with its line editor,
and the order page with its approvals, timeline, payments (finance records them there too) and
the owner's cancel / revise forms. A salesperson under an order freeze (a handover) is told so,
why and whom to ask, instead of being shown a form that would be refused.

The line editor posts the whole form to ``/orders/lines`` on every change and gets each line's
price-list hint and amount and the total back, worked out on the server (``?add=1`` adds a blank
line, ``?remove=N`` drops line N and both answer with the whole editor). Submitting goes through
``web.orders.actions``, the same calls as the JSON API: failed order checks come back all at once
and are shown at the line they concern (order-wide ones, and capacity, which is per service, on top).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from schemas.kernel.errors import N_, BatonError, Forbidden, InvalidInput
from schemas.kernel.i18n import gettext_
from schemas.orders import OrderIn, OrderStatus, ResubmitIn
from schemas.org import Role
from store.db import Database
from store.models import Service
from store.repo.customers import profile as customer_view
from store.repo.customers import records as customers
from store.repo.orders import pages as order_pages
from store.repo.orders import records as order_repo
from store.repo.orders.freeze import OrderFreeze, order_freeze
from store.repo.orders.views import order_view
from store.repo.payments import records as payments
from web.orders import actions
from web.orders.forms import OrderDraft, draft_of, read_draft, requested_day, submitted_lines
from web.orders.labels import warning_text
from web.orders.timeline import timeline, timeline_people
from web.payments.forms import money_section
from web.shared.auth import PageUser, Principal, get_db, require_roles, viewer_of
from web.shared.company_time import company_today
from web.shared.csrf import verify_csrf
from web.shared.forms import typed_record_id
from web.shared.labels import ORDER_STATUS_LABELS, problem_text
from web.shared.paths import RecordId
from web.shared.templating import render
from web.tasks.process_engine import ProcessEngine

router = APIRouter(tags=["pages"], include_in_schema=False, dependencies=[Depends(verify_csrf)])
Seller = Annotated[Principal, Depends(require_roles(Role.sales, Role.sales_manager, page=True))]
ORDER_READERS = (Role.sales, Role.sales_manager, Role.department_head, Role.finance, Role.admin)
PAGE_SIZE = 25
MAX_CUSTOMERS = 2000
OrderId = RecordId
NOTE_TOO_LONG = N_("The note for the approvers is at most 500 characters.")
CHOOSE_CUSTOMER = N_("Choose one of your customers.")


@router.get("/orders")
def order_list(
    request: Request,
    user: PageUser,
    status: Annotated[str, Query(max_length=30)] = "",
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    if not user.has(*ORDER_READERS):
        raise Forbidden()
    status = status if status in ORDER_STATUS_LABELS else ""
    with get_db(request).session() as session:
        orders, total = order_repo.list_orders(
            session, viewer_of(user), status=status or None, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
        )
        rows = order_pages.order_rows(session, orders)
        names = customer_view.names(session, {p for row in rows for p in row.waiting_on})
    context = {
        "rows": rows,
        "total": total,
        "status": status,
        "page": page,
        "names": names,
        "pages": max(1, -(-total // PAGE_SIZE)),
        "statuses": ORDER_STATUS_LABELS,
        "may_order": user.has(Role.sales, Role.sales_manager),
    }
    template = "orders/_rows.html" if request.headers.get("hx-request") else "orders/index.html"
    return render(request, template, context)


@router.get("/orders/new")
def new_order_page(request: Request, user: Seller, customer_id: Annotated[str, Query(max_length=20)] = "") -> Response:
    db, today = get_db(request), company_today(request)
    freeze = _freeze(db, user)
    if freeze is not None:
        return render(request, "orders/new.html", {"freeze": freeze})
    services = _price_list(db)
    draft = draft_of([], services, customer_id=customer_id, requested_date=(today + timedelta(days=1)).isoformat())
    return render(request, "orders/new.html", _new_context(db, user, draft, services, today))


@router.post("/orders/new")
async def submit_from_page(request: Request, user: Seller) -> Response:
    db, today = get_db(request), company_today(request)
    freeze = await run_in_threadpool(_freeze, db, user)
    if freeze is not None:
        return render(request, "orders/new.html", {"freeze": freeze}, status_code=422)
    services = await run_in_threadpool(_price_list, db)
    draft = read_draft(await request.form(), services)
    lines = submitted_lines(draft, services)
    day = requested_day(draft)
    customer_id = typed_record_id(draft.customer_id)
    if customer_id is None:
        draft.problems.append(gettext_(CHOOSE_CUSTOMER))
    status = 422
    if not draft.has_problems and customer_id is not None and day is not None:
        try:
            created = await actions.submit_order(
                db,
                ProcessEngine.of(request),
                user,
                _order_in(OrderIn, customer_id=customer_id, requested_date=day, lines=lines, note=draft.note.strip()),
                today,
            )
            return RedirectResponse(f"/orders/{created.id}", status_code=303)
        except BatonError as exc:
            status = _note_refusal(draft, exc)
    context = await run_in_threadpool(_new_context, db, user, draft, services, today)
    return render(request, "orders/new.html", context, status_code=status)


@router.post("/orders/lines")
async def line_editor(
    request: Request, user: Seller, add: bool = False, remove: Annotated[int | None, Query(ge=0, le=1000)] = None
) -> Response:
    """On a change, each line's figures and the total (out of band, so typing is never overwritten);
    on adding or removing a line, the whole editor."""
    services = await run_in_threadpool(_price_list, get_db(request))
    draft = read_draft(await request.form(), services, add=add, remove=remove)
    template = "orders/_lines.html" if add or remove is not None else "orders/_figures.html"
    return render(request, template, {"draft": draft, "services": services.values()})


@router.get("/orders/{order_id}")
def order_page(order_id: OrderId, request: Request, user: PageUser) -> Response:
    return render(request, "orders/detail.html", _detail(get_db(request), user, order_id, company_today(request)))


@router.post("/orders/{order_id}/cancel")
async def cancel_from_page(
    order_id: OrderId, request: Request, user: Seller, reason: Annotated[str, Form(max_length=500)] = ""
) -> Response:
    db = get_db(request)
    try:
        await actions.cancel_order(db, ProcessEngine.of(request), user, order_id, reason.strip())
    except BatonError as exc:
        context = await run_in_threadpool(_detail, db, user, order_id, company_today(request))
        return render(request, "orders/detail.html", {**context, "error": exc}, status_code=exc.status)
    return RedirectResponse(f"/orders/{order_id}", status_code=303)


@router.post("/orders/{order_id}/resubmit")
async def resubmit_from_page(order_id: OrderId, request: Request, user: Seller) -> Response:
    db, today = get_db(request), company_today(request)
    services = await run_in_threadpool(_price_list, db)
    draft = read_draft(await request.form(), services)
    lines = submitted_lines(draft, services)
    day = requested_day(draft)
    status, refusal = 422, None
    if not draft.has_problems and day is not None:
        try:
            body = _order_in(ResubmitIn, lines=lines, requested_date=day, note=draft.note.strip())
            await actions.resubmit_order(db, ProcessEngine.of(request), user, order_id, body, today)
            return RedirectResponse(f"/orders/{order_id}", status_code=303)
        except BatonError as exc:
            status, refusal = _note_refusal(draft, exc), exc
    context = await run_in_threadpool(_detail, db, user, order_id, today, draft)
    if not context["may_resubmit"]:  # no form to show the refusal in (not the owner, no longer rejected)
        context["error"] = refusal
    return render(request, "orders/detail.html", context, status_code=status)


# ---------------------------------------------------------------- helpers
def _price_list(db: Database) -> dict[str, Service]:
    with db.session() as session:
        return {service.code: service for service in order_repo.list_services(session)}


def _order_in(model: Any, **fields: Any) -> Any:
    """The API body the order actions take; a field out of its bounds reads as a refusal."""
    try:
        return model(**fields)
    except ValidationError as exc:
        raise InvalidInput(
            details=[
                {
                    "field": ".".join(str(p) for p in error["loc"]),
                    "code": error["type"],
                    "message": NOTE_TOO_LONG if error["loc"][:1] == ("note",) else error["msg"],
                }
                for error in exc.errors()
            ]
        ) from exc


def _note_refusal(draft: OrderDraft, exc: BatonError) -> int:
    """Every problem of a refused submission onto the form; the answer's status code."""
    draft.add_problems(exc.details)
    if not exc.details:
        draft.problems.append(problem_text({"code": exc.code, "message": exc.message, "params": exc.params}))
    return exc.status if exc.status >= 400 else 422


def _freeze(db: Database, user: Principal) -> OrderFreeze | None:
    """The salesperson's order freeze (a handover), whose notice then replaces the order form."""
    with db.session() as session:
        return order_freeze(session, user.id)


def _new_context(
    db: Database, user: Principal, draft: OrderDraft, services: dict[str, Service], today: date
) -> dict[str, Any]:
    with db.session() as session:
        mine, _total = customers.list_customers(session, viewer_of(user), owner_id=user.id, limit=MAX_CUSTOMERS)
    return {"draft": draft, "services": services.values(), "customers": mine, "today": today}


def _detail(
    db: Database, user: Principal, order_id: int, today: date, draft: OrderDraft | None = None
) -> dict[str, Any]:
    with db.session() as session:
        order = order_repo.visible(session, viewer_of(user), order_id)
        view = order_view(session, order)
        tasks = order_repo.approval_tasks(session, order)
        entries = order_pages.order_timeline(session, order)
        money = payments.for_order(session, order.id)
        services = {s.code: s for s in order_repo.list_services(session)}
        people = {order.owner_id, *view["waiting_on"], *(a["actor_id"] for a in view["approvals"])}
        names = customer_view.names(session, people | timeline_people(entries))
    latest = next((t for t in reversed(tasks) if (t.context or {}).get("revision") == order.revision), None)
    owner = order.owner_id == user.id and user.has(Role.sales, Role.sales_manager)
    may_resubmit = owner and order.status == OrderStatus.rejected
    if may_resubmit and draft is None:
        day = order.requested_date if order.requested_date > today else today + timedelta(days=1)
        draft = draft_of(view["lines"], services, requested_date=day.isoformat(), note=order.note)
    return {
        "order": view,
        "names": names,
        **money_section(user, view, money),
        "timeline": timeline(entries, names),
        "warnings": [warning_text(w) for w in (latest.context or {}).get("warnings") or []] if latest else [],
        "may_cancel": owner and order.status in actions.CANCELLABLE,
        "may_resubmit": may_resubmit,
        "draft": draft,
        "services": services.values(),
        "today": today,
    }
