"""Records that make ids and actions happen once: id floors and action fences."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from store.models.base import Base, UTCDateTime, utcnow


class IdFloor(Base):
    """SQLite gives a new row ``max(id) + 1``, so deleting the newest row frees its id for the next
    insert. An order's id names its process (``order-<id>``), which outlives a discarded draft, so
    order ids come from here on SQLite and are never reused (PostgreSQL's sequences never reuse)."""

    __tablename__ = "id_floors"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_id: Mapped[int] = mapped_column(BigInteger, default=0)


class ActionFence(Base):
    """Who got there first for one person's action (one Workflow Update id): the process applying
    it (``applied``), or the web answering that it was not recorded (``abandoned``). Whichever
    row is written first stands, so a person told 503 never finds their action done later, and one
    whose action is applied is never told it was not."""

    __tablename__ = "action_fences"

    update_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    outcome: Mapped[str] = mapped_column(String(10))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
