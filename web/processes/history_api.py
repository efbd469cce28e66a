"""A process's history over the JSON API (API.md "History and audit").

``GET /api/processes/{workflow_id}/history`` reads the workflow's Temporal history and answers
it in business terms, oldest first. Paging: ``page_size`` events a page (default 100, at most
500); the answer's ``next_page_token`` goes back as ``page_token`` for the next page, null on the
last one. The token is the last event id shown, so pages stay put while the process runs on.
``raw=true`` pages through the engine's own events instead (id, time, type, one line each).
The answer links the same workflow in the Temporal Web UI when the settings know its address.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, timedelta
from typing import Annotated, TypeVar
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request
from temporalio.api.history.v1 import HistoryEvent as TemporalEvent
from temporalio.client import WorkflowHistory
from temporalio.service import RPCError, RPCStatusCode

from schemas.history import HistoryEvent, HistoryOut, RawEvent
from schemas.kernel.config import Settings, TemporalSettings
from schemas.kernel.errors import EngineUnavailable, InvalidInput, NotFound
from store.db import Database, Session
from store.repo.processes import access as process_access
from store.repo.processes.access import Access
from web.processes.history import translate
from web.processes.history_events import describe, event_type_name
from web.processes.history_text import Facts, TaskFacts, Wording, history_event
from web.shared.auth import ApiUser, Principal, get_db, get_settings, viewer_of
from web.shared.engine import EngineHandle, engine_handle

router = APIRouter(prefix="/api", tags=["history"])

DEFAULT_PAGE = 100
LARGEST_PAGE = 500

WorkflowId = Annotated[str, Path(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.:\-]+$")]
PageToken = Annotated[str | None, Query(max_length=20, pattern=r"^[0-9]+$")]
PageSize = Annotated[int, Query(ge=1, le=LARGEST_PAGE)]

Item = TypeVar("Item", HistoryEvent, RawEvent)


def check_access(session: Session, user: Principal, workflow_id: str) -> None:
    """404 both for a process nobody knows and for one the reader has no part in: a hidden process
    answers exactly as a missing one, so its existence does not leak."""
    access = process_access.history_access(session, viewer_of(user), workflow_id)
    if access in (Access.forbidden, Access.unknown):
        raise NotFound()


async def fetch(engine: EngineHandle, workflow_id: str, timeout: float) -> WorkflowHistory:
    """The latest run's whole history: 404 if the engine has no such workflow, 503 if it is down
    (or does not answer within ``timeout`` seconds a call)."""
    try:
        client = await engine.client(timeout=timeout)
        handle = client.get_workflow_handle(workflow_id)
        history = await asyncio.wait_for(
            handle.fetch_history(rpc_timeout=timedelta(seconds=timeout)), timeout=timeout * 3
        )
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            raise NotFound() from exc
        raise EngineUnavailable() from exc
    except TimeoutError as exc:
        raise EngineUnavailable() from exc
    if not history.events:
        raise NotFound()
    return history


def ui_link(temporal: TemporalSettings, history: WorkflowHistory) -> str | None:
    """The same run in the Temporal Web UI, when the settings know its address."""
    if not temporal.ui_url:
        return None
    return (
        f"{temporal.ui_url.rstrip('/')}/namespaces/{quote(temporal.namespace, safe='')}/workflows/"
        f"{quote(history.workflow_id, safe='')}/{quote(history.run_id, safe='')}/history"
    )


def page_of(items: Sequence[Item], page_token: str | None, page_size: int) -> tuple[list[Item], str | None]:
    after = int(page_token) if page_token else 0
    remaining = [item for item in items if item.event_id > after]
    page = remaining[:page_size]
    more = len(remaining) > page_size
    return page, (str(page[-1].event_id) if more else None)


def business_events(
    session: Session, workflow_id: str, events: Sequence[TemporalEvent], timezone: str
) -> list[HistoryEvent]:
    """The history in business terms, with the names of the people and the titles of the tasks it
    mentions, times in company time."""
    translated = translate(events)
    people = {
        person for item in translated for person in (item.actor_id, item.assignee_id, item.to_id) if person is not None
    }
    names = process_access.names_of(session, people)
    tasks = {}
    for task in process_access.task_facts(session, workflow_id):
        message = (task.context or {}).get("title_message")
        title = (str(message[0]), dict(message[1] or {})) if isinstance(message, list) and len(message) == 2 else None
        tasks[task.id] = TaskFacts(candidate_role=task.candidate_role, title_message=title)
    wording = Wording(Facts(names=names, tasks=tasks, timezone=timezone))
    return [history_event(item, wording) for item in translated]


def raw_events(events: Sequence[TemporalEvent]) -> list[RawEvent]:
    return [
        RawEvent(
            event_id=event.event_id,
            at=event.event_time.ToDatetime().replace(tzinfo=UTC),
            type=event_type_name(event),
            description=describe(event)[:300],
        )
        for event in events
    ]


async def process_history(
    engine: EngineHandle,
    db: Database,
    settings: Settings,
    user: Principal,
    workflow_id: str,
    *,
    raw: bool = False,
    page_token: str | None = None,
    page_size: int = DEFAULT_PAGE,
) -> HistoryOut:
    """One page of the history, for the API and the page fragment alike."""
    if page_token is not None and not page_token.isdigit():
        raise InvalidInput()
    with db.session() as session:
        check_access(session, user, workflow_id)
    history = await fetch(engine, workflow_id, settings.action_timeout)
    answer = HistoryOut(workflow_id=workflow_id, temporal_ui_url=ui_link(settings.temporal, history))
    if raw:
        answer.raw_events, answer.next_page_token = page_of(raw_events(history.events), page_token, page_size)
    else:
        with db.session() as session:
            events = business_events(session, workflow_id, history.events, settings.timezone)
        answer.events, answer.next_page_token = page_of(events, page_token, page_size)
    return answer


@router.get("/processes/{workflow_id}/history", response_model=HistoryOut)
async def read_history(
    request: Request,
    workflow_id: WorkflowId,
    user: ApiUser,
    raw: Annotated[bool, Query()] = False,
    page_token: PageToken = None,
    page_size: PageSize = DEFAULT_PAGE,
) -> HistoryOut:
    return await process_history(
        engine_handle(request),
        get_db(request),
        get_settings(request),
        user,
        workflow_id,
        raw=raw,
        page_token=page_token,
        page_size=page_size,
    )
