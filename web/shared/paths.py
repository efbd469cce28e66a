"""Path and query parameters bounded to what the database and the calendar hold, defined once for
every router: a malformed or huge id, offset or date is answered 422, never an overflow deep in a
query (ids are 32-bit in the database; dates are kept to years that every time zone conversion
and "the day after" can reach)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Path, Query

from schemas.kernel.ids import MAX_ID

EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2999, 12, 31)
MAX_OFFSET = 10_000_000

RecordId = Annotated[int, Path(ge=1, le=MAX_ID)]
IdFilter = Annotated[int | None, Query(ge=1, le=MAX_ID)]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]
DateFilter = Annotated[date | None, Query(ge=EARLIEST_DATE, le=LATEST_DATE)]
# A task id, as the database holds it: up to 120 characters without NUL (PostgreSQL refuses it in text).
TaskId = Annotated[str, Path(min_length=1, max_length=120, pattern=r"^[^\x00]+$")]
