"""A process's history in business terms: the recorded histories read right (events in order, the
right people), and over HTTP who may read a live one, paging, the engine's raw events, the page
fragment and the answers when the workflow or the engine is missing."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
from temporalio.client import WorkflowHistory

from schemas.history import HistoryKind
from schemas.kernel import i18n
from schemas.kernel.config import Settings
from store.db import Database
from tests.notifications.test_notifications import page_login
from tests.support.customers import make_customers
from tests.support.orders import make_services, order_body, wait_for_approval
from tests.support.org import OrgFixture
from web.processes.history import ProcessEvent, translate
from web.processes.history_api import page_of
from web.processes.history_text import Facts, Wording

HISTORIES = Path(__file__).resolve().parents[1] / "histories"
# People in the recorded histories (tests/support/org.py, in creation order).
ADMIN, HEAD, HR, FINANCE, MANAGER_SOUTH, MANAGER_EAST, SALES_SOUTH = 1, 2, 3, 4, 5, 6, 7


# The recording of the whole scenario where a type has others too (e.g. past the last working day).
SCENARIOS = {"Offboarding": "Offboarding--offboarding-7.json", "OrderApproval": "OrderApproval--order-2.json"}


def recorded(name: str) -> list[ProcessEvent]:
    path = HISTORIES / SCENARIOS[name] if name in SCENARIOS else next(HISTORIES.glob(f"{name}--*.json"))
    workflow_id = path.stem.split("--", 1)[1]
    return translate(WorkflowHistory.from_json(workflow_id, path.read_text(encoding="utf-8")).events)


def of_kind(events: list[ProcessEvent], kind: HistoryKind) -> list[ProcessEvent]:
    return [event for event in events if event.kind == kind]


def decisions(events: list[ProcessEvent]) -> list[tuple[str | None, int | None, str | None]]:
    return [
        (event.task_id.split(":", 1)[1] if event.task_id else None, event.actor_id, event.decision)
        for event in of_kind(events, HistoryKind.task_completed)
    ]


# ---------------------------------------------------------------- recorded histories
def test_every_recorded_history_reads_in_order_from_start_to_end() -> None:
    for path in sorted(HISTORIES.glob("*.json")):
        events = translate(
            WorkflowHistory.from_json(path.stem.split("--", 1)[1], path.read_text(encoding="utf-8")).events
        )
        assert events[0].kind == HistoryKind.started, path.name
        assert events[-1].kind == HistoryKind.completed, path.name
        ids = [event.event_id for event in events]
        assert ids == sorted(ids), f"{path.name}: events in history order"


def test_order_approval_manager_rejects_then_approves_and_finance_approves() -> None:
    events = recorded("OrderApproval")
    assert events[0].actor_id == SALES_SOUTH and events[0].process == "OrderApproval"
    assert decisions(events) == [
        ("r1-manager", MANAGER_SOUTH, "reject"),
        ("r2-manager", MANAGER_SOUTH, "approve"),
        ("r2-finance", FINANCE, "approve"),
    ]
    rejection = of_kind(events, HistoryKind.task_completed)[0]
    assert rejection.comment == "请按合同价"
    created = of_kind(events, HistoryKind.task_created)
    assert [(event.task_id, event.assignee_id) for event in created] == [
        ("order-2:r1-manager", MANAGER_SOUTH),
        ("order-2:r2-manager", MANAGER_SOUTH),
        ("order-2:r2-finance", None),
    ]
    assert all(event.due_at is not None for event in created)
    assert created[0].title == ("Approve order #%(order)s (team manager)", {"order": "2"})
    statuses = [(event.status, event.actor_id) for event in of_kind(events, HistoryKind.status_changed)]
    assert statuses == [
        ("pending_approval", SALES_SOUTH),
        ("rejected", MANAGER_SOUTH),
        ("pending_approval", SALES_SOUTH),
        ("approved", FINANCE),
    ]
    assert [event.task_id for event in of_kind(events, HistoryKind.reminder_sent)] == ["order-2:r1-manager"]
    assert events[-1].status == "approved"


def test_offboarding_finance_returns_items_and_hr_confirms() -> None:
    events = recorded("Offboarding")
    assert events[0].actor_id == HR
    decided = of_kind(events, HistoryKind.task_completed)
    rejection = next(event for event in decided if event.decision == "reject")
    assert rejection.actor_id == FINANCE and rejection.task_id == "offboarding-7:c1-review-finance-r1"
    assert rejection.data == {"items": ["key_contacts"]} and rejection.comment == "缺电话"
    plan = next(event for event in decided if event.task_id == "offboarding-7:c1-reassignment-plan")
    assert plan.actor_id == MANAGER_SOUTH and plan.data["assignments"]
    final = decided[-1]
    assert (final.task_id, final.actor_id, final.decision) == ("offboarding-7:c1-final", HR, "complete")
    escalations = of_kind(events, HistoryKind.escalated)
    assert [(event.task_id, event.assignee_id, event.to_id) for event in escalations] == [
        ("offboarding-7:c1-reassignment-plan", MANAGER_SOUTH, HEAD)
    ], "the second level had nobody above"
    statuses = [(event.status, event.actor_id) for event in of_kind(events, HistoryKind.status_changed)]
    assert statuses == [("review", None), ("handover", None), ("review", None), ("final", None), ("completed", HR)]
    assert of_kind(events, HistoryKind.reminder_sent) and of_kind(events, HistoryKind.overdue_notice)


def test_commission_dispute_recompute_finance_reject_then_approve() -> None:
    events = recorded("CommissionSettlement")
    assert events[0].actor_id == FINANCE
    changes = [(event.status, event.actor_id) for event in of_kind(events, HistoryKind.status_changed)]
    assert changes == [
        ("employee_review", None),
        ("disputed", SALES_SOUTH),
        ("computing", FINANCE),
        ("employee_review", None),
        ("manager_review", None),
        ("dispute_adjusted", MANAGER_SOUTH),
        ("finance_review", None),
        ("manager_review", None),
        ("finance_review", None),
        ("locked", FINANCE),
    ]
    dispute = of_kind(events, HistoryKind.status_changed)[1]
    assert dispute.comment == "老客户费率" and dispute.data["payment_id"] == 1
    assert decisions(events) == [
        ("r1-team-1", MANAGER_SOUTH, "approve"),
        ("r1-team-2", MANAGER_EAST, "approve"),
        ("r1-finance", FINANCE, "reject"),
        ("r2-team-1", MANAGER_SOUTH, "approve"),
        ("r2-team-2", MANAGER_EAST, "approve"),
        ("r2-finance", FINANCE, "approve"),
    ]
    review = of_kind(events, HistoryKind.task_created)[0]
    assert review.title == (
        "Review %(team)s's commission for %(period)s",
        {"period": "2026-10", "team": "华南区工业客户团队"},
    )
    assert events[-1].status == "locked"


def test_step_probe_reminds_flags_overdue_and_escalates_in_both_task_write_styles() -> None:
    for name in ("StepProbe--probe-6f87bdf5d1", "StepProbe--probe-bf799fa94e"):
        path = HISTORIES / f"{name}.json"
        events = translate(WorkflowHistory.from_json(name.split("--")[1], path.read_text(encoding="utf-8")).events)
        kinds = [event.kind for event in events]
        assert kinds.count(HistoryKind.reminder_sent) == 1
        notices = of_kind(events, HistoryKind.overdue_notice)
        assert [event.sequence for event in notices] == list(range(1, len(notices) + 1)) and len(notices) >= 2
        escalation = of_kind(events, HistoryKind.escalated)
        assert [(event.assignee_id, event.to_id) for event in escalation] == [(SALES_SOUTH, MANAGER_SOUTH)]
        assert (
            kinds.index(HistoryKind.reminder_sent)
            < kinds.index(HistoryKind.overdue_notice)
            < kinds.index(HistoryKind.escalated)
            < kinds.index(HistoryKind.task_completed)
        )
        # Older runs close the task with a normal activity as well: one decision each, not two.
        assert [(actor, decision) for _, actor, decision in decisions(events)] == [
            (MANAGER_SOUTH, "approve"),
            (FINANCE, "reject"),
        ], name


def test_summaries_read_in_the_readers_language() -> None:
    events = recorded("OrderApproval")
    wording = Wording(Facts(names={MANAGER_SOUTH: "陈杰", FINANCE: "周敏"}))
    created, rejection = of_kind(events, HistoryKind.task_created)[0], of_kind(events, HistoryKind.task_completed)[0]
    token = i18n.current_language.set("en")
    try:
        assert wording.summary(created) == "Task “Approve order #2 (team manager)” for 陈杰, due 2026-11-24 17:15"
        assert wording.summary(rejection) == "Rejected: “Approve order #2 (team manager)” — 请按合同价"
        assert wording.summary(events[-1]) == "Process finished: Approved"
    finally:
        i18n.current_language.reset(token)
    token = i18n.current_language.set("zh_CN")
    try:
        assert wording.summary(created).startswith("任务“") and "陈杰" in wording.summary(created)
        assert "请按合同价" in wording.summary(rejection) and "Rejected" not in wording.summary(rejection)
    finally:
        i18n.current_language.reset(token)


PROCESSES = ("OrderApproval", "Offboarding", "CommissionSettlement", "AlertFollowUp")


def test_every_event_of_every_process_reads_without_a_placeholder() -> None:
    """Each process's first line names what it is about, and no kind of event anywhere shows a
    raw ``%(name)s`` parameter, in either language."""
    wording = Wording(Facts(names={MANAGER_SOUTH: "陈杰", FINANCE: "周敏", HEAD: "刘洋", SALES_SOUTH: "张伟"}))
    kinds: set[HistoryKind] = set()
    for language in ("zh_CN", "en"):
        token = i18n.current_language.set(language)
        try:
            for path in sorted(HISTORIES.glob("*.json")):
                events = translate(
                    WorkflowHistory.from_json(path.stem.split("--", 1)[1], path.read_text(encoding="utf-8")).events
                )
                for event in events:
                    summary = wording.summary(event)
                    assert "%(" not in summary and summary, f"{path.name} {language} {event.kind}: {summary}"
                if path.name.split("--")[0] in PROCESSES:
                    kinds |= {event.kind for event in events}
        finally:
            i18n.current_language.reset(token)
    assert kinds == set(HistoryKind), "the recorded processes between them show every kind of event"

    started = {name: wording.summary(recorded(name)[0]) for name in PROCESSES}
    assert started == {
        "OrderApproval": "订单 #2 已提交审批",
        "Offboarding": "张伟 的离职交接已开始",
        "CommissionSettlement": "2026-10 提成结算已开始",
        "AlertFollowUp": "预警 #1 的跟进已开始：佛山美达电器有限公司",
    }
    token = i18n.current_language.set("en")
    try:
        assert wording.summary(recorded("OrderApproval")[0]) == "Order #2 submitted for approval"
        assert wording.summary(recorded("Offboarding")[0]) == "Offboarding of 张伟 started"
        alert = recorded("AlertFollowUp")
        assert wording.summary(alert[0]) == "Follow-up of alert #1 started: 佛山美达电器有限公司"
        acknowledged = of_kind(alert, HistoryKind.task_completed)[0]
        assert wording.summary(acknowledged).startswith("Acknowledged: “Customer gone silent: 佛山美达电器有限公司”")
        assert wording.summary(alert[-1]) == "Process finished: Resolved"
        rejection = next(
            event
            for event in of_kind(recorded("Offboarding"), HistoryKind.task_completed)
            if event.decision == "reject"
        )
        assert wording.summary(rejection).endswith("Returned for rework: Hand over customers' key contacts")
        assert wording.summary(recorded("RiskScan")[-1]) == "Process finished"
    finally:
        i18n.current_language.reset(token)


def test_long_histories_page_without_gaps_or_repeats() -> None:
    from schemas.history import RawEvent

    events = [
        RawEvent(event_id=number, at=event.at, type="x")
        for number, event in enumerate(recorded("Offboarding"), start=1)
    ]
    seen, token = [], None
    while True:
        page, token = page_of(events, token, 7)
        assert len(page) <= 7
        seen += page
        if token is None:
            break
    assert seen == events


# ---------------------------------------------------------------- over HTTP, a live order
async def start_order(api, db: Database, org: OrgFixture) -> str:  # type: ignore[no-untyped-def]
    make_services(db)
    customers = make_customers(db, org)
    sales = await api("sales_south")
    created = await sales.post("/api/orders", json=order_body(customers.own, [("LTL", 10, "95.00")]))
    assert created.status_code == 201, created.text
    order = created.json()
    task = await wait_for_approval(db, order["id"], "manager")
    manager = await api("manager_south")
    decided = await manager.post(f"/api/tasks/{task.id}/complete", json={"action": "approve"})
    assert decided.status_code == 200, decided.text
    await wait_for_approval(db, order["id"], "finance")
    return str(order["workflow_id"])


async def test_participants_managers_hr_and_admin_read_a_live_order_others_do_not(
    api, worker, db: Database, org: OrgFixture
) -> None:  # type: ignore[no-untyped-def]
    workflow_id = await start_order(api, db, org)
    url = f"/api/processes/{workflow_id}/history"
    owner = await (await api("sales_south")).get(url)
    assert owner.status_code == 200, owner.text
    body = owner.json()
    assert body["workflow_id"] == workflow_id and body["next_page_token"] is None
    kinds = [event["kind"] for event in body["events"]]
    assert kinds[:4] == ["started", "status_changed", "task_created", "task_completed"]
    assert kinds[-1] == "task_created", "finance's step is open"
    started, status, manager_task, approval, finance_task = body["events"][:5]
    assert started["actor_id"] == org["sales_south"] and status["status"] == "pending_approval"
    assert manager_task["assignee_id"] == org["manager_south"] and manager_task["due_at"]
    assert approval["actor_id"] == org["manager_south"] and approval["decision"] == "approve"
    assert approval["actor_name"] == "陈杰"
    assert finance_task["assignee_id"] is None and finance_task["candidate_role"] == "finance"
    assert all(event["summary"] for event in body["events"])

    for reader in ("manager_south", "head", "hr", "admin", "finance"):
        assert (await (await api(reader)).get(url)).status_code == 200, reader
    unknown = await (await api("sales_east")).get("/api/processes/order-999999/history")
    for outsider in ("sales_east", "manager_east", "sales_south2"):
        hidden = await (await api(outsider)).get(url)
        assert hidden.status_code == 404, outsider
        assert hidden.json() == unknown.json(), "a hidden process answers exactly as an unknown one"


async def test_a_live_history_starts_with_the_order_it_is_about(api, worker, db: Database, org: OrgFixture) -> None:  # type: ignore[no-untyped-def]
    workflow_id = await start_order(api, db, org)
    order_id = workflow_id.split("-", 1)[1]
    owner = await api("sales_south")
    url = f"/api/processes/{workflow_id}/history"
    for language, first in (
        ("zh-CN", f"订单 #{order_id} 已提交审批"),
        ("en", f"Order #{order_id} submitted for approval"),
    ):
        body = (await owner.get(url, headers={"Accept-Language": language})).json()
        assert body["events"][0]["summary"] == first
        assert all("%(" not in event["summary"] for event in body["events"]), body["events"]


async def test_unknown_workflows_are_404_for_everyone(api, worker, org: OrgFixture) -> None:  # type: ignore[no-untyped-def]
    missing = f"order-{uuid.uuid4().hex[:8]}"
    for reader in ("hr", "sales_south"):
        answer = await (await api(reader)).get(f"/api/processes/{missing}/history")
        assert answer.status_code == 404, reader
    assert (await (await api("hr")).get("/api/processes/bad%20id/history")).status_code == 422


async def test_paging_and_the_raw_toggle(api, worker, db: Database, org: OrgFixture) -> None:  # type: ignore[no-untyped-def]
    workflow_id = await start_order(api, db, org)
    hr = await api("hr")
    url = f"/api/processes/{workflow_id}/history"
    whole = (await hr.get(url)).json()["events"]
    pages, token = [], None
    while True:
        answer = (await hr.get(url, params={"page_size": 2, **({"page_token": token} if token else {})})).json()
        assert len(answer["events"]) <= 2
        pages += answer["events"]
        token = answer["next_page_token"]
        if token is None:
            break
    assert pages == whole
    assert (await hr.get(url, params={"page_token": "x"})).status_code == 422

    raw = (await hr.get(url, params={"raw": "true", "page_size": 500})).json()
    assert raw["events"] == [] and raw["raw_events"][0]["type"] == "WorkflowExecutionStarted"
    assert [event["event_id"] for event in raw["raw_events"]] == list(range(1, len(raw["raw_events"]) + 1))
    assert any(
        event["type"] == "WorkflowExecutionUpdateAccepted" and event["description"] == "complete_task"
        for event in raw["raw_events"]
    )


async def test_the_page_fragment_has_the_toggle_and_the_web_ui_link(
    app, api, worker, db: Database, org: OrgFixture, settings: Settings
) -> None:  # type: ignore[no-untyped-def]
    workflow_id = await start_order(api, db, org)
    dev_server = settings.temporal.__class__(**{**settings.temporal.__dict__, "address": None})
    app.state.settings = settings.with_changes(temporal=dev_server)  # the Web UI address is known
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://baton.test") as client:
        await page_login(client, "sales_south")
        fragment = await client.get(f"/processes/{workflow_id}/history", headers={"HX-Request": "true"})
        assert fragment.status_code == 200, fragment.text
        assert 'data-kind="task_completed"' in fragment.text and "raw=true" in fragment.text
        assert f"/namespaces/default/workflows/{workflow_id}/" in fragment.text
        raw = await client.get(f"/processes/{workflow_id}/history?raw=true", headers={"HX-Request": "true"})
        assert "WorkflowExecutionStarted" in raw.text
        order_page = await client.get(f"/orders/{workflow_id.split('-', 1)[1]}")
        assert f'hx-get="/processes/{workflow_id}/history"' in order_page.text


async def test_the_engine_down_answers_503(settings: Settings, db: Database, org: OrgFixture) -> None:
    from web.app import create_app

    make_services(db)
    nowhere = settings.temporal.__class__(**{**settings.temporal.__dict__, "address": "127.0.0.1:1"})
    app = create_app(settings.with_changes(temporal=nowhere, action_timeout=1.0), db=db)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://baton.test") as client:
        login = await client.post("/api/login", json={"username": "hr", "password": "secret-pass-1"})
        client.headers["Authorization"] = f"Bearer {login.json()['token']}"
        answer = await client.get("/api/processes/order-1/history")
    assert answer.status_code == 503 and answer.json()["error"]["code"] == "engine_unavailable"
