"""The quarterly customer distribution report: quarters, the report's figures and its refusals.

Quarters are company quarters (``2026Q4`` is 1 October 00:00 to 1 January 00:00 in the company's
time zone). Money is a Decimal to the fen; shares are percentages of the report's revenue with two
decimals, rounded half-up from the exact fen amounts (so they need not add up to exactly 100.00).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from schemas.kernel.errors import N_, BatonError

QUARTER_PATTERN = re.compile(r"^([0-9]{4})Q([1-4])$")
CENT = Decimal("0.01")


class InvalidQuarter(BatonError):
    code, status, message = "invalid_quarter", 422, N_("A quarter is written YYYYQn, for example 2026Q4.")


class QuarterNotBegun(BatonError):
    code, status, message = "quarter_not_begun", 422, N_("This quarter has not begun yet.")


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int  # 1-4

    @classmethod
    def parse(cls, text: str) -> Quarter:
        found = QUARTER_PATTERN.match(text.strip().upper())
        if not found or not 2000 <= int(found.group(1)) <= 2999:
            raise InvalidQuarter(
                details=[{"field": "quarter", "code": "invalid_quarter", "message": InvalidQuarter.message}]
            )
        return cls(int(found.group(1)), int(found.group(2)))

    @classmethod
    def of(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> date:
        return date.fromordinal(self.next.first_day.toordinal() - 1)

    @property
    def next(self) -> Quarter:
        return Quarter(self.year + self.number // 4, self.number % 4 + 1)

    @property
    def previous(self) -> Quarter:
        return Quarter(self.year - (self.number == 1), (self.number - 2) % 4 + 1)

    def bounds(self, timezone: str) -> tuple[datetime, datetime]:
        """The quarter's first instant and the next quarter's, in UTC."""
        zone = ZoneInfo(timezone)
        start = datetime.combine(self.first_day, time(0), tzinfo=zone)
        end = datetime.combine(self.next.first_day, time(0), tzinfo=zone)
        return start.astimezone(UTC), end.astimezone(UTC)


def share_pct(part: int, whole: int) -> Decimal:
    """``part`` as a percentage of ``whole`` (both in fen), two decimals, half-up; 0 of nothing."""
    if whole <= 0:
        return Decimal("0.00")
    return (Decimal(part) * 100 / Decimal(whole)).quantize(CENT, rounding=ROUND_HALF_UP)


class Dimension(StrEnum):
    team = "team"
    owner = "owner"  # the salesperson who owns the customer; the unassigned pool is its own row
    region = "region"
    industry = "industry"
    size = "size"


DIMENSION_LABELS = {
    Dimension.team: N_("Team"),
    Dimension.owner: N_("Salesperson"),
    Dimension.region: N_("Region"),
    Dimension.industry: N_("Industry"),
    Dimension.size: N_("Size"),
}


class DistributionRow(BaseModel):
    """Customers sharing one team, owner, region, industry or size (``key`` None: none set, or
    for owners the unassigned pool) and what they brought in the quarter."""

    key: int | str | None
    label: str  # the team's or person's name, the region...; empty when not set
    customers: int
    ordered: int  # customers with an approved order created in the quarter
    revenue: Decimal  # their approved orders created in the quarter
    share_pct: Decimal  # of the report's revenue


class Distribution(BaseModel):
    dimension: Dimension
    rows: list[DistributionRow]


class SalespersonShare(BaseModel):
    employee_id: int
    name: str
    revenue: Decimal
    share_pct: Decimal


class TrailingShare(SalespersonShare):
    above_threshold: bool  # what the ``revenue_concentration`` risk rule would flag


class TopCustomer(BaseModel):
    customer_id: int
    name: str
    revenue: Decimal
    share_pct: Decimal


class TrailingConcentration(BaseModel):
    """Each salesperson's share of the *company's* approved order value over the risk rule's
    window (``months`` months up to ``until``), as the ``revenue_concentration`` rule computes it."""

    since: datetime
    until: datetime
    months: int
    threshold_pct: Decimal
    salespeople: list[TrailingShare]


class Concentration(BaseModel):
    revenue: Decimal  # the report's revenue in the quarter, the base of the shares below
    salespeople: list[SalespersonShare]  # largest share first
    top_customers: list[TopCustomer]  # at most ten, largest first
    top10_share_pct: Decimal
    largest_customer_share_pct: Decimal
    trailing: TrailingConcentration


class SilentCustomer(BaseModel):
    customer_id: int
    name: str
    owner_id: int
    owner_name: str
    team_id: int | None
    team_name: str | None
    last_contact_at: datetime | None  # the last interaction before the quarter ended


class NoFollowUp(BaseModel):
    """Assigned customers with no interaction during the quarter: how many, and one page of them,
    those silent longest first."""

    count: int
    page: int
    pages: int
    per_page: int
    customers: list[SilentCustomer]


class CustomerDistribution(BaseModel):
    quarter: str
    starts_on: date  # company dates, both included
    ends_on: date
    timezone: str
    previous_quarter: str
    next_quarter: str | None  # None while the next quarter has not begun
    customers: int
    ordered: int
    revenue: Decimal
    distributions: list[Distribution]
    concentration: Concentration
    no_follow_up: NoFollowUp

    def distribution(self, dimension: Dimension) -> Distribution:
        return next(found for found in self.distributions if found.dimension == dimension)
