"""interaction keyword search

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23

Keyword search over communication records (``summary`` + ``content``): Chinese substrings of
two or more characters and English words, fast on a million records. Every object this
migration creates is named ``interaction_search_*``; the models do not describe them, so the
schema comparison skips that prefix (store/repo/customers/search.py ``is_search_object``).

SQLite
------
* ``interaction_search_text``: FTS5, ``tokenize='trigram'``, contentless (the text lives in
  ``interactions``; highlights are cut in Python), no column sizes (nothing is ranked), over summary and
  content. A term of 3+ characters is a phrase of its trigrams, i.e. an exact substring test.
* ``interaction_search_pairs``: the 2-character path, also indexed. The trigram tokenizer
  cannot answer terms shorter than 3 characters, and ``LIKE '%私人%'`` would scan the table. So
  each record's text is also written as its overlapping character pairs ("私人微信" → "私人 人微
  微信"), space separated, into a contentless FTS5 table with ``detail=none`` (a pair either
  occurs or not; no positions needed). Its ``ascii`` tokenizer treats every ASCII punctuation
  character as part of a token and folds ASCII case, so a pair such as ``%_`` or ``'"`` is one
  token and a 2-character term is a single-token lookup. Pairs holding whitespace fall apart
  into 1-character tokens that no query ever asks for.
* The FTS rowid is a **search key**, not the interaction id:
  ``(seconds of occurred_at since 2000-01-01 UTC) * 2^31 + id``. FTS5 returns rowids in order,
  so "newest first, stop after a page" reads the index only, without visiting every match in
  the interactions table. The id comes back as ``key & (2^31 - 1)`` (ids are 32-bit integers).
* Triggers keep both tables in step with ``interactions`` (insert; update of the searched
  columns; delete). Records are append-only, but an edit or a purge must not leave a stale index.
  SQLite triggers cannot use a CTE, so the pairs are cut with the helper table
  ``interaction_search_positions`` (0..4095): the text is cut into 64-character slices
  (``substr`` on UTF-8 is linear in the offset, slicing keeps long notes cheap) and each slice
  into pairs. Text beyond 4096 * 64 characters has no 2-character index (trigrams still cover it).
  The backfill of records already there cuts the same pairs in Python, which is much faster; the
  tests check that a backfilled record is unindexed cleanly by the triggers.
* A migration that rebuilds ``interactions`` in batch mode (copy and rename) drops these
  triggers: it must create them again (``tests/customers/test_search.py`` notices).

PostgreSQL
----------
* ``pg_trgm`` with a GIN trigram index on ``interaction_search_text(summary, content)`` serves
  ``ILIKE '%term%'`` for terms of 3+ characters (CJK included under C.UTF-8).
* pg_trgm cannot help a 2-character ``ILIKE`` (no whole trigram can be extracted; PostgreSQL 15
  plans a sequential scan), and pg_bigm is not available. So ``interaction_search_pairs(summary,
  content)`` returns the record's distinct lower-cased character pairs as ``text[]`` and a GIN
  index over that expression answers ``pairs @> ARRAY['私人']`` exactly. The function is marked
  costly (it is, ~70 µs a record): the planner should reach it through the index, and the
  repository pairs it with a plain ``ILIKE`` on the columns as the cheap row filter.
* ``interaction_search_newest`` on ``(occurred_at, id)``: for a common word, walking the newest
  records and stopping after a page beats collecting every match and sorting; the planner
  chooses between that and the GIN indexes from the expression statistics (``ANALYZE`` here).

Both databases
--------------
* ``interaction_search_author`` indexes ``interactions.employee_id``: visibility includes "records
  I wrote", and without it the search's visibility-first plan would scan the table.
"""

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

# ASCII punctuation is part of a pair token: '%', '_', quotes and backslashes are searched literally.
_PUNCTUATION = "".join(chr(c) for c in range(33, 127) if not chr(c).isalnum())
_PAIR_TOKENIZER = "ascii tokenchars '" + _PUNCTUATION.replace("'", "''") + "'"

_SLICE = 64
_POSITIONS = 4096


def _search_key(row: str) -> str:
    return (f"((coalesce(CAST(strftime('%s', {row}.occurred_at) AS INTEGER), 946684800) - 946684800) "
            f"* 2147483648 + {row}.id)")


def _pairs(row: str) -> str:
    """The record's overlapping character pairs, space separated, in plain SQL (usable in a trigger)."""
    return f"""(SELECT coalesce(group_concat(substr(slice.text, pos.n + 1, 2), ' '), '')
        FROM (SELECT substr(doc.text, cut.n * {_SLICE} + 1, {_SLICE + 1}) AS text
              FROM (SELECT {row}.summary || char(10) || {row}.content AS text) AS doc
              CROSS JOIN interaction_search_positions AS cut
              WHERE cut.n < (length(doc.text) + {_SLICE - 1}) / {_SLICE}) AS slice
        CROSS JOIN interaction_search_positions AS pos
        WHERE pos.n < {_SLICE} AND pos.n < length(slice.text) - 1)"""


def _index_row(row: str) -> str:
    return f"""
        INSERT INTO interaction_search_text(rowid, summary, content)
            VALUES ({_search_key(row)}, {row}.summary, {row}.content);
        INSERT INTO interaction_search_pairs(rowid, pairs) VALUES ({_search_key(row)}, {_pairs(row)});"""


def _unindex_row(row: str) -> str:
    # Contentless tables forget a row when told the values it was indexed with.
    return f"""
        INSERT INTO interaction_search_text(interaction_search_text, rowid, summary, content)
            VALUES ('delete', {_search_key(row)}, {row}.summary, {row}.content);
        INSERT INTO interaction_search_pairs(interaction_search_pairs, rowid, pairs)
            VALUES ('delete', {_search_key(row)}, {_pairs(row)});"""


