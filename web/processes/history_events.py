"""Raw Temporal history events, read without the workflow classes: payloads decoded to plain JSON
values, and each event named and described in one short line (the "raw" view of a process's
history, and the facts ``web/processes/history.py`` translates into business events)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from temporalio.api.common.v1 import Payload, Payloads
from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent as TemporalEvent
from temporalio.contrib.pydantic import pydantic_data_converter

_converter = pydantic_data_converter.payload_converter


def decode(payload: Payload) -> Any:
    """A payload as plain JSON values (no workflow classes are imported to read a history)."""
    try:
        return _converter.from_payload(payload)
    except Exception:  # an encoding this reader does not know: show nothing rather than fail
        return None


def decode_all(payloads: Payloads) -> list[Any]:
    return [decode(payload) for payload in payloads.payloads]


def first(payloads: Payloads) -> Any:
    values = decode_all(payloads)
    return values[0] if values else None


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def parse_time(value: Any) -> datetime | None:
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    return None


def summary_of(event: TemporalEvent) -> str:
    if event.HasField("user_metadata") and event.user_metadata.HasField("summary"):
        value = decode(event.user_metadata.summary)
        return value if isinstance(value, str) else ""
    return ""


def event_type_name(event: TemporalEvent) -> str:
    """``ActivityTaskScheduled`` rather than ``EVENT_TYPE_ACTIVITY_TASK_SCHEDULED``, as the Web UI
    shows it."""
    name = EventType.Name(event.event_type).removeprefix("EVENT_TYPE_")
    return "".join(part.capitalize() for part in name.split("_"))


def describe(event: TemporalEvent) -> str:
    """One short line saying what a raw event was about (activity, update, timer, marker)."""
    summary = summary_of(event)
    kind = event.event_type
    if kind == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
        name = event.activity_task_scheduled_event_attributes.activity_type.name
        return f"{name}: {summary}" if summary else name
    if kind == EventType.EVENT_TYPE_MARKER_RECORDED:
        attributes = event.marker_recorded_event_attributes
        details = attributes.details
        meta = as_dict(first(details["data"])) if "data" in details else {}
        name = str(meta.get("activity_type") or attributes.marker_name)
        return f"{name}: {summary}" if summary else name
    if kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
        return event.workflow_execution_update_accepted_event_attributes.accepted_request.input.name
    if kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED:
        outcome = event.workflow_execution_update_completed_event_attributes.outcome
        return "failure" if outcome.HasField("failure") else "success"
    if kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
        return event.workflow_execution_started_event_attributes.workflow_type.name
    if kind == EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES:
        fields = event.upsert_workflow_search_attributes_event_attributes.search_attributes.indexed_fields
        return ", ".join(f"{key}={decode(value)}" for key, value in sorted(fields.items()))
    if kind == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
        return f"#{event.activity_task_completed_event_attributes.scheduled_event_id}"
    if kind == EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED:
        return event.activity_task_failed_event_attributes.failure.message
    if kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED:
        return event.workflow_execution_terminated_event_attributes.reason
    return summary
