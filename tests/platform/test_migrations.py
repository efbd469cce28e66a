"""Migrations build exactly the models' schema, and go down and up again, on this database."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from store.db import Database
from store.migrate import current_tables, downgrade, upgrade
from store.models import Base
from store.repo.customers.search import is_search_object


def test_migrated_schema_matches_the_models(db: Database) -> None:
    with db.engine.connect() as connection:
        # The keyword search's FTS tables and expression indexes live outside the models (migration 0004).
        context = MigrationContext.configure(
            connection,
            opts={"compare_type": True, "include_name": lambda name, _type, _parents: not is_search_object(name)},
        )
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_downgrade_and_upgrade_round_trip(db: Database) -> None:
    expected = {table.name for table in Base.metadata.sorted_tables}
    assert expected <= current_tables(db.url)
    db.dispose()
    downgrade(db.url)
    assert current_tables(db.url) <= {"alembic_version"}
    upgrade(db.url)
    assert expected <= current_tables(db.url)
