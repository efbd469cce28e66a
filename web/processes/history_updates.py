"""How a process's history reads what people did: each Workflow Update accepted (a decision on a
task, a claim, a dispute, a recompute) with the person who sent it, and nothing of an update its
handler refused — the events it recorded are dropped when it completes with a failure.

:class:`UpdateReader` is the part of the history's :class:`~web.processes.history.Translator` that
keeps the updates in flight; the events emitted while one runs belong to it.
"""

from __future__ import annotations

import re
from datetime import UTC
from typing import Any

from temporalio.api.history.v1 import HistoryEvent as TemporalEvent

from schemas.commission import SettlementStatus
from schemas.history import HistoryKind
from web.processes.history_events import as_dict, first
from web.processes.history_model import OpenedTask, ProcessEvent, Update

FINAL_TASK_SUFFIX = "-final"  # the offboarding's last step, which the ``complete`` update decides
CASE_PREFIX = re.compile(r"^c\d+-")  # an offboarding step carries its case: ``c1-key_contacts``
ITEM_ROUND = re.compile(r"-r\d+$")  # and a checklist item's later rounds: ``c1-key_contacts-r2``


class UpdateReader:
    """The updates of one history walk, and the events it emits."""

    out: list[ProcessEvent]
    tasks: dict[str, OpenedTask]
    decided: set[str]  # tasks a person decided (a later closing activity adds nothing)
    updates: dict[int, Update]  # accepted event id → the update
    running: list[int]  # updates accepted and not yet completed, oldest first
    status: str | None

    def emit(self, event: TemporalEvent, kind: HistoryKind, **fields: Any) -> ProcessEvent:
        item = ProcessEvent(
            event_id=event.event_id, at=event.event_time.ToDatetime().replace(tzinfo=UTC), kind=kind, **fields
        )
        self.out.append(item)
        if self.running and kind in (HistoryKind.task_completed, HistoryKind.status_changed):
            self.updates[self.running[-1]].events.append(item)
        return item

    def current_update(self) -> Update | None:
        return self.updates[self.running[-1]] if self.running else None

    def on_update_accepted(self, event: TemporalEvent) -> None:
        attributes = event.workflow_execution_update_accepted_event_attributes
        request = attributes.accepted_request.input
        update = Update(name=request.name, argument=as_dict(first(request.args)))
        self.updates[event.event_id] = update
        self.running.append(event.event_id)
        argument, actor = update.argument, update.actor_id
        if update.name == "complete_task":
            self.decision(event, actor, argument, str(argument.get("task_id", "")), argument.get("action"))
        elif update.name == "complete":
            final = next((task_id for task_id in reversed(self.tasks) if task_id.endswith(FINAL_TASK_SUFFIX)), None)
            self.decision(event, actor, argument, final, "complete")
        elif update.name == "claim_task":
            task = self.tasks.get(str(argument.get("task_id")))
            if task is not None:
                task.holder_id = None if argument.get("release") else actor
        elif update.name == "dispute":
            self.emit(
                event,
                HistoryKind.status_changed,
                actor_id=actor,
                status="disputed",
                comment=argument.get("comment"),
                data={key: argument[key] for key in ("payment_id", "kind", "team_id") if key in argument},
            )
        elif update.name == "resolve_dispute":
            self.emit(
                event,
                HistoryKind.status_changed,
                actor_id=actor,
                status=f"dispute_{argument.get('decision')}",
                comment=argument.get("reason"),
                data={key: argument[key] for key in ("dispute_id", "amount", "team_id") if key in argument},
            )
        elif update.name == "recompute":
            self.status = SettlementStatus.computing
            self.emit(event, HistoryKind.status_changed, actor_id=actor, status=SettlementStatus.computing)

    def decision(
        self, event: TemporalEvent, actor: int | None, argument: dict[str, Any], task_id: str | None, action: Any
    ) -> None:
        if task_id:
            self.decided.add(task_id)
        data = as_dict(argument.get("data"))
        self.emit(
            event,
            HistoryKind.task_completed,
            actor_id=actor,
            task_id=task_id,
            title=self.task_title(task_id),
            decision=action if isinstance(action, str) else None,
            comment=argument.get("comment"),
            attachment_ids=list(argument.get("attachment_ids") or []),
            data=data,
            returned=self.item_titles(data.get("items")),
        )

    def item_titles(self, keys: Any) -> list[tuple[str, dict[str, str]] | str]:
        """The checklist items a sign-off sends back, by their task titles (the key when unknown)."""
        if not isinstance(keys, list):
            return []
        titles: dict[str, tuple[str, dict[str, str]]] = {}
        for task_id, task in self.tasks.items():
            step = ITEM_ROUND.sub("", CASE_PREFIX.sub("", task_id.split(":", 1)[-1]))
            if task.title is not None:
                titles[step] = task.title
        return [titles.get(str(key), str(key)) for key in keys]

    def task_title(self, task_id: str | None) -> tuple[str, dict[str, str]] | None:
        task = self.tasks.get(task_id or "")
        return task.title if task else None

    def on_update_completed(self, event: TemporalEvent) -> None:
        attributes = event.workflow_execution_update_completed_event_attributes
        accepted = attributes.accepted_event_id
        if accepted in self.running:
            self.running.remove(accepted)
        update = self.updates.get(accepted)
        if update is not None and attributes.outcome.HasField("failure"):
            for item in update.events:  # refused inside the handler: nothing was recorded
                if item.task_id:
                    self.decided.discard(item.task_id)
            update.failed = True
