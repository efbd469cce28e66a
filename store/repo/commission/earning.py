"""The hot loop of a settlement: what each payment earns, walking its seller up the tier ladder.

A month may hold a million payments, so this is written for speed: plain integers, one pass in
the order money came in, each seller's current tier remembered so most payments cost one
multiplication. The arithmetic is exactly :class:`schemas.commission_math.Ladder`'s.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from schemas.commission import LineKind
from schemas.commission_math import RATE_SCALE, Ladder

EARNED, HELD = LineKind.earned.value, LineKind.held.value
HALF = RATE_SCALE // 2
Shares = dict[int, tuple[int, list[tuple[int, int]]]]  # order → (total fen, [(flat rate, line fen)])
EarnedLine = tuple[int, int, str, int, int]  # seller, payment, kind, amount fen, commission fen


class EarningPass:
    def __init__(self, ladder: Ladder, shares: Shares, owed: set[int]) -> None:
        self.ladder = ladder
        self.shares = shares
        self.owed = owed
        self.position: dict[int, int] = defaultdict(int)  # seller → collected on the ladder so far
        self.collected: dict[int, int] = defaultdict(int)
        self.gross: dict[int, int] = defaultdict(int)
        self.held: dict[int, int] = defaultdict(int)
        self.lines: dict[int, list[EarnedLine]] = defaultdict(list)  # seller → lines in paid order
        self._tier_end: dict[int, int] = {}  # seller → where their current tier ends
        self._tier_rate: dict[int, int] = {}

    def earn(self, rows: Iterable[tuple[int, int, int, int]]) -> None:
        """(payment, order, seller, fen) in paid order → one line each, kept by seller."""
        lines = self.lines
        position, tier_end, tier_rate = self.position, self._tier_end, self._tier_rate
        shares, owed, collected, gross, held = self.shares, self.owed, self.collected, self.gross, self.held
        for payment_id, order_id, seller, fen in rows:
            on_ladder, units = fen, 0
            if shares and order_id in shares:
                on_ladder, units = _flat_part(shares[order_id], fen)
            start = position[seller]
            end = start + on_ladder
            position[seller] = end
            if end <= tier_end.get(seller, -1):
                units += tier_rate[seller] * on_ladder
            else:
                units += self._climb(seller, start, end)
            commission = (units + HALF) // RATE_SCALE
            collected[seller] += fen
            gross[seller] += commission
            if order_id in owed:
                held[seller] += commission
                lines[seller].append((seller, payment_id, HELD, fen, commission))
            else:
                lines[seller].append((seller, payment_id, EARNED, fen, commission))

    def _climb(self, seller: int, start: int, end: int) -> int:
        """The slow path: the payment crosses into a higher tier (or the seller's first payment)."""
        ladder = self.ladder
        tier = max(index for index, floor in enumerate(ladder.starts) if floor <= end)
        self._tier_end[seller] = ladder.starts[tier + 1] if tier + 1 < len(ladder.starts) else 1 << 62
        self._tier_rate[seller] = ladder.rates[tier]
        return ladder.earned(start, end)


def _flat_part(share: tuple[int, list[tuple[int, int]]], fen: int) -> tuple[int, int]:
    """The services with a flat rate of their own take their share of the payment off the ladder."""
    total, parts = share
    on_ladder, units = fen, 0
    if total > 0:
        for rate, line_fen in parts:
            part = fen * line_fen // total
            on_ladder -= part
            units += rate * part
    return on_ladder, units
