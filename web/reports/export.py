"""The customer distribution report as files people open in Excel: CSV (UTF-8 with BOM, so Excel
reads the Chinese names; one section after another, each with its title and header row) and XLSX
(one sheet per section). Headers and row names are in the reader's language, amounts are numbers
to the fen, shares are percentages with two decimals."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from openpyxl import Workbook

from schemas.kernel.i18n import gettext_
from schemas.reports import CustomerDistribution, Dimension
from web.reports.views import SECTION_TITLES, company_day, dimension_label, row_label

Cell = str | int | Decimal | date | None
EXPORT_CAP = 10_000  # customers without follow-up listed in a file; the count covers them all


@dataclass(frozen=True)
class Section:
    title: str
    header: list[str]
    rows: list[list[Cell]]


def sections(report: CustomerDistribution) -> list[Section]:
    money, share = gettext_("Revenue (CNY)"), gettext_("Share of revenue (%)")
    found = [
        Section(
            gettext_("Summary"),
            [
                gettext_("Quarter"),
                gettext_("From"),
                gettext_("End date"),
                gettext_("Customers"),
                gettext_("Customers who ordered"),
                money,
            ],
            [[report.quarter, report.starts_on, report.ends_on, report.customers, report.ordered, report.revenue]],
        )
    ]
    for dimension in Dimension:
        found.append(
            Section(
                gettext_(SECTION_TITLES[dimension]),
                [dimension_label(dimension), gettext_("Customers"), gettext_("Customers who ordered"), money, share],
                [
                    [row_label(dimension, row), row.customers, row.ordered, row.revenue, row.share_pct]
                    for row in report.distribution(dimension).rows
                ],
            )
        )
    concentration = report.concentration
    found.append(
        Section(
            gettext_("Revenue concentration"),
            [gettext_("Salesperson"), money, share],
            [[person.name, person.revenue, person.share_pct] for person in concentration.salespeople],
        )
    )
    top: list[list[Cell]] = [[c.name, c.revenue, c.share_pct] for c in concentration.top_customers]
    top += [
        [gettext_("Top 10 customers' share"), None, concentration.top10_share_pct],
        [gettext_("Largest customer's share"), None, concentration.largest_customer_share_pct],
    ]
    found.append(Section(gettext_("Top 10 customers"), [gettext_("Customer"), money, share], top))
    trailing = concentration.trailing
    window = gettext_(
        "%(from)s to %(to)s",
        **{
            "from": company_day(trailing.since, report.timezone).isoformat(),
            "to": company_day(trailing.until, report.timezone, exclusive_end=True).isoformat(),
        },
    )
    people: list[list[Cell]] = [
        [p.name, p.revenue, p.share_pct, gettext_("Yes") if p.above_threshold else gettext_("No")]
        for p in trailing.salespeople
    ]
    people.append([gettext_("Period"), window])
    found.append(
        Section(
            gettext_("Share of company revenue, last %(months)s months", months=trailing.months),
            [
                gettext_("Salesperson"),
                money,
                gettext_("Share of company revenue (%)"),
                gettext_("Above the %(share)s%% threshold", share=trailing.threshold_pct),
            ],
            people,
        )
    )
    silent = report.no_follow_up
    rows: list[list[Cell]] = [
        [
            c.name,
            c.owner_name,
            c.team_name or "",
            company_day(c.last_contact_at, report.timezone) if c.last_contact_at else gettext_("Never contacted"),
        ]
        for c in silent.customers
    ]
    if silent.count > len(silent.customers):
        rows.append([gettext_("%(shown)s of %(count)s listed", shown=len(silent.customers), count=silent.count)])
    found.append(
        Section(
            gettext_("Customers without follow-up"),
            [gettext_("Customer"), gettext_("Salesperson"), gettext_("Team"), gettext_("Last contact")],
            rows,
        )
    )
    return found


def as_csv(parts: Sequence[Section]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for index, section in enumerate(parts):
        if index:
            writer.writerow([])
        writer.writerow([section.title])
        writer.writerow(section.header)
        writer.writerows([_text(cell) for cell in row] for row in section.rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def as_xlsx(parts: Sequence[Section]) -> bytes:
    book = Workbook(write_only=True)
    used: set[str] = set()
    for section in parts:
        sheet = book.create_sheet(_sheet_name(section.title, used))
        sheet.append(section.header)
        for row in section.rows:
            sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _text(cell: Cell) -> str:
    if cell is None:
        return ""
    return cell.isoformat() if isinstance(cell, date) else str(cell)


def _sheet_name(title: str, used: set[str]) -> str:
    """Excel allows 31 characters and none of []:*?/\\ in a sheet's name, each name once."""
    name = "".join("-" if char in "[]:*?/\\" else char for char in title)[:31]
    candidate, number = name, 2
    while candidate in used:
        candidate = f"{name[:28]} {number}"
        number += 1
    used.add(candidate)
    return candidate