def _upgrade_sqlite() -> None:
    op.execute("CREATE VIRTUAL TABLE interaction_search_text USING fts5("
               "summary, content, content='', columnsize=0, tokenize='trigram')")
    tokenizer = _PAIR_TOKENIZER.replace("'", "''")
    op.execute(f"CREATE VIRTUAL TABLE interaction_search_pairs USING fts5("
               f"pairs, content='', columnsize=0, detail=none, tokenize='{tokenizer}')")
    op.execute("CREATE TABLE interaction_search_positions (n INTEGER PRIMARY KEY)")
    op.execute(f"WITH RECURSIVE counter(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM counter "
               f"WHERE n < {_POSITIONS - 1}) INSERT INTO interaction_search_positions(n) SELECT n FROM counter")
    _backfill_sqlite()
    op.execute(f"CREATE TRIGGER interaction_search_after_insert AFTER INSERT ON interactions BEGIN"
               f"{_index_row('new')}\nEND")
    op.execute(f"CREATE TRIGGER interaction_search_after_delete AFTER DELETE ON interactions BEGIN"
               f"{_unindex_row('old')}\nEND")
    op.execute(f"CREATE TRIGGER interaction_search_after_update "
               f"AFTER UPDATE OF id, summary, content, occurred_at ON interactions BEGIN"
               f"{_unindex_row('old')}{_index_row('new')}\nEND")


def _backfill_sqlite() -> None:
    """Index the records already there, in key order (FTS5 buffers ascending rowids and writes few
    segments). The pairs are the triggers' pairs computed in Python: the trigger's SQL costs about
    60 µs a record, over a minute for a million; Python cuts them in seconds. Same text, same cut:
    summary + newline + content, up to the first NUL (SQLite's length() stops there), every pair
    starting within the first 4096 * 64 characters."""
    bind = op.get_bind()
    records = bind.execute(sa.text(f"SELECT {_search_key('interactions')} AS search_key, summary, content "
                                   f"FROM interactions ORDER BY search_key"))
    add_text = sa.text("INSERT INTO interaction_search_text(rowid, summary, content) VALUES (:key, :summary, :content)")
    add_pairs = sa.text("INSERT INTO interaction_search_pairs(rowid, pairs) VALUES (:key, :pairs)")
    for batch in records.partitions(20_000):
        bind.execute(add_text, [{"key": key, "summary": summary, "content": content}
                                for key, summary, content in batch])
        bind.execute(add_pairs, [{"key": key, "pairs": _python_pairs(summary, content)}
                                 for key, summary, content in batch])
    for table in ("interaction_search_text", "interaction_search_pairs"):
        op.execute(f"INSERT INTO {table}({table}) VALUES ('optimize')")


def _python_pairs(summary: str, content: str) -> str:
    text = (summary + "\n" + content).split("\x00", 1)[0]
    return " ".join(text[i:i + 2] for i in range(min(len(text) - 1, _POSITIONS * _SLICE)))


def _downgrade_sqlite() -> None:
    for trigger in ("after_update", "after_delete", "after_insert"):
        op.execute(f"DROP TRIGGER IF EXISTS interaction_search_{trigger}")
    for table in ("interaction_search_pairs", "interaction_search_text", "interaction_search_positions"):
        op.execute(f"DROP TABLE IF EXISTS {table}")


def _upgrade_postgresql() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute("""
        CREATE FUNCTION interaction_search_text(summary text, content text) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT summary || E'\\n' || content $$""")
    op.execute("""
        CREATE FUNCTION interaction_search_pairs(summary text, content text) RETURNS text[]
        LANGUAGE sql IMMUTABLE PARALLEL SAFE COST 1000 AS $$
            SELECT coalesce(array_agg(DISTINCT pair.first || pair.second), '{}')
            FROM (SELECT ch AS first, lead(ch) OVER (ORDER BY n) AS second
                  FROM unnest(string_to_array(lower(summary || E'\\n' || content), NULL))
                       WITH ORDINALITY AS chars(ch, n)) AS pair
            WHERE pair.second IS NOT NULL AND pair.first !~ '\\s' AND pair.second !~ '\\s'
        $$""")
    op.execute("CREATE INDEX interaction_search_text_trgm ON interactions "
               "USING gin (interaction_search_text(summary, content) gin_trgm_ops)")
    op.execute("CREATE INDEX interaction_search_pairs_gin ON interactions "
               "USING gin (interaction_search_pairs(summary, content))")
    op.execute("CREATE INDEX interaction_search_newest ON interactions (occurred_at, id)")
    op.execute("ANALYZE interactions")  # statistics of the indexed expressions, for the planner's choice


def _downgrade_postgresql() -> None:
    op.execute("DROP INDEX IF EXISTS interaction_search_newest")
    op.execute("DROP INDEX IF EXISTS interaction_search_pairs_gin")
    op.execute("DROP INDEX IF EXISTS interaction_search_text_trgm")
    op.execute("DROP FUNCTION IF EXISTS interaction_search_pairs(text, text)")
    op.execute("DROP FUNCTION IF EXISTS interaction_search_text(text, text)")
    op.execute("DROP EXTENSION IF EXISTS pg_trgm")


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _upgrade_sqlite()
    elif dialect == "postgresql":
        _upgrade_postgresql()
    op.create_index("interaction_search_author", "interactions", ["employee_id"])


def downgrade() -> None:
    op.drop_index("interaction_search_author", table_name="interactions")
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _downgrade_sqlite()
    elif dialect == "postgresql":
        _downgrade_postgresql()
