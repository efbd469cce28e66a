"""The audit log's hash chain: an intact log verifies with its count; an edited, deleted, swapped
or rewritten entry is found, and the first broken entry is named with why; removing the newest
entries is caught against a head hash noted earlier; ``baton audit verify`` exits accordingly.

Cutting off the newest entries leaves a chain that is whole, so only an anchor (a head hash
noted before) can reveal it: that is what ``--anchor`` / ``?anchor=`` are for.
"""

from __future__ import annotations

import io
import threading
from typing import Any

import pytest
from sqlalchemy import delete, func, select, update

from baton.audit_check import report, run_verify
from baton.cli import main
from store.db import Database
from store.models import AuditEntry
from store.repo.audit import chain as audit
from store.repo.audit import log as audit_log
from store.repo.audit.chain import entry_digest
from tests.support.org import OrgFixture

DETAILS: list[dict[str, Any]] = [
    {"before": {"roles": ["sales"]}, "after": {"roles": ["sales", "sales_manager"]}},
    {"name": "华通物流 · 深圳分公司", "note": "客户要求“加急”"},
    {"amount": "1234.50", "paid_at": "2026-10-12T10:00:00+08:00"},
    {"plan": {"tiers": [{"from": "0", "rate": "0.02"}], "service_rates": {"SEA": "0.01"}}, "count": 3},
    {},
    {"flag": True, "empty": None, "nested": {"z": 1, "a": [1, "二", {"k": "v"}]}},
]


def fill(db: Database, org: OrgFixture, count: int = 12) -> list[int]:
    """``count`` entries with the kinds of detail the app writes (Chinese text, money as strings,
    nested dicts, no actor); their ids in order."""
    actors = [org["admin"], org["hr"], None, org["finance"]]
    with db.session() as session:
        ids = [
            audit.record(
                session,
                actor_id=actors[n % len(actors)],
                action=f"test.step_{n % 3}",
                entity="customer",
                entity_id=n + 1,
                detail=DETAILS[n % len(DETAILS)],
            ).id
            for n in range(count)
        ]
    return ids


def check(db: Database, anchor: str | None = None) -> audit_log.VerifyResult:
    with db.session() as session:
        return audit_log.verify(session, anchor=anchor)


def change(db: Database, entry_id: int, **values: Any) -> None:
    with db.session() as session:
        session.execute(update(AuditEntry).where(AuditEntry.id == entry_id).values(**values))


def assert_broken(result: audit_log.VerifyResult, entry_id: int, reason: str, intact: int) -> None:
    assert not result.ok
    assert result.broken is not None
    assert (result.broken.id, result.broken.reason, result.entries) == (entry_id, reason, intact)


def test_an_intact_log_verifies_with_its_count(db: Database, org: OrgFixture) -> None:
    assert check(db) == audit_log.VerifyResult(ok=True, entries=0, head_hash=None)
    ids = fill(db, org)
    result = check(db)
    assert result.ok and result.entries == len(ids) and result.broken is None
    with db.session() as session:
        assert result.head_hash == session.scalar(select(AuditEntry.entry_hash).where(AuditEntry.id == ids[-1]))


def test_stored_details_give_back_the_hash_they_were_written_with(db: Database, org: OrgFixture) -> None:
    """Chinese text, money as strings, nested and empty details survive the database unchanged."""
    fill(db, org, count=len(DETAILS))
    with db.session() as session:
        for row in session.scalars(select(AuditEntry).order_by(AuditEntry.id)):
            assert row.at.microsecond == 0 and row.at.utcoffset() is not None
            assert (
                entry_digest(row.prev_hash, row.at, row.actor_id, row.action, row.entity, row.entity_id, row.detail)
                == row.entry_hash
            )


def test_the_walk_streams_across_batches(db: Database, org: OrgFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audit_log, "BATCH", 5)
    ids = fill(db, org, count=23)
    assert check(db).entries == 23
    change(db, ids[17], action="test.changed")
    assert_broken(check(db), ids[17], audit_log.EDITED, 17)


@pytest.mark.parametrize(
    "values",
    [
        {"detail": {"amount": "1.00"}},
        {"actor_id": None},
        {"entity_id": "999"},
    ],
    ids=["detail", "actor", "record"],
)
def test_an_edited_entry_is_the_first_broken_one(db: Database, org: OrgFixture, values: dict[str, Any]) -> None:
    ids = fill(db, org)
    change(db, ids[0] if "actor_id" in values else ids[4], **values)  # ids[0] has an actor to remove
    target = 0 if "actor_id" in values else 4
    assert_broken(check(db), ids[target], audit_log.EDITED, target)


def test_an_edited_time_is_found(db: Database, org: OrgFixture) -> None:
    ids = fill(db, org)
    with db.session() as session:
        at = session.scalar(select(AuditEntry.at).where(AuditEntry.id == ids[6]))
    assert at is not None
    change(db, ids[6], at=at.replace(year=at.year - 1))
    assert_broken(check(db), ids[6], audit_log.EDITED, 6)


