"""Record ids as the database holds them (32-bit integers): a larger number is bad input, never a
database overflow."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

MAX_ID = 2**31 - 1
RecordId = Annotated[int, Field(ge=1, le=MAX_ID)]
