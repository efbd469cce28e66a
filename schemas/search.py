"""Search attributes set on every workflow so the Temporal Web UI filters by business terms."""

from __future__ import annotations

from temporalio.common import SearchAttributeKey

PROCESS = SearchAttributeKey.for_keyword("BatonProcess")
SUBJECT = SearchAttributeKey.for_keyword("BatonSubject")
STATUS = SearchAttributeKey.for_keyword("BatonStatus")

ALL = (PROCESS, SUBJECT, STATUS)
