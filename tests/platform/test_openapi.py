"""The published schema is complete: every route of the JSON API contract is in /openapi.json."""

from __future__ import annotations

import httpx

CONTRACT = [
    ("post", "/api/login"),
    ("get", "/api/me"),
    ("post", "/api/teams"),
    ("post", "/api/employees"),
    ("get", "/api/employees/{employee_id}"),
    ("put", "/api/settings/{key}"),
    ("get", "/api/policies"),
    ("put", "/api/policies/{key}"),
    ("get", "/api/tasks"),
    ("post", "/api/tasks/{task_id}/complete"),
    ("post", "/api/tasks/{task_id}/attachments"),
    ("get", "/api/notifications"),
    ("post", "/api/customers"),
    ("get", "/api/customers"),
    ("get", "/api/customers/{customer_id}"),
    ("post", "/api/customers/{customer_id}/reassign"),
    ("post", "/api/customers/{customer_id}/interactions"),
    ("get", "/api/interactions"),
    ("post", "/api/customers/{customer_id}/complaints"),
    ("get", "/healthz"),
]


async def test_every_contract_route_is_published(anonymous: httpx.AsyncClient) -> None:
    response = await anonymous.get("/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    missing = [(method, path) for method, path in CONTRACT if method not in paths.get(path, {})]
    assert missing == []


async def test_every_api_operation_documents_its_error_answers(anonymous: httpx.AsyncClient) -> None:
    schema = (await anonymous.get("/openapi.json")).json()
    undocumented = [
        (method, path)
        for path, operations in schema["paths"].items()
        if path.startswith("/api/")
        for method, operation in operations.items()
        if not {"403", "404", "422", "503"} <= set(operation["responses"])
    ]
    assert undocumented == []
    complete = schema["paths"]["/api/tasks/{task_id}/complete"]["post"]["responses"]
    assert complete["404"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorOut")
