"""Company dates: the days people type and read are days in the company's time zone
(``settings.timezone``), while Baton keeps instants in UTC. Services take the zone's name; a route
asks with its request."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from fastapi import Request

from web.shared.auth import get_settings


def today(timezone: str) -> date:
    """Today in the company's time zone."""
    return datetime.now(ZoneInfo(timezone)).date()


def start_of_today(timezone: str) -> datetime:
    """Today's midnight in company time, as a UTC instant: daily caps (pool claims) count from it."""
    return datetime.combine(today(timezone), time(0), tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def day_span(timezone: str, since: date | None, until: date | None) -> tuple[datetime | None, datetime | None]:
    """A range of company dates, both included, as UTC instants: from the first day's midnight to
    the midnight after the last."""
    zone = ZoneInfo(timezone)

    def midnight(day: date | None) -> datetime | None:
        return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC) if day else None

    return midnight(since), midnight(until + timedelta(days=1) if until else None)


# ----------------------------------------------------------------------------- for routes
def company_today(request: Request) -> date:
    """Today in the time zone of the company the app serves."""
    return today(get_settings(request).timezone)


def start_of_company_day(request: Request) -> datetime:
    return start_of_today(get_settings(request).timezone)


def company_days(request: Request, since: date | None, until: date | None) -> tuple[datetime | None, datetime | None]:
    return day_span(get_settings(request).timezone, since, until)
