"""The chart layouts (web/shared/charts.py) as arithmetic, and the SVG the macros draw from them."""

from __future__ import annotations

import itertools
import re
from decimal import Decimal

import pytest

from web.shared.chart_parts import nice_scale
from web.shared.charts import (
    BOLD,
    Datum,
    Reference,
    Series,
    Stack,
    bar_chart,
    column_chart,
    stacked_column_chart,
    text_width,
    truncate,
)
from web.shared.templating import templates

WEEKS = [f"10-{day:02d}" for day in range(1, 13)]


def draw(macro: str, chart: object, label: str = "图表") -> str:
    source = f'{{% from "partials/charts.html" import {macro} %}}{{{{ {macro}(chart, label) }}}}'
    return templates.env.from_string(source).render(chart=chart, label=label)


# ----------------------------------------------------------------------------- horizontal bars
def test_bars_are_as_long_as_their_values_and_the_largest_fills_the_area() -> None:
    chart = bar_chart(
        [
            Datum("华南", Decimal("3000.00"), "¥3,000.00"),
            Datum("华东", Decimal("1500.00"), "¥1,500.00"),
            Datum("华北", 0, "¥0.00"),
        ]
    )
    south, east, north = chart.bars
    assert south.width == pytest.approx(2 * east.width, abs=0.02) and north.width == 0
    assert south.x == east.x == north.x, "bars start in one column"
    assert south.value.x == pytest.approx(south.x + south.width + 4, abs=0.02), "the value follows its bar"
    assert south.value.x + text_width("¥3,000.00", chart.font_size) <= chart.width, "the value stays inside"
    assert [bar.title for bar in chart.bars] == ["华南: ¥3,000.00", "华东: ¥1,500.00", "华北: ¥0.00"]
    assert south.y < east.y < north.y and chart.height >= north.y + north.height
    assert chart.view_box == f"0 0 {chart.width:g} {chart.height:g}"


def test_one_bar_spans_the_whole_bar_area() -> None:
    (only,) = bar_chart([Datum("张伟", 7)], width=300).bars
    assert only.value.text == "7"
    value_room = text_width("7", 12) * BOLD + 6
    assert only.x + only.width + value_room == pytest.approx(300, abs=0.05), "the bar leaves room for its value only"


def test_a_long_chinese_label_is_shortened_and_kept_whole_in_the_title() -> None:
    name = "广东省佛山市顺德区美达电器制造有限公司华南区域分公司"
    chart = bar_chart([Datum(name, 1), Datum("东莞", 2)], width=360)
    shown = chart.bars[0].label.text
    assert shown.endswith("…") and name.startswith(shown[:-1]) and len(shown) < len(name)
    assert text_width(shown, 12) <= 360 * 0.38, "the label keeps to its column"
    assert chart.bars[0].title == f"{name}: 1"
    assert chart.bars[1].label.text == "东莞", "short labels are left alone"
    assert chart.bars[0].x >= text_width(shown, 12), "bars start after the labels"


def test_all_zero_no_data_and_negative_values_draw_without_failing() -> None:
    zeros = bar_chart([Datum("A", 0), Datum("B", Decimal("0.00"))])
    assert [bar.width for bar in zeros.bars] == [0, 0] and not zeros.empty
    nothing = bar_chart([])
    assert nothing.empty and nothing.bars == () and nothing.height > 0
    refund = bar_chart([Datum("退款", Decimal("-50"), "-¥50.00"), Datum("销售", 100)])
    assert refund.bars[0].width == 0 and refund.bars[0].value.text == "-¥50.00", "drawn as zero, said as given"


def test_a_reference_line_sits_at_its_value_and_widens_the_scale_when_above_every_bar() -> None:
    chart = bar_chart([Datum("张伟", 30), Datum("李娜", 10)], reference=Reference(15, "阈值 15%"))
    first = chart.bars[0]
    mark = chart.reference
    assert mark is not None and mark.title == "阈值 15%"
    assert mark.line.x1 == mark.line.x2 == pytest.approx(first.x + first.width / 2, abs=0.02)
    assert mark.line.y1 < first.y and mark.line.y2 > chart.bars[1].y + chart.bars[1].height
    assert 0 <= mark.label.x <= chart.width - text_width("阈值 15%", 12)
    high = bar_chart([Datum("张伟", 5)], reference=Reference(10, "10"))
    assert high.reference is not None and high.reference.line.x1 == pytest.approx(
        high.bars[0].x + 2 * high.bars[0].width, abs=0.02
    )


