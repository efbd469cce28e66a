"""Keyword search over communication records: Chinese substrings, literal symbols, visibility,
highlights, newest first, on SQLite (FTS5 triggers) and PostgreSQL (pg_trgm + pairs)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import delete, update

from store.db import Database
from store.migrate import downgrade, upgrade
from store.models import Customer, Interaction
from store.repo.customers import search as interaction_search
from store.repo.customers.search_scope import SearchScope
from store.repo.customers.visibility import Viewer
from tests.platform.test_pages import page_login
from tests.support.org import OrgFixture

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@dataclass
class Records:
    ids: dict[str, int]
    customers: dict[str, int]


# (key, customer, author, day, summary, content)
RECORDS = [
    ("pdd", "south_own", "sales_south", 1, "客户要求返点，走拼多多渠道", "晚上加了私人微信，约下周拜访仓库"),
    ("discount", "south_own", "sales_south", 3, "Follow-up call about the discount", "They want QQ group updates"),
    ("symbols", "south_own", "sales_south", 4, "报价单 50%_off 条款", 'He said "yes" and it\'s C:\\share\\报价'),
    ("markup", "south_own", "sales_south", 5, "<script>alert(1)</script> 返点确认", ""),
    ("backdated", "south_own", "sales_south", 0, "补录：去年返点已结清", "拼多多店铺的账"),
    ("team_mate", "south_other", "sales_south2", 2, "李娜的客户提到冷库扩建", "返点按季度结算"),
    ("east", "east", "sales_east", 2, "华东零售客户谈独家代理", "私人微信里说的独家代理条件"),
]


def add_records(db: Database, org: OrgFixture) -> Records:
    """Plain ORM inserts: the database's own triggers and indexes must pick them up."""
    owners = {
        "south_own": ("sales_south", "south"),
        "south_other": ("sales_south2", "south"),
        "east": ("sales_east", "east"),
    }
    found = Records(ids={}, customers={})
    with db.session() as session:
        for key, (owner, team) in owners.items():
            customer = Customer(name=f"客户-{key}", owner_id=org[owner], team_id=org.team_ids[team])
            session.add(customer)
            session.flush()
            found.customers[key] = customer.id
        for key, customer_key, author, day, summary, content in RECORDS:
            row = Interaction(
                customer_id=found.customers[customer_key],
                employee_id=org[author],
                channel="wechat",
                summary=summary,
                content=content,
                occurred_at=START + timedelta(days=day),
            )
            session.add(row)
            session.flush()
            found.ids[key] = row.id
    return found


@pytest.fixture
def records(db: Database, org: OrgFixture) -> Records:
    return add_records(db, org)


def viewer(org: OrgFixture, username: str, roles: set[str], team: str | None = None) -> Viewer:
    return Viewer(id=org[username], roles=frozenset(roles), team_id=org.team_ids[team] if team else None)


def found_ids(db: Database, who: Viewer, q: str, **options: Any) -> list[int]:
    with db.session() as session:
        hits, _total = interaction_search.search(session, who, q, **options)
    return [hit.id for hit in hits]


# ---------------------------------------------------------------- what matches
@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("拼多多", {"pdd", "backdated"}),  # 3 characters
        ("私人", {"pdd", "east"}),  # 2 characters: the pair index
        ("返点", {"pdd", "markup", "backdated", "team_mate"}),  # 2 characters, summary and content
        ("私人微信", {"pdd", "east"}),  # 4 characters
        ("discount", {"discount"}),  # an English word, any case
        ("DISCOUNT", {"discount"}),
        ("qq", {"discount"}),  # a 2-letter word, case-folded
        ("返点 拼多多", {"pdd", "backdated"}),  # every term must occur
        ("私人 返点", {"pdd"}),
        ("拼多多 discount", set()),
    ],
)
def test_chinese_substrings_and_english_words_match(
    db: Database, org: OrgFixture, records: Records, q: str, expected: set[str]
) -> None:
    head = viewer(org, "head", {"department_head"})
    assert set(found_ids(db, head, q)) == {records.ids[k] for k in expected}


