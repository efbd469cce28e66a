"""Asking Baton every question of the authorization matrix: which routes the app has, which
record of the ``World`` each path names for a relation, and who asks (a salesperson, a team
manager, the department head, HR, finance, admin, or nobody).

An answer is written as the status code, except a redirect to the login page: ``login``.
"""

from __future__ import annotations

import re
import string
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from starlette.routing import Mount
from temporalio.client import Client

from schemas.kernel.config import Settings
from schemas.kernel.notify_settings import EmailSettings, NotifySettings
from store.db import Database
from tests.support.authz_requests import body_for
from tests.support.authz_world import CUSTOMER_RELATIONS, MISSING, RELATIONS, World
from tests.support.org import PASSWORD

COLUMNS = ("sales", "sales_manager", "department_head", "hr", "finance", "admin", "anonymous")
# Who answers for each role: the south team's salesperson and manager, so ``own`` and ``team``
# records are in the manager's team and ``other`` records are not.
CALLER = {
    "sales": "sales_south",
    "sales_manager": "manager_south",
    "department_head": "head",
    "hr": "hr",
    "finance": "finance",
    "admin": "admin",
}
NOT_PAGES = {"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}
SAFE = {"GET", "HEAD"}

# Path parameters naming a record whose relation to the caller matters, by the kind of record.
RECORD_KIND = {
    "customer_id": "customer",
    "employee_id": "employee",
    "attachment_id": "attachment",
    "notification_id": "notification",
    "case_id": "case",
    "dispute_id": "dispute",
    "alert_id": "alert",
    "job_id": "import_job",
    "delegation_id": "delegation",
}


# Changes whose body, not their path, names the record that matters.
BODY_KIND = {
    "POST /api/offboardings": "employee",
    "POST /offboardings": "employee",
    "POST /api/customers/reassign": "customer",
}


def app_routes(app: FastAPI) -> list[str]:
    """Every operation of /openapi.json and every page route, as ``"METHOD /path"``."""
    routes = [f"{method.upper()} {path}" for path, item in app.openapi()["paths"].items() for method in item]
    for route in iter_route_contexts(app.routes):
        if isinstance(route.original_route, Mount) or route.path is None:
            continue
        if route.path.startswith("/api/") or route.path in NOT_PAGES or route.include_in_schema:
            continue
        routes += [f"{method} {route.path}" for method in sorted((route.methods or set()) - {"HEAD"})]
    return routes


def params_of(route: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(route.split(" ", 1)[1]) if name]


def kind_of(route: str, param: str) -> str | None:
    """The kind of record a relational path parameter names on this route (None: a fixed value)."""
    path = route.split(" ", 1)[1]
    if param == "task_id":
        for prefix, kind in (
            ("/offboardings/", "handover_task"),
            ("/commission/", "commission_task"),
            ("/alerts/", "alert_task"),
        ):
            if path.startswith(prefix):
                return kind
        return "handover_task" if path.endswith("/attachments") else "approval_task"
    if param == "order_id":  # acting on an order: decided ones, so the owner's answer is a refusal
        return "decided_order" if re.search(r"/(cancel|resubmit|payments)$", path) else "order"
    if param == "workflow_id":
        return None if "/scans/" in path else "order_workflow"
    return RECORD_KIND.get(param)


def relations_of(route: str) -> tuple[str, ...]:
    """The relations a route is asked about: none (one question) when no record in its path matters."""
    kinds = ({kind_of(route, param) for param in params_of(route)} | {BODY_KIND.get(route)}) - {None}
    if not kinds:
        return ("",)
    return CUSTOMER_RELATIONS if "customer" in kinds else RELATIONS


def fixed_value(route: str, param: str, world: World) -> str:
    path = route.split(" ", 1)[1]
    values = {
        "period": world.period,
        "file_format": "csv",
        "rule": "repeated_complaints",
        "role": "sales",
        "workflow_id": world.fixed["scan"],
        "key": "order.head_threshold" if path.startswith("/api/settings") else "order.manager_approval",
    }
    return values[param] if param in values else world.fixed[param]


def url_for(route: str, world: World, relation: str) -> str:
    path = route.split(" ", 1)[1]
    for param in params_of(route):
        kind = kind_of(route, param)
        value = str(world.of(kind, relation)) if kind else fixed_value(route, param, world)
        path = path.replace("{" + param + "}", value)
    return path


def matrix_app(settings: Settings, db: Database, temporal: Client) -> FastAPI:
    """The app as the dev stack runs it, with the mail catcher (so its mailbox pages exist)."""
    from web.app import create_app

    catcher = NotifySettings(email=EmailSettings(enabled=True, mail_catcher=True))
    return create_app(settings.with_changes(notify=catcher), db=db, temporal=temporal)


def answer_of(response: httpx.Response) -> str:
    location = response.headers.get("location", "")
    if response.status_code in (302, 303, 307) and location.startswith("/login"):
        return "login"
    return str(response.status_code)


@dataclass
class Caller:
    """One role's clients: a bearer token for the API, a session (and its CSRF token) for pages."""

    api: httpx.AsyncClient
    pages: httpx.AsyncClient

    async def ask(self, route: str, world: World, relation: str) -> httpx.Response:
        method, path = route.split(" ", 1)
        client = self.api if path.startswith("/api/") or path == "/healthz" else self.pages
        request: dict[str, Any] = body_for(route, world, relation, page=client is self.pages)
        return await client.request(method, url_for(route, world, relation), **request)


@asynccontextmanager
async def calling_as(column: str, app: FastAPI) -> AsyncIterator[Caller]:
    """The role's caller, logged in on the API and the pages (``anonymous``: neither)."""
    transport = httpx.ASGITransport(app=app)
    async with (
        httpx.AsyncClient(transport=transport, base_url="http://baton.test") as api,
        httpx.AsyncClient(transport=transport, base_url="http://baton.test") as pages,
    ):
        login_page = await pages.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', login_page.text)
        assert token, "the login form carries a CSRF token"
        if column != "anonymous":
            username = CALLER[column]
            answer = await api.post("/api/login", json={"username": username, "password": PASSWORD})
            assert answer.status_code == 200, answer.text
            api.headers["Authorization"] = f"Bearer {answer.json()['token']}"
            await pages.post(
                "/login", data={"username": username, "password": PASSWORD, "csrf_token": token.group(1), "next": "/"}
            )
            token = re.search(r'"X-CSRF-Token": "([^"]+)"', (await pages.get("/")).text)
            assert token, f"{username} is logged in on the pages"
        pages.headers["X-CSRF-Token"] = token.group(1)  # the session's, or the login form's for nobody
        yield Caller(api, pages)


@dataclass(frozen=True)
class Answer:
    said: str  # the status code, or ``login``
    code: str | None = None  # the API error's ``code``


async def ask_everything(caller: Caller, world: World, routes: list[str]) -> dict[tuple[str, str], Answer]:
    """Every route for every relation, and for a missing record where a record is named."""
    answers = {}
    for route in run_order(routes):
        relations = relations_of(route)
        for relation in (*relations, MISSING) if relations != ("",) else relations:
            response = await caller.ask(route, world, relation)
            code = None
            if response.headers.get("content-type", "").startswith("application/json") and response.is_error:
                code = (response.json().get("error") or {}).get("code")
            answers[route, relation] = Answer(answer_of(response), code)
    return answers


def run_order(routes: list[str]) -> list[str]:
    """Reads first, then changes, deletions and logging out last, so nothing asked later finds a
    record gone or the caller logged out."""

    def rank(route: str) -> int:
        method, path = route.split(" ", 1)
        if path in ("/api/logout", "/logout"):
            return 3
        return 0 if method in SAFE else 2 if method == "DELETE" else 1

    return sorted(routes, key=rank)
