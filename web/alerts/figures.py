"""The data behind an alert, as its page shows it: what each rule saw when it raised the alert
(the alert's ``detail``, see ``store/repo/alerts/rules.py``) turned into charts, tables and facts
in the reader's language.

An alert's detail is a JSON snapshot, so every figure is read defensively: a key an older scan
did not write shows as missing rather than breaking the page. Customers are linked only where the
reader may open them (a manager sees the alert of a salesperson working another team's customer,
not that customer's page).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from schemas.alerts import AlertOut, AlertRule, RuleSettings
from schemas.kernel.errors import N_
from schemas.kernel.i18n import gettext_
from store.db import Session
from store.repo.customers.visibility import Viewer, visible_customer_ids
from web.shared.charts import BarChart, ColumnChart, Datum, Reference, bar_chart, column_chart, plain
from web.shared.templating import format_money


@dataclass
class Figures:
    """What the page draws for one alert; the rule's template picks what it needs."""

    rule: str
    chart: BarChart | ColumnChart | None = None
    chart_title: str = ""
    second_chart: BarChart | None = None
    second_chart_title: str = ""
    rows: list[dict[str, Any]] = field(default_factory=list)  # the rule's main table
    groups: list[dict[str, Any]] = field(default_factory=list)  # per customer, where the rule has them
    facts: dict[str, Any] = field(default_factory=dict)
    linkable: set[int] = field(default_factory=set)  # customers the reader may open


def number(value: Any) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return Decimal(0)