# ----------------------------------------------------------------------------- columns
def test_twelve_weeks_of_counts_with_a_baseline() -> None:
    counts = [6, 5, 7, 4, 6, 5, 8, 6, 5, 3, 1, 0]
    chart = column_chart(
        [Datum(week, count) for week, count in zip(WEEKS, counts, strict=True)], reference=Reference(5, "基线 5/周")
    )
    assert len(chart.columns) == 12 and not chart.empty
    assert [tick.label.text for tick in chart.ticks] == ["0", "2", "4", "6", "8"], "whole numbers for counts"
    base = chart.axis.y1
    heights = [sum(s.height for s in column.segments) for column in chart.columns]
    unit = heights[0] / 6
    assert heights == pytest.approx([count * unit for count in counts], abs=0.05)
    assert chart.columns[-1].segments == (), "a zero week has no column"
    assert [column.value.text for column in chart.columns if column.value] == [str(c) for c in counts]
    assert chart.reference is not None
    assert chart.reference.line.y1 == pytest.approx(base - 5 * unit, abs=0.05)
    assert chart.reference.label.text == "基线 5/周" and chart.reference.label.anchor == "end"
    lefts = [column.segments[0].x for column in chart.columns if column.segments]
    assert lefts == sorted(lefts) and lefts[0] > chart.ticks[0].label.x, "oldest first, right of the axis"
    assert all(
        column.segments[0].y + column.segments[0].height == pytest.approx(base, abs=0.02)
        for column in chart.columns
        if column.segments
    )


def test_crowded_labels_are_thinned_keeping_the_newest() -> None:
    labels = [f"2026-{month:02d}" for month in range(1, 13)]
    chart = column_chart([Datum(label, index) for index, label in enumerate(labels)], width=300)
    shown = [column.label for column in chart.columns]
    assert shown[-1] is not None and shown[-1].text == "2026-12"
    assert any(label is None for label in shown), "not every month fits at phone width"
    placed = [label for label in shown if label is not None]
    for left, right in itertools.pairwise(placed):
        assert left.x + text_width(left.text, chart.font_size) <= right.x, "labels never overlap"
    assert all(0 <= label.x <= chart.width - text_width(label.text, chart.font_size) for label in placed)


def test_money_columns_get_round_ticks_and_values_that_do_not_fit_stay_in_the_title() -> None:
    values = ["120000.50", "98000", "0", "150000", "175000.25", "60000"]
    months = [Datum(f"{m}月", Decimal(value), f"¥{Decimal(value):,.2f}") for m, value in enumerate(values, start=1)]
    chart = column_chart(months, width=360, tick_text=lambda value: f"{value / 10000:g}万")
    assert [tick.label.text for tick in chart.ticks] == ["0万", "5万", "10万", "15万", "20万"]
    assert [column.value.text if column.value else None for column in chart.columns] == [
        None,
        None,
        "¥0.00",
        None,
        None,
        None,
    ], "¥175,000.25 is wider than its column; ¥0.00 is not"
    assert chart.columns[4].title == "5月: ¥175,000.25"


def test_all_zero_weeks_and_no_weeks() -> None:
    zeros = column_chart([Datum(week, 0) for week in WEEKS])
    assert [tick.label.text for tick in zeros.ticks] == ["0", "1"]
    assert all(column.segments == () for column in zeros.columns)
    nothing = column_chart([])
    assert nothing.empty and nothing.columns == ()


