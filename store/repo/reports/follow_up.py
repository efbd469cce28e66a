"""The report's customers without follow-up: assigned customers nobody recorded an interaction
with in the quarter (corrections of an earlier record do not count), those silent longest first,
a page at a time.
"""

from __future__ import annotations

import math
from datetime import datetime

from sqlalchemy import ColumnElement, and_, exists, func, select
from sqlalchemy.orm import Session

from schemas.reports import NoFollowUp, SilentCustomer
from store.models import Customer, Employee, Interaction, Team

FOLLOW_UP_PER_PAGE = 50


def no_follow_up(
    session: Session,
    visible: ColumnElement[bool],
    start: datetime,
    end: datetime,
    *,
    page: int = 1,
    per_page: int = FOLLOW_UP_PER_PAGE,
) -> NoFollowUp:
    contacted = exists().where(
        Interaction.customer_id == Customer.id,
        Interaction.corrects_id.is_(None),
        Interaction.occurred_at >= start,
        Interaction.occurred_at < end,
    )
    silent = and_(visible, Customer.owner_id.is_not(None), Customer.created_at < end, ~contacted)
    count = int(session.scalar(select(func.count()).select_from(Customer).where(silent)) or 0)
    pages = max(1, math.ceil(count / per_page))
    page = min(max(page, 1), pages)
    last = (
        select(func.max(Interaction.occurred_at))
        .where(
            Interaction.customer_id == Customer.id, Interaction.corrects_id.is_(None), Interaction.occurred_at < start
        )
        .correlate(Customer)
        .scalar_subquery()
    )
    rows = session.execute(
        select(
            Customer.id,
            Customer.name,
            Customer.owner_id,
            Employee.name,
            Customer.team_id,
            Team.name,
            last.label("last_contact_at"),
        )
        .join(Employee, Employee.id == Customer.owner_id)
        .outerjoin(Team, Team.id == Customer.team_id)
        .where(silent)
        .order_by(last.is_not(None), last, Customer.name, Customer.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return NoFollowUp(
        count=count,
        page=page,
        pages=pages,
        per_page=per_page,
        customers=[
            SilentCustomer(
                customer_id=row[0],
                name=row[1],
                owner_id=int(row[2] or 0),
                owner_name=row[3],
                team_id=row[4],
                team_name=row[5],
                last_contact_at=row[6],
            )
            for row in rows
        ],
    )
