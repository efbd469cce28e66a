"""Path parameters bounded to what the database holds (32-bit ids), so a malformed or huge id is
answered 422, never a database error."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

from schemas.ids import MAX_ID

RecordId = Annotated[int, Path(ge=1, le=MAX_ID)]