def moment(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def short_day(value: str) -> str:
    """``2026-11-17`` → ``11-17`` (a column label; the year is in the table)."""
    try:
        return date.fromisoformat(value).strftime("%m-%d")
    except ValueError:
        return value


def percent(value: Any) -> str:
    return f"{number(value).normalize():f}%"


def money_tick(value: float) -> str:
    return "¥" + plain(Decimal(str(value)))


# ----------------------------------------------------------------------------- per rule
def _contact_drop(detail: dict[str, Any], settings: RuleSettings) -> Figures:
    weeks: list[dict[str, Any]] = [
        {"week_from": str(week.get("week_from", "")), "count": int(number(week.get("count")))}
        for week in detail.get("weeks") or []
    ]
    average = number(detail.get("baseline_average"))
    baseline = gettext_(N_("Baseline %(average)s a week"), average=plain(average))
    chart = column_chart(
        [Datum(short_day(week["week_from"]), week["count"]) for week in weeks], reference=Reference(average, baseline)
    )
    baseline_weeks = int(number(detail.get("baseline_weeks") or len(weeks) - 1))
    for index, week in enumerate(weeks):
        week["part"] = (
            "last" if index == len(weeks) - 1 else "baseline" if index >= len(weeks) - 1 - baseline_weeks else ""
        )
    return Figures(
        rule=AlertRule.contact_drop,
        chart=chart,
        chart_title=gettext_(N_("Contacts per week")),
        rows=weeks,
        facts={
            "last_week": int(number(detail.get("last_week"))),
            "average": plain(average),
            "baseline_weeks": baseline_weeks,
        },
    )


def _orders_declining(detail: dict[str, Any], settings: RuleSettings) -> Figures:
    months: list[dict[str, Any]] = [
        {"month": str(month.get("month", "")), "value": number(month.get("value"))}
        for month in detail.get("months") or []
    ]
    chart = column_chart(
        [Datum(month["month"], month["value"], format_money(month["value"])) for month in months], tick_text=money_tick
    )
    first = months[0] if months else None
    last = months[-1] if months else None
    return Figures(
        rule=AlertRule.orders_declining,
        chart=chart,
        chart_title=gettext_(N_("Approved orders per month")),
        rows=months,
        facts={"drop_pct": percent(detail.get("drop_pct", 0)), "first": first, "last": last},
    )


def _repeated_complaints(detail: dict[str, Any], settings: RuleSettings) -> Figures:
    complaints = [
        {"occurred_at": moment(item.get("occurred_at")), "summary": item.get("summary") or ""}
        for item in detail.get("complaints") or []
    ]
    return Figures(
        rule=AlertRule.repeated_complaints,
        rows=complaints,
        facts={"count": int(number(detail.get("count", len(complaints)))), "days": int(number(detail.get("days")))},
    )


def _unassigned_contacts(detail: dict[str, Any], settings: RuleSettings) -> Figures:
    contacts = [
        {**contact, "occurred_at": moment(contact.get("occurred_at"))} for contact in detail.get("contacts") or []
    ]
    per_customer: list[dict[str, Any]] = sorted(
        (
            {
                "customer_id": int(number(key)),
                "customer_name": str(value.get("customer_name", "")),
                "owner_name": str(value.get("owner_name", "")),
                "count": int(number(value.get("count"))),
            }
            for key, value in (detail.get("customers") or {}).items()
        ),
        key=lambda row: (-row["count"], row["customer_name"]),
    )
    chart = bar_chart([Datum(row["customer_name"], row["count"]) for row in per_customer])
    count = int(number(detail.get("count", len(contacts))))
    return Figures(
        rule=AlertRule.unassigned_contacts,
        chart=chart,
        chart_title=gettext_(N_("Contacts per customer")),
        rows=contacts,
        groups=per_customer,
        facts={
            "count": count,
            "days": int(number(detail.get("days"))),
            "listed": len(contacts),
            "more": max(count - len(contacts), 0),
        },
    )


def _revenue_concentration(detail: dict[str, Any], settings: RuleSettings) -> Figures:
    share = number(detail.get("share_pct"))
    threshold = number(settings.thresholds.get("share_pct", 0))
    line = gettext_(N_("Threshold %(share)s"), share=percent(threshold))
    chart = bar_chart(
        [Datum(gettext_(N_("Their customers' share")), share, percent(share))], reference=Reference(threshold, line)
    )
    top: list[dict[str, Any]] = [
        {
            "customer_id": int(number(row.get("customer_id"))),
            "name": str(row.get("name", "")),
            "revenue": number(row.get("revenue")),
        }
        for row in detail.get("top_customers") or []
    ]
    company = number(detail.get("company_revenue"))
    for row in top:
        row["share"] = percent(round(row["revenue"] * 100 / company, 2)) if company else "—"
    customers = bar_chart([Datum(row["name"], row["revenue"], format_money(row["revenue"])) for row in top])
    return Figures(
        rule=AlertRule.revenue_concentration,
        chart=chart,
        chart_title=gettext_(N_("Share against the threshold")),
        second_chart=customers,
        second_chart_title=gettext_(N_("Their top customers")),
        rows=top,
        facts={
            "share": percent(share),
            "threshold": percent(threshold),
            "revenue": number(detail.get("revenue")),
            "company_revenue": company,
            "months": int(number(detail.get("months"))),
            "since": detail.get("since") or "",
        },
    )


def _customer_silent(detail: dict[str, Any], settings: RuleSettings) -> Figures:
    return Figures(
        rule=AlertRule.customer_silent,
        facts={
            "silent_days": int(number(detail.get("silent_days"))),
            "days": int(number(detail.get("days"))),
            "last_interaction_at": moment(detail.get("last_interaction_at")),
            "last_order_at": moment(detail.get("last_order_at")),
        },
    )


BUILDERS: dict[AlertRule, Callable[[dict[str, Any], RuleSettings], Figures]] = {
    AlertRule.contact_drop: _contact_drop,
    AlertRule.orders_declining: _orders_declining,
    AlertRule.repeated_complaints: _repeated_complaints,
    AlertRule.unassigned_contacts: _unassigned_contacts,
    AlertRule.revenue_concentration: _revenue_concentration,
    AlertRule.customer_silent: _customer_silent,
}


def figures_of(session: Session, viewer: Viewer, alert: AlertOut, settings: RuleSettings) -> Figures:
    """The figures behind ``alert``, a threshold drawn against them as ``settings`` give it (the
    page passes the thresholds the alert was raised under)."""
    found = BUILDERS[alert.rule](alert.detail or {}, settings)
    mentioned = {row["customer_id"] for row in [*found.rows, *found.groups] if isinstance(row.get("customer_id"), int)}
    found.linkable = visible_customer_ids(session, viewer, mentioned)
    return found
