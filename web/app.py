"""The FastAPI application: JSON API under /api, server-rendered pages elsewhere."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from temporalio.client import Client

from baton.config import Settings
from store.db import Database
from web import errors
from web.engine import EngineHandle
from web.middleware import RequestContext
from web.nul_guard import RefuseNul
from web.openapi_errors import document_errors
from web.routers import (
    api_accounts,
    api_alerts,
    api_attachments,
    api_audit,
    api_commission,
    api_customers,
    api_imports,
    api_interactions_search,
    api_notifications,
    api_offboardings,
    api_orders,
    api_org,
    api_payments,
    api_policies,
    api_process_list,
    api_processes,
    api_reports,
    api_tasks,
    api_team_rules,
    favicon,
    health,
    pages_accounts,
    pages_alerts,
    pages_attachments,
    pages_audit,
    pages_commission,
    pages_customer_pool,
    pages_customers,
    pages_dev_mailbox,
    pages_home,
    pages_imports,
    pages_notifications,
    pages_offboardings,
    pages_order_approvals,
    pages_orders,
    pages_payments,
    pages_people,
    pages_policies,
    pages_process_history,
    pages_processes,
    pages_reports,
    pages_search,
    pages_tasks,
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
    app.include_router(favicon.router)
    for router in (
        health.router,
        api_accounts.router,
        api_org.router,
        api_tasks.router,
        pages_accounts.router,
        pages_home.router,
        api_policies.router,
        pages_policies.router,
        pages_tasks.router,
        pages_people.router,
    ):
        app.include_router(router)
    for router in (api_notifications.router, pages_notifications.router, pages_dev_mailbox.router):
        app.include_router(router)
    app.include_router(api_attachments.router)
    app.include_router(pages_attachments.router)
    app.include_router(api_customers.router)
    app.include_router(pages_customers.router)
    app.include_router(pages_customer_pool.router)
    app.include_router(api_team_rules.router)
    app.include_router(api_imports.router)
    app.include_router(pages_imports.router)
    app.include_router(api_interactions_search.router)
    app.include_router(pages_search.router)
    app.include_router(api_orders.router)
    app.include_router(api_payments.router)
    app.include_router(api_offboardings.router)
    app.include_router(api_commission.router)
    app.include_router(api_process_list.router)
    app.include_router(pages_processes.router)

    app.include_router(api_processes.router)
    app.include_router(pages_process_history.router)
    for router in (
        pages_orders.router,
        pages_offboardings.router,
        pages_order_approvals.router,
        pages_payments.router,
        pages_commission.router,
    ):
        app.include_router(router)

    app.include_router(api_audit.router)
    app.include_router(api_alerts.router)
    app.include_router(pages_alerts.router)
    app.include_router(pages_audit.router)
    app.include_router(api_reports.router)
    app.include_router(pages_reports.router)
    document_errors(app)
    return app
