"""Durations as people read and type them: "1 天 4 小时" beside a number and a unit (days, hours,
minutes), never the ISO 8601 text (``P1DT4H``) that the API and the store keep.

The deadline policies page edits them; the audit log reads a changed policy's durations with them.
"""

from __future__ import annotations

from datetime import timedelta

from schemas.kernel.errors import N_
from schemas.kernel.i18n import gettext_
from schemas.kernel.i18n import ngettext_ as ngettext  # pybabel extracts plural messages under this name
from schemas.policies import CalendarKind, iso_duration

# What a zero means differs per field; "0 hours" would say none of it.
ZERO_MEANINGS = {"remind_before": N_("No reminder"), "repeat_every": N_("Only once"), "escalate_after": N_("Never")}
# The units a duration is typed in, largest first.
UNITS = {
    "days": (timedelta(days=1), N_("days")),
    "hours": (timedelta(hours=1), N_("hours")),
    "minutes": (timedelta(minutes=1), N_("minutes")),
    "seconds": (timedelta(seconds=1), N_("seconds")),
}
EVERYDAY_UNITS = ("days", "hours", "minutes")  # seconds are offered only to a value that needs them
WHOLE_NUMBER_MESSAGE = N_("Enter a whole number, 0 or more.")
HUGE = 1_000_000  # of any unit: already longer than any policy may be, and far from overflowing


def amount_and_unit(value: timedelta) -> tuple[str, str]:
    """A duration in the largest unit that holds it whole: 2 days, 36 hours, 90 minutes; zero as hours."""
    if not value:
        return "0", "hours"
    for name, (size, _label) in UNITS.items():
        if not value % size:
            return str(value // size), name
    return str(int(value.total_seconds())), "seconds"


def typed_duration(amount: str, unit: str) -> str:
    """``5`` ``days`` → ``P5D``; blank means zero. Anything but a whole number raises
    ``ValueError``. A huge number stays huge (past any date) so the schema's "at most" answers it."""
    amount = amount.strip()
    if not amount:
        return ""
    if not amount.isdigit() or unit not in UNITS:
        raise ValueError(amount)
    return iso_duration(min(int(amount), HUGE) * UNITS[unit][0])


def readable_duration(value: timedelta, field: str, calendar: str) -> str:
    """``P3D`` → "3 个工作日" / "3 days", ``P1DT4H`` → "1 天 4 小时", zero → what zero means there."""
    if not value and field in ZERO_MEANINGS:
        return gettext_(ZERO_MEANINGS[field])
    if field == "due_in" and calendar == CalendarKind.working_days:
        return ngettext("%(num)s working day", "%(num)s working days", value.days)
    minutes, seconds = divmod(value.seconds, 60)
    hours, minutes = divmod(minutes, 60)
    parts = [
        ngettext("%(num)s day", "%(num)s days", value.days) if value.days else "",
        ngettext("%(num)s hour", "%(num)s hours", hours) if hours else "",
        ngettext("%(num)s minute", "%(num)s minutes", minutes) if minutes else "",
        ngettext("%(num)s second", "%(num)s seconds", seconds) if seconds else "",
    ]
    return " ".join(part for part in parts if part) or iso_duration(value)
