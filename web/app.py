"""The FastAPI application: JSON API under /api, server-rendered pages elsewhere."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from temporalio.client import Client

from schemas.kernel.config import Settings
from store.db import Database
from web.alerts import api as alerts_api
from web.alerts import pages as alerts_pages
from web.attachments import api as attachments_api
from web.attachments import pages as attachments_pages
from web.audit import api as audit_api
from web.audit import pages as audit_pages
from web.commission import api as commission_api
from web.commission import pages as commission_pages
from web.customers import api as customers_api
from web.customers import pages as customers_pages
from web.customers import pool as customers_pool
from web.customers import search_api as customers_search_api
from web.customers import search_pages as customers_search_pages
from web.customers import team_rules as customers_team_rules
from web.home import pages as home_pages
from web.imports import api as imports_api
from web.imports import pages as imports_pages
from web.notifications import api as notifications_api
from web.notifications import mailbox as notifications_mailbox
from web.notifications import pages as notifications_pages
from web.offboarding import api as offboarding_api
from web.offboarding import pages as offboarding_pages
from web.orders import api as orders_api
from web.orders import approvals as orders_approvals
from web.orders import pages as orders_pages
from web.org import accounts as org_accounts
from web.org import accounts_api as org_accounts_api
from web.org import api as org_api
from web.org import people as org_people
from web.payments import api as payments_api
from web.payments import pages as payments_pages
from web.policies import api as policies_api
from web.policies import pages as policies_pages
from web.processes import api as processes_api
from web.processes import history_api as processes_history_api
from web.processes import history_pages as processes_history_pages
from web.processes import pages as processes_pages
from web.reports import api as reports_api
from web.reports import pages as reports_pages
from web.shared import errors
from web.shared import favicon as shared_favicon
from web.shared import health as shared_health
from web.shared.engine import EngineHandle
from web.shared.middleware import RequestContext
from web.shared.nul_guard import RefuseNul
from web.shared.openapi_errors import document_errors
from web.tasks import api as tasks_api
from web.tasks import pages as tasks_pages

# In the order they are matched: a fixed path before a pattern that would also match it.
ROUTERS = (
    shared_health.router,
    org_accounts_api.router,
    org_api.router,
    tasks_api.router,
    org_accounts.router,
    home_pages.router,
    policies_api.router,
    policies_pages.router,
    tasks_pages.router,
    org_people.router,
    notifications_api.router,
    notifications_pages.router,
    notifications_mailbox.router,
    attachments_api.router,
    attachments_pages.router,
    customers_api.router,
    customers_pages.router,
    customers_pool.router,
    customers_team_rules.router,
    imports_api.router,
    imports_pages.router,
    customers_search_api.router,
    customers_search_pages.router,
    orders_api.router,
    payments_api.router,
    offboarding_api.router,
    commission_api.router,
    processes_api.router,
    processes_pages.router,
    processes_history_api.router,
    processes_history_pages.router,
    orders_pages.router,
    offboarding_pages.router,
    orders_approvals.router,
    payments_pages.router,
    commission_pages.router,
    audit_api.router,
    alerts_api.router,
    alerts_pages.router,
    audit_pages.router,
    reports_api.router,
    reports_pages.router,
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

    errors.install(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(shared_favicon.router)
    for router in ROUTERS:
        app.include_router(router)
    document_errors(app)
    return app
