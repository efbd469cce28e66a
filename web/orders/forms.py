"""The order form's line editor: what the salesperson typed, read back line by line, with the
price list beside each line, the live total and every problem at the line it concerns.

The form repeats ``service`` / ``quantity`` / ``unit_price`` once per line. While the salesperson
edits, the total is recomputed from the lines that read well and only fields that hold something
wrong are flagged; on submit every line must read well (blank lines are dropped). Problems the
order checks report later (``line`` = index among the submitted lines) are put back on the line
the salesperson sees, through :attr:`OrderDraft.positions`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData

from schemas.kernel.errors import N_
from schemas.kernel.i18n import gettext_
from schemas.kernel.money import as_typed, money_problem
from schemas.orders import MAX_LINES, MAX_QUANTITY, OrderLineIn
from store.models import Service
from web.shared.labels import problem_text

FIELD_PROBLEMS = {
    "service": N_("Choose a service."),
    "quantity": N_("Enter a whole number from 1 to %(max)s."),
    "unit_price": N_("Enter the unit price."),
}


@dataclass
class DraftLine:
    service: str = ""
    quantity: str = ""
    unit_price: str = ""
    price_list: Service | None = None
    amount: Decimal | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def blank(self) -> bool:
        return not (self.service or self.quantity or self.unit_price)

    @property
    def below_floor(self) -> bool:
        price = _decimal(self.unit_price)
        return self.price_list is not None and price is not None and price < self.price_list.floor_price


@dataclass
class OrderDraft:
    """The form as typed: order fields, lines, and the problems found so far (translated)."""

    lines: list[DraftLine]
    customer_id: str = ""
    requested_date: str = ""
    note: str = ""
    problems: list[str] = field(default_factory=list)
    positions: list[int] = field(default_factory=list)  # submitted line i → editor line positions[i]

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines if line.amount is not None), Decimal("0.00"))

    def add_problems(self, details: list[dict[str, Any]]) -> None:
        """Put each problem where it belongs: on its line when it names one, else on the order."""
        for detail in details:
            index = _line_of(detail)
            if index is not None and 0 <= index < len(self.positions):
                self.lines[self.positions[index]].problems.append(problem_text(detail))
            else:
                self.problems.append(problem_text(detail))

    @property
    def has_problems(self) -> bool:
        return bool(self.problems) or any(line.problems for line in self.lines)


def _decimal(value: str) -> Decimal | None:
    try:
        number = Decimal(value.strip())
    except ArithmeticError:
        return None
    return number if number.is_finite() else None


def _line_of(detail: dict[str, Any]) -> int | None:
    if isinstance(detail.get("line"), int):
        return int(detail["line"])
    parts = str(detail.get("field") or "").split(".")
    return int(parts[1]) if len(parts) >= 2 and parts[0] == "lines" and parts[1].isdigit() else None


def _field_problem(name: str) -> str:
    return (
        gettext_(FIELD_PROBLEMS[name], max=f"{MAX_QUANTITY:,}")
        if name == "quantity"
        else gettext_(FIELD_PROBLEMS[name])
    )


def _read_line(line: DraftLine, services: dict[str, Service], *, strict: bool) -> OrderLineIn | None:
    """The line as an order line, or None with its problems noted (only typed-in fields while
    editing, every field on submit)."""
    line.price_list, line.amount = services.get(line.service), None
    wrong: set[str] = set() if line.price_list is not None or not (strict or line.service) else {"service"}
    said: dict[str, str] = {}  # a price's problem in the words of every money field
    try:
        parsed = OrderLineIn(
            service=line.service or "-",
            quantity=line.quantity.strip() or "0",  # type: ignore[arg-type]
            unit_price=as_typed(line.unit_price) or "0",  # type: ignore[arg-type]
        )
    except ValidationError as exc:
        parsed = None
        for error in exc.errors():
            if error["loc"]:
                wrong.add(str(error["loc"][0]))
                money = money_problem(error)
                if money is not None and line.unit_price.strip():
                    said[str(error["loc"][0])] = problem_text(money)
    if not strict:
        wrong = {name for name in wrong if getattr(line, name)}
    line.problems = [
        said.get(name) or _field_problem(name) for name in ("service", "quantity", "unit_price") if name in wrong
    ]
    if parsed is None or "service" in wrong or line.price_list is None:
        return None
    line.amount = (parsed.unit_price * parsed.quantity).quantize(Decimal("0.01"))
    return parsed


def read_draft(
    form: FormData, services: dict[str, Service], *, add: bool = False, remove: int | None = None
) -> OrderDraft:
    """The editor as posted, with a blank line added or one removed, amounts worked out."""
    rows = list(zip(form.getlist("service"), form.getlist("quantity"), form.getlist("unit_price"), strict=False))
    lines = [DraftLine(str(s), str(q), str(p)) for s, q, p in rows[:MAX_LINES]]
    if remove is not None and 0 <= remove < len(lines):
        del lines[remove]
    if add and len(lines) < MAX_LINES:
        lines.append(DraftLine())
    draft = OrderDraft(
        lines=lines or [DraftLine()],
        customer_id=str(form.get("customer_id") or ""),
        requested_date=str(form.get("requested_date") or ""),
        note=str(form.get("note") or ""),
    )
    for line in draft.lines:
        _read_line(line, services, strict=False)
    return draft


def draft_of(
    lines: list[dict[str, Any]],
    services: dict[str, Service],
    *,
    customer_id: str = "",
    requested_date: str = "",
    note: str = "",
) -> OrderDraft:
    """An order's stored lines back in the editor (revise and resubmit), or a fresh one-line form."""
    draft = OrderDraft(
        lines=[DraftLine(str(line["service"]), str(line["quantity"]), f"{line['unit_price']:.2f}") for line in lines]
        or [DraftLine()],
        customer_id=customer_id,
        requested_date=requested_date,
        note=note,
    )
    for line in draft.lines:
        _read_line(line, services, strict=False)
    return draft


def submitted_lines(draft: OrderDraft, services: dict[str, Service]) -> list[OrderLineIn]:
    """Every non-blank line, read strictly; problems are noted on the draft (check ``has_problems``)."""
    lines: list[OrderLineIn] = []
    draft.positions = []
    for position, line in enumerate(draft.lines):
        if line.blank:
            continue
        parsed = _read_line(line, services, strict=True)
        if parsed is not None:
            lines.append(parsed)
            draft.positions.append(position)
    if not lines and not any(line.problems for line in draft.lines):
        draft.problems.append(gettext_(N_("Add at least one line.")))
    return lines


def requested_day(draft: OrderDraft) -> date | None:
    try:
        return date.fromisoformat(draft.requested_date.strip())
    except ValueError:
        draft.problems.append(gettext_(N_("Enter the requested date.")))
        return None
