"""How a process page answers a form once the action it posted is done, the same way on every
process page that acts on tasks (offboarding, commission): HTMX is told to navigate to the page
that now shows the result, a plain form post is redirected there (303)."""

from __future__ import annotations

from fastapi import Request
from starlette.responses import RedirectResponse, Response


def is_htmx(request: Request) -> bool:
    """The request came from HTMX (it wants a fragment, or an ``HX-Redirect``)."""
    return bool(request.headers.get("hx-request"))


def go_to(request: Request, target: str) -> Response:
    """Where a successful form goes: HTMX is told to navigate, a plain form is redirected."""
    if is_htmx(request):
        return Response(status_code=200, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)
