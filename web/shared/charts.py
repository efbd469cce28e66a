"""Server-rendered SVG charts: the layouts. ``templates/partials/charts.html`` draws the result.

Pure functions: numbers in, coordinates out, nothing rendered here, so a chart is tested as
arithmetic and every page draws charts the same way. A chart is laid out in a fixed coordinate
system (``view_box``) that the browser scales to the width it is given, so it fits a phone as well
as a desk, with no JavaScript. Use::

    chart = bar_chart([Datum("华南区", revenue, format_money(revenue)), ...])
    {% from "partials/charts.html" import bar_chart %}{{ bar_chart(chart, _("Revenue by team")) }}

- Values are amounts, counts and shares, never below zero: a negative (or non-finite) value is
  drawn as zero, while its text (formatted by the caller, in the reader's language and unit) is
  shown as given. All-zero data draws empty bars on a 0–1 scale; no data at all is ``empty``.
- Text widths are estimated (a CJK character is one em, others 0.6 em), so long labels are cut
  with "…" to their room; the whole label and value are in each mark's <title>.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from web.shared.chart_parts import (
    GAP,
    Bar,
    BarChart,
    Column,
    ColumnChart,
    Label,
    LegendEntry,
    Line,
    Number,
    ReferenceMark,
    Segment,
    Series,
    Tick,
    centred_start,
    integral,
    label_spacing,
    legend_of,
    magnitude,
    nice_scale,
    plain,
    rounded,
    text_width,
    truncate,
)

__all__ = [
    "PALETTE",
    "Bar",
    "BarChart",
    "Column",
    "ColumnChart",
    "Datum",
    "Label",
    "LegendEntry",
    "Line",
    "Reference",
    "ReferenceMark",
    "Segment",
    "Series",
    "Stack",
    "Tick",
    "bar_chart",
    "column_chart",
    "plain",
    "stacked_column_chart",
    "text_width",
    "truncate",
]

PALETTE = ("#1f5fa8", "#e08a1e", "#2e8b57", "#b3261e", "#6a4c93", "#5f7d95")
BOLD = 1.1  # values are drawn in bold, a little wider than the estimate


@dataclass(frozen=True)
class Datum:
    """One bar or column: its label, its value, and the value as the reader should see it."""

    label: str
    value: Number
    text: str = ""  # e.g. "¥1,200.00" or "35.50%"; empty → the plain number


@dataclass(frozen=True)
class Stack:
    """One stacked column: a value per series, in the series' order, and the total's text."""

    label: str
    values: tuple[Number, ...]
    text: str = ""


@dataclass(frozen=True)
class Reference:
    """A threshold or baseline across the chart, e.g. "baseline 5/week" or "threshold 15%"."""

    value: Number
    label: str


# ----------------------------------------------------------------------------- horizontal bars
def bar_chart(
    data: Sequence[Datum],
    *,
    width: float = 360,
    row_height: float = 24,
    font_size: float = 12,
    color: str = PALETTE[0],
    reference: Reference | None = None,
    label_share: float = 0.38,
) -> BarChart:
    """Label → value as horizontal bars (revenue by team, share by salesperson); the largest value
    (or the reference, when larger) spans the bar area. Labels take at most ``label_share`` of the
    width; the values' texts always fit whole (the chart widens for very long ones)."""
    texts = [datum.text or plain(datum.value) for datum in data]
    label_room = min(max((text_width(d.label, font_size) for d in data), default=0.0), width * label_share)
    value_room = max((text_width(text, font_size) for text in texts), default=0.0) * BOLD + GAP
    left = label_room + GAP if label_room else 0.0
    area = max(width - left - value_room, width * 0.3)
    width = max(width, left + area + value_room)
    top = font_size + GAP if reference else 4.0
    scale = max([magnitude(d.value) for d in data] + [magnitude(reference.value) if reference else 0.0]) or 1.0
    bar_height = max(row_height - 8, 4.0)
    bars = []
    for index, (datum, text) in enumerate(zip(data, texts, strict=True)):
        row = top + index * row_height
        length = area * magnitude(datum.value) / scale
        baseline = rounded(row + row_height / 2 + font_size * 0.35)
        bars.append(
            Bar(
                x=rounded(left),
                y=rounded(row + (row_height - bar_height) / 2),
                width=rounded(length),
                height=rounded(bar_height),
                color=color,
                label=Label(0.0, baseline, truncate(datum.label, label_room, font_size)),
                value=Label(rounded(left + length + 4), baseline, text),
                title=f"{datum.label}: {text}",
            )
        )
    height = top + max(len(data), 1) * row_height + 4
    mark = None
    if reference is not None:
        x = rounded(left + area * magnitude(reference.value) / scale)
        start = centred_start(reference.label, x, font_size, 0.0, width)
        mark = ReferenceMark(
            Line(x, rounded(top - 2), x, rounded(height - 2)),
            Label(start, rounded(font_size), reference.label),
            reference.label,
        )
    return BarChart(width=rounded(width), height=rounded(height), font_size=font_size, bars=tuple(bars), reference=mark)


