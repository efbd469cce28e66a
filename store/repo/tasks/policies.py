"""Deadline policies: the defaults each process declares (gathered in schemas/policies.py),
overridden by what an admin stored.

Rows hold ISO 8601 strings, so the table reads the same in any SQL client as in the API. Only
keys a process knows are stored; a row that no longer validates (edited by hand) is ignored with
a warning rather than stopping every process from starting.
"""

from __future__ import annotations

import logging

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from schemas.deadlines import DeadlinePolicy, PolicySnapshot
from schemas.kernel.errors import InvalidInput, UnknownPolicy
from schemas.policies import (
    DEFAULT_POLICIES,
    POLICY_KEYS,
    iso_fields,
    only_due_problems,
)
from store.models import DeadlinePolicyRow
from store.models.base import utcnow
from store.repo.audit import chain as audit
from store.repo.shared.upsert import insert_or_update

log = logging.getLogger("baton.policies")


def _from_row(row: DeadlinePolicyRow) -> DeadlinePolicy:
    return DeadlinePolicy.model_validate(
        {
            "due_in": row.due_in,
            "remind_before": row.remind_before,
            "repeat_every": row.repeat_every,
            "escalate_after": row.escalate_after,
            "calendar": row.calendar,
        }
    )


def all_policies(session: Session) -> dict[str, DeadlinePolicy]:
    """Every known policy in the order of ``POLICY_KEYS``: the stored one where an admin set it."""
    stored: dict[str, DeadlinePolicy] = {}
    for row in session.scalars(select(DeadlinePolicyRow).where(DeadlinePolicyRow.key.in_(POLICY_KEYS))):
        try:
            stored[row.key] = _from_row(row)
        except ValidationError:
            log.warning("deadline policy %s in the database is invalid; using the default", row.key)
    return {key: stored.get(key, DEFAULT_POLICIES[key]).model_copy() for key in POLICY_KEYS}


def get_policy(session: Session, key: str) -> DeadlinePolicy:
    if key not in POLICY_KEYS:
        raise UnknownPolicy(details=[{"field": "key", "code": "unknown", "message": UnknownPolicy.message}])
    return all_policies(session)[key]


def snapshot(session: Session) -> PolicySnapshot:
    """What a process takes at its start: a copy that later changes to the table never touch."""
    return PolicySnapshot(policies=all_policies(session))


def put_policy(session: Session, *, actor_id: int | None, key: str, policy: DeadlinePolicy) -> DeadlinePolicy:
    """Store one policy (insert or replace) and audit the change with the values before and after.

    Processes already running keep their snapshot; only processes started afterwards see this.
    """
    before = get_policy(session, key)
    problems = only_due_problems(key, policy)
    if problems:
        raise InvalidInput(details=problems)
    after = iso_fields(policy)
    insert_or_update(
        session, DeadlinePolicyRow, {"key": key}, {**after, "updated_by": actor_id, "updated_at": utcnow()}
    )
    row = session.get(DeadlinePolicyRow, key, populate_existing=True)
    assert row is not None
    audit.record(
        session,
        actor_id=actor_id,
        action="policy.changed",
        entity="deadline_policy",
        entity_id=key,
        detail={"before": iso_fields(before), "after": after},
    )
    return _from_row(row)
