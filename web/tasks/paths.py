"""A task id in a path, bounded as the database holds it: up to 120 characters without NUL (which
PostgreSQL refuses in text), so a malformed id is a 422, never a database error."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

TaskId = Annotated[str, Path(min_length=1, max_length=120, pattern=r"^[^\x00]+$")]
