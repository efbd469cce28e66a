"""Files people download: the one place their content types and attachment headers are set.

Pages serve their downloads beside themselves (``/commission/2026-10/export.csv``) as well as
the JSON API does (``/api/…``): a browser sends the session cookie, not the API's bearer token,
so a link on a page must point at a page route.
"""

from __future__ import annotations

from typing import Literal

from starlette.responses import Response

FileFormat = Literal["csv", "xlsx"]
CONTENT_TYPES: dict[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def attachment(content: bytes, file_format: str, name: str) -> Response:
    """``content`` offered as ``<name>.<file_format>``."""
    return Response(
        content,
        media_type=CONTENT_TYPES[file_format],
        headers={"Content-Disposition": f'attachment; filename="{name}.{file_format}"'},
    )
