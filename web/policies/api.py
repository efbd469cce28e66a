"""Deadline policies over the JSON API: managers and back office read them, admins change them.

Sales people do not read them: they see the due time on each of their tasks, which is what
matters to them, and the escalation rules are their managers' business.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from schemas.kernel.errors import UnknownPolicy
from schemas.org import Role
from schemas.policies import POLICY_KEYS, PolicyIn, PolicyList, PolicyOut, policy_from_input, policy_out
from store.repo.tasks import policies
from web.shared.auth import Principal, get_db, require_roles

router = APIRouter(prefix="/api", tags=["policies"])

Reader = Annotated[
    Principal, Depends(require_roles(Role.admin, Role.hr, Role.department_head, Role.sales_manager, Role.finance))
]
Admin = Annotated[Principal, Depends(require_roles(Role.admin))]


def known_policy_key(key: str) -> str:
    """A dependency, so an unknown key is 404 before the body is even looked at."""
    if key not in POLICY_KEYS:
        raise UnknownPolicy(details=[{"field": "key", "code": "unknown", "message": UnknownPolicy.message}])
    return key


@router.get("/policies", response_model=PolicyList)
def list_policies(request: Request, user: Reader) -> PolicyList:
    with get_db(request).session() as session:
        items = [policy_out(key, policy) for key, policy in policies.all_policies(session).items()]
    return PolicyList(items=items, total=len(items))


@router.put("/policies/{key}", response_model=PolicyOut)
def put_policy(
    user: Admin, key: Annotated[str, Depends(known_policy_key)], body: PolicyIn, request: Request
) -> PolicyOut:
    policy = policy_from_input(body)
    with get_db(request).session() as session:
        stored = policies.put_policy(session, actor_id=user.id, key=key, policy=policy)
    return policy_out(key, stored)
