"""Who may do what in Baton, written down once: every route of the app (each operation of
/openapi.json and each page) for every role, and, where the path (or for a few changes the body)
names a record, for that record's relation to the caller. A route the matrix does not name fails
the suite, and so does a named route that no longer exists: a new route comes with its row.

Columns: the role asking, as one of the company of ``make_org``: ``sales`` is 张伟 (sales_south),
``sales_manager`` her manager 陈杰 (manager_south), then the department head, HR, finance, admin,
and ``anonymous`` (no token, no session).

Relations (tests/support/authz_world.py): ``own`` is 张伟's record, ``team`` her teammate 李娜's,
``other`` 王芳's of the east team; customers also have ``pool``, a lead of the south team's pool.
So for the manager ``own`` and ``team`` are their team's records and ``other`` is not. Tasks are
the manager's approval task of each one's order (the real process), except on evidence routes and
under /offboardings, /commission and /alerts, which name that process's task.

A cell is one answer for every relation, or one per relation in that order, separated by spaces. An
answer is the status code, or ``login``: a redirect (303) to the login page. Per API.md a record
the caller may not see answers 404 exactly as a missing one (checked against a missing record
too), a role that may not use a route answers 403, anonymous API calls 401. Changes send the least
that passes validation, so 404 and 403 show before it; what a permitted caller hears is written
as it is: 2xx/303 done, 422 the empty or refused input, 409 a business rule or a record with no
process behind it (tests/support/authz_requests.py says what each change sends).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.client import Client
from temporalio.worker import Worker

from schemas.kernel.config import Settings
from store.db import Database
from tests.support.authz import COLUMNS, app_routes, ask_everything, calling_as, matrix_app, relations_of
from tests.support.authz_world import MISSING, Login, make_world
from tests.support.org import OrgFixture

ANSWERS = {"200", "201", "204", "303", "401", "403", "404", "409", "422", "login"}

# route: (sales, sales_manager, department_head, hr, finance, admin, anonymous)
MATRIX: dict[str, tuple[str, str, str, str, str, str, str]] = {
    # ---------------------------------------------------------------- accounts, organisation, settings
    "GET /healthz": ("200", "200", "200", "200", "200", "200", "200"),
    "POST /api/login": ("422", "422", "422", "422", "422", "422", "422"),
    "POST /api/logout": ("204", "204", "204", "204", "204", "204", "401"),
    "GET /api/me": ("200", "200", "200", "200", "200", "200", "401"),
    "POST /api/teams": ("403", "403", "403", "422", "403", "422", "401"),
    "POST /api/employees": ("403", "403", "403", "422", "403", "422", "401"),
    "GET /api/employees/{employee_id}": ("200 404 404", "200 200 404", "200", "200", "404", "200", "401"),
    "GET /api/settings": ("403", "403", "403", "403", "403", "200", "401"),
    "PUT /api/settings/{key}": ("403", "403", "403", "403", "403", "422", "401"),
    # Deadline policies are read by managers, HR and finance as well; only admin changes them.
    "GET /api/policies": ("403", "200", "200", "200", "200", "200", "401"),
    "PUT /api/policies/{key}": ("403", "403", "403", "403", "403", "422", "401"),
    # ------------------------------------------------ tasks (an order's approval task), notifications, evidence
    # A task is read by its holders, the queue it was offered to, HR and admin; HR and admin may not act.
    "GET /api/tasks": ("200", "200", "200", "200", "200", "200", "401"),
    "GET /api/tasks/{task_id}": ("404", "200 200 404", "404", "200", "404", "200", "401"),
    "POST /api/tasks/{task_id}/complete": ("404", "422 422 404", "404", "403", "404", "403", "401"),
    "POST /api/tasks/{task_id}/claim": ("404", "409 409 404", "404", "409", "404", "409", "401"),
    "POST /api/tasks/{task_id}/unclaim": ("404", "409 409 404", "404", "409", "404", "409", "401"),
    "GET /api/notifications": ("200", "200", "200", "200", "200", "200", "401"),
    "POST /api/notifications/read-all": ("200", "200", "200", "200", "200", "200", "401"),
    "POST /api/notifications/{notification_id}/read": ("200 404 404", "404", "404", "404", "404", "404", "401"),
    "POST /api/tasks/{task_id}/attachments": ("201 404 404", "404", "404", "403", "404", "403", "401"),
    # A handover item's files are listed to whoever may see its task; every reader of the case downloads them.
    "GET /api/tasks/{task_id}/attachments": ("200 404 404", "404", "404", "200", "404", "200", "401"),
    # Evidence files on a handover item: also every reader of the case (the leaver's managers, HR, finance).
    "GET /api/attachments/{attachment_id}": ("200 404 404", "200 200 404", "200", "200", "200", "200", "401"),
    # ---------------------------------------------------------------- customers (relations: own team other pool)
    "POST /api/customers": ("422", "422", "422", "403", "403", "422", "401"),
    "GET /api/customers": ("200", "200", "200", "200", "200", "200", "401"),
    "GET /api/customers/{customer_id}": (
        "200 404 404 200",
        "200 200 404 200",
        "200",
        "404",
        "200 200 200 404",
        "200",
        "401",
    ),
    "DELETE /api/customers/{customer_id}": ("403", "403", "403", "403", "403", "204", "401"),
    "POST /api/customers/reassign": ("403", "200 200 404 200", "200", "403", "403", "200", "401"),  # ids in the body
    "POST /api/customers/reclaim": ("403", "422", "422", "403", "403", "422", "401"),
    "POST /api/customers/{customer_id}/reassign": (
        "403 404 404 403",
        "200 200 404 200",
        "200",
        "404",
        "403 403 403 404",
        "200",
        "401",
    ),
    # No claims are left today (``pool.daily_claims`` 0): a lead answers 409 claim_limit. A teammate's customer,
    # which she cannot see, answers 409 not_in_pool (a lead claimed a moment ago by a colleague), not 404.
    "POST /api/customers/{customer_id}/claim": ("409 409 404 409", "403", "403", "403", "403", "403", "401"),
    # Any sales-side user records contact with any customer, seen or not (a contact with another's customer
    # is flagged for the ``unassigned_contacts`` rule); the page only offers it on the customers one sees.
    "POST /api/customers/{customer_id}/interactions": ("201", "201", "201", "403", "403", "201", "401"),
    "POST /api/customers/{customer_id}/contacts": (
        "201 404 404 403",
        "201 201 404 201",
        "201",
        "403",
        "403",
        "201",
        "401",
    ),
    "POST /api/customers/{customer_id}/complaints": (
        "201 404 404 201",
        "201 201 404 201",
        "201",
        "403",
        "403",
        "201",
        "401",
    ),
    "GET /api/interactions": ("200", "200", "200", "200", "200", "200", "401"),
    "GET /api/audit/interactions/verify": ("403", "403", "403", "403", "403", "200", "401"),
    "GET /api/team-rules": ("403", "403", "403", "403", "403", "200", "401"),
    "POST /api/team-rules": ("403", "403", "403", "403", "403", "422", "401"),
    "DELETE /api/team-rules/{rule_id}": ("403", "403", "403", "403", "403", "204", "401"),
    # Import jobs: ``own`` and ``team`` are the south manager's upload, ``other`` the east manager's.
    "POST /api/imports": ("403", "422", "422", "403", "403", "422", "401"),
    "POST /api/imports/{job_id}/commit": ("403", "409 409 404", "409", "403", "403", "409", "401"),
    "GET /api/imports/{job_id}": ("403", "200 200 404", "200", "403", "403", "200", "401"),
    # ---------------------------------------------------------------- orders and payments
    # Acting on an order names a decided one: its owner hears 409 (neither cancellable nor revisable).
    "GET /api/services": ("200", "200", "200", "200", "200", "200", "401"),
    "POST /api/services": ("403", "403", "403", "403", "403", "422", "401"),
    # A team manager may submit an order too (a manager who also sells); API.md names sales.
    "POST /api/orders": ("422", "422", "403", "403", "403", "403", "401"),
    "GET /api/orders": ("200", "200", "200", "200", "200", "200", "401"),
    "GET /api/orders/{order_id}": ("200 404 404", "200 200 404", "200", "404", "200", "200", "401"),
    "POST /api/orders/{order_id}/resubmit": ("409 404 404", "403 403 404", "403", "403", "403", "403", "401"),
    "POST /api/orders/{order_id}/cancel": ("409 404 404", "403 403 404", "403", "403", "403", "403", "401"),
    "POST /api/payments": ("403", "403", "403", "403", "422", "403", "401"),
    "GET /api/payments": ("403", "403", "403", "403", "200", "403", "401"),
    "POST /api/payments/import": ("403", "403", "403", "403", "422", "403", "401"),
    # ---------------------------------------------------------- offboarding (the case has no process: HR hears 409)
    # Starting names the leaver in the body (HR and the person's managers); each is in a handover already (409).
    "POST /api/offboardings": ("403", "409 409 403", "409", "409", "403", "403", "401"),
    "GET /api/offboardings": ("200", "200", "200", "200", "200", "200", "401"),
    "GET /api/offboardings/{case_id}": ("200 404 404", "200 200 404", "200", "200", "200", "200", "401"),
    "POST /api/offboardings/{case_id}/complete": ("403 404 404", "403 403 404", "403", "409", "403", "403", "401"),
    "POST /api/offboardings/{case_id}/cancel": ("403 404 404", "403 403 404", "403", "409", "403", "403", "401"),
    "GET /api/offboarding-templates/{role}": ("403", "403", "403", "403", "403", "200", "401"),
    "PUT /api/offboarding-templates/{role}": ("403", "403", "403", "403", "403", "422", "401"),
    "GET /api/experience-notes": ("200", "200", "200", "200", "200", "200", "401"),
    # ---------------------------------------------------------------- commission (last month, in the employees' review)
    # A settlement with no process behind it: whoever is let through to act hears 409 settlement_closed.
    "GET /api/commission/plan": ("403", "403", "403", "403", "200", "200", "401"),
    "PUT /api/commission/plan": ("403", "403", "403", "403", "422", "422", "401"),
    "GET /api/commission/settlements": ("200", "200", "200", "200", "200", "200", "401"),
    "POST /api/commission/settlements": ("403", "403", "403", "403", "422", "422", "401"),
    # Anyone reads a settlement with the statements they may see (HR none: the page answers HR 404).
    "GET /api/commission/settlements/{period}": ("200", "200", "200", "200", "200", "200", "401"),
    "GET /api/commission/settlements/{period}/export.{file_format}": ("403", "403", "403", "403", "200", "200", "401"),
    # She disputes her own line, which she has disputed already (409); nobody else has that line (404).
    "POST /api/commission/settlements/{period}/disputes": ("409", "404", "404", "404", "404", "404", "401"),
    "POST /api/commission/settlements/{period}/disputes/{dispute_id}/resolve": (
        "409 404 404",
        "409 409 404",
        "409",
        "404",
        "409",
        "409",
        "401",
    ),
    "POST /api/commission/settlements/{period}/recompute": ("403", "403", "403", "403", "409", "409", "401"),
    "POST /api/commission/corrections": ("403", "403", "403", "403", "422", "422", "401"),
    # ---------------------------------------------------------------- history and audit (an order's process)
    "GET /api/processes": ("200", "200", "200", "200", "200", "200", "401"),
    # Participants, their managers, HR and admin; finance has no part yet in an order waiting for its manager.
    "GET /api/processes/{workflow_id}/history": ("200 404 404", "200 200 404", "200", "200", "404", "200", "401"),
    "GET /api/audit": ("403", "403", "403", "200", "403", "200", "401"),
    "GET /api/audit/verify": ("403", "403", "403", "403", "403", "200", "401"),
    # ---------------------------------------------------------------- risk alerts (about each salesperson)
    "GET /api/alerts": ("403", "200", "200", "403", "403", "200", "401"),
    "GET /api/alerts/{alert_id}": ("403", "200 200 404", "200", "403", "403", "200", "401"),
    "POST /api/alerts/scan": ("403", "403", "403", "403", "403", "200", "401"),
    "GET /api/alert-rules": ("403", "200", "200", "403", "403", "200", "401"),
    "GET /api/alert-rules/{rule}": ("403", "200", "200", "403", "403", "200", "401"),
    "PUT /api/alert-rules/{rule}": ("403", "403", "403", "403", "403", "200", "401"),
    "GET /api/reports/customer-distribution": ("403", "200", "200", "403", "403", "200", "401"),
    "GET /api/reports/customer-distribution.{file_format}": ("403", "200", "200", "403", "403", "200", "401"),
    # ================================================================ pages
    # ---------------------------------------------------------------- login, home, inbox, away, people
    "GET /favicon.ico": ("200", "200", "200", "200", "200", "200", "200"),
    "GET /login": ("303", "303", "303", "303", "303", "303", "200"),
    "POST /login": ("401", "401", "401", "401", "401", "401", "401"),
    "POST /logout": ("login", "login", "login", "login", "login", "login", "login"),
    "POST /language": ("303", "303", "303", "303", "303", "303", "303"),
    "GET /": ("200", "200", "200", "200", "200", "200", "login"),
    "GET /admin/policies": ("403", "403", "403", "403", "403", "200", "login"),
    "POST /admin/policies/{key}": ("403", "403", "403", "403", "403", "422", "login"),
    "GET /inbox": ("200", "200", "200", "200", "200", "200", "login"),
    "GET /inbox/count": ("200", "200", "200", "200", "200", "200", "login"),
    "GET /tasks/{task_id}": ("404", "200 200 404", "404", "200", "404", "200", "login"),
    "GET /tasks/{task_id}/trail": ("404", "200 200 404", "404", "200", "404", "200", "login"),
    "POST /tasks/{task_id}/complete": ("404", "422 422 404", "404", "403", "404", "403", "login"),
    "POST /tasks/{task_id}/claim": ("404", "409 409 404", "404", "409", "404", "409", "login"),
    "POST /tasks/{task_id}/unclaim": ("404", "409 409 404", "404", "409", "404", "409", "login"),
    "GET /me/away": ("200", "200", "200", "200", "200", "200", "login"),
    "POST /me/away": ("303", "303", "303", "303", "303", "303", "login"),
    "POST /me/away/{delegation_id}/cancel": ("303 404 404", "404", "404", "404", "404", "404", "login"),
    "GET /admin/employees": ("403", "403", "403", "200", "403", "200", "login"),
    "POST /admin/employees": ("403", "403", "403", "422", "403", "422", "login"),
    "GET /notifications": ("200", "200", "200", "200", "200", "200", "login"),
    "GET /notifications/badge": ("200", "200", "200", "200", "200", "200", "login"),
    "POST /notifications/read-all": ("303", "303", "303", "303", "303", "303", "login"),
    "POST /notifications/{notification_id}/read": ("303 404 404", "404", "404", "404", "404", "404", "login"),
    # The dev stack's mail catcher: admin only, and nobody else learns it exists.
    "GET /dev/mailbox": ("404", "404", "404", "404", "404", "200", "login"),
    "GET /dev/mailbox/{message_id}": ("404", "404", "404", "404", "404", "200", "login"),
    "GET /tasks/{task_id}/attachments": ("200 404 404", "404", "404", "200", "404", "200", "login"),
    "POST /tasks/{task_id}/attachments": ("200 404 404", "404", "404", "403", "404", "403", "login"),
    "GET /attachments/{attachment_id}": ("200 404 404", "200 200 404", "200", "200", "200", "200", "login"),
    # ---------------------------------------------------------------- customers, imports, search, processes
    "GET /customers": ("200", "200", "200", "200", "200", "200", "login"),
    "GET /customers/new": ("200", "200", "200", "403", "403", "200", "login"),
    "POST /customers/new": ("422", "422", "422", "403", "403", "422", "login"),
    "GET /customers/{customer_id}": (
        "200 404 404 200",
        "200 200 404 200",
        "200",
        "404",
        "200 200 200 404",
        "200",
        "login",
    ),
    "POST /customers/{customer_id}/interactions": (
        "200 404 404 200",
        "200 200 404 200",
        "200",
        "403",
        "403",
        "200",
        "login",
    ),
    "POST /customers/{customer_id}/reassign": (
        "403 404 404 403",
        "303 303 404 303",
        "303",
        "404",
        "403 403 403 404",
        "303",
        "login",
    ),
    "POST /customers/{customer_id}/claim": ("409 409 404 409", "403", "403", "403", "403", "403", "login"),
    "POST /customers/{customer_id}/assign": (
        "403 404 404 403",
        "409 409 404 422",
        "409 409 409 422",
        "404",
        "403 403 403 404",
        "409 409 409 422",
        "login",
    ),
    "GET /imports": ("403", "200", "200", "403", "403", "200", "login"),
    "POST /imports": ("403", "422", "422", "403", "403", "422", "login"),
    "GET /imports/{job_id}": ("403", "200 200 404", "200", "403", "403", "200", "login"),
    "GET /imports/{job_id}/progress": ("403", "200 200 404", "200", "403", "403", "200", "login"),
    "POST /imports/{job_id}/commit": ("403", "409 409 404", "409", "403", "403", "409", "login"),
    "GET /search": ("200", "200", "200", "200", "200", "200", "login"),
    "GET /processes": ("200", "200", "200", "200", "200", "200", "login"),
    "GET /processes/{workflow_id}/history": ("200 404 404", "200 200 404", "200", "200", "404", "200", "login"),
    # ---------------------------------------------------------------- orders, approvals, payments
    "GET /orders": ("200", "200", "200", "403", "200", "200", "login"),
    "GET /orders/new": ("200", "200", "403", "403", "403", "403", "login"),
    "POST /orders/new": ("422", "422", "403", "403", "403", "403", "login"),
    "POST /orders/lines": ("200", "200", "403", "403", "403", "403", "login"),
    "GET /orders/{order_id}": ("200 404 404", "200 200 404", "200", "404", "200", "200", "login"),
    "POST /orders/{order_id}/cancel": ("409 404 404", "403 403 404", "403", "403", "403", "403", "login"),
    "POST /orders/{order_id}/resubmit": ("409 404 404", "403 403 404", "403", "403", "403", "403", "login"),
    # ---------------------------------------------------------------- offboarding
    "GET /offboardings": ("200", "200", "200", "200", "200", "200", "login"),
    "POST /offboardings": ("403", "409 409 403", "409", "409", "403", "403", "login"),
    "GET /offboardings/mine": ("303", "404", "404", "404", "404", "404", "login"),
    "GET /offboardings/{case_id}": ("200 404 404", "200 200 404", "200", "200", "200", "200", "login"),
    "GET /offboardings/{case_id}/report": ("200 404 404", "200 200 404", "200", "200", "200", "200", "login"),
    "POST /offboardings/{case_id}/plan-load": ("200 404 404", "200 200 404", "200", "200", "200", "200", "login"),
    "POST /offboardings/{case_id}/tasks/{task_id}": ("409 404 404", "404", "404", "409", "404", "409", "login"),
    "POST /offboardings/{case_id}/complete": ("403 404 404", "403 403 404", "403", "409", "403", "403", "login"),
    "POST /offboardings/{case_id}/cancel": ("403 404 404", "403 403 404", "403", "409", "403", "403", "login"),
    "GET /approvals": ("403", "200", "200", "403", "200", "403", "login"),
    "POST /approvals/bulk": ("403", "422", "422", "403", "403", "403", "login"),
    "POST /approvals/{task_id}": ("403", "422 422 404", "404", "403", "404", "403", "login"),
    "GET /payments": ("403", "403", "403", "403", "200", "403", "login"),
    "POST /payments": ("403", "403", "403", "403", "422", "403", "login"),
    "POST /orders/{order_id}/payments": ("403", "403", "403", "403", "422", "403", "login"),
    "POST /payments/import": ("403", "403", "403", "403", "422", "403", "login"),
    # ---------------------------------------------------------------- commission
    "GET /commission": ("200", "200", "200", "200", "200", "200", "login"),
    "POST /commission": ("403", "403", "403", "403", "422", "422", "login"),
    "GET /commission/plan": ("403", "403", "403", "403", "200", "200", "login"),
    "POST /commission/plan": ("403", "403", "403", "403", "422", "422", "login"),
    "GET /commission/{period}": ("200", "200", "200", "404", "200", "200", "login"),
    "GET /commission/{period}/export.{file_format}": ("403", "403", "403", "403", "200", "200", "login"),
    "GET /commission/{period}/progress": ("200", "200", "200", "404", "200", "200", "login"),
    "POST /commission/{period}/recompute": ("403", "403", "403", "403", "409", "409", "login"),
    "POST /commission/{period}/tasks/{task_id}": ("404", "409 409 404", "404", "404", "404", "409", "login"),
    "POST /commission/{period}/disputes/{dispute_id}/resolve": (
        "409 404 404",
        "409 409 404",
        "409",
        "404",
        "409",
        "409",
        "login",
    ),
    "GET /commission/{period}/mine": ("200", "200", "200", "200", "200", "200", "login"),
    "GET /commission/{period}/statement/{employee_id}": (
        "200 404 404",
        "200 200 404",
        "200",
        "404",
        "200",
        "200",
        "login",
    ),
    "POST /commission/{period}/disputes": ("409", "404", "404", "404", "404", "404", "login"),
    # ---------------------------------------------------------------- alerts, audit, reports
    "GET /alerts": ("403", "200", "200", "403", "403", "200", "login"),
    "POST /alerts/scan": ("403", "403", "403", "403", "403", "303", "login"),
    "GET /alerts/scans/{workflow_id}": ("403", "200", "200", "403", "403", "200", "login"),
    "GET /alerts/rules": ("403", "200", "200", "403", "403", "200", "login"),
    "POST /alerts/rules/{rule}": ("403", "403", "403", "403", "403", "422", "login"),
    "GET /alerts/{alert_id}": ("403", "200 200 404", "200", "403", "403", "200", "login"),
    "GET /alerts/{alert_id}/follow-up": ("403", "200 200 404", "200", "403", "403", "200", "login"),
    "POST /alerts/{alert_id}/tasks/{task_id}": ("403", "409 409 404", "404", "403", "403", "409", "login"),
    "GET /admin/audit": ("403", "403", "403", "200", "403", "200", "login"),
    "GET /admin/audit/verify": ("403", "403", "403", "403", "403", "200", "login"),
    "GET /reports/customers": ("403", "200", "200", "403", "403", "200", "login"),
    "GET /reports/customers.{file_format}": ("403", "200", "200", "403", "403", "200", "login"),
}


def written(route: str, column: str) -> dict[str, str]:
    """The matrix's answer for each relation the route is asked about."""
    cell = MATRIX[route][COLUMNS.index(column)].split()
    relations = relations_of(route)
    return dict(zip(relations, cell * len(relations) if len(cell) == 1 else cell, strict=True))


