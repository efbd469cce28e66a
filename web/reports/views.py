"""The customer distribution report as people read it: row labels in the reader's language, the
charts of the page, the quarters the picker offers. Shared by the page and the CSV/XLSX export,
so both name things the same way."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from schemas.kernel.errors import N_
from schemas.kernel.i18n import gettext_
from schemas.reports import DIMENSION_LABELS, CustomerDistribution, Dimension, DistributionRow, Quarter
from web.shared import company_time
from web.shared.charts import BarChart, Datum, Reference, bar_chart
from web.shared.labels import SIZE_LABELS
from web.shared.templating import format_money

# What the page calls each dimension's section and chart.
SECTION_TITLES = {
    Dimension.team: N_("By team"),
    Dimension.owner: N_("By salesperson"),
    Dimension.region: N_("By region"),
    Dimension.industry: N_("By industry"),
    Dimension.size: N_("By size"),
}
CHART_TITLES = {
    Dimension.team: N_("Revenue by team"),
    Dimension.owner: N_("Revenue by salesperson"),
    Dimension.region: N_("Revenue by region"),
    Dimension.industry: N_("Revenue by industry"),
    Dimension.size: N_("Revenue by size"),
}
PICKER_QUARTERS = 8  # the current quarter and the seven before it


def current_quarter(timezone: str) -> Quarter:
    return Quarter.of(company_time.today(timezone))


def quarter_or_current(timezone: str, quarter: str | None) -> str:
    return quarter.strip() if quarter and quarter.strip() else str(current_quarter(timezone))


def dimension_label(dimension: Dimension) -> str:
    return gettext_(DIMENSION_LABELS[dimension])


def row_label(dimension: Dimension, row: DistributionRow) -> str:
    """A row's name: the team, the person, the region...; the pool and missing values named."""
    if dimension == Dimension.owner and row.key is None:
        return gettext_("Unassigned pool")
    if dimension == Dimension.team and row.key is None:
        return gettext_("No team")
    if dimension == Dimension.size and row.label in SIZE_LABELS:
        return gettext_(SIZE_LABELS[row.label])
    return row.label or gettext_("Not set")


def percent(value: Decimal) -> str:
    return f"{value}%"


def money_and_share(revenue: Decimal, share: Decimal) -> str:
    return f"{format_money(revenue)} · {percent(share)}"


def charts(report: CustomerDistribution) -> dict[str, BarChart]:
    """One revenue chart per dimension, then the concentration: the quarter's share per
    salesperson, the top customers, and the trailing share against the risk rule's threshold."""
    found = {
        dimension.value: bar_chart(
            [
                Datum(row_label(dimension, row), row.revenue, money_and_share(row.revenue, row.share_pct))
                for row in report.distribution(dimension).rows
            ]
        )
        for dimension in Dimension
    }
    concentration = report.concentration
    found["salespeople"] = bar_chart(
        [Datum(person.name, person.share_pct, percent(person.share_pct)) for person in concentration.salespeople]
    )
    found["top_customers"] = bar_chart(
        [
            Datum(customer.name, customer.share_pct, percent(customer.share_pct))
            for customer in concentration.top_customers
        ]
    )
    trailing = concentration.trailing
    threshold = gettext_("Threshold %(share)s", share=percent(trailing.threshold_pct))
    found["trailing"] = bar_chart(
        [Datum(person.name, person.share_pct, percent(person.share_pct)) for person in trailing.salespeople],
        reference=Reference(trailing.threshold_pct, threshold),
    )
    return found


def picker_quarters(timezone: str, shown: str) -> list[str]:
    """The quarters offered in the picker, newest first, always including the one shown."""
    quarter = current_quarter(timezone)
    offered = []
    for _ in range(PICKER_QUARTERS):
        offered.append(str(quarter))
        quarter = quarter.previous
    return offered if shown in offered else [*offered, shown]


def company_day(moment: datetime, timezone: str, *, exclusive_end: bool = False) -> date:
    """The company date of an instant; of the instant before it when it ends a range."""
    return ((moment - timedelta(microseconds=1)) if exclusive_end else moment).astimezone(ZoneInfo(timezone)).date()


def page_context(report: CustomerDistribution) -> dict[str, Any]:
    trailing = report.concentration.trailing
    return {
        "report": report,
        "dimensions": list(Dimension),
        "section_titles": SECTION_TITLES,
        "chart_titles": CHART_TITLES,
        "charts": charts(report),
        "row_label": row_label,
        "dimension_label": dimension_label,
        "percent": percent,
        "quarters": picker_quarters(report.timezone, report.quarter),
        "trailing_from": company_day(trailing.since, report.timezone),
        "trailing_to": company_day(trailing.until, report.timezone, exclusive_end=True),
        "pager_query": f"&quarter={report.quarter}#no-follow-up",
    }
