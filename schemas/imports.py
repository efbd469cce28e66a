"""Imports of customers and historical orders from a CSV or Excel file: where one upload stands."""

from __future__ import annotations

from enum import StrEnum


class ImportStatus(StrEnum):
    """An upload is checked first (a dry run with its report, nothing written), then committed on
    request; ``committing`` while the rows go in, ``failed`` when that stopped part way."""

    checked = "checked"
    committing = "committing"
    committed = "committed"
    failed = "failed"
