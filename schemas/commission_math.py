"""The arithmetic of commission, exact and the same everywhere: periods, fen, and the tier ladder.

Money is counted in integer fen and rates in units of 1/10,000 (a rate has at most four decimals),
so a commission is first an exact integer of 1/10,000 fen and is rounded half-up to the fen once,
per line. Nothing here touches floats.
"""

from __future__ import annotations

import bisect
import re
from datetime import UTC, date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

PERIOD_PATTERN = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
RATE_SCALE = 10_000  # rates carry four decimals at most
FEN = Decimal("0.01")


def parse_period(period: str) -> date:
    """``2026-10`` → its first day; ValueError when malformed."""
    found = PERIOD_PATTERN.match(period)
    if not found or int(found.group(1)) < 2000:
        raise ValueError(period)
    return date(int(found.group(1)), int(found.group(2)), 1)


def period_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def next_period(period: str) -> str:
    first = parse_period(period)
    return period_of(date(first.year + first.month // 12, first.month % 12 + 1, 1))


def previous_period(period: str) -> str:
    first = parse_period(period)
    return period_of(date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1))


def period_bounds(period: str, timezone: str) -> tuple[datetime, datetime]:
    """The period's first instant and the next period's, in UTC: months are company months."""
    zone = ZoneInfo(timezone)
    start = datetime.combine(parse_period(period), time(0), tzinfo=zone)
    end = datetime.combine(parse_period(next_period(period)), time(0), tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def to_fen(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value(rounding=ROUND_HALF_UP))


def from_fen(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(FEN)


def to_rate_units(rate: Decimal) -> int:
    return int(rate * RATE_SCALE)


def share_of(commission_fen: int, part_fen: int, whole_fen: int) -> int:
    """``commission × part / whole`` rounded half-up to the fen: what a refund takes back of the
    commission its payment earned."""
    if whole_fen == 0:
        return 0
    numerator = abs(commission_fen) * abs(part_fen)
    rounded = (2 * numerator + abs(whole_fen)) // (2 * abs(whole_fen))
    return rounded if (commission_fen >= 0) == (part_fen >= 0) else -rounded


class Ladder:
    """Marginal tiers: each section of the employee's collected amount earns its own rate.

    ``earned(c0, c1)`` is what the collections between positions ``c0`` and ``c1`` (fen) earn,
    in 1/10,000 fen: a payment that crosses a boundary earns the lower rate below it and the
    higher rate above it.
    """

    def __init__(self, starts_fen: list[int], rate_units: list[int]) -> None:
        if not starts_fen or starts_fen[0] != 0 or len(starts_fen) != len(rate_units):
            raise ValueError("a ladder starts at 0 with one rate per tier")
        self.starts = starts_fen
        self.rates = rate_units
        self._below = [0]  # units earned by the time each tier starts
        for index in range(1, len(starts_fen)):
            self._below.append(self._below[-1] + rate_units[index - 1] * (starts_fen[index] - starts_fen[index - 1]))

    def total(self, position: int) -> int:
        tier = bisect.bisect_right(self.starts, position) - 1
        return self._below[tier] + self.rates[tier] * (position - self.starts[tier])

    def earned(self, c0: int, c1: int) -> int:
        return self.total(c1) - self.total(c0)
