"""Offboarding a salesperson (workflow id ``offboarding-<employee>``): nothing leaves with the person.

1. Started by HR or a manager with ``started`` (update-with-start): ``offboarding.begin`` turns the
   order freeze on, lays out the checklist from the template and the pending sign-offs, proposes a
   successor for every customer and tells the manager, department head and HR.
2. Checklist items (tasks ``handover_item``) run in parallel under the ``offboarding.item`` policy,
   never due after the last working day; each needs its evidence before ``done`` is accepted. What
   the action carries (comment, declaration) the validator checks; what lives in the records
   (files, open orders, follow-ups, the plan's customers) the web layer checks before it sends
   the update, so a refusal is never recorded and the same action goes through once it is fixed.
3. The manager approves the reassignment plan (task ``reassignment_plan``); on approval every
   customer moves to its successor in one transaction, and ``customer_notice`` opens.
4. When every item is done and the plan executed, the department head, HR and finance sign off in
   parallel (tasks ``offboarding_review``). A rejection returns the items it names to the employee
   and withdraws the round; after the rework, all three sign again.
5. HR's final confirmation (task ``offboarding_final``, or the ``complete`` update, refused with the
   blockers while anything is open) makes the person ``departed``. Before the last working day it
   takes an explicit early confirmation with the reason (``early_departure`` otherwise), recorded
   with the completion.
6. The last working day passing with open points notifies the department head and HR daily.
   HR may cancel at any time before completion: the freeze is lifted, open tasks are withdrawn.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from datetime import datetime, timedelta
from typing import Any

from temporalio import workflow

from workflows import calls
from workflows.deadlines import repeat_until
from workflows.steps import OpenStep, refuse_expired, rejection
from workflows.tasks import HumanStepsWorkflow

with workflow.unsafe.imports_passed_through():
    from activities.offboarding import OffboardingActivities
    from schemas import search
    from schemas.deadlines import DeadlinePolicy, StepPolicy
    from schemas.kernel.errors import N_
    from schemas.offboarding import (
        FINAL_POLICY,
        FINAL_STEP,
        ITEM_POLICY,
        OPEN_STATUSES,
        PLAN_POLICY,
        PLAN_STEP,
        REVIEW_POLICY,
        REVIEW_TITLES,
        Blocker,
        CancelRequest,
        CompleteRequest,
        Evidence,
        Handover,
        ItemDone,
        ItemPlan,
        ItemStatus,
        LastDayNotice,
        OffboardingStart,
        OffboardingState,
        OffboardingStatus,
        PlanExecution,
        ReviewDecision,
        ReviewRole,
        ReviewStatus,
        StatusChange,
        blockers_of,
        item_step,
        review_step,
        step_key,
    )
    from schemas.org import NOBODY_NAMED_QUEUE
    from schemas.tasks import Actor, Process, StepSpec, TaskAction, TaskDecision

PLAN_TITLE = N_("Approve where %(person)s's customers go")
FINAL_TITLE = N_("Confirm %(person)s's departure")
EARLY_DEPARTURE = N_("The last working day is still to come: confirm the early departure and say why.")
EARLY_REASON = N_("Say why the person leaves before the last working day.")
LAST_DAY_REPEAT = timedelta(days=1)
# The notices past the last working day go out by e-mail/WeCom beside the watch, as every other
# notification does; before, the watch waited for them.
LAST_DAY_NOTICES_BESIDE = "last-day-notices-delivered-beside-the-watch"
# The case ends once everything it handed on is sent, its steps' notices too; before, it waited
# only for what its own records had handed on.
EVERY_DELIVERY_SENT = "offboarding-ends-once-every-delivery-is-sent"


@workflow.defn(name="Offboarding")
class OffboardingWorkflow(HumanStepsWorkflow):
    @workflow.init
    def __init__(self, start: OffboardingStart) -> None:
        super().__init__()
        self._start = start
        self._status = OffboardingStatus.handover
        self._handover: Handover | None = None
        self._plans: dict[str, ItemPlan] = {}
        self._items: dict[str, ItemStatus] = {}
        self._rounds: dict[str, int] = {}
        self._plan_executed = False
        self._review_round = 0
        self._reviews: dict[str, ReviewStatus] = {role.value: ReviewStatus.pending for role in ReviewRole}
        self._final_task: str | None = None
        self._cancelled = False
        self._days_past_last_day = 0
        self._work: list[asyncio.Task[None]] = []
        self._own_deliveries: list[asyncio.Task[None]] = []

    # ----------------------------------------------------------------- the process
    @workflow.run
    async def run(self, start: OffboardingStart) -> OffboardingState:
        handover = await calls.write(
            OffboardingActivities.begin, start, "freeze orders, lay out the checklist, propose successors"
        )
        if handover is None:  # withdrawn before it began
            self._cancelled = True
            return self._state()
        self._plans = {item.key: item for item in handover.items}
        self._items = {item.key: ItemStatus.open for item in handover.items}
        self._rounds = {item.key: 1 for item in handover.items}
        self._handover = handover
        self._send_own(handover.notified)
        for item in handover.items:
            if not item.after_plan:
                self._spawn(self._item_step(item.key))
        self._spawn(self._plan_step(handover))
        self._spawn(self._last_day_watch())
        while not self._closed():
            await workflow.wait_condition(lambda: self._closed() or self._ready_for_review())
            if self._closed():
                break
            await self._review_round_run()
            if self._closed() or all(s == ReviewStatus.approved for s in self._reviews.values()):
                break
            await self._set_status(OffboardingStatus.handover)
            for key, status in self._items.items():
                if status == ItemStatus.returned:
                    self._spawn(self._item_step(key))
        if not self._closed():
            await self._final_step()
        await workflow.wait_condition(workflow.all_handlers_finished)
        await asyncio.gather(*self._work)
        if workflow.patched(EVERY_DELIVERY_SENT):
            await self.deliveries_sent()
        else:
            await asyncio.gather(*self._own_deliveries)
        return self._state()

    def _ready_for_review(self) -> bool:
        return self._plan_executed and all(status == ItemStatus.done for status in self._items.values())

    async def _review_round_run(self) -> None:
        self._review_round += 1
        self._reviews = {role.value: ReviewStatus.pending for role in ReviewRole}
        await self._set_status(OffboardingStatus.review, round_=self._review_round)
        await asyncio.gather(*(self._review_step(role, self._review_round) for role in ReviewRole))

    async def _final_step(self) -> None:
        await self._set_status(OffboardingStatus.final)
        spec = self._spec(
            FINAL_STEP,
            "offboarding_final",
            FINAL_TITLE,
            ["complete"],
            FINAL_POLICY,
            role="hr",
            comment_required=[],
        )
        self._final_task = self._task_id(spec.key)
        await self.human_step(spec, self._policy(FINAL_POLICY))  # the decision records completion

    # ----------------------------------------------------------------- the steps
    async def _item_step(self, key: str) -> None:
        item, round_ = self._plans[key], self._rounds[key]
        spec = self._spec(
            item_step(key, round_),
            "handover_item",
            item.title,
            ["done"],
            ITEM_POLICY,
            person=item.assignee_id,
            role=item.candidate_role,
            comment_required=["done"] if item.evidence == Evidence.comment else [],
            context={"item": key, "round": round_, "evidence": item.evidence.value},
        )
        await self.human_step(
            spec.model_copy(update={"due_not_after": self._start.last_day_ends}), self._policy(ITEM_POLICY)
        )

    async def _plan_step(self, handover: Handover) -> None:
        if handover.customers == 0:
            await self._execute_plan([], self._start.started_by)
            return
        spec = self._spec(
            PLAN_STEP,
            "reassignment_plan",
            PLAN_TITLE,
            ["approve"],
            PLAN_POLICY,
            person=handover.manager_id,
            role=None if handover.manager_id else NOBODY_NAMED_QUEUE,
            comment_required=[],
            context={"proposal": handover.proposal},
        )
        await self.human_step(spec, self._policy(PLAN_POLICY))

    async def _review_step(self, role: ReviewRole, round_: int) -> None:
        assert self._handover is not None
        person = self._handover.head_id if role == ReviewRole.department_head else None
        spec = self._spec(
            review_step(role.value, round_),
            "offboarding_review",
            REVIEW_TITLES[role],
            ["approve", "reject"],
            REVIEW_POLICY,
            person=person,
            role=None if person else role.value,
            context={"role": role.value, "round": round_, "items": list(self._items)},
        )
        await self.human_step(spec, self._policy(REVIEW_POLICY))

    async def _last_day_watch(self) -> None:
        """After the last working day, daily notices to the department head and HR while open."""
        await repeat_until(
            self._closed, self._start.last_day_ends, LAST_DAY_REPEAT, "last working day check", self._past_last_day
        )

    async def _past_last_day(self) -> None:
        blockers = self._blockers()
        if not blockers:
            return
        self._days_past_last_day += 1
        day = self._days_past_last_day
        notified = await calls.write(
            OffboardingActivities.last_day_notice,
            LastDayNotice(offboarding_id=self._start.offboarding_id, day=day, blockers=len(blockers)),
            f"past the last working day, notice {day}",
        )
        await self.send_later_since(LAST_DAY_NOTICES_BESIDE, notified)

    # ----------------------------------------------------------------- decisions on steps
    def extra_problems(self, step: OpenStep, action: TaskAction) -> list[dict[str, str]]:
        kind = step.spec.kind
        if kind == "handover_item" and self._plans[step.spec.context["item"]].evidence == Evidence.declaration:
            declaration = action.data.get("declaration")
            if not isinstance(declaration, str) or not declaration.strip():
                return [
                    {
                        "field": "data.declaration",
                        "code": "declaration_required",
                        "message": N_("Write the declaration."),
                    }
                ]
        if kind == "offboarding_final" and action.action == "complete":
            return self._early_problems(action.data.get("early") is True, action.data.get("early_reason"), "data.")
        if kind == "offboarding_review" and action.action == "reject":
            returned = action.data.get("items")
            if (
                not isinstance(returned, list)
                or not returned
                or not all(isinstance(key, str) and key in self._items for key in returned)
            ):
                return [
                    {
                        "field": "data.items",
                        "code": "items_required",
                        "message": N_("Name the checklist items that must be redone."),
                    }
                ]
        return []

    def on_decision(self, step: OpenStep, decision: TaskDecision) -> None:
        context = step.spec.context
        if step.spec.kind == "handover_item":
            self._items[context["item"]] = ItemStatus.done
        elif step.spec.kind == "offboarding_review":
            approved = decision.action == "approve"
            self._reviews[context["role"]] = ReviewStatus.approved if approved else ReviewStatus.rejected
            if not approved:
                for key in decision.data["items"]:
                    if self._items[key] == ItemStatus.done:
                        self._items[key] = ItemStatus.returned
                        self._rounds[key] += 1

    async def record_decision(self, step: OpenStep, decision: TaskDecision) -> None:
        """Written before the person's action answers, so the case page they open next shows it."""
        context, offboarding_id = step.spec.context, self._start.offboarding_id
        if step.spec.kind == "offboarding_final":
            early = decision.data.get("early") is True and self._before_last_day()
            await self._set_status(
                OffboardingStatus.completed,
                actor_id=decision.actor_id,
                comment=decision.comment,
                early_reason=str(decision.data.get("early_reason") or "").strip() if early else None,
            )
        elif step.spec.kind == "handover_item":
            done = ItemDone(
                offboarding_id=offboarding_id,
                key=context["item"],
                round=context["round"],
                task_id=step.opened.task_id,
                actor_id=decision.actor_id,
                comment=decision.comment,
                data=decision.data,
            )
            await calls.write(OffboardingActivities.item_done, done, f"item done: {context['item']}")
        elif step.spec.kind == "reassignment_plan":
            assignments = [
                {"customer_id": row["customer_id"], "to_id": row["to_id"]} for row in decision.data["assignments"]
            ]
            await self._execute_plan(assignments, decision.actor_id)
        elif step.spec.kind == "offboarding_review":
            approved = decision.action == "approve"
            await calls.write(
                OffboardingActivities.review,
                ReviewDecision(
                    offboarding_id=offboarding_id,
                    role=ReviewRole(context["role"]),
                    round=context["round"],
                    task_id=step.opened.task_id,
                    actor_id=decision.actor_id,
                    approved=approved,
                    comment=decision.comment,
                    returned_items=[] if approved else list(decision.data["items"]),
                ),
                f"sign-off {context['role']}: {decision.action}",
            )
            if not approved:  # the round is over: the others sign the reworked case
                for other in list(self._steps.values()):
                    if other.spec.kind == "offboarding_review" and not other.closed:
                        await self.cancel_step(other.opened.task_id, "items returned for rework")

    async def _execute_plan(self, assignments: list[dict[str, int]], actor_id: int) -> None:
        notified = await calls.write(
            OffboardingActivities.execute_plan,
            PlanExecution(
                offboarding_id=self._start.offboarding_id,
                employee_id=self._start.employee_id,
                actor_id=actor_id,
                assignments=assignments,
            ),
            f"move {len(assignments)} customers to their successors",
        )
        self._plan_executed = True
        self._send_own(notified)
        for key, item in self._plans.items():
            if item.after_plan:
                self._spawn(self._item_step(key))

    # ----------------------------------------------------------------- HR acts on the case
    @workflow.update
    async def started(self) -> OffboardingState:
        """Answers once the handover is set up, so the caller sees the freeze in force."""
        await workflow.wait_condition(lambda: self._handover is not None or self._cancelled)
        return self._state()

    @workflow.update
    async def complete(self, request: CompleteRequest) -> OffboardingState:
        await workflow.wait_condition(lambda: self._final_task in self._steps or self._closed())
        step = self._steps.get(self._final_task or "")
        if step is None or step.closed:
            raise rejection("offboarding_closed", "This offboarding is already closed.")
        early = {"early": True, "early_reason": request.early_reason} if request.early else {}
        await self.decide(
            step,
            TaskAction(
                task_id=step.opened.task_id, action="complete", actor=request.actor, comment=request.comment, data=early
            ),
        )
        return self._state()

    @complete.validator
    def _validate_complete(self, request: CompleteRequest) -> None:
        self._refuse(request.actor, request.expires_at)
        blockers = self._blockers()
        if blockers:
            raise rejection(
                "offboarding_blocked",
                "The offboarding cannot be completed yet.",
                [blocker.detail() for blocker in blockers],
            )
        early = self._early_problems(request.early, request.early_reason, "")
        if early:
            raise rejection(early[0]["code"], early[0]["message"], early)

    @workflow.update
    async def cancel(self, request: CancelRequest) -> OffboardingState:
        await self.accept_durably()
        self._cancelled = True
        async with self._handler_lock:
            for step in list(self._steps.values()):
                await self.cancel_step(step.opened.task_id, "offboarding cancelled")
            await self._set_status(OffboardingStatus.cancelled, actor_id=request.actor.id, comment=request.reason)
        return self._state()

    @cancel.validator
    def _validate_cancel(self, request: CancelRequest) -> None:
        self._refuse(request.actor, request.expires_at)

    @workflow.query
    def offboarding_state(self) -> OffboardingState:
        return self._state()

    # ----------------------------------------------------------------- helpers
    def _refuse(self, actor: Actor, expires_at: datetime | None) -> None:
        refuse_expired(expires_at)
        if "hr" not in actor.roles or actor.id == self._start.employee_id:
            raise rejection("not_hr", "Only HR can do this.")
        if self._closed() or self._status not in OPEN_STATUSES:
            raise rejection("offboarding_closed", "This offboarding is already closed.")

    def _before_last_day(self) -> bool:
        """Now is before the last working day began (company time, which keeps no daylight saving)."""
        return workflow.now() < self._start.last_day_ends - timedelta(days=1)

    def _early_problems(self, early: bool, reason: object, prefix: str) -> list[dict[str, str]]:
        """Confirming the departure before the last working day takes an explicit "early" and why;
        the validators ask (never on replay), so the recorded confirmations replay unchanged."""
        if not self._before_last_day():
            return []
        if not early:
            return [{"field": f"{prefix}early", "code": "early_departure", "message": EARLY_DEPARTURE}]
        if not isinstance(reason, str) or not reason.strip():
            return [{"field": f"{prefix}early_reason", "code": "early_reason_required", "message": EARLY_REASON}]
        return []

    def _closed(self) -> bool:
        return self._cancelled or self._status == OffboardingStatus.completed

    def _blockers(self) -> list[Blocker]:
        return blockers_of(self._items, self._plan_executed, self._reviews, self._status)

    def _state(self) -> OffboardingState:
        return OffboardingState(
            status=self._status,
            review_round=self._review_round,
            plan_executed=self._plan_executed,
            items=dict(self._items),
            reviews=dict(self._reviews),
            blockers=self._blockers(),
        )

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        self._work.append(asyncio.create_task(work))

    def _send_own(self, notification_ids: list[int]) -> None:
        """:meth:`send_later`; a history from before ``EVERY_DELIVERY_SENT`` waits for these only."""
        sending = self.send_later(notification_ids)
        if sending is not None:
            self._own_deliveries.append(sending)

    def _task_id(self, key: str) -> str:
        return f"{workflow.info().workflow_id}:{key}"

    def _policy(self, step: StepPolicy) -> DeadlinePolicy:
        return self._start.policies.get(step)

    def _spec(
        self,
        key: str,
        kind: str,
        title: str,
        actions: list[str],
        policy: StepPolicy,
        *,
        person: int | None = None,
        role: str | None = None,
        comment_required: list[str] | None = None,
        context: dict[str, object] | None = None,
    ) -> StepSpec:
        return StepSpec(
            key=step_key(self._start.offboarding_id, key),
            kind=kind,
            title=title,
            title_params={"person": self._start.employee_name},
            process=Process.offboarding,
            process_id=str(self._start.offboarding_id),
            subject=self._start.employee_name,
            assignee_id=person,
            candidate_role=None if person else role,
            actions=actions,
            policy_key=policy.key,
            comment_required_for=["reject"] if comment_required is None else comment_required,
            notify_hr_when_overdue=True,
            excluded_actor_ids=[self._start.employee_id] if not person else [],
            context={"offboarding_id": self._start.offboarding_id, **(context or {})},
        )

    async def _set_status(
        self,
        status: OffboardingStatus,
        *,
        round_: int = 0,
        actor_id: int | None = None,
        comment: str | None = None,
        early_reason: str | None = None,
    ) -> None:
        if status not in (OffboardingStatus.completed, OffboardingStatus.cancelled) and self._closed():
            return
        self._status = status
        notified = await calls.write(
            OffboardingActivities.status,
            StatusChange(
                offboarding_id=self._start.offboarding_id,
                status=status,
                actor_id=actor_id,
                comment=comment,
                round=round_,
                early_reason=early_reason,
            ),
            f"status: {status.value}",
        )
        workflow.upsert_search_attributes([search.STATUS.value_set(status.value)])
        self._send_own(notified)
