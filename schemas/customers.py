"""API bodies and views for customers, communication records and complaints."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_serializer

from schemas.kernel.errors import N_, BatonError
from schemas.kernel.ids import RecordId
from schemas.kernel.money import NonNegativeAmount
from schemas.orders import OrderStatus

# What happened, in words: surrounding spaces are dropped, so a summary of spaces is refused as empty.
Summary = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class Size(StrEnum):
    small = "small"
    medium = "medium"
    large = "large"


class Channel(StrEnum):
    phone = "phone"
    wechat = "wechat"
    email = "email"
    visit = "visit"
    other = "other"


class CustomerIn(BaseModel):
    """Required profile fields may arrive empty here; the store lists every missing one at once."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(default="", max_length=200)
    region: str = Field(default="", max_length=50)
    industry: str = Field(default="", max_length=50)
    size: Size | None = None
    contact_name: str = Field(default="", max_length=100)
    contact_phone: str = Field(default="", max_length=40)
    address: str = Field(default="", max_length=300)
    credit_limit: NonNegativeAmount = Decimal("0")
    owner_id: RecordId | None = None
    tags: list[str] = Field(default_factory=list, max_length=30)
    notes: str = Field(default="", max_length=4000)


class CustomerOut(BaseModel):
    id: int
    name: str
    region: str
    industry: str
    size: str
    contact_name: str
    contact_phone: str
    address: str
    credit_limit: Decimal
    owner_id: int | None
    team_id: int | None
    tags: list[str]
    notes: str
    last_contact_at: datetime | None = None

    @field_serializer("credit_limit", check_fields=False)
    def money(self, value: Decimal) -> str:
        return f"{value:.2f}"


class CustomerList(BaseModel):
    items: list[CustomerOut]
    total: int


class ReassignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    owner_id: RecordId | None
    reason: str = Field(min_length=1, max_length=500)


class BulkReassignIn(ReassignIn):
    customer_ids: list[RecordId] = Field(min_length=1, max_length=500)


class ReclaimIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    silent_days: int = Field(ge=7, le=3650)


class InteractionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    channel: Channel
    summary: Summary
    content: str = Field(default="", max_length=20000)
    occurred_at: datetime
    corrects_id: RecordId | None = None


class InteractionOut(BaseModel):
    id: int
    customer_id: int
    employee_id: int
    channel: str
    summary: str
    content: str
    occurred_at: datetime
    corrects_id: int | None
    by_owner: bool


class ComplaintIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    summary: Summary
    occurred_at: datetime


class ComplaintOut(BaseModel):
    id: int
    customer_id: int
    recorded_by: int
    summary: str
    occurred_at: datetime


class OwnershipOut(BaseModel):
    from_owner_id: int | None
    to_owner_id: int | None
    from_team_id: int | None
    to_team_id: int | None
    reason: str
    actor_id: int | None
    at: datetime


class OrderSummary(BaseModel):
    id: int
    status: OrderStatus
    total: Decimal
    collected: Decimal
    created_at: datetime

    @field_serializer("total", "collected")
    def money(self, value: Decimal) -> str:
        return f"{value:.2f}"


class Customer360(CustomerOut):
    """Built from store/repo/customer_view.customer_360 with ``from_attributes``: records as stored."""

    model_config = ConfigDict(from_attributes=True)

    owner_name: str | None = None
    team_name: str | None = None
    contacts: list[dict[str, object]] = Field(default_factory=list)
    interactions: list[InteractionOut] = Field(default_factory=list)
    orders: list[OrderSummary] = Field(default_factory=list)
    receivables: Decimal = Decimal("0.00")
    complaints: list[ComplaintOut] = Field(default_factory=list)
    ownership: list[OwnershipOut] = Field(default_factory=list)
    alerts: list[dict[str, object]] = Field(default_factory=list)

    @field_serializer("receivables")
    def owed(self, value: Decimal) -> str:
        return f"{value:.2f}"


class ContactIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    title: str = Field(default="", max_length=100)
    phone: str = Field(default="", max_length=40)
    email: str = Field(default="", max_length=200)
    wechat: str = Field(default="", max_length=100)
    is_key: bool = False
    notes: str = Field(default="", max_length=2000)


class ContactOut(ContactIn):
    id: int
    customer_id: int


class CustomerMoved(BatonError):
    """Someone else moved the customer between reading and moving it: the later move is refused
    rather than applied over an owner its author never saw."""

    code, status, message = (
        "customer_moved",
        409,
        N_("Someone else has just moved this customer. Reload to see its owner now, then decide again."),
    )


class NotInPool(BatonError):
    """The lead already has an owner: someone claimed or was assigned it first."""

    code, status, message = "not_in_pool", 409, N_("This customer is no longer in the pool: someone else has it now.")


class ClaimLimit(BatonError):
    """Past the admin's ``pool.daily_claims`` for today (company time)."""

    code, status, message = (
        "claim_limit",
        409,
        N_(
            "You have claimed %(limit)s pool leads today, the most allowed per day. Ask your manager to assign "
            "more, or claim again tomorrow."
        ),
    )
