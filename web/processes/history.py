"""Reading a process's Temporal event history as business events.

Temporal keeps the one complete record of what a process did; this module turns it into what
people ask about: who was given a task and by when, who was reminded, flagged overdue or
escalated to, who decided what (with comment and evidence), and how the process's status moved.
It is pure (no database, no engine calls) and deterministic: the same history always gives the
same events, in history order, so it can be checked against recorded histories.

Where the facts come from:

- a task opens with the ``tasks.open`` activity — a local activity in current code, so only a
  marker with its result (task id, holder, due time) and its summary (the title's message id);
  older histories ran it as a normal activity whose input has the whole step;
- deadline activities (``tasks.remind``, ``tasks.overdue_notice``, ``tasks.escalate``) are normal
  activities; an escalation's result names the new holder;
- people act through Workflow Updates, whose accepted input names the actor; an update that
  ended in failure recorded nothing and is dropped;
- the process's status is the ``BatonStatus`` search attribute each workflow keeps current.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent as TemporalEvent

from schemas.commission import SettlementStatus
from schemas.history import HistoryKind
from schemas.offboarding import OffboardingStatus
from web.processes.history_events import as_dict, decode, first, parse_time, summary_of
from web.processes.history_model import OpenedTask, ProcessEvent, Update
from web.processes.history_updates import UpdateReader

STATUS_ATTRIBUTE = "BatonStatus"
LOCAL_ACTIVITY_MARKER = "core_local_activity"
OPEN_TASK_PREFIX = "open task: "
# Stages a process enters by itself when the previous step is done: nobody "changed" them, even
# when the step that finished was someone's action.
PROCESS_STAGES = frozenset(
    {
        OffboardingStatus.handover,
        OffboardingStatus.review,
        OffboardingStatus.final,
        SettlementStatus.computing,
        SettlementStatus.employee_review,
        SettlementStatus.manager_review,
        SettlementStatus.finance_review,
    }
)
RUNNING = "running"  # the status a process starts with before it names a stage of its own


class Translator(UpdateReader):
    """Walks one history once, keeping what later events refer back to."""

    def __init__(self) -> None:
        self.out: list[ProcessEvent] = []
        self.params: dict[str, str] = {}  # title parameters every task of the process shares
        self.teams: dict[str, str] = {}  # commission teams by id, for their review titles
        self.scheduled: dict[int, tuple[str, Any]] = {}  # activity event id → (type, input)
        self.updates: dict[int, Update] = {}  # accepted event id → the update
        self.running: list[int] = []  # updates accepted and not yet completed, oldest first
        self.tasks: dict[str, OpenedTask] = {}
        self.decided: set[str] = set()
        self.status: str | None = None

    # ------------------------------------------------------------------ helpers
    def title_of(self, message: str, task_id: str) -> tuple[str, dict[str, str]]:
        params = dict(self.params)
        team = task_id.rsplit("-team-", 1)[1] if "-team-" in task_id else None
        if team is not None and team in self.teams:
            params["team"] = self.teams[team]
        return message, params

    # ------------------------------------------------------------------ the walk
    def translate(self, events: Iterable[TemporalEvent]) -> list[ProcessEvent]:
        for event in events:
            handler = _HANDLERS.get(event.event_type)
            if handler is not None:
                handler(self, event)
        failed = {id(item) for update in self.updates.values() if update.failed for item in update.events}
        return [item for item in self.out if id(item) not in failed]

    def on_started(self, event: TemporalEvent) -> None:
        attributes = event.workflow_execution_started_event_attributes
        start = as_dict(first(attributes.input))
        alert = as_dict(start.get("alert"))  # a follow-up carries the alert it is about
        for source, key, param in (
            (start, "order_id", "order"),
            (start, "employee_name", "person"),
            (start, "period", "period"),
            (alert, "alert_id", "alert"),
            (alert, "subject", "subject"),
        ):
            if source.get(key) is not None:
                self.params[param] = str(source[key])
        status = attributes.search_attributes.indexed_fields.get(STATUS_ATTRIBUTE)
        self.status = decode(status) if status is not None else None
        actor = start.get("started_by", start.get("owner_id"))
        self.emit(
            event,
            HistoryKind.started,
            actor_id=actor if isinstance(actor, int) else None,
            process=attributes.workflow_type.name,
            data=dict(self.params),
        )

    def on_activity_scheduled(self, event: TemporalEvent) -> None:
        attributes = event.activity_task_scheduled_event_attributes
        self.scheduled[event.event_id] = (attributes.activity_type.name, first(attributes.input))

    def on_activity_completed(self, event: TemporalEvent) -> None:
        attributes = event.activity_task_completed_event_attributes
        activity, argument = self.scheduled.get(attributes.scheduled_event_id, ("", None))
        result = first(attributes.result)
        if activity == "tasks.open":
            request = as_dict(argument)
            spec = as_dict(request.get("spec"))
            title = (
                (str(spec["title"]), {**self.params, **as_dict(spec.get("title_params"))})
                if spec.get("title")
                else None
            )
            self.task_opened(event, as_dict(result), title, spec.get("candidate_role"))
        elif activity == "tasks.close":
            self.task_closed(event, as_dict(argument))
        elif activity in ("tasks.remind", "tasks.overdue_notice", "tasks.escalate"):
            self.deadline(event, activity, as_dict(argument), as_dict(result))
        elif activity == "commission.compute":
            for team in as_dict(result).get("teams") or []:
                if isinstance(team, dict) and team.get("team_id") is not None:
                    self.teams[str(team["team_id"])] = str(team.get("team_name", ""))

    def on_marker(self, event: TemporalEvent) -> None:
        attributes = event.marker_recorded_event_attributes
        if attributes.marker_name != LOCAL_ACTIVITY_MARKER or attributes.HasField("failure"):
            return
        details = attributes.details
        meta = as_dict(first(details["data"])) if "data" in details else {}
        activity = meta.get("activity_type")
        if activity != "tasks.open" or "result" not in details:
            return
        opened = as_dict(first(details["result"]))
        summary = summary_of(event)
        title = (
            self.title_of(summary[len(OPEN_TASK_PREFIX) :], str(opened.get("task_id", "")))
            if summary.startswith(OPEN_TASK_PREFIX)
            else None
        )
        self.task_opened(event, opened, title, None)

    def task_opened(
        self, event: TemporalEvent, opened: dict[str, Any], title: tuple[str, dict[str, str]] | None, role: Any
    ) -> None:
        task_id = opened.get("task_id")
        if not isinstance(task_id, str):
            return
        holder = opened.get("assignee_id")
        self.tasks[task_id] = OpenedTask(title=title, holder_id=holder)
        self.emit(
            event,
            HistoryKind.task_created,
            task_id=task_id,
            title=title,
            assignee_id=holder,
            candidate_role=role if isinstance(role, str) else None,
            due_at=parse_time(opened.get("due_at")),
            data={"delegated_from_id": opened["delegated_from_id"]} if opened.get("delegated_from_id") else {},
        )

    def task_closed(self, event: TemporalEvent, request: dict[str, Any]) -> None:
        """Histories from before decisions were recorded inside the update close the row with a
        normal activity; its decision counts only if no update already told it."""
        decision = as_dict(request.get("decision"))
        task_id = request.get("task_id")
        if not decision or not isinstance(task_id, str) or task_id in self.decided:
            return
        self.decided.add(task_id)
        self.emit(
            event,
            HistoryKind.task_completed,
            actor_id=decision.get("actor_id"),
            task_id=task_id,
            title=self.task_title(task_id),
            decision=decision.get("action"),
            comment=decision.get("comment"),
            attachment_ids=list(decision.get("attachment_ids") or []),
            data=as_dict(decision.get("data")),
            returned=self.item_titles(as_dict(decision.get("data")).get("items")),
        )

    def deadline(self, event: TemporalEvent, activity: str, notice: dict[str, Any], outcome: dict[str, Any]) -> None:
        task_id = notice.get("task_id")
        if not isinstance(task_id, str):
            return
        task = self.tasks.get(task_id)
        common: dict[str, Any] = {
            "task_id": task_id,
            "title": task.title if task else None,
            "assignee_id": task.holder_id if task else None,
        }
        if activity == "tasks.remind":
            self.emit(event, HistoryKind.reminder_sent, **common)
        elif activity == "tasks.overdue_notice":
            self.emit(event, HistoryKind.overdue_notice, sequence=int(notice.get("sequence") or 0) + 1, **common)
        elif outcome.get("target") is not None:  # no target: nobody above, nothing happened
            self.emit(event, HistoryKind.escalated, to_id=outcome["target"], sequence=notice.get("level"), **common)

    def on_search_attributes(self, event: TemporalEvent) -> None:
        fields = event.upsert_workflow_search_attributes_event_attributes.search_attributes.indexed_fields
        if STATUS_ATTRIBUTE not in fields:
            return
        status = decode(fields[STATUS_ATTRIBUTE])
        if not isinstance(status, str) or status == self.status:
            return
        self.status = status
        update = self.current_update()
        by_person = update is not None and status not in PROCESS_STAGES
        comment = None
        if update is not None and by_person and update.name != "complete_task":
            # what the person wrote: a cancellation's reason, a submission's note for the approvers
            comment = update.argument.get("reason") or update.argument.get("comment") or update.argument.get("note")
        self.emit(
            event,
            HistoryKind.status_changed,
            actor_id=update.actor_id if update and by_person else None,
            status=status,
            comment=comment,
        )

    def on_closed(self, event: TemporalEvent) -> None:
        outcome = {
            EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED: "failed",
            EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED: "terminated",
            EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED: "cancelled",
            EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT: "timed_out",
        }.get(event.event_type)
        if outcome is None:
            result = first(event.workflow_execution_completed_event_attributes.result)
            status = as_dict(result).get("status")
            # A process that never moved past "running" (a scan) simply finished.
            outcome = status if isinstance(status, str) else self.status if self.status != RUNNING else None
        self.emit(event, HistoryKind.completed, status=outcome)


_HANDLERS = {
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED: Translator.on_started,
    EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED: Translator.on_activity_scheduled,
    EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED: Translator.on_activity_completed,
    EventType.EVENT_TYPE_MARKER_RECORDED: Translator.on_marker,
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED: Translator.on_update_accepted,
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED: Translator.on_update_completed,
    EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES: Translator.on_search_attributes,
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED: Translator.on_closed,
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED: Translator.on_closed,
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED: Translator.on_closed,
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED: Translator.on_closed,
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT: Translator.on_closed,
}


def translate(events: Iterable[TemporalEvent]) -> list[ProcessEvent]:
    """The business events of one workflow run's history, in history order."""
    return Translator().translate(events)
