"""Search attributes set on every workflow so the Temporal Web UI filters by business terms."""

from __future__ import annotations

from temporalio.common import SearchAttributeKey, SearchAttributePair, TypedSearchAttributes

PROCESS = SearchAttributeKey.for_keyword("BatonProcess")
SUBJECT = SearchAttributeKey.for_keyword("BatonSubject")
STATUS = SearchAttributeKey.for_keyword("BatonStatus")

ALL = (PROCESS, SUBJECT, STATUS)


def process_attributes(process: str, subject: str, status: str) -> TypedSearchAttributes:
    """What a process starts with, so the Temporal Web UI filters by business terms."""
    return TypedSearchAttributes(
        [
            SearchAttributePair(PROCESS, process),
            SearchAttributePair(SUBJECT, subject),
            SearchAttributePair(STATUS, status),
        ]
    )