def test_stacked_columns_split_by_severity_with_a_legend() -> None:
    series = [Series("高", "#b3261e"), Series("中", "#e08a1e"), Series("低", "#5f7d95")]
    weeks = [Stack("W1", (1, 2, 0)), Stack("W2", (0, 0, 0)), Stack("W3", (3, 1, 2))]
    chart = stacked_column_chart(weeks, series)
    first, empty, third = chart.columns
    assert [s.color for s in first.segments] == ["#b3261e", "#e08a1e"], "zero parts are left out"
    low, mid = first.segments
    assert mid.y + mid.height == pytest.approx(low.y, abs=0.02), "stacked bottom up without gaps"
    assert sum(s.height for s in third.segments) == pytest.approx(2 * sum(s.height for s in first.segments), abs=0.05)
    assert empty.segments == () and empty.value is not None and empty.value.text == "0"
    assert third.title == "W3: 6 (高 3, 中 1, 低 2)"
    assert [entry.label.text for entry in chart.legend] == ["高", "中", "低"]
    assert all(entry.y > chart.axis.y1 for entry in chart.legend), "the legend sits under the axis"
    with pytest.raises(ValueError):
        stacked_column_chart([Stack("W1", (1, 2))], series)


def test_a_legend_wraps_at_phone_width() -> None:
    series = [Series(f"很长的系列名称第{n}项", "#1f5fa8") for n in range(5)]
    chart = stacked_column_chart([Stack("W1", (1, 1, 1, 1, 1))], series, width=320)
    rows = sorted({entry.y for entry in chart.legend})
    assert len(rows) > 1
    assert all(entry.label.x + text_width(entry.label.text, chart.font_size) <= 320 for entry in chart.legend)


@pytest.mark.parametrize(
    ("maximum", "integer", "expected"),
    [
        (3, True, (3, 1)),
        (12, True, (15, 5)),
        (0, True, (1, 1)),
        (0.4, False, (0.4, 0.1)),
        (1234567.89, False, (1250000, 250000)),
        (100, False, (100, 20)),
    ],
)
def test_round_axis_steps(maximum: float, integer: bool, expected: tuple[float, float]) -> None:
    assert nice_scale(maximum, integer=integer) == pytest.approx(expected)


def test_truncation_never_exceeds_its_room() -> None:
    for room in (0, 10, 25, 50, 100):
        short = truncate("中文English混合的很长很长的名称", room, 12)
        assert text_width(short, 12) <= max(room, text_width("…", 12))


# ----------------------------------------------------------------------------- the drawing
def test_the_svg_is_accessible_static_and_scales() -> None:
    chart = bar_chart([Datum("华南区工业客户团队<b>", 3, "¥3.00"), Datum("华东", 1)])
    svg = draw("bar_chart", chart, "按团队的收入")
    assert svg.startswith("<svg") and 'role="img"' in svg and 'aria-label="按团队的收入"' in svg
    assert "<title>按团队的收入</title>" in svg and f'viewBox="{chart.view_box}"' in svg and 'width="100%"' in svg
    assert "<title>华南区工业客户团队&lt;b&gt;: ¥3.00</title>" in svg, "labels are escaped"
    assert "¥3.00</text>" in svg and svg.count("<rect") == 2
    assert "<script" not in svg and " on" not in re.sub(r'"[^"]*"', '""', svg), "no JavaScript"


def test_columns_draw_ticks_reference_and_legend() -> None:
    series = [Series("高", "#b3261e"), Series("低", "#5f7d95")]
    chart = stacked_column_chart([Stack("W1", (1, 2)), Stack("W2", (0, 1))], series, reference=Reference(2, "基线 2"))
    svg = draw("column_chart", chart, "每周预警")
    assert 'aria-label="每周预警"' in svg and "<title>W1: 3 (高 1, 低 2)</title>" in svg
    assert 'stroke-dasharray="4 3"' in svg and "基线 2</text>" in svg
    assert svg.count('fill="#b3261e"/>') == 2, "one segment and one legend swatch"


def test_an_empty_chart_says_there_is_nothing() -> None:
    assert "没有可显示的数据" in draw("bar_chart", bar_chart([]))
    assert "没有可显示的数据" in draw("column_chart", column_chart([]))
