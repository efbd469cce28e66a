"""Keyword search over communication records, newest first, only what the viewer may see.

A query is whitespace-separated terms; every term must occur (AND) as a substring of the
summary or the content, case-insensitively for ASCII. Terms of 2 characters use the pair
index, longer ones the trigram index (see migration 0004 for both databases). Characters such
as ``%``, ``_``, quotes and backslashes are searched literally: terms reach the FTS indexes as quoted
strings and ``LIKE``/``ILIKE`` as escaped patterns, never as syntax. Newest first means by
``occurred_at`` (to the second on SQLite, where the index key holds seconds), then by id.

How SQLite finds a page (the index returns matches newest first by its search key):

1. Walk the newest :data:`PROBE_SIZE` matches, looking each up only to apply visibility. For
   someone who sees most records (department head, admin, a big team's manager) the page and the
   count are there; a rare term is exhausted within it. Nothing else is read.
2. Otherwise the viewer sees a small share of the matches. If they see few records at all (a
   salesperson: their customers and what they wrote, found through the customer and author
   indexes), those records are read and tested directly: the cost follows what they can see, not
   how common the word is.
3. A viewer with many records but few of these matches: the index's stream of matches is kept to
   their record ids, collected once.

A search may be narrowed to a customer, an author and a span of time (store/repo/
interaction_scope.py): the customer and author join visibility, the span bounds the search key
(SQLite) or ``occurred_at`` (PostgreSQL) so the indexes skip what lies outside.

Counting stops at :data:`COUNT_CAP`; :class:`MatchCount` says whether it stopped early.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    Text,
    True_,
    and_,
    any_,
    bindparam,
    case,
    column,
    func,
    literal_column,
    or_,
    select,
    table,
)
from sqlalchemy.dialects.postgresql import ARRAY, array
from sqlalchemy.orm import Session

from store.models import Customer, Employee, Interaction
from store.repo.customers.search_scope import SearchScope
from store.repo.customers.search_text import MIN_TERM_CHARS, Fragment, highlight, parse_terms
from store.repo.customers.visibility import Viewer, interaction_condition
from store.repo.shared.text_match import LIKE_ESCAPE, like_pattern

COUNT_CAP = 1000
PROBE_SIZE = 1500  # newest matches the first plan examines before it hands over to the second
FEW_RECORDS = 20_000  # a viewer who sees at most this many records is searched record by record
SEARCH_OBJECT_PREFIX = "interaction_search_"
_KEY_ID_MASK = (1 << 31) - 1  # the interaction id in the low 31 bits of the SQLite search key


class MatchCount(int):
    """The number of matches, counted up to a limit (an int, as callers expect); ``capped``: there may be more."""

    capped: bool

    def __new__(cls, value: int, capped: bool = False) -> MatchCount:
        count = super().__new__(cls, value)
        count.capped = capped
        return count


@dataclass(frozen=True)
class SearchHit:
    id: int
    customer_id: int
    customer_name: str
    employee_id: int
    author_name: str
    channel: str
    summary: str
    occurred_at: datetime
    highlights: list[Fragment]


def is_search_object(name: str | None) -> bool:
    """Index objects of migration 0004 that the models do not describe (schema comparison skips them)."""
    return bool(name) and str(name).startswith(SEARCH_OBJECT_PREFIX)


def search(
    session: Session, viewer: Viewer, q: str, *, scope: SearchScope | None = None, limit: int = 20, offset: int = 0
) -> tuple[list[SearchHit], int]:
    """One page of matching records the viewer may see (within ``scope``), newest first, and the
    (capped) match count."""
    terms = parse_terms(q)
    scope = scope or SearchScope()
    limit, offset = max(1, min(limit, 100)), max(0, min(offset, COUNT_CAP))
    visible = interaction_condition(session, viewer)
    if scope.who():  # only then: a reader who sees everything keeps the plan that looks nothing up
        visible = and_(visible, *scope.who())
    if session.get_bind().dialect.name == "sqlite":
        ids, total = _sqlite_page(session, terms, visible, scope, limit, offset)
    else:
        ids, total = _sql_page(session, terms, and_(visible, *scope.when()) if scope.when() else visible, limit, offset)
    return _hits(session, ids, terms), total


# ---------------------------------------------------------------- SQLite: FTS5 indexes
_TEXT_INDEX = table("interaction_search_text", column("rowid"))
_PAIR_INDEX = table("interaction_search_pairs", column("rowid"))


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _matches(terms: list[str], scope: SearchScope, among: Select[Any] | None = None) -> Select[Any]:
    """Search keys of records containing every term within the scope's time span (and, given
    ``among``, with an id in it), newest first."""
    long_terms = [t for t in terms if len(t) > MIN_TERM_CHARS]
    pair_terms = [t for t in terms if len(t) == MIN_TERM_CHARS]
    conditions: list[ColumnElement[bool]] = []
    driver = _TEXT_INDEX if long_terms else _PAIR_INDEX
    if long_terms:
        conditions.append(literal_column(_TEXT_INDEX.name).op("MATCH")(" AND ".join(map(_fts_phrase, long_terms))))
    if pair_terms:
        pair_match = literal_column(_PAIR_INDEX.name).op("MATCH")(" AND ".join(map(_fts_phrase, pair_terms)))
        if driver is _PAIR_INDEX:
            conditions.append(pair_match)
        else:  # "+ 0": filter the driving index's stream, do not look each key up
            conditions.append((driver.c.rowid + 0).in_(select(_PAIR_INDEX.c.rowid).where(pair_match)))
    low, high = scope.key_range()
    if low is not None:
        conditions.append(driver.c.rowid >= low)
    if high is not None:
        conditions.append(driver.c.rowid < high)
    if among is not None:
        conditions.append(driver.c.rowid.op("&")(_KEY_ID_MASK).in_(among))
    return select(driver.c.rowid.label("key")).where(*conditions).order_by(driver.c.rowid.desc())


def _sqlite_page(
    session: Session, terms: list[str], visible: ColumnElement[bool], scope: SearchScope, limit: int, offset: int
) -> tuple[list[int], MatchCount]:
    wanted = offset + limit
    # Plan 1: the newest matches; count them and the ones the viewer may see, keep the first page.
    newest = _matches(terms, scope).limit(PROBE_SIZE).subquery("newest")
    if isinstance(visible, True_):  # the viewer sees every record: nothing to look up
        scanned = shown = session.scalar(select(func.count()).select_from(newest)) or 0
        page = select(newest.c.key).order_by(newest.c.key.desc())
    else:
        joined = newest.outerjoin(Interaction, Interaction.id == newest.c.key.op("&")(_KEY_ID_MASK))
        seen = func.coalesce(func.sum(case((and_(Interaction.id.is_not(None), visible), 1), else_=0)), 0)
        scanned, shown = session.execute(select(func.count(), seen).select_from(joined)).one()
        page = (
            select(newest.c.key)
            .select_from(joined)
            .where(Interaction.id.is_not(None), visible)
            .order_by(newest.c.key.desc())
        )
    exhausted = scanned < PROBE_SIZE
    if exhausted or shown >= wanted:
        keys = session.scalars(page.limit(limit).offset(offset)).all()
        total = MatchCount(min(shown, COUNT_CAP), capped=shown > COUNT_CAP or not exhausted)
        return [key & _KEY_ID_MASK for key in keys], total
    own = select(Interaction.id).where(visible, *scope.when())
    seen_records = session.scalar(select(func.count()).select_from(own.limit(FEW_RECORDS + 1).subquery())) or 0
    if seen_records <= FEW_RECORDS:
        # Plan 2: the viewer sees few records at all: read those (indexed by customer and author) directly.
        newest_first = (func.strftime("%s", Interaction.occurred_at).cast(Integer).desc(), Interaction.id.desc())
        ids = list(session.scalars(own.where(*map(_contains, terms)).order_by(*newest_first).limit(COUNT_CAP + 1)))
    else:
        # Plan 3: many visible records, few of them among the matches: the index's stream, kept to their ids.
        ids = [key & _KEY_ID_MASK for key in session.scalars(_matches(terms, scope, among=own).limit(COUNT_CAP + 1))]
    return ids[offset:wanted], MatchCount(min(len(ids), COUNT_CAP), capped=len(ids) > COUNT_CAP)


def _contains(term: str, *, any_case: bool = False) -> ColumnElement[bool]:
    """The term in the summary or the content, tested on the row (SQLite's LIKE ignores ASCII case)."""
    pattern = like_pattern(term)
    return or_(
        *(
            column.ilike(pattern, escape=LIKE_ESCAPE) if any_case else column.like(pattern, escape=LIKE_ESCAPE)
            for column in (Interaction.summary, Interaction.content)
        )
    )


# ---------------------------------------------------------------- PostgreSQL: pg_trgm + pairs
def _sql_page(
    session: Session, terms: list[str], visible: ColumnElement[bool], limit: int, offset: int
) -> tuple[list[int], MatchCount]:
    """PostgreSQL: 3+ characters through the trigram index; 2 through the pairs index, with a plain
    ``ILIKE`` on the columns as the cheap test of a row read some other way (the trigram index
    cannot serve 2 characters, so that test is kept off its expression on purpose). A viewer who
    sees few records gets them as a list of ids: the planner cannot estimate the visibility
    condition, but it can a list, and then reads those records instead of walking everyone's."""
    if not isinstance(visible, True_):
        own = list(session.scalars(select(Interaction.id).where(visible).limit(FEW_RECORDS + 1)))
        if len(own) <= FEW_RECORDS:
            visible = Interaction.id == any_(bindparam("own_ids", own, type_=ARRAY(Integer)))
    conditions = [visible]
    text = func.interaction_search_text(Interaction.summary, Interaction.content, type_=Text)
    pairs = func.interaction_search_pairs(Interaction.summary, Interaction.content)
    for term in terms:
        if len(term) > MIN_TERM_CHARS:
            conditions.append(text.ilike(like_pattern(term), escape=LIKE_ESCAPE))
        else:
            conditions.append(pairs.op("@>")(array([func.lower(term)], type_=Text)))
            conditions.append(_contains(term, any_case=True))
    newest = select(Interaction.id).where(*conditions).order_by(Interaction.occurred_at.desc(), Interaction.id.desc())
    ids = list(session.scalars(newest.limit(limit).offset(offset)))
    counted = (
        session.scalar(
            select(func.count()).select_from(select(Interaction.id).where(*conditions).limit(COUNT_CAP + 1).subquery())
        )
        or 0
    )
    return ids, MatchCount(min(counted, COUNT_CAP), capped=counted > COUNT_CAP)


# ---------------------------------------------------------------- hits and highlights
def _hits(session: Session, ids: list[int], terms: list[str]) -> list[SearchHit]:
    """The page's records in the page's order, with the customer's and the author's names and the highlights."""
    query = (
        select(
            Interaction.id,
            Interaction.customer_id,
            Customer.name,
            Interaction.employee_id,
            Employee.name.label("author_name"),
            Interaction.channel,
            Interaction.summary,
            Interaction.content,
            Interaction.occurred_at,
        )
        .join(Customer, Customer.id == Interaction.customer_id)
        .join(Employee, Employee.id == Interaction.employee_id)
        .where(Interaction.id.in_(ids))
    )
    rows = {row.id: row for row in session.execute(query)} if ids else {}
    return [
        SearchHit(
            id=row.id,
            customer_id=row.customer_id,
            customer_name=row.name,
            employee_id=row.employee_id,
            author_name=row.author_name,
            channel=row.channel,
            summary=row.summary,
            occurred_at=row.occurred_at,
            highlights=[
                Fragment(field, marked)
                for field in ("summary", "content")
                if (marked := highlight(getattr(row, field) or "", terms))
            ],
        )
        for record_id in ids
        if (row := rows.get(record_id)) is not None
    ]