# ----------------------------------------------------------------------------- columns over time
def column_chart(
    data: Sequence[Datum],
    *,
    color: str = PALETTE[0],
    width: float = 360,
    height: float = 220,
    font_size: float = 11,
    reference: Reference | None = None,
    tick_text: Callable[[float], str] | None = None,
) -> ColumnChart:
    """One value per period (weekly counts, monthly revenue) as columns, oldest first."""
    stacks = [Stack(datum.label, (datum.value,), datum.text) for datum in data]
    return stacked_column_chart(
        stacks,
        [Series("", color)],
        width=width,
        height=height,
        font_size=font_size,
        reference=reference,
        tick_text=tick_text,
    )


def stacked_column_chart(
    stacks: Sequence[Stack],
    series: Sequence[Series],
    *,
    width: float = 360,
    height: float = 220,
    font_size: float = 11,
    reference: Reference | None = None,
    tick_text: Callable[[float], str] | None = None,
) -> ColumnChart:
    """Columns split by series (alerts per week by severity) with a legend when there are two or
    more series, an axis of round ticks (whole numbers when every value is whole; ``tick_text``
    formats them) and an optional horizontal reference line."""
    if any(len(stack.values) != len(series) for stack in stacks):
        raise ValueError("every stack needs one value per series")
    totals = [sum(magnitude(value) for value in stack.values) for stack in stacks]
    numbers = [value for stack in stacks for value in stack.values] + ([reference.value] if reference else [])
    highest = max([*totals, magnitude(reference.value) if reference else 0.0])
    top_value, step = nice_scale(highest, integer=all(integral(number) for number in numbers))
    tick_values = [round(step * index, 10) for index in range(round(top_value / step) + 1)]
    tick_texts = [tick_text(value) if tick_text else plain(value) for value in tick_values]
    legend, legend_height = legend_of(series, width, height, font_size) if len(series) > 1 else ((), 0.0)
    plot_top, plot_bottom = font_size + GAP, height - font_size - GAP - legend_height
    plot_left, plot_right = max(text_width(text, font_size) for text in tick_texts) + GAP, width - 2

    def y_of(value: float) -> float:
        return plot_bottom - (plot_bottom - plot_top) * value / top_value

    ticks = tuple(
        Tick(
            Line(rounded(plot_left), rounded(y_of(value)), rounded(plot_right), rounded(y_of(value))),
            Label(rounded(plot_left - 4), rounded(y_of(value) + font_size * 0.35), text, "end"),
        )
        for value, text in zip(tick_values, tick_texts, strict=True)
    )
    slot = (plot_right - plot_left) / max(len(stacks), 1)
    bar_width = min(slot * 0.7, 48.0)
    every = label_spacing([stack.label for stack in stacks], slot, font_size)
    columns = []
    for index, (stack, total) in enumerate(zip(stacks, totals, strict=True)):
        left = plot_left + slot * index + (slot - bar_width) / 2
        centre = left + bar_width / 2
        segments, below = [], 0.0
        for value, part in zip(stack.values, series, strict=True):
            if magnitude(value) > 0:
                above = below + magnitude(value)
                segments.append(
                    Segment(
                        rounded(left),
                        rounded(y_of(above)),
                        rounded(bar_width),
                        rounded(y_of(below) - y_of(above)),
                        part.color,
                    )
                )
                below = above
        text = stack.text or plain(total)
        fits = text_width(text, font_size) <= slot - 2
        shown = Label(rounded(centre), rounded(y_of(total) - 3), text, "middle") if fits else None
        label = None
        if (len(stacks) - 1 - index) % every == 0:
            short = truncate(stack.label, slot * every - 4, font_size)
            label = Label(
                centred_start(short, centre, font_size, 0.0, width), rounded(plot_bottom + font_size + 3), short
            )
        parts = ", ".join(f"{part.name} {plain(value)}" for value, part in zip(stack.values, series, strict=True))
        title = f"{stack.label}: {text}" + (f" ({parts})" if len(series) > 1 else "")
        columns.append(Column(tuple(segments), label, shown, title))
    mark = None
    if reference is not None:
        y = rounded(y_of(magnitude(reference.value)))
        label_y = y - 3 if y - 3 >= font_size else y + font_size + 1
        mark = ReferenceMark(
            Line(rounded(plot_left), y, rounded(plot_right), y),
            Label(rounded(plot_right), rounded(label_y), reference.label, "end"),
            reference.label,
        )
    return ColumnChart(
        width=rounded(width),
        height=rounded(height),
        font_size=font_size,
        columns=tuple(columns),
        ticks=ticks,
        axis=Line(rounded(plot_left), rounded(plot_bottom), rounded(plot_right), rounded(plot_bottom)),
        reference=mark,
        legend=legend,
    )