def test_a_deleted_entry_in_the_middle_breaks_the_next(db: Database, org: OrgFixture) -> None:
    ids = fill(db, org)
    with db.session() as session:
        session.execute(delete(AuditEntry).where(AuditEntry.id == ids[5]))
    assert_broken(check(db), ids[6], audit_log.MISSING_PREDECESSOR, 5)


def test_deleting_the_first_entry_is_found(db: Database, org: OrgFixture) -> None:
    ids = fill(db, org)
    with db.session() as session:
        session.execute(delete(AuditEntry).where(AuditEntry.id == ids[0]))
    assert_broken(check(db), ids[1], audit_log.MISSING_PREDECESSOR, 0)


def test_a_rewritten_and_rehashed_entry_breaks_the_next(db: Database, org: OrgFixture) -> None:
    """Someone who recomputes the edited entry's own hash still cannot fix the link after it."""
    ids = fill(db, org)
    with db.session() as session:
        row = session.get(AuditEntry, ids[3])
        assert row is not None
        forged = {"amount": "0.01"}
        digest = entry_digest(row.prev_hash, row.at, row.actor_id, row.action, row.entity, row.entity_id, forged)
    change(db, ids[3], detail=forged, entry_hash=digest)
    assert_broken(check(db), ids[4], audit_log.MISSING_PREDECESSOR, 4)


def test_swapped_entries_are_out_of_order(db: Database, org: OrgFixture) -> None:
    ids = fill(db, org)
    columns = ("at", "actor_id", "action", "entity", "entity_id", "detail", "prev_hash", "entry_hash")
    with db.session() as session:
        first, second = (session.get(AuditEntry, ids[n]) for n in (7, 8))
        assert first is not None and second is not None
        a = {name: getattr(first, name) for name in columns}
        b = {name: getattr(second, name) for name in columns}
    change(db, ids[7], entry_hash="f" * 64)  # the hash is unique: make room for the swap
    change(db, ids[8], **a)
    change(db, ids[7], **b)
    assert_broken(check(db), ids[7], audit_log.OUT_OF_ORDER, 7)


def test_cutting_off_the_newest_entries_is_caught_against_a_noted_head(db: Database, org: OrgFixture) -> None:
    ids = fill(db, org)
    noted = check(db).head_hash
    assert noted and check(db, anchor=noted).ok
    with db.session() as session:
        session.execute(delete(AuditEntry).where(AuditEntry.id.in_(ids[-2:])))
    assert check(db).ok, "without an anchor a shorter chain is still whole"
    result = check(db, anchor=noted)
    assert_broken(result, ids[-3], audit_log.TRUNCATED, len(ids) - 2)


def test_the_command_exits_0_when_intact_and_1_with_the_first_broken_entry(db: Database, org: OrgFixture) -> None:
    ids = fill(db, org)
    out = io.StringIO()
    assert run_verify(db.url, out=out) == 0
    assert f"{len(ids)} entries" in out.getvalue()
    change(db, ids[2], detail={"tampered": True})
    out = io.StringIO()
    assert run_verify(db.url, out=out) == 1
    assert f"id={ids[2]}" in out.getvalue() and "reason=edited" in out.getvalue()


def test_baton_audit_verify_reads_the_configured_database(
    db: Database, org: OrgFixture, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = fill(db, org)
    monkeypatch.setenv("BATON_DATABASE_URL", db.url)
    assert main(["audit", "verify"]) == 0
    head = capsys.readouterr().out.strip().rsplit(" ", 1)[-1]
    assert main(["audit", "verify", "--anchor", head]) == 0
    with db.session() as session:
        session.execute(delete(AuditEntry).where(AuditEntry.id == ids[-1]))
    assert main(["audit", "verify", "--anchor", head]) == 1
    assert "reason=truncated" in capsys.readouterr().out


def test_a_broken_report_names_the_entry() -> None:
    broken = audit_log.BrokenEntry(
        id=7, at=None, action="payment.payment", entity="order", entity_id="3", reason=audit_log.OUT_OF_ORDER
    )
    out = io.StringIO()
    assert report(audit_log.VerifyResult(ok=False, entries=6, broken=broken), out) == 1
    assert "id=7" in out.getvalue() and "entity=order entity_id=3" in out.getvalue()


def test_changes_saved_at_the_same_moment_keep_one_chain(db: Database, org: OrgFixture) -> None:
    """Four people saving at once, twenty changes each: every entry follows the one before it."""
    start = threading.Barrier(4)

    def save(person: int) -> None:
        start.wait()
        for index in range(20):
            with db.session() as session:
                audit.record(
                    session,
                    actor_id=person,
                    action="setting.changed",
                    entity="setting",
                    entity_id=f"race-{person}-{index}",
                    detail={"after": index},
                )

    threads = [threading.Thread(target=save, args=(org[who],)) for who in ("admin", "hr", "finance", "head")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with db.session() as session:
        result = audit_log.verify(session)
        written = session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.entity_id.like("race-%"))
        )
    assert written == 80 and result.ok, result
