"""The pieces of a chart as the SVG template draws them, and the text and number arithmetic, the
legend and the label spacing the layouts in :mod:`web.shared.charts` share. Import from
``web.shared.charts``; this module only keeps that one small."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

Number = Decimal | int | float
ELLIPSIS = "…"
BROAD = frozenset("%@#&MWmw")  # Latin glyphs nearly an em wide
GAP = 6.0  # between a chart's parts: labels, plot, legend


@dataclass(frozen=True)
class Series:
    name: str
    color: str


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str
    anchor: str = "start"  # SVG text-anchor


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class ReferenceMark:
    line: Line
    label: Label
    title: str


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    color: str
    label: Label  # the (maybe shortened) label, left of the bar
    value: Label  # the value's text, just after the bar
    title: str  # the whole label and value


@dataclass(frozen=True)
class BarChart:
    width: float
    height: float
    font_size: float
    bars: tuple[Bar, ...]
    reference: ReferenceMark | None

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width:g} {self.height:g}"

    @property
    def empty(self) -> bool:
        return not self.bars


@dataclass(frozen=True)
class Segment:
    x: float
    y: float
    width: float
    height: float
    color: str


@dataclass(frozen=True)
class Column:
    segments: tuple[Segment, ...]  # bottom up; parts worth zero are left out
    label: Label | None  # under the column; None where labels are thinned out to stay legible
    value: Label | None  # above the column; None when it would not fit (it is in the title)
    title: str


@dataclass(frozen=True)
class Tick:
    line: Line
    label: Label


@dataclass(frozen=True)
class LegendEntry:
    x: float
    y: float
    size: float
    color: str
    label: Label


@dataclass(frozen=True)
class ColumnChart:
    width: float
    height: float
    font_size: float
    columns: tuple[Column, ...]
    ticks: tuple[Tick, ...]
    axis: Line
    reference: ReferenceMark | None
    legend: tuple[LegendEntry, ...]

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width:g} {self.height:g}"

    @property
    def empty(self) -> bool:
        return not self.columns


# ----------------------------------------------------------------------------- text
def char_width(char: str, font_size: float) -> float:
    """Wide, full-width and ambiguous characters (CJK, "…") take an em, "%" or "M" nearly; the
    rest (digits, most letters) about 0.6 em. Estimates err on the wide side."""
    if unicodedata.east_asian_width(char) in ("W", "F", "A"):
        return font_size
    return font_size * (0.9 if char in BROAD else 0.6)


def text_width(text: str, font_size: float) -> float:
    return sum(char_width(char, font_size) for char in text)


def truncate(text: str, room: float, font_size: float) -> str:
    """``text`` if it fits ``room``, else as much of it as fits followed by "…"."""
    if text_width(text, font_size) <= room:
        return text
    budget, used, kept = room - char_width(ELLIPSIS, font_size), 0.0, []
    for char in text:
        used += char_width(char, font_size)
        if used > budget:
            break
        kept.append(char)
    return "".join(kept).rstrip() + ELLIPSIS


def centred_start(text: str, centre: float, font_size: float, low: float, high: float) -> float:
    """Where text centred on ``centre`` starts, moved to stay between ``low`` and ``high``."""
    width = text_width(text, font_size)
    return rounded(max(low, min(centre - width / 2, high - width)))


# ----------------------------------------------------------------------------- numbers
def plain(value: Number) -> str:
    """A number as people write it: 1,200 or 2.5 (no trailing zeros, no exponent)."""
    number = Decimal(str(value))
    if number == number.to_integral_value():
        return f"{int(number):,}"
    return f"{number.normalize():,f}"


def magnitude(value: Number) -> float:
    """What a mark's size follows: the value, with negatives and non-numbers as zero."""
    number = float(value)
    return number if math.isfinite(number) and number > 0 else 0.0


def integral(value: Number) -> bool:
    number = Decimal(str(value))
    return number.is_finite() and number == number.to_integral_value()


def nice_scale(maximum: float, *, integer: bool = False, max_ticks: int = 5) -> tuple[float, float]:
    """The axis' top and tick step: a round step (1, 2, 2.5 or 5 × 10ⁿ; whole numbers for
    counts) and the smallest multiple of it that reaches ``maximum`` (1 when there is nothing)."""
    maximum = maximum if maximum > 0 else 1.0
    rough = maximum / max_ticks
    exponent = 10.0 ** math.floor(math.log10(rough))
    factors = (1.0, 2.0, 5.0, 10.0) if integer else (1.0, 2.0, 2.5, 5.0, 10.0)
    step = next(factor * exponent for factor in factors if factor * exponent >= rough * (1 - 1e-9))
    if integer:
        step = max(1.0, float(round(step)))
    return step * math.ceil(maximum / step - 1e-9), step


def rounded(value: float) -> float:
    """Coordinates to a hundredth: exact enough to draw, short in the page."""
    return round(value, 2)


# ----------------------------------------------------------------------------- labels and legend
def label_spacing(labels: Sequence[str], slot: float, font_size: float) -> int:
    """Label every n-th column, counted back from the newest, so labels never overlap."""
    wanted = min(max((text_width(label, font_size) for label in labels), default=0.0) + 4, 72.0)
    every = 1
    while slot * every < wanted and every < len(labels):
        every += 1
    return every


def legend_of(
    series: Sequence[Series], width: float, height: float, font_size: float
) -> tuple[tuple[LegendEntry, ...], float]:
    """Swatches and names along the chart's bottom edge, wrapping to another row when one is full;
    and the height the legend takes."""
    size, row_height = font_size - 1, font_size + GAP
    placed: list[tuple[float, int, Series]] = []
    x, row = 0.0, 0
    for part in series:
        needed = size + 4 + text_width(part.name, font_size) + 12
        if x > 0 and x + needed > width:
            x, row = 0.0, row + 1
        placed.append((x, row, part))
        x += needed
    taken = (row + 1) * row_height
    return tuple(
        LegendEntry(
            rounded(x),
            rounded(height - taken + row * row_height + 3),
            size,
            part.color,
            Label(rounded(x + size + 4), rounded(height - taken + row * row_height + 2 + size), part.name),
        )
        for x, row, part in placed
    ), taken
