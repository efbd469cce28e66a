"""The company's calendar day, as Baton judges dates (last days, requested dates, filters).

Baton reads dates in the company's time zone (Asia/Shanghai by default), so a test that means "today"
uses this, never the machine's local date: between 16:00 and 24:00 UTC the two differ.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

COMPANY_ZONE = ZoneInfo("Asia/Shanghai")


def company_today() -> date:
    return datetime.now(COMPANY_ZONE).date()
