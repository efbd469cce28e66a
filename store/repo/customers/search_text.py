"""A keyword search as text: the terms of a query, case folded the same way everywhere, and a
record's text cut around its first match with every term marked (what the results highlight).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from schemas.kernel.errors import N_, InvalidInput

MAX_QUERY_CHARS = 100
MIN_TERM_CHARS = 2
SNIPPET_CONTEXT = 40  # characters kept either side of the first match in a long text
_DROPPED_CATEGORIES = {"Cc", "Cs", "Co", "Cn"}  # controls, lone surrogates, unassigned: never searchable

Segments = list[tuple[str, bool]]


@dataclass(frozen=True)
class Fragment:
    """A piece of one field with the matched terms marked: ``[("text", False), ("拼多多", True), ...]``."""

    field: str
    segments: Segments


def parse_terms(q: str) -> list[str]:
    """The distinct terms of a query, or :class:`InvalidInput` naming what is wrong with it."""
    q = q.strip()
    if len(q) > MAX_QUERY_CHARS:
        raise InvalidInput(
            details=[{"field": "q", "code": "too_long", "message": N_("Search for at most 100 characters.")}]
        )
    cleaned = "".join(" " if unicodedata.category(ch) in _DROPPED_CATEGORIES else ch for ch in q)
    terms: dict[str, str] = {}
    for term in cleaned.split():
        terms.setdefault(fold(term), term)
    if not terms:
        raise InvalidInput(details=[{"field": "q", "code": "required", "message": N_("Type a word to search for.")}])
    if any(len(term) < MIN_TERM_CHARS for term in terms.values()):
        raise InvalidInput(
            details=[
                {"field": "q", "code": "term_too_short", "message": N_("Each search word needs at least 2 characters.")}
            ]
        )
    return list(terms.values())


def fold(text: str) -> str:
    """Lower-case keeping every character in place, so positions in the folded text are positions in the original."""
    folded = text.lower()
    if len(folded) == len(text):
        return folded
    return "".join(low if len(low := ch.lower()) == 1 else ch for ch in text)


def highlight(text: str, terms: list[str], context: int = SNIPPET_CONTEXT) -> Segments:
    """``text`` (cut around its first match when long) as segments with every term occurrence marked.
    Empty when no term occurs in it."""
    folded = fold(text)
    spans: list[tuple[int, int]] = []
    for term in {fold(t) for t in terms}:
        start = folded.find(term)
        while start >= 0:
            spans.append((start, start + len(term)))
            start = folded.find(term, start + 1)
    if not spans:
        return []
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    begin, finish = 0, len(text)
    if len(text) > 4 * context:
        begin, finish = max(0, merged[0][0] - context), min(len(text), merged[0][1] + 2 * context)
    segments: Segments = [("…", False)] if begin > 0 else []
    cursor = begin
    for start, end in merged:
        if end <= begin or start >= finish:
            continue
        start, end = max(start, begin), min(end, finish)
        if start > cursor:
            segments.append((text[cursor:start], False))
        segments.append((text[start:end], True))
        cursor = end
    if cursor < finish:
        segments.append((text[cursor:finish], False))
    if finish < len(text):
        segments.append(("…", False))
    return segments
