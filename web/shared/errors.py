"""The one place domain errors become HTTP answers.

API paths get the JSON error shape of API.md; pages get the same error as a friendly page (or,
for HTMX requests, a fragment). A page that needs a login redirects to it. Anything unexpected
is logged and answered 500 in the same shape, never as a stack trace.

A client that goes away mid-request (a person navigates on while an HTMX request is still
reading its body, a phone loses its signal) is not an error of Baton's: nobody is left to answer,
so it is noted at debug level and answered with the 499 that proxies use for it.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect
from starlette.responses import JSONResponse, RedirectResponse, Response

from schemas.field_problems import field_problems
from schemas.kernel.errors import N_, BatonError, NotAuthenticated
from schemas.kernel.i18n import gettext_ as translate
from schemas.kernel.money import money_problem
from store.db import DataError

log = logging.getLogger("baton.web")
CLIENT_GONE = 499  # nginx's "client closed request": no answer reaches anyone

HTTP_CODES = {
    400: ("bad_request", N_("The request could not be processed.")),
    401: ("not_authenticated", N_("Please log in.")),
    403: ("forbidden", N_("You are not allowed to do this.")),
    404: ("not_found", N_("Not found.")),
    405: ("method_not_allowed", N_("This method is not allowed here.")),
    413: ("too_large", N_("The upload is too large.")),
    415: ("type_not_allowed", N_("This file type is not allowed.")),
    422: ("invalid_input", N_("Some fields are not valid.")),
    429: ("too_many_requests", N_("Too many requests. Try again later.")),
    500: ("internal_error", N_("Something went wrong on our side. It has been logged.")),
    503: ("unavailable", N_("Service unavailable. Try again.")),
}


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/healthz"


def error_body(code: str, message: str, details: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details or []}}


def error_response(
    request: Request,
    status: int,
    code: str,
    message: str,
    details: list[dict[str, Any]] | None = None,
    params: dict[str, Any] | None = None,
) -> Response:
    """Translate first, then fill in parameters, so messages with values translate too."""
    text = translate(message, **(params or {}))
    translated = [
        {**d, "message": translate(d["message"], **(d.get("params") or {}))} if isinstance(d.get("message"), str) else d
        for d in details or []
    ]
    if is_api(request):
        return JSONResponse(error_body(code, text, translated), status_code=status)
    from web.shared.templating import render

    template = "partials/error.html" if request.headers.get("hx-request") else "error.html"
    return render(
        request, template, {"status": status, "code": code, "message": text, "details": translated}, status_code=status
    )


def _field_details(exc: RequestValidationError) -> list[dict[str, Any]]:
    """Each refused field in words the catalogue translates (schemas/field_problems.py); an amount in
    the words every money field uses, in the reader's language."""
    errors = exc.errors()
    plain = field_problems(errors, skip=("body", "query", "path"))
    return [{**detail, **(money_problem(problem) or {})} for problem, detail in zip(errors, plain, strict=True)]


def _client_gone(request: Request) -> Response:
    log.debug("client went away during %s %s", request.method, request.url.path)
    return Response(status_code=CLIENT_GONE)


def install(app: FastAPI) -> None:
    @app.exception_handler(BatonError)
    async def baton_error(request: Request, exc: BatonError) -> Response:
        if isinstance(exc, NotAuthenticated) and not is_api(request):
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            if request.headers.get("hx-request"):
                return Response(status_code=401, headers={"HX-Redirect": "/login"})
            return RedirectResponse(f"/login?next={target}", status_code=303)
        return error_response(request, exc.status, exc.code, exc.message, exc.details, exc.params)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        return error_response(request, 422, "invalid_input", N_("Some fields are not valid."), _field_details(exc))

    @app.exception_handler(ClientDisconnect)
    async def client_gone(request: Request, exc: ClientDisconnect) -> Response:
        return _client_gone(request)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if isinstance(exc.__cause__, ClientDisconnect):  # FastAPI reading a form for the endpoint
            return _client_gone(request)
        code, message = HTTP_CODES.get(exc.status_code, ("error", N_("The request could not be processed.")))
        return error_response(request, exc.status_code, code, message)

    @app.exception_handler(DataError)
    @app.exception_handler(OverflowError)
    async def out_of_range(request: Request, exc: Exception) -> Response:
        """A number or text the database cannot hold (an id past 32 bits in a body): bad input,
        and the unit of work rolled back, so nothing was written."""
        log.info("value out of range on %s %s: %s", request.method, request.url.path, exc)
        return error_response(
            request,
            422,
            "invalid_input",
            N_("Some fields are not valid."),
            [
                {
                    "field": "body",
                    "code": "out_of_range",
                    "message": N_("A number or text here is larger than Baton can keep."),
                }
            ],
        )

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(request, 500, *HTTP_CODES[500])
