"""What an import file's columns may be called, and how one cell becomes a business value.

Files come from whatever a company used before Baton: an old CRM's export, the sales team's own
spreadsheet, a Chinese Excel. So a column is recognised by its English field name or its usual
Chinese heading (any case, stray spaces ignored), and a cell is read the way a person typed it:
full-width digits, ``¥1,234.50``, ``2024/3/5``, a real Excel date cell, ``中`` for medium.
Money is parsed straight into ``Decimal`` from text; a float never carries an amount.

Pure functions, no I/O: the checks in :mod:`store.repo.import_checks` call them per row, and a
:class:`CellProblem` names what is wrong in words the person can act on.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from schemas.kernel.errors import N_
from schemas.kernel.money import FEN, Least, MoneyProblem, read_money
from schemas.orders import OrderStatus
from store.repo.customers.records import REQUIRED_PROFILE

CellValue = Any  # str, int, float, bool, date/datetime or None, as CSV or openpyxl gives it


@dataclass(frozen=True)
class Column:
    field: str
    aliases: tuple[str, ...]
    required: bool = False
    max_length: int | None = None


# Required customer cells are the profile an order needs (REQUIRED_PROFILE), plus the external id.
CUSTOMER_COLUMNS: tuple[Column, ...] = tuple(
    replace(column, required=column.required or column.field in REQUIRED_PROFILE)
    for column in (
        Column("external_id", ("外部编号", "客户编号"), True, 100),
        Column("name", ("客户名称", "名称"), max_length=200),
        Column("region", ("区域", "地区"), max_length=50),
        Column("industry", ("行业",), max_length=50),
        Column("size", ("规模",)),
        Column("contact_name", ("联系人",), max_length=100),
        Column("contact_phone", ("联系电话", "电话"), max_length=40),
        Column("address", ("地址",), max_length=300),
        Column("credit_limit", ("信用额度",)),
        Column("owner", ("负责人",), max_length=64),
        Column("tags", ("标签",)),
        Column("notes", ("备注",), max_length=5000),
    )
)

ORDER_COLUMNS: tuple[Column, ...] = (
    Column("external_id", ("订单编号",), True, 100),
    Column("customer_external_id", ("客户编号",), True, 100),
    Column("requested_date", ("日期", "下单日期"), True),
    Column("service", ("服务代码",), True, 40),
    Column("quantity", ("数量",), True),
    Column("unit_price", ("单价",), True),
    Column("status", ("状态",)),
    Column("paid_amount", ("已收款",)),
    Column("owner", ("负责人",), max_length=64),
)

COLUMNS = {"customers": CUSTOMER_COLUMNS, "orders": ORDER_COLUMNS}


class CellProblem(Exception):
    """Why one cell cannot be imported: a stable code and a message id with its parameters."""

    def __init__(self, code: str, message: str, **params: Any) -> None:
        super().__init__(message)
        self.code, self.message, self.params = code, message, params


@dataclass(frozen=True)
class HeaderMap:
    """Which file column holds which field: ``positions[field] = (index, heading as written)``."""

    positions: dict[str, tuple[int, str]]

    def label(self, field: str) -> str:
        return self.positions[field][1] if field in self.positions else field

    def order(self, field: str) -> int:
        return self.positions[field][0] if field in self.positions else -1


def _heading_key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).strip().casefold()
    return re.sub(r"[\s\-]+", "_", text)


def map_header(columns: tuple[Column, ...], cells: list[CellValue]) -> HeaderMap | CellProblem:
    """The header row as fields, or one problem naming every missing, unknown and repeated
    column: a file with the wrong header is refused whole, before any row is looked at."""
    by_key = {_heading_key(name): column.field for column in columns for name in (column.field, *column.aliases)}
    positions: dict[str, tuple[int, str]] = {}
    unknown: list[str] = []
    repeated: list[str] = []
    for index, cell in enumerate(cells):
        heading = cell_text(cell)
        if not heading:
            continue
        field = by_key.get(_heading_key(heading))
        if field is None:
            unknown.append(heading)
        elif field in positions:
            repeated.append(heading)
        else:
            positions[field] = (index, heading)
    missing = [
        f"{column.field}/{column.aliases[0]}" for column in columns if column.required and column.field not in positions
    ]
    if missing or unknown or repeated:
        expected = ", ".join(f"{column.field}/{column.aliases[0]}" for column in columns)
        return CellProblem(
            "bad_header",
            N_(
                "Wrong header row. Missing: %(missing)s. Not recognised: %(unknown)s. "
                "Repeated: %(repeated)s. Expected columns: %(expected)s."
            ),
            missing=", ".join(missing) or "—",
            unknown=", ".join(unknown) or "—",
            repeated=", ".join(repeated) or "—",
            expected=expected,
        )
    return HeaderMap(positions)


# ---------------------------------------------------------------- cells
def cell_text(value: CellValue) -> str:
    """A cell as the text a person sees: ``13800138000`` not ``1.38e10``, a date as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def text(value: CellValue, column: Column) -> str:
    result = cell_text(value)
    if "\x00" in result:
        raise CellProblem("bad_text", N_("Contains characters that cannot be stored."))
    if column.required and not result:
        raise CellProblem("required", N_("Required."))
    if column.max_length is not None and len(result) > column.max_length:
        raise CellProblem("too_long", N_("At most %(max)s characters."), max=column.max_length)
    return result


