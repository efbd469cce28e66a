"""The FastAPI application: JSON API under /api, server-rendered pages elsewhere."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from temporalio.client import Client

import web.alerts.api
import web.alerts.pages
import web.attachments.api
import web.attachments.pages
import web.audit.api
import web.audit.pages
import web.commission.api
import web.commission.pages
import web.customers.api
import web.customers.pages
import web.customers.pool
import web.customers.search_api
import web.customers.search_pages
import web.customers.team_rules
import web.home.pages
import web.imports.api
import web.imports.pages
import web.notifications.api
import web.notifications.mailbox
import web.notifications.pages
import web.offboarding.api
import web.offboarding.pages
import web.orders.api
import web.orders.approvals
import web.orders.pages
import web.org.accounts
import web.org.accounts_api
import web.org.api
import web.org.people
import web.payments.api
import web.payments.pages
import web.policies.api
import web.policies.pages
import web.processes.api
import web.processes.history_api
import web.processes.history_pages
import web.processes.pages
import web.reports.api
import web.reports.pages
import web.shared.errors
import web.shared.favicon
import web.shared.health
import web.tasks.api
import web.tasks.pages
from schemas.kernel.config import Settings
from store.db import Database
from web.shared.engine import EngineHandle
from web.shared.middleware import RequestContext
from web.shared.nul_guard import RefuseNul
from web.shared.openapi_errors import document_errors

# In the order they are matched: a fixed path before a pattern that would also match it.
ROUTERS = (
    web.shared.health.router,
    web.org.accounts_api.router,
    web.org.api.router,
    web.tasks.api.router,
    web.org.accounts.router,
    web.home.pages.router,
    web.policies.api.router,
    web.policies.pages.router,
    web.tasks.pages.router,
    web.org.people.router,
    web.notifications.api.router,
    web.notifications.pages.router,
    web.notifications.mailbox.router,
    web.attachments.api.router,
    web.attachments.pages.router,
    web.customers.api.router,
    web.customers.pages.router,
    web.customers.pool.router,
    web.customers.team_rules.router,
    web.imports.api.router,
    web.imports.pages.router,
    web.customers.search_api.router,
    web.customers.search_pages.router,
    web.orders.api.router,
    web.payments.api.router,
    web.offboarding.api.router,
    web.commission.api.router,
    web.processes.api.router,
    web.processes.pages.router,
    web.processes.history_api.router,
    web.processes.history_pages.router,
    web.orders.pages.router,
    web.offboarding.pages.router,
    web.orders.approvals.router,
    web.payments.pages.router,
    web.commission.pages.router,
    web.audit.api.router,
    web.alerts.api.router,
    web.alerts.pages.router,
    web.audit.pages.router,
    web.reports.api.router,
    web.reports.pages.router,
)

STATIC_DIR = Path(__file__).resolve().parent / "static"


def create_app(settings: Settings, *, db: Database | None = None, temporal: Client | None = None) -> FastAPI:
    """Build the app. Tests pass their own database and Temporal client; production builds both."""
    owns_db = db is None
    database = db or Database(settings.database_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        if owns_db:
            database.dispose()

    app = FastAPI(
        title="Baton",
        version="0.1.0",
        lifespan=lifespan,
        description="Processes that keep customers, orders and money with the company.",
    )
    app.state.settings = settings
    app.state.db = database
    app.state.engine = EngineHandle(settings, temporal)

    app.add_middleware(RefuseNul)  # inside RequestContext, so its answer is in the reader's language
    app.add_middleware(RequestContext, settings=settings)

    web.shared.errors.install(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(web.shared.favicon.router)
    for router in ROUTERS:
        app.include_router(router)
    document_errors(app)
    return app