def test_the_matrix_names_every_route_and_only_those(base_settings: Settings, db: Database, tmp_path: Path) -> None:
    from web.app import create_app

    app = create_app(base_settings.with_changes(data_dir=tmp_path, database_url_override=db.url), db=db)
    routes = app_routes(app)
    assert len(routes) == len(set(routes))
    assert sorted(set(routes) - set(MATRIX)) == [], "routes the matrix does not name yet: add their rows"
    assert sorted(set(MATRIX) - set(routes)) == [], "rows for routes the app no longer has"
    for route, cells in MATRIX.items():
        relations = relations_of(route)
        for column, cell in zip(COLUMNS, cells, strict=True):
            said = cell.split()
            assert set(said) <= ANSWERS, f"{route} {column}: {cell!r} is not an answer"
            assert len(said) in (1, len(relations)), f"{route} {column}: one answer or one per {relations}"


@pytest.mark.parametrize("column", COLUMNS)
async def test_each_role_gets_the_answers_written_down(
    column: str, db: Database, org: OrgFixture, settings: Settings, worker: Worker, api: Login, temporal_client: Client
) -> None:
    world = await make_world(db, org, settings, api)
    async with calling_as(column, matrix_app(settings, db, temporal_client)) as caller:
        answers = await ask_everything(caller, world, list(MATRIX))
    wrong, leaks = [], []
    for route in MATRIX:
        for relation, want in written(route, column).items():
            got = answers[route, relation]
            if got.said != want:
                wrong.append(f"{route} [{relation or '-'}]: written {want}, answered {got.said} {got.code or ''}")
            missing = answers.get((route, MISSING))
            if missing is not None and want == got.said == "404" and got != missing:
                leaks.append(f"{route} [{relation}]: hidden answers {got}, missing {missing}")
    assert not wrong, f"{column} is answered otherwise than written:\n" + "\n".join(wrong)
    assert not leaks, f"{column} tells a hidden record from a missing one:\n" + "\n".join(leaks)
