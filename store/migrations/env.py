"""Alembic environment: runs online against the URL set by store.migrate."""

from __future__ import annotations

from alembic import context

from store.db import make_engine
from store.models import Base
from store.repo.customers.search import is_search_object

config = context.config
target_metadata = Base.metadata


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Autogenerate leaves alone the keyword search's FTS tables, helper table and expression
    indexes (migration 0004): the models do not describe them, on purpose."""
    return not is_search_object(name)


def run_migrations_online() -> None:
    url = config.get_main_option("sqlalchemy.url")
    assert url, "store.migrate sets sqlalchemy.url"
    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            include_name=include_name,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Baton runs migrations online only: use `baton migrate`.")
run_migrations_online()
