"""Importing customers and historical orders: the dry run reports every bad row, the commit writes
all or nothing, and importing the same thing twice adds nothing."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import httpx
import openpyxl
import pytest
from sqlalchemy import func, select

from schemas.kernel.config import Settings
from schemas.org import EmployeeStatus
from store.db import Database
from store.models import (
    AuditEntry,
    Customer,
    ImportJob,
    Order,
    OrderLine,
    OwnershipChange,
    Payment,
    Service,
    TeamRule,
)
from store.repo.customers.visibility import Viewer
from store.repo.imports import importer as customer_import
from store.repo.imports.report import report_of
from tests.platform.test_pages import form_token, page_login
from tests.support.org import OrgFixture

Login = Callable[[str], Any]

CUSTOMER_HEADER = [
    "外部编号",
    "客户名称",
    "区域",
    "行业",
    "规模",
    "联系人",
    "联系电话",
    "地址",
    "信用额度",
    "负责人",
    "标签",
    "备注",
]
ORDER_HEADER = ["订单编号", "客户编号", "日期", "服务代码", "数量", "单价", "状态", "已收款", "负责人"]


def customer_row(
    external_id: str,
    name: str,
    *,
    region: str = "华南",
    industry: str = "工业",
    size: str = "大",
    owner: str = "sales_south",
    credit: str = "50000",
    tags: str = "偏好夜间运输；大客户",
) -> list[str]:
    return [external_id, name, region, industry, size, "王经理", "13800000000", "广州市黄埔区", credit, owner, tags, ""]


CLEAN_CUSTOMERS = [
    customer_row("C-001", "广州精工机械"),
    customer_row("C-002", "佛山五金厂", size="中", owner="sales_south2", tags=""),
    customer_row("C-003", "上海鲜果超市", region="华东", industry="零售", size="small", owner="sales_east"),
    customer_row("C-004", "武汉重工", region="华中", industry="工业", owner=""),  # the pool of the rule's team
]


def csv_bytes(header: list[str], rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    lines = [",".join(f'"{cell}"' if "," in cell else cell for cell in row) for row in [header, *rows]]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(header: list[str], rows: list[list[Any]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in [header, *rows]:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


async def upload(client: httpx.AsyncClient, kind: str, filename: str, data: bytes) -> httpx.Response:
    return await client.post(f"/api/imports?kind={kind}", files={"file": (filename, data, "application/octet-stream")})


def counts(db: Database) -> dict[str, int]:
    with db.session() as session:
        return {
            model.__name__: session.scalar(select(func.count()).select_from(model)) or 0
            for model in (Customer, OwnershipChange, Order, OrderLine, Payment)
        }


def add_rule_and_services(db: Database, org: OrgFixture) -> None:
    with db.session() as session:
        session.add(TeamRule(region="华中", team_id=org.team_ids["south"], priority=10))
        session.add(
            Service(
                code="FTL",
                name="整车运输",
                unit="车",
                list_price=Decimal("3000"),
                floor_price=Decimal("2500"),
                capacity_per_day=20,
            )
        )
        session.add(
            Service(
                code="LTL",
                name="零担运输",
                unit="吨",
                list_price=Decimal("300"),
                floor_price=Decimal("250"),
                capacity_per_day=100,
            )
        )


def problems_by_row(body: dict[str, Any]) -> dict[tuple[int, str], str]:
    return {(p["row"], p["column"]): p["code"] for p in body["problems"]}


# ---------------------------------------------------------------- customers
@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig"])
async def test_clean_chinese_csv_dry_run_then_commit_creates_customers_in_their_teams(
    api: Login, org: OrgFixture, db: Database, encoding: str
) -> None:
    add_rule_and_services(db, org)
    admin = await api("admin")
    checked = await upload(admin, "customers", "客户.csv", csv_bytes(CUSTOMER_HEADER, CLEAN_CUSTOMERS, encoding))
    assert checked.status_code == 201, checked.text
    body = checked.json()
    assert (body["status"], body["total_rows"], body["error_rows"], body["problems"], body["problem_count"]) == (
        "checked",
        4,
        0,
        [],
        0,
    )
    assert body["new_rows"] == 4 and body["skipped_rows"] == 0
    assert counts(db)["Customer"] == 0, "the dry run writes nothing but the job"

    committed = await admin.post(f"/api/imports/{body['id']}/commit")
    assert committed.status_code == 200, committed.text
    assert committed.json()["status"] == "committed"
    assert committed.json()["progress"] == {"done_rows": 4, "total_rows": 4}
    with db.session() as session:
        customers = {c.external_id: c for c in session.scalars(select(Customer))}
        south, east = org.team_ids["south"], org.team_ids["east"]
        assert {key: (c.team_id, c.owner_id) for key, c in customers.items()} == {
            "C-001": (south, org["sales_south"]),
            "C-002": (south, org["sales_south2"]),
            "C-003": (east, org["sales_east"]),
            "C-004": (south, None),
        }
        assert customers["C-001"].size == "large" and customers["C-002"].size == "medium"
        assert customers["C-001"].credit_limit == Decimal("50000.00")
        assert customers["C-001"].tags == ["偏好夜间运输", "大客户"] and customers["C-002"].tags == []
        moves = session.scalars(select(OwnershipChange)).all()
        assert sorted(m.to_owner_id or 0 for m in moves) == sorted(
            [org["sales_south"], org["sales_south2"], org["sales_east"], 0]
        )
        audits = session.scalars(select(AuditEntry).where(AuditEntry.action == "import.committed")).all()
        assert len(audits) == 1 and audits[0].detail["created"] == 4


async def test_committing_twice_or_importing_the_same_file_again_adds_nothing(
    api: Login, org: OrgFixture, db: Database
) -> None:
    add_rule_and_services(db, org)
    manager = await api("admin")
    data = csv_bytes(CUSTOMER_HEADER, CLEAN_CUSTOMERS)
    job = (await upload(manager, "customers", "customers.csv", data)).json()
    assert (await manager.post(f"/api/imports/{job['id']}/commit")).status_code == 200
    before = counts(db)

    again = await manager.post(f"/api/imports/{job['id']}/commit")
    assert again.status_code == 200 and again.json()["status"] == "committed"

    second = (await upload(manager, "customers", "customers-again.csv", data)).json()
    assert (second["problem_count"], second["skipped_rows"], second["new_rows"]) == (0, 4, 0)
    assert (await manager.post(f"/api/imports/{second['id']}/commit")).json()["status"] == "committed"
    assert counts(db) == before
    with db.session() as session:
        assert (
            session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "import.committed"))
            == 2
        )


async def test_wrong_headers_refuse_the_whole_file_and_write_nothing(api: Login, org: OrgFixture, db: Database) -> None:
    admin = await api("admin")
    header = ["编号", "客户名称", "区域", "行业", "规模", "联系人", "电话号码", "地址"]
    response = await upload(admin, "customers", "wrong.csv", csv_bytes(header, [customer_row("C-1", "甲")[:8]]))
    body = response.json()
    assert response.status_code == 201 and body["problem_count"] == 1
    problem = body["problems"][0]
    assert (problem["row"], problem["code"]) == (1, "bad_header")
    assert "external_id" in problem["reason"] and "编号" in problem["reason"] and "电话号码" in problem["reason"]
    refused = await admin.post(f"/api/imports/{body['id']}/commit")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "import_has_errors"
    assert counts(db)["Customer"] == 0


async def test_every_bad_row_is_reported_and_nothing_is_written_even_for_good_rows(
    api: Login, org: OrgFixture, db: Database
) -> None:
    admin = await api("admin")
    rows = [
        customer_row("C-001", "好客户"),
        customer_row("C-002", "规模不对", size="巨大"),
        customer_row("C-003", "没有这个人", owner="nobody"),
        customer_row("C-004", "别的团队的人", owner="sales_east"),  # fine for admin: the owner's team
        customer_row("C-005", "重复甲"),
        customer_row("C-005", "重复乙"),
        customer_row("C-006", "金额不对", credit="12.345"),
        customer_row("C-007", "", region=""),
    ]
    response = await upload(admin, "customers", "bad.csv", csv_bytes(CUSTOMER_HEADER, rows))
    body = response.json()
    assert response.status_code == 201 and body["total_rows"] == 8 and body["error_rows"] == 6
    assert problems_by_row(body) == {
        (3, "规模"): "bad_size",
        (4, "负责人"): "unknown_owner",
        (6, "外部编号"): "duplicate",
        (7, "外部编号"): "duplicate",
        (8, "信用额度"): "too_many_decimals",
        (9, "客户名称"): "required",
        (9, "区域"): "required",
    }
    assert all(p["reason"] for p in body["problems"])
    refused = await admin.post(f"/api/imports/{body['id']}/commit")
    assert refused.status_code == 409 and refused.json()["error"]["details"]
    assert counts(db)["Customer"] == 0


async def test_reasons_come_in_the_readers_language(api: Login, org: OrgFixture) -> None:
    admin = await api("admin")
    data = csv_bytes(CUSTOMER_HEADER, [customer_row("C-1", "甲", size="巨大")])
    chinese = (await upload(admin, "customers", "a.csv", data)).json()["problems"][0]["reason"]
    english = (
        await admin.post(
            "/api/imports?kind=customers",
            headers={"Accept-Language": "en"},
            files={"file": ("a.csv", data, "text/csv")},
        )
    ).json()["problems"][0]["reason"]
    assert "小" in chinese and "规模" not in english and english.startswith("Use small, medium or large")
    assert chinese != english


async def test_a_file_over_100000_rows_is_refused_with_one_entry(api: Login, org: OrgFixture, db: Database) -> None:
    admin = await api("admin")
    header = ",".join(CUSTOMER_HEADER) + "\n"
    line = "C{0},客户{0},华南,工业,大,王,138,广州,0,,,\n"
    data = (header + "".join(line.format(n) for n in range(100_001))).encode("utf-8")
    response = await upload(admin, "customers", "huge.csv", data)
    body = response.json()
    assert response.status_code == 201, response.text
    assert body["problem_count"] == 1 and body["problems"][0]["code"] == "too_many_rows"
    assert body["problems"][0]["row"] == 100_002 and "100,000" in body["problems"][0]["reason"]
    assert (await admin.post(f"/api/imports/{body['id']}/commit")).status_code == 409
    assert counts(db)["Customer"] == 0


async def test_sales_cannot_import(api: Login, org: OrgFixture, db: Database) -> None:
    sales = await api("sales_south")
    response = await upload(sales, "customers", "c.csv", csv_bytes(CUSTOMER_HEADER, CLEAN_CUSTOMERS))
    assert response.status_code == 403
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(ImportJob)) == 0


async def test_a_sales_manager_imports_only_into_teams_they_manage(api: Login, org: OrgFixture, db: Database) -> None:
    manager = await api("manager_south")
    rows = [
        customer_row("C-1", "本团队"),
        customer_row("C-2", "别的团队", region="华东", industry="零售", owner=""),
        customer_row("C-3", "别的团队的人", owner="sales_east"),
    ]
    body = (await upload(manager, "customers", "c.csv", csv_bytes(CUSTOMER_HEADER, rows))).json()
    assert problems_by_row(body) == {(3, "区域"): "team_not_yours", (4, "负责人"): "owner_outside_team"}


async def test_imported_customers_are_seen_only_by_the_right_people(api: Login, org: OrgFixture, db: Database) -> None:
    add_rule_and_services(db, org)
    admin = await api("admin")
    job = (await upload(admin, "customers", "c.csv", csv_bytes(CUSTOMER_HEADER, CLEAN_CUSTOMERS))).json()
    assert (await admin.post(f"/api/imports/{job['id']}/commit")).status_code == 200

    async def names(username: str) -> set[str]:
        client = await api(username)
        response = await client.get("/api/customers", params={"limit": 100})
        assert response.status_code == 200, response.text
        return {item["name"] for item in response.json()["items"]}

    assert await names("sales_south") == {"广州精工机械"}
    assert await names("sales_east") == {"上海鲜果超市"}
    assert await names("manager_south") == {"广州精工机械", "佛山五金厂", "武汉重工"}
    assert await names("manager_east") == {"上海鲜果超市"}
    assert len(await names("head")) == 4
    assert (await (await api("manager_east")).get(f"/api/imports/{job['id']}")).status_code == 404


async def test_only_csv_and_xlsx_are_taken(api: Login, org: OrgFixture, settings: Settings) -> None:
    admin = await api("admin")
    pdf = await upload(admin, "customers", "customers.pdf", b"%PDF-1.4 fake")
    assert pdf.status_code == 415 and pdf.json()["error"]["code"] == "type_not_allowed"
    exe = await upload(admin, "customers", "customers.exe", b"MZ")
    assert exe.status_code == 415
    assert not [path for path in (settings.data_dir / "imports").rglob("*") if path.is_file()], "nothing kept"
    kind = await upload(admin, "employees", "c.csv", csv_bytes(CUSTOMER_HEADER, CLEAN_CUSTOMERS))
    assert kind.status_code == 422


async def test_an_upload_over_the_limit_is_refused(org: OrgFixture, settings: Settings, db: Database) -> None:
    from tests.support.org import PASSWORD
    from web.app import create_app

    app = create_app(settings.with_changes(upload_max_bytes=2_000), db=db)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://baton.test") as client:
        token = (await client.post("/api/login", json={"username": "admin", "password": PASSWORD})).json()["token"]
        client.headers["Authorization"] = f"Bearer {token}"
        rows = [customer_row(f"C-{n}", f"客户{n}") for n in range(100)]
        response = await upload(client, "customers", "big.csv", csv_bytes(CUSTOMER_HEADER, rows))
    assert response.status_code == 413 and response.json()["error"]["code"] == "too_large"


async def test_progress_is_published_batch_by_batch(
    org: OrgFixture, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = Viewer(id=org["admin"], roles=frozenset({"admin"}), team_id=None)
    rows = [customer_row(f"C-{n:05d}", f"客户{n}") for n in range(2_500)]
    data = csv_bytes(CUSTOMER_HEADER, rows)
    with db.session() as session:
        job_id = customer_import.check(session, admin, "customers", "many.csv", data).id
    seen: list[tuple[int, int]] = []
    real_set = customer_import.PROGRESS.set

    def recording(job: int, done: int, total: int) -> None:
        seen.append((done, total))
        real_set(job, done, total)

    monkeypatch.setattr(customer_import.PROGRESS, "set", recording)
    job = customer_import.commit(db.session, job_id, admin, read_file=lambda _sha: data)
    assert job.status == "committed" and job.done_rows == 2_500
    assert seen == [(0, 2_500), (1_000, 2_500), (2_000, 2_500), (2_500, 2_500)]
    assert customer_import.PROGRESS.get(job_id) is None
    assert counts(db)["Customer"] == 2_500 and counts(db)["OwnershipChange"] == 2_500


async def test_a_commit_rechecks_and_writes_nothing_when_records_changed(org: OrgFixture, db: Database) -> None:
    admin = Viewer(id=org["admin"], roles=frozenset({"admin"}), team_id=None)
    data = csv_bytes(CUSTOMER_HEADER, CLEAN_CUSTOMERS[:3])
    with db.session() as session:
        job_id = customer_import.check(session, admin, "customers", "c.csv", data).id
    with db.session() as session:
        from store.models import Employee

        employee = session.get(Employee, org["sales_east"])
        assert employee is not None
        employee.status = EmployeeStatus.departed
    with pytest.raises(customer_import.ImportHasErrors):
        customer_import.commit(db.session, job_id, admin, read_file=lambda _sha: data)
    with db.session() as session:
        job = session.get(ImportJob, job_id)
        assert job is not None and job.status == "failed" and job.report[0]["code"] == "unknown_owner"
    assert counts(db)["Customer"] == 0


# ---------------------------------------------------------------- orders
async def import_customers(client: httpx.AsyncClient) -> None:
    job = (await upload(client, "customers", "c.csv", csv_bytes(CUSTOMER_HEADER, CLEAN_CUSTOMERS))).json()
    assert job["problem_count"] == 0, job
    assert (await client.post(f"/api/imports/{job['id']}/commit")).status_code == 200


async def test_orders_referencing_imported_customers_with_a_payment(api: Login, org: OrgFixture, db: Database) -> None:
    add_rule_and_services(db, org)
    admin = await api("admin")
    await import_customers(admin)
    rows = [
        ["O-1", "C-001", "2024-03-05", "FTL", "2", "3000", "", "6000.00", ""],
        ["O-2", "C-003", "2024/3/6", "LTL", "10", "280.50", "已取消", "", "sales_east"],
        ["O-3", "C-004", "2024-04-01", "LTL", "1", "300", "approved", "100", "sales_south2"],
    ]
    job = (await upload(admin, "orders", "orders.csv", csv_bytes(ORDER_HEADER, rows, "gb18030"))).json()
    assert job["problem_count"] == 0, job
    assert (await admin.post(f"/api/imports/{job['id']}/commit")).json()["status"] == "committed"
    with db.session() as session:
        orders = {o.external_id: o for o in session.scalars(select(Order))}
        assert orders["O-1"].owner_id == org["sales_south"] and orders["O-1"].status == "approved"
        assert orders["O-1"].total == Decimal("6000.00") and orders["O-1"].requested_date == date(2024, 3, 5)
        assert orders["O-2"].status == "cancelled" and orders["O-2"].total == Decimal("2805.00")
        assert orders["O-3"].owner_id == org["sales_south2"]
        payments = {p.order_id: p for p in session.scalars(select(Payment))}
        assert set(payments) == {orders["O-1"].id, orders["O-3"].id}
        first = payments[orders["O-1"].id]
        assert (first.kind, first.amount) == ("payment", Decimal("6000.00"))
        assert first.paid_at == datetime(2024, 3, 4, 16, 0, tzinfo=UTC)  # midnight in Shanghai
        assert session.scalar(select(func.count()).select_from(OrderLine)) == 3
    again = (await upload(admin, "orders", "orders.csv", csv_bytes(ORDER_HEADER, rows, "gb18030"))).json()
    assert (again["skipped_rows"], again["new_rows"]) == (3, 0)


async def test_xlsx_orders_with_a_date_cell_and_a_text_date(api: Login, org: OrgFixture, db: Database) -> None:
    add_rule_and_services(db, org)
    admin = await api("admin")
    await import_customers(admin)
    rows: list[list[Any]] = [
        ["O-10", "C-001", datetime(2023, 11, 20), "FTL", 1, 2999.5, None, None, None],
        ["O-11", "C-002", "2023/12/01", "FTL", 3, "2800", "已批准", 8400, None],
    ]
    job = (await upload(admin, "orders", "订单.xlsx", xlsx_bytes(ORDER_HEADER, rows))).json()
    assert job["problem_count"] == 0, job
    assert (await admin.post(f"/api/imports/{job['id']}/commit")).status_code == 200
    with db.session() as session:
        orders = {o.external_id: o for o in session.scalars(select(Order))}
        assert orders["O-10"].requested_date == date(2023, 11, 20) and orders["O-10"].total == Decimal("2999.50")
        assert orders["O-11"].requested_date == date(2023, 12, 1) and orders["O-11"].owner_id == org["sales_south2"]


async def test_bad_order_rows_are_each_reported(api: Login, org: OrgFixture, db: Database) -> None:
    add_rule_and_services(db, org)
    admin = await api("admin")
    await import_customers(admin)
    rows = [
        ["O-1", "C-001", "2024-03-05", "FTL", "1", "3000", "", "", ""],
        ["O-2", "C-001", "2024-13-01", "FTL", "1", "3000", "", "", ""],
        ["O-3", "C-001", "05/03/2024", "FTL", "1", "3000", "", "", ""],
        ["O-4", "C-999", "2024-03-05", "FTL", "1", "3000", "", "", ""],
        ["O-5", "C-001", "2024-03-05", "SHIP", "1", "3000", "", "", ""],
        ["O-6", "C-004", "2024-03-05", "FTL", "1", "3000", "", "", ""],
        ["O-7", "C-001", "2024-03-05", "FTL", "1.5", "3000", "pending", "4000", ""],
        ["O-1", "C-001", "2024-03-05", "FTL", "1", "3000", "", "", ""],
    ]
    body = (await upload(admin, "orders", "orders.csv", csv_bytes(ORDER_HEADER, rows))).json()
    assert problems_by_row(body) == {
        (2, "订单编号"): "duplicate",
        (3, "日期"): "bad_date",
        (4, "日期"): "bad_date",
        (5, "客户编号"): "unknown_customer",
        (6, "服务代码"): "unknown_service",
        (7, "负责人"): "no_owner",
        (8, "数量"): "bad_quantity",
        (8, "状态"): "bad_status",
        (9, "订单编号"): "duplicate",
    }
    assert (await admin.post(f"/api/imports/{body['id']}/commit")).status_code == 409
    assert counts(db)["Order"] == 0


# ---------------------------------------------------------------- the page
async def test_the_page_checks_shows_the_report_and_commits_with_progress(
    anonymous: httpx.AsyncClient, org: OrgFixture, db: Database
) -> None:
    add_rule_and_services(db, org)
    await page_login(anonymous, "manager_south")
    page = await anonymous.get("/imports")
    assert page.status_code == 200 and 'href="/imports"' in page.text
    token = form_token(page.text)

    rows = [customer_row("C-1", "甲"), customer_row("C-2", "乙", size="巨大")]
    bad = await anonymous.post(
        "/imports?kind=customers",
        data={"csrf_token": token},
        files={"file": ("c.csv", csv_bytes(CUSTOMER_HEADER, rows), "text/csv")},
    )
    assert bad.status_code == 303
    report = await anonymous.get(bad.headers["location"])
    assert "规模" in report.text and 'data-code="bad_size"' in report.text and "/commit" not in report.text

    good = await anonymous.post(
        "/imports?kind=customers",
        headers={"X-CSRF-Token": token, "HX-Request": "true"},
        files={"file": ("c.csv", csv_bytes(CUSTOMER_HEADER, rows[:1]), "text/csv")},
    )
    assert good.status_code == 200 and good.headers["HX-Redirect"].startswith("/imports/")
    job_url = good.headers["HX-Redirect"]
    ready = await anonymous.get(job_url)
    assert f'hx-post="{job_url}/commit"' in ready.text

    started = await anonymous.post(f"{job_url}/commit", headers={"X-CSRF-Token": token, "HX-Request": "true"})
    assert started.status_code == 200
    assert 'hx-trigger="every 1s"' in started.text and f'hx-get="{job_url}/progress"' in started.text
    done = await anonymous.get(f"{job_url}/progress")
    assert done.status_code == 200 and "every 1s" not in done.text and 'class="success"' in done.text
    assert counts(db)["Customer"] == 1

    wrong_type = await anonymous.post(
        "/imports?kind=customers",
        headers={"X-CSRF-Token": token, "HX-Request": "true"},
        files={"file": ("c.pdf", b"%PDF-1.4", "application/pdf")},
    )
    assert wrong_type.status_code == 415 and 'id="import-upload"' in wrong_type.text


async def test_sales_do_not_see_the_import_page(anonymous: httpx.AsyncClient, org: OrgFixture) -> None:
    await page_login(anonymous, "sales_south")
    assert (await anonymous.get("/imports")).status_code == 403
    assert 'href="/imports"' not in (await anonymous.get("/")).text


@pytest.mark.parametrize(
    ("filename", "data", "code"),
    [
        ("broken.xlsx", b"PK\x03\x04" + b"\x00" * 200, "unreadable"),
        ("header-only.csv", ",".join(CUSTOMER_HEADER).encode("utf-8"), "no_rows"),
        ("bom-only.csv", b"\xef\xbb\xbf\r\n", "bad_header"),
        ("long-field.csv", ",".join(CUSTOMER_HEADER).encode() + b'\n"' + b"x" * 200_000 + b'"\n', "unreadable"),
    ],
)
async def test_unreadable_files_get_a_report_never_a_crash(
    api: Login, org: OrgFixture, filename: str, data: bytes, code: str
) -> None:
    admin = await api("admin")
    response = await upload(admin, "customers", filename, data)
    assert response.status_code == 201, response.text
    assert [p["code"] for p in response.json()["problems"]] == [code]


async def test_tab_separated_utf16_and_semicolon_files_are_read(api: Login, org: OrgFixture) -> None:
    admin = await api("admin")
    rows = [customer_row("C-1", "甲", tags="")]
    utf16 = ("\r\n".join("\t".join(row) for row in [CUSTOMER_HEADER, *rows]) + "\r\n").encode("utf-16")
    semicolon = ("\n".join(";".join(row) for row in [CUSTOMER_HEADER, *rows]) + "\n").encode("gb18030")
    for name, data in (("unicode.csv", utf16), ("semicolon.csv", semicolon)):
        body = (await upload(admin, "customers", name, data)).json()
        assert (body["problem_count"], body["new_rows"]) == (0, 1), (name, body)


async def test_unknown_jobs_and_bad_ids_are_not_found_or_invalid(api: Login, org: OrgFixture) -> None:
    admin = await api("admin")
    assert (await admin.get("/api/imports/999")).status_code == 404
    assert (await admin.post("/api/imports/999/commit")).status_code == 404
    assert (await admin.get("/api/imports/0")).status_code == 422
    assert (await admin.post("/api/imports", files={"file": ("c.csv", b"a", "text/csv")})).status_code == 422


async def test_the_report_lists_the_first_thousand_problems_and_counts_them_all(
    api: Login, org: OrgFixture, db: Database
) -> None:
    admin = await api("admin")
    rows = [customer_row(f"C-{n}", f"客户{n}", size="特大") for n in range(1_200)]
    body = (await upload(admin, "customers", "c.csv", csv_bytes(CUSTOMER_HEADER, rows))).json()
    assert (body["problem_count"], body["error_rows"], len(body["problems"])) == (1_200, 1_200, 100)
    assert [p["row"] for p in body["problems"][:3]] == [2, 3, 4]
    with db.session() as session:
        job = session.get(ImportJob, body["id"])
        assert job is not None and len(report_of(job).problems) == 1_000


def test_only_one_of_two_simultaneous_commits_runs(org: OrgFixture, db: Database) -> None:
    admin = Viewer(id=org["admin"], roles=frozenset({"admin"}), team_id=None)
    data = csv_bytes(CUSTOMER_HEADER, CLEAN_CUSTOMERS[:1])
    with db.session() as session:
        job_id = customer_import.check(session, admin, "customers", "c.csv", data).id
    _, claimed = customer_import.claim(db.session, job_id, admin)
    second, claimed_again = customer_import.claim(db.session, job_id, admin)
    assert (claimed, claimed_again, second.status) == (True, False, "committing")
    assert customer_import.run(db.session, job_id, admin, read_file=lambda _sha: data).status == "committed"
    assert counts(db)["Customer"] == 1
