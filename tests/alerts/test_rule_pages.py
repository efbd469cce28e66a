"""The rules' settings page: one card per rule, saved whole or not at all with every problem at
its input, explained with its current thresholds, read-only for managers."""

from __future__ import annotations

import re

import httpx
from sqlalchemy import select

from schemas.alerts import AlertRule, Severity
from store.db import Database
from store.models import AuditEntry
from store.repo.alerts import settings as alert_rules
from tests.offboarding.test_pages import section
from tests.orders.test_pages import htmx, login_as
from tests.platform.test_pages import form_token
from tests.support.org import OrgFixture


async def test_rules_are_saved_from_their_cards_with_problems_at_the_inputs(
    anonymous: httpx.AsyncClient, db: Database, org: OrgFixture
) -> None:
    await login_as(anonymous, "admin")
    page = await anonymous.get("/alerts/rules")
    assert page.status_code == 200 and page.text.count('class="card rule-card') == 6
    silent = section(page.text, "rule-customer_silent")
    assert "客户无人跟进：已分配的客户连续 90 天没有任何联系，也没有下单。" in silent
    assert re.search(r'name="days" value="90"[^>]*min="7" max="730" step="1"', silent)
    assert re.search(
        r'name="share_pct" value="15"[^>]*min="0.01" max="99.99" step="0.01"',
        section(page.text, "rule-revenue_concentration"),
    )
    assert re.search(
        r'name="baseline_min" value="5"[^>]*min="0.1" max="1000" step="0.1"', section(page.text, "rule-contact_drop")
    )
    headers = htmx(page.text)

    too_soon = await anonymous.post(
        "/alerts/rules/customer_silent", headers=headers, data={"enabled": "on", "severity": "low", "days": "3"}
    )
    assert too_soon.status_code == 422 and "<html" not in too_soon.text and "未保存" in too_soon.text
    assert re.search(r'data-field="days">数值过小。 \(≥ 7\)<', too_soon.text) and 'value="3"' in too_soon.text
    blank = await anonymous.post(
        "/alerts/rules/customer_silent", headers=headers, data={"enabled": "on", "severity": "low", "days": ""}
    )
    assert blank.status_code == 422 and 'data-field="days">请输入整数。<' in blank.text
    backwards = await anonymous.post(
        "/alerts/rules/contact_drop",
        headers=headers,
        data={"enabled": "on", "severity": "medium", "baseline_weeks": "4", "baseline_min": "2", "drop_to": "2"},
    )
    assert backwards.status_code == 422 and "骤减后的数量必须低于基线。" in backwards.text
    with db.session() as session:
        assert alert_rules.settings_of(session, AlertRule.customer_silent).thresholds["days"] == 90, "nothing saved"

    saved = await anonymous.post(
        "/alerts/rules/customer_silent", headers=headers, data={"severity": "high", "days": "120"}
    )
    assert saved.status_code == 200 and "已保存。下一次扫描将使用这些设置。" in saved.text
    assert "已关闭" in saved.text and 'value="120"' in saved.text and "最近由 管理员 于" in saved.text
    assert "连续 120 天" in saved.text, "the explanation follows the new threshold"
    plain = await anonymous.post(
        "/alerts/rules/repeated_complaints",
        data={
            "csrf_token": form_token(page.text),
            "enabled": "on",
            "severity": "high",
            "min_complaints": "3",
            "days": "60",
        },
    )
    assert plain.status_code == 303 and plain.headers["location"] == "/alerts/rules#rule-repeated_complaints"
    with db.session() as session:
        silent_now = alert_rules.settings_of(session, AlertRule.customer_silent)
        assert (silent_now.enabled, silent_now.severity, silent_now.thresholds["days"]) == (False, Severity.high, 120)
        assert alert_rules.settings_of(session, AlertRule.repeated_complaints).thresholds["min_complaints"] == 3
        changes = session.scalars(select(AuditEntry).where(AuditEntry.action == "alert_rule.changed")).all()
        assert [change.entity_id for change in changes] == ["customer_silent", "repeated_complaints"]

    await login_as(anonymous, "manager_south")
    read_only = await anonymous.get("/alerts/rules")
    assert read_only.status_code == 200 and "只有管理员可以修改规则" in read_only.text
    assert read_only.text.count('<fieldset class="rule-fields" disabled>') == 6 and ">保存<" not in read_only.text
    assert (
        await anonymous.post("/alerts/rules/customer_silent", headers=htmx(read_only.text), data={"days": "100"})
    ).status_code == 403
    await login_as(anonymous, "sales_south")
    assert (await anonymous.get("/alerts/rules")).status_code == 403
