"""A bounded fuzz run of every JSON API operation from ``/openapi.json`` (schemathesis), with inputs
that fit the schema and inputs that break it: whatever arrives — huge integers, far dates, odd
strings, wrong types, missing fields — the answer is never a 5xx.

It runs against the real app over HTTP, with a worker and a small company behind it, as admin (who
reaches the most routes) and as a salesperson. ``BATON_FUZZ_EXAMPLES`` sets the examples per
operation (default 8; the closing figures of a deeper run used 30).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections import Counter
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable

from store.db import Database
from tests.support.customers import make_customers
from tests.support.orders import make_services
from tests.support.org import PASSWORD, OrgFixture

pytestmark = pytest.mark.slow

EXAMPLES = int(os.environ.get("BATON_FUZZ_EXAMPLES", "8"))
# Routes that end the caller's own session, or wait for a whole scan, would only slow the run.
SKIPPED = {("POST", "/api/logout"), ("POST", "/api/alerts/scan")}


def fuzz(base_url: str, token: str) -> tuple[Counter[int], list[str]]:
    import schemathesis
    from schemathesis.generation import GenerationMode

    schema = schemathesis.openapi.from_url(f"{base_url}/openapi.json")
    statuses: Counter[int] = Counter()
    failures: list[str] = []
    headers = {"Authorization": f"Bearer {token}"}
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    for operation, mode in ((op, mode) for op in operations for mode in GenerationMode):
        if (operation.method.upper(), operation.path) in SKIPPED:
            continue

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any) -> None:
            response = case.call(base_url=base_url, headers=headers, timeout=30)
            statuses[response.status_code] += 1
            if response.status_code >= 500:
                failures.append(
                    f"{response.status_code} {case.method} {case.formatted_path} "
                    f"query={case.query} body={str(case.body)[:200]}: {response.text[:200]}"
                )

        with contextlib.suppress(Unsatisfiable):  # an operation whose inputs the schema pins down
            run()
    return statuses, failures


@pytest.mark.parametrize("username", ["admin", "sales_south"])
async def test_no_input_makes_the_api_answer_5xx(  # type: ignore[no-untyped-def]
    live_server: str, worker, db: Database, org: OrgFixture, username: str
) -> None:
    make_services(db)
    make_customers(db, org)
    async with httpx.AsyncClient(base_url=live_server) as client:
        token = (await client.post("/api/login", json={"username": username, "password": PASSWORD})).json()["token"]
    statuses, failures = await asyncio.to_thread(fuzz, live_server, token)
    print(f"{username}: {sum(statuses.values())} requests, statuses {dict(sorted(statuses.items()))}")
    assert sum(statuses.values()) > 100, "the run reached the API"
    assert not failures, "\n".join(failures[:20])
