"""Literal substring matching for search boxes: ``%``, ``_`` and ``\\`` are searched as typed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, or_

LIKE_ESCAPE = "\\"


def like_pattern(term: str) -> str:
    """``%term%`` with LIKE's wildcards escaped, for use with ``escape=LIKE_ESCAPE``."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def contains_any(term: str, *columns: Any) -> ColumnElement[bool]:
    """The term occurs in any of the columns, ignoring case."""
    pattern = like_pattern(term.strip())
    return or_(*(column.ilike(pattern, escape=LIKE_ESCAPE) for column in columns))
