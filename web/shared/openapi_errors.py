"""Every JSON API operation publishes the error answers it can give, in the one error shape of
API.md, so a client generated from ``/openapi.json`` knows them. Routes may document more (or more
precisely); what they name themselves is kept."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel


class ErrorDetail(BaseModel):
    field: str | None = None
    code: str
    message: str


class ErrorInfo(BaseModel):
    code: str
    message: str
    details: list[ErrorDetail]


class ErrorOut(BaseModel):
    """``{"error": {"code", "message", "details": [...]}}``"""

    error: ErrorInfo


COMMON = {
    401: "not_authenticated: no or an expired token",
    403: "forbidden: the caller's role may not do this",
    404: "not_found: no such record, or one the caller may not see",
    422: "invalid_input and the domain codes: every problem in details",
    503: "engine_unavailable: the process engine could not confirm in time; nothing was recorded",
}
OPEN = {"/api/login", "/healthz"}


def document_errors(app: FastAPI) -> None:
    """Add the common error answers to the generated schema (once, when it is first asked for)."""
    generate = app.openapi

    def with_errors() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = generate()
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for name, definition in (
            ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}").get("$defs", {}).items()
        ):
            components.setdefault(name, definition)
        components.setdefault(
            "ErrorOut",
            {
                k: v
                for k, v in ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}").items()
                if k != "$defs"
            },
        )
        body = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
        for path, operations in schema.get("paths", {}).items():
            if not path.startswith("/api/"):
                continue
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                for status, description in COMMON.items():
                    if status == 401 and path in OPEN:
                        continue
                    known = responses.setdefault(str(status), {"description": description})
                    if status == 422:  # FastAPI's own validation shape is not what Baton answers
                        known["content"] = body
                    known.setdefault("content", body)
                if path == "/api/login":
                    responses.setdefault("429", {"description": "too_many_attempts", "content": body})
        app.openapi_schema = schema
        return schema

    app.openapi = with_errors  # type: ignore[method-assign]


def upload_body(accepted: str) -> dict[str, Any]:
    """The OpenAPI request body of a route that reads one uploaded ``file`` from the stream by hand
    (so FastAPI cannot infer it); ``accepted`` says which files it takes."""
    file = {"type": "string", "format": "binary", "description": accepted}
    schema = {"type": "object", "required": ["file"], "properties": {"file": file}}
    return {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": schema}}}}
