"""The company's calendar day, as Baton judges dates (last days, requested dates, filters).

Baton reads dates in the company's time zone (``company.timezone``, Asia/Shanghai in
temporal-dev.yaml), so a test that means "today" asks the app's own reading of it, never the
machine's local date: between 16:00 and 24:00 UTC the two differ.
"""

from __future__ import annotations

from datetime import date

from web.shared.company_time import today

COMPANY_TIMEZONE = "Asia/Shanghai"


def company_today() -> date:
    return today(COMPANY_TIMEZONE)