def test_results_are_newest_first_by_when_it_happened(db: Database, org: OrgFixture, records: Records) -> None:
    """The backdated record was entered last (highest id) but happened first."""
    mine = viewer(org, "sales_south", {"sales"}, "south")
    assert found_ids(db, mine, "返点") == [records.ids[k] for k in ("markup", "pdd", "backdated")]
    assert found_ids(db, mine, "返点", limit=1, offset=1) == [records.ids["pdd"]]


def test_symbols_are_searched_literally(db: Database, org: OrgFixture, records: Records) -> None:
    head = viewer(org, "head", {"department_head"})
    symbols = records.ids["symbols"]
    for literal in ("50%_off", "%_", "0%", '"yes"', "it's", "C:\\share", "\\报", "'s"):
        assert found_ids(db, head, literal) == [symbols], literal
    for wildcard in ("5_%", "%%", "__", "5%off", "C:/share"):
        assert found_ids(db, head, wildcard) == [], wildcard


def test_highlights_mark_each_match(db: Database, org: OrgFixture, records: Records) -> None:
    head = viewer(org, "head", {"department_head"})
    with db.session() as session:
        hits, total = interaction_search.search(
            session, head, "拼多多 私人", scope=SearchScope(customer_id=records.customers["south_own"])
        )
    assert int(total) == 1 and not total.capped  # type: ignore[attr-defined]
    summary, content = hits[0].highlights
    assert summary.field == "summary" and ("拼多多", True) in summary.segments
    assert "".join(text for text, _ in summary.segments) == "客户要求返点，走拼多多渠道"
    assert content.field == "content" and ("私人", True) in content.segments
    long_text = "前言" * 200 + "拼多多" + "后记" * 200
    cut = interaction_search.highlight(long_text, ["拼多多"])
    assert cut[0] == ("…", False) and cut[-1] == ("…", False) and ("拼多多", True) in cut
    assert len("".join(text for text, _ in cut)) < 200


def test_edits_and_deletions_keep_the_index_in_step(db: Database, org: OrgFixture, records: Records) -> None:
    """Records are append-only, but a correction by an administrator must not leave a stale index."""
    head = viewer(org, "head", {"department_head"})
    with db.session() as session:
        session.execute(
            update(Interaction)
            .where(Interaction.id == records.ids["east"])
            .values(summary="改为讨论冷链专线", occurred_at=START + timedelta(days=30))
        )
        session.execute(delete(Interaction).where(Interaction.id == records.ids["markup"]))
    assert found_ids(db, head, "独家代理") == [records.ids["east"]]  # still in the content
    assert found_ids(db, head, "华东零售") == []
    assert found_ids(db, head, "冷链专线") == [records.ids["east"]]
    assert found_ids(db, head, "冷链")[0] == records.ids["east"], "moved to the top by its new date"
    assert records.ids["markup"] not in found_ids(db, head, "返点")


def test_the_migration_indexes_records_that_were_already_there(db: Database, org: OrgFixture, records: Records) -> None:
    """The backfill must index exactly what the triggers index, or a later edit leaves stale entries."""
    head = viewer(org, "head", {"department_head"})
    with db.session() as session:
        session.add(
            Interaction(
                customer_id=records.customers["east"],
                employee_id=org["sales_east"],
                channel="visit",
                summary="x",
                content="前" * 61 + "跨片\t尾 ab 😀表情",
                occurred_at=START,
            )
        )
    queries = ["拼多多", "私人", "返点", "50%_off", "qq", "%_", "跨片", "😀表", "ab"]
    before = {q: found_ids(db, head, q) for q in queries}
    assert all(before.values())
    db.dispose()
    downgrade(db.url, "0003")
    upgrade(db.url)
    assert {q: found_ids(db, head, q) for q in before} == before
    with db.session() as session:
        session.execute(update(Interaction).where(Interaction.summary == "x").values(content="改过"))
        session.execute(update(Interaction).where(Interaction.id == records.ids["pdd"]).values(content=""))
    assert found_ids(db, head, "跨片") == [] and found_ids(db, head, "😀表") == []
    assert found_ids(db, head, "私人") == [records.ids["east"]]


