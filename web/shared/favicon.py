"""``/favicon.ico``: browsers ask for it on every first visit, whatever the page links.

Pages link the SVG mark (``/static/favicon.svg``); the ICO beside it is the same mark for the
browsers and bookmark tools that only look at the conventional address. Both may be cached for
a day: the mark changes only with a release.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from starlette.responses import FileResponse

ICON = Path(__file__).resolve().parent.parent / "static" / "favicon.ico"

router = APIRouter(include_in_schema=False)


@router.get("/favicon.ico")
def favicon() -> FileResponse:
    return FileResponse(ICON, media_type="image/x-icon", headers={"Cache-Control": "public, max-age=86400"})
