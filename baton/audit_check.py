"""``baton audit verify``: walk the audit log's hash chain against the configured database.

Exit code 0 when every entry follows the chain (the head hash is printed, to be noted and passed
back with ``--anchor`` next time, which also catches the newest entries being cut off); 1 with
the first broken entry printed otherwise, so a cron job or monitor can alert on it.
"""

from __future__ import annotations

import sys
from typing import TextIO

from store.db import Database
from store.repo.audit.log import VerifyResult, verify


def report(result: VerifyResult, out: TextIO) -> int:
    if result.ok:
        print(f"Audit log intact: {result.entries} entries; head {result.head_hash or '-'}", file=out)
        return 0
    broken = result.broken
    print(f"Audit log BROKEN after {result.entries} intact entries.", file=out)
    if broken is not None:
        at = broken.at.isoformat() if broken.at else "-"
        print(
            f"First broken entry: id={broken.id} at={at} action={broken.action} "
            f"entity={broken.entity} entity_id={broken.entity_id} reason={broken.reason}",
            file=out,
        )
    return 1


def run_verify(database_url: str, anchor: str | None = None, out: TextIO | None = None) -> int:
    database = Database(database_url)
    try:
        with database.session() as session:
            result = verify(session, anchor=anchor)
    finally:
        database.dispose()
    return report(result, out or sys.stdout)