# ---------------------------------------------------------------- who sees what
ROLES = ["sales_south", "sales_south2", "sales_east", "manager_south", "manager_east", "head", "admin", "finance", "hr"]


async def test_search_answers_only_from_records_the_caller_may_see(api, records: Records) -> None:  # type: ignore[no-untyped-def]
    seen_by = {
        "独家代理": {"sales_east", "manager_east", "head", "admin"},  # only in the east customer
        "冷库扩建": {"sales_south2", "manager_south", "head", "admin"},  # a team mate's customer
        "拼多多": {"sales_south", "manager_south", "head", "admin"},
    }
    for username in ROLES:
        client = await api(username)
        for term, allowed in seen_by.items():
            response = await client.get("/api/interactions", params={"q": term})
            assert response.status_code == 200, response.text
            body = response.json()
            assert (body["total"] > 0) == (username in allowed), (username, term)
            assert len(body["items"]) == body["total"]
            if username not in allowed:
                assert term not in response.text


async def test_the_api_answer_has_the_documented_fields(
    api,
    org: OrgFixture,  # type: ignore[no-untyped-def]
    records: Records,
) -> None:
    client = await api("manager_south")
    response = await client.get("/api/interactions", params={"q": "私人微信"})
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 1 and body["total_capped"] is False
    item = body["items"][0]
    assert set(item) >= {
        "id",
        "customer_id",
        "customer_name",
        "employee_id",
        "channel",
        "summary",
        "occurred_at",
        "highlights",
    }
    assert item["customer_name"] == "客户-south_own" and item["occurred_at"].startswith("2026-03-02")
    assert item["employee_id"] == org["sales_south"] and item["author_name"] == "张伟"
    marked = [s["text"] for h in item["highlights"] for s in h["segments"] if s["match"]]
    assert marked == ["私人微信"]


@pytest.mark.parametrize("few_records", [20_000, 0], ids=["reads their records", "filters the index stream"])
def test_a_viewer_who_sees_few_matches_still_gets_every_one(
    db: Database, org: OrgFixture, records: Records, monkeypatch: pytest.MonkeyPatch, few_records: int
) -> None:
    """When the newest matches are mostly someone else's, the search switches plans and stays exact."""
    monkeypatch.setattr(interaction_search, "PROBE_SIZE", 1)
    monkeypatch.setattr(interaction_search, "FEW_RECORDS", few_records)
    team_mate = viewer(org, "sales_south2", {"sales"}, "south")
    assert found_ids(db, team_mate, "返点") == [records.ids["team_mate"]]
    mine = viewer(org, "sales_south", {"sales"}, "south")
    assert found_ids(db, mine, "返点", offset=2) == [records.ids["backdated"]]


@pytest.mark.parametrize(
    ("probe", "few_records"),
    [(1500, 20_000), (1, 20_000), (1, 0)],
    ids=["the newest matches", "reads their records", "filters the index stream"],
)
def test_a_search_is_narrowed_to_a_customer_an_author_and_a_span_of_time(
    db: Database, org: OrgFixture, records: Records, monkeypatch: pytest.MonkeyPatch, probe: int, few_records: int
) -> None:
    """Whatever plan finds the page, the scope keeps exactly the records inside it."""
    monkeypatch.setattr(interaction_search, "PROBE_SIZE", probe)
    monkeypatch.setattr(interaction_search, "FEW_RECORDS", few_records)
    head = viewer(org, "head", {"department_head"})
    ids = records.ids

    def within(**scope: Any) -> list[int]:
        return found_ids(db, head, "返点", scope=SearchScope(**scope))

    assert within(author_id=org["sales_south2"]) == [ids["team_mate"]]
    assert within(customer_id=records.customers["south_own"]) == [ids["markup"], ids["pdd"], ids["backdated"]]
    day = timedelta(days=1)
    assert within(since=START + day, until=START + 3 * day) == [ids["team_mate"], ids["pdd"]]
    assert within(since=START + day) == [ids["markup"], ids["team_mate"], ids["pdd"]]
    assert within(until=START + day) == [ids["backdated"]], "the end is not included"
    assert within(author_id=org["sales_south"], since=START + day) == [ids["markup"], ids["pdd"]]
    assert within(since=START + 9 * day) == []
    mine = viewer(org, "sales_south", {"sales"}, "south")
    assert found_ids(db, mine, "返点", scope=SearchScope(author_id=org["sales_south2"])) == [], (
        "a scope never widens what the reader may see"
    )