SIZES = {
    "small": "small",
    "medium": "medium",
    "large": "large",
    "小": "small",
    "中": "medium",
    "大": "large",
    "小型": "small",
    "中型": "medium",
    "大型": "large",
}


def size(value: CellValue) -> str:
    raw = unicodedata.normalize("NFKC", cell_text(value)).casefold()
    if not raw:
        raise CellProblem("required", N_("Required."))
    if raw not in SIZES:
        raise CellProblem("bad_size", N_("Use small, medium or large (小, 中, 大)."))
    return SIZES[raw]


def money(value: CellValue) -> Decimal | None:
    """A CNY amount, read as every money field reads it (``¥`` and thousands separators allowed),
    or None for an empty cell; negative amounts are refused."""
    raw = cell_text(value)
    if not raw.strip():
        return None
    try:
        return read_money(raw, least=Least.zero).quantize(FEN)
    except MoneyProblem as problem:
        raise CellProblem(problem.code, problem.message, **problem.params) from None


def whole_number(value: CellValue) -> int:
    raw = unicodedata.normalize("NFKC", cell_text(value)).replace(" ", "")
    if not raw:
        raise CellProblem("required", N_("Required."))
    try:
        number = Decimal(raw)
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite() or number != number.to_integral_value() or not 0 < number < 2**31:
        raise CellProblem("bad_quantity", N_("Use a whole number greater than zero."))
    return int(number)


_DAY = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")


def day(value: CellValue) -> date:
    """A date from an Excel date cell, or text as YYYY-MM-DD, YYYY/MM/DD or YYYY年M月D日 (a time may
    follow, as Excel writes it into CSV; it is dropped)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = unicodedata.normalize("NFKC", cell_text(value))
    if not raw:
        raise CellProblem("required", N_("Required."))
    match = _DAY.match(raw)
    try:
        if match is None:
            raise ValueError(raw)
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        raise CellProblem("bad_date", N_("Not a date: use YYYY-MM-DD or YYYY/MM/DD.")) from None


def tags(value: CellValue) -> list[str]:
    """Tags separated by ``；`` or ``;``, each kept once, in the order written."""
    pieces = (piece.strip() for piece in re.split(r"[;；]", cell_text(value)))
    result = list(dict.fromkeys(piece for piece in pieces if piece))
    if any(len(piece) > 50 for piece in result):
        raise CellProblem("too_long", N_("At most %(max)s characters."), max=50)
    return result


ORDER_STATUSES: dict[str, OrderStatus] = {
    "approved": OrderStatus.approved,
    "rejected": OrderStatus.rejected,
    "cancelled": OrderStatus.cancelled,
    "canceled": OrderStatus.cancelled,
    "expired": OrderStatus.expired,
    "已批准": OrderStatus.approved,
    "已通过": OrderStatus.approved,
    "已审批": OrderStatus.approved,
    "已拒绝": OrderStatus.rejected,
    "已驳回": OrderStatus.rejected,
    "已取消": OrderStatus.cancelled,
    "已过期": OrderStatus.expired,
}


def order_status(value: CellValue) -> OrderStatus:
    """A historical order's outcome; ``approved`` when empty. Pending is refused: no approval
    process exists for an imported order, so it would wait forever."""
    raw = unicodedata.normalize("NFKC", cell_text(value)).casefold()
    if not raw:
        return OrderStatus.approved
    if raw not in ORDER_STATUSES:
        raise CellProblem(
            "bad_status", N_("Use approved, rejected, cancelled or expired (已批准, 已拒绝, 已取消, 已过期).")
        )
    return ORDER_STATUSES[raw]
