"""The process history on the case pages: a fragment loaded when a reader opens it, with the
engine's own events a toggle away and the same workflow in the Temporal Web UI."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from web.processes.history_api import DEFAULT_PAGE, PageToken, WorkflowId, process_history
from web.shared.auth import PageUser, get_db, get_settings
from web.shared.engine import engine_handle
from web.shared.templating import render

router = APIRouter(tags=["pages"], include_in_schema=False)


@router.get("/processes/{workflow_id}/history")
async def history_fragment(
    request: Request,
    workflow_id: WorkflowId,
    user: PageUser,
    raw: Annotated[bool, Query()] = False,
    page_token: PageToken = None,
) -> Response:
    """The first page with its toggle and link; a later page (``page_token``) only adds rows."""
    history = await process_history(
        engine_handle(request),
        get_db(request),
        get_settings(request),
        user,
        workflow_id,
        raw=raw,
        page_token=page_token,
        page_size=DEFAULT_PAGE,
    )
    template = "partials/process_history_items.html" if page_token else "partials/process_history_events.html"
    return render(request, template, {"history": history, "raw": raw, "workflow_id": workflow_id})