def test_counting_stops_at_the_cap(
    db: Database, org: OrgFixture, records: Records, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(interaction_search, "COUNT_CAP", 2)
    with db.session() as session:
        hits, total = interaction_search.search(session, viewer(org, "head", {"department_head"}), "返点")
    assert len(hits) == 4 and int(total) == 2 and total.capped  # type: ignore[attr-defined]


async def test_the_api_narrows_by_customer_author_and_company_dates(
    api,
    org: OrgFixture,  # type: ignore[no-untyped-def]
    records: Records,
) -> None:
    client = await api("manager_south")

    async def found(**params: object) -> list[int]:
        response = await client.get("/api/interactions", params={"q": "返点", **params})
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    ids = records.ids
    assert await found(author_id=org["sales_south2"]) == [ids["team_mate"]]
    assert await found(customer_id=records.customers["south_other"]) == [ids["team_mate"]]
    # START is 17:00 in the company's time zone: day N falls on 2026-03-(N+1), both ends included.
    assert await found(since="2026-03-02", until="2026-03-03") == [ids["team_mate"], ids["pdd"]]
    assert await found(until="2026-03-01") == [ids["backdated"]]
    assert await found(author_id=org["sales_south"], since="2026-03-02") == [ids["markup"], ids["pdd"]]
    backwards = await client.get(
        "/api/interactions", params={"q": "返点", "since": "2026-03-05", "until": "2026-03-01"}
    )
    assert backwards.status_code == 422 and backwards.json()["error"]["details"][0]["field"] == "until"
    for bad in ({"since": "yesterday"}, {"author_id": "0"}, {"customer_id": "x"}):
        assert (await client.get("/api/interactions", params={"q": "返点", **bad})).status_code == 422, bad
    documented = (await client.get("/openapi.json")).json()["paths"]["/api/interactions"]["get"]
    assert {"customer_id", "author_id", "since", "until"} <= {param["name"] for param in documented["parameters"]}
    hit = documented["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert hit.endswith("InteractionSearch")


# ---------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    "q",
    [
        "%",
        "_",
        "'",
        '"',
        "\\",
        "%%",
        "__",
        "''",
        '""',
        "\\\\",
        "%_'\"\\",
        "x" * 1000,
        "返" * 101,
        "'; DROP TABLE interactions; --",
        "NEAR(拼多多 私人)",
        '"unbalanced',
        "拼多多*",
        "AND OR NOT",
        "a\x00b",
        "拼多多 a",
        "  ",
        "",
    ],
)
async def test_odd_queries_answer_normally_or_422_never_500(api, records: Records, q: str) -> None:  # type: ignore[no-untyped-def]
    client = await api("head")
    response = await client.get("/api/interactions", params={"q": q})
    assert response.status_code in (200, 422), response.text
    if response.status_code == 422:
        assert response.json()["error"]["code"] == "invalid_input"
        return
    terms = q.split()
    for item in response.json()["items"]:
        text = "".join(s["text"] for h in item["highlights"] for s in h["segments"]).lower()
        assert all(term.lower() in text for term in terms), item


async def test_undecodable_bytes_are_not_a_500(api, records: Records) -> None:  # type: ignore[no-untyped-def]
    client = await api("head")
    response = await client.get("/api/interactions?q=%ED%A0%80%ED%A0%80%FF%FE")
    assert response.status_code in (200, 422)


@pytest.mark.parametrize("q", ["拼", "拼多多 x", "x" * 1000, "返" * 101])
async def test_too_short_or_too_long_queries_are_422(api, records: Records, q: str) -> None:  # type: ignore[no-untyped-def]
    client = await api("sales_south")
    response = await client.get("/api/interactions", params={"q": q})
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "q"


async def test_search_needs_a_login(anonymous: httpx.AsyncClient) -> None:
    assert (await anonymous.get("/api/interactions", params={"q": "拼多多"})).status_code == 401


# ---------------------------------------------------------------- the page
async def test_the_search_page_updates_as_you_type_and_marks_matches(
    anonymous: httpx.AsyncClient, records: Records
) -> None:
    await page_login(anonymous, "sales_south")
    page = await anonymous.get("/search")
    assert page.status_code == 200
    assert 'href="/search"' in page.text and 'hx-trigger="keyup changed delay:300ms' in page.text
    fragment = await anonymous.get("/search", params={"q": "返点"}, headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert "<mark>返点</mark>" in fragment.text and "3 条记录" in fragment.text
    assert "<script>alert(1)</script>" not in fragment.text and "&lt;script&gt;" in fragment.text
    assert "冷库扩建" not in fragment.text
    hint = await anonymous.get("/search", params={"q": "返"}, headers={"HX-Request": "true"})
    assert hint.status_code == 200 and "至少 2 个字" in hint.text
    full = await anonymous.get("/search", params={"q": "拼多多"})
    assert full.status_code == 200 and "<mark>拼多多</mark>" in full.text and 'value="拼多多"' in full.text


async def test_each_result_names_its_author_and_the_page_filters(
    anonymous: httpx.AsyncClient, org: OrgFixture, records: Records
) -> None:
    await page_login(anonymous, "manager_south")
    every = await anonymous.get("/search", params={"q": "返点"}, headers={"HX-Request": "true"})
    hits = every.text.split('class="search-hit"')[1:]
    assert len(hits) == 4 and all("客户-south" in hit for hit in hits)
    assert sum("张伟" in hit for hit in hits) == 3 and sum("李娜" in hit for hit in hits) == 1, "who wrote each"
    assert f"customer_id={records.customers['south_other']}" in every.text, "a link to this customer's records only"

    page = await anonymous.get("/search", params={"q": "返点", "author_id": str(org["sales_south2"])})
    assert page.status_code == 200 and "按季度结算" in page.text and "走拼多多渠道" not in page.text
    assert f'<option value="{org["sales_south2"]}" selected>李娜</option>' in page.text
    assert f'<option value="{org["sales_east"]}"' not in page.text, "only people of the reader's teams"
    one = await anonymous.get(
        "/search", params={"q": "返点", "customer_id": str(records.customers["south_own"]), "since": "2026-03-02"}
    )
    assert "只看 客户-south_own" in one.text and 'value="2026-03-02"' in one.text
    assert one.text.count('class="search-hit"') == 2 and "补录" not in one.text
    assert 'href="/search?q=%E8%BF%94%E7%82%B9&amp;since=2026-03-02"' in one.text, "the customer filter comes off"
    hidden = await anonymous.get("/search", params={"q": "独家代理", "customer_id": str(records.customers["east"])})
    assert "客户-east" not in hidden.text and "没有包含这些词的记录" in hidden.text, "another team's: no filter"
    backwards = await anonymous.get(
        "/search", params={"q": "返点", "since": "2026-03-05", "until": "2026-03-01"}, headers={"HX-Request": "true"}
    )
    assert backwards.status_code == 200 and "结束日期早于开始日期" in backwards.text
