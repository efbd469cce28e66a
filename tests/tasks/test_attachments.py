"""Evidence files on tasks: stored once by hash under the data dir, refused while streaming when
too large, refused by type (extension and first bytes), safe names, and seen only by the people
the task concerns."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from temporalio.client import Client
from temporalio.worker import Worker

from schemas.attachments import sanitise_filename
from schemas.kernel.config import Settings
from store.db import Database
from store.models import Attachment, AuditEntry
from tests.platform.test_pages import form_token, page_login
from tests.support.org import OrgFixture
from tests.support.steps import approval_step, start_probe, wait_for_step, wait_for_task

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
WINDOWS_PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 240 + b"PE\x00\x00"
MB = 1024 * 1024


async def task_for(person: str, temporal_client: Client, settings: Settings, db: Database, org: OrgFixture) -> str:
    """A real open task (the probe process's approval step) held by ``person``."""
    handle = await start_probe(temporal_client, settings.temporal.task_queue, [approval_step(assignee_id=org[person])])
    task_id = f"{handle.id}:approve"
    await wait_for_step(handle, db, task_id)
    return task_id


def stored_files(settings: Settings) -> list[Path]:
    """Everything under the uploads dir, temporary files included."""
    root = settings.uploads_dir
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def attachment_rows(db: Database) -> list[Attachment]:
    with db.session() as session:
        return list(session.scalars(select(Attachment).order_by(Attachment.id)))


async def upload(client: httpx.AsyncClient, task_id: str, filename: str, content: bytes) -> httpx.Response:
    return await client.post(f"/api/tasks/{task_id}/attachments", files={"file": (filename, content)})


async def test_the_holder_uploads_evidence_kept_by_its_hash(
    api,
    worker: Worker,
    temporal_client: Client,  # type: ignore[no-untyped-def]
    settings: Settings,
    db: Database,
    org: OrgFixture,
) -> None:
    task_id = await task_for("sales_south", temporal_client, settings, db, org)
    client = await api("sales_south")
    response = await upload(client, task_id, "客户档案.pdf", PDF)
    assert response.status_code == 201, response.text
    body = response.json()
    digest = hashlib.sha256(PDF).hexdigest()
    assert body["sha256"] == digest and body["size"] == len(PDF)
    assert body["filename"] == "客户档案.pdf" and body["content_type"] == "application/pdf" and body["id"]
    blob = settings.uploads_dir / digest[:2] / digest
    assert stored_files(settings) == [blob] and blob.read_bytes() == PDF
    [row] = attachment_rows(db)
    assert (row.id, row.task_id, row.uploaded_by, row.sha256) == (body["id"], task_id, org["sales_south"], digest)
    with db.session() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "attachment.added")).one()
        assert entry.detail["sha256"] == digest and entry.actor_id == org["sales_south"]
    listed = await client.get(f"/api/tasks/{task_id}/attachments")
    assert listed.status_code == 200
    assert listed.json()["total"] == 1 and listed.json()["items"][0]["id"] == body["id"]


async def test_the_same_content_twice_is_stored_once(
    api,
    worker: Worker,
    temporal_client: Client,  # type: ignore[no-untyped-def]
    settings: Settings,
    db: Database,
    org: OrgFixture,
) -> None:
    task_id = await task_for("sales_south", temporal_client, settings, db, org)
    client = await api("sales_south")
    first = await upload(client, task_id, "合同.pdf", PDF)
    second = await upload(client, task_id, "合同-副本.pdf", PDF)
    assert first.status_code == second.status_code == 201
    assert first.json()["sha256"] == second.json()["sha256"] and first.json()["id"] != second.json()["id"]
    assert len(stored_files(settings)) == 1
    assert [row.filename for row in attachment_rows(db)] == ["合同.pdf", "合同-副本.pdf"]


async def test_an_upload_over_the_limit_is_refused_while_it_streams(  # type: ignore[no-untyped-def]
    api, worker: Worker, temporal_client: Client, settings: Settings, db: Database, org: OrgFixture
) -> None:
    task_id = await task_for("sales_south", temporal_client, settings, db, org)
    client = await api("sales_south")
    boundary = "baton-test-boundary"
    sent = 0

    async def thirty_megabytes() -> AsyncIterator[bytes]:
        """A chunked body with no Content-Length: only counting while reading can stop it."""
        nonlocal sent
        yield (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n'
            f"Content-Type: application/pdf\r\n\r\n"
        ).encode() + PDF
        for _ in range(30 * 16):
            sent += 64 * 1024
            yield b"0" * (64 * 1024)
        yield f"\r\n--{boundary}--\r\n".encode()

    response = await client.post(
        f"/api/tasks/{task_id}/attachments",
        content=thirty_megabytes(),
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert response.status_code == 413 and response.json()["error"]["code"] == "too_large"
    assert sent <= settings.upload_max_bytes + MB, f"read {sent} bytes: the limit was not enforced while streaming"
    assert stored_files(settings) == [] and attachment_rows(db) == []

    declared = await upload(client, task_id, "big.pdf", PDF + b"0" * (30 * MB))
    assert declared.status_code == 413, "a declared Content-Length over the limit is refused up front"
    assert stored_files(settings) == [] and attachment_rows(db) == []


@pytest.mark.parametrize(
    ("filename", "content"),
    [
        ("setup.exe", WINDOWS_PROGRAM),
        ("evil.pdf", WINDOWS_PROGRAM),
        ("报价.pdf", b"<html><script>alert(1)</script></html>"),
        ("notes.txt", WINDOWS_PROGRAM),
    ],
)
async def test_a_file_of_a_type_not_allowed_is_refused(
    api,
    worker: Worker,
    temporal_client: Client,  # type: ignore[no-untyped-def]
    settings: Settings,
    db: Database,
    org: OrgFixture,
    filename: str,
    content: bytes,
) -> None:
    task_id = await task_for("sales_south", temporal_client, settings, db, org)
    response = await upload(await api("sales_south"), task_id, filename, content)
    assert response.status_code == 415 and response.json()["error"]["code"] == "type_not_allowed"
    assert stored_files(settings) == [] and attachment_rows(db) == []


async def test_file_names_lose_their_path(
    api,
    worker: Worker,
    temporal_client: Client,  # type: ignore[no-untyped-def]
    settings: Settings,
    db: Database,
    org: OrgFixture,
) -> None:
    task_id = await task_for("sales_south", temporal_client, settings, db, org)
    client = await api("sales_south")
    passwd = await upload(client, task_id, "../../etc/passwd", b"root:x:0:0:root:/root:/bin/bash\n")
    assert passwd.status_code == 415, "sanitised to 'passwd', which has no allowed extension"
    [detail] = passwd.json()["error"]["details"]
    assert detail["filename"] == "passwd" and "/" not in detail["filename"]
    assert attachment_rows(db) == []

    quote = await upload(client, task_id, "../../报价单.pdf", PDF)
    assert quote.status_code == 201, quote.text
    assert quote.json()["filename"] == "报价单.pdf"
    assert [row.filename for row in attachment_rows(db)] == ["报价单.pdf"]


def test_sanitised_names_keep_chinese_and_drop_tricks() -> None:
    assert sanitise_filename("../../etc/passwd") == "passwd"
    assert sanitise_filename("C:\\Users\\张伟\\Desktop\\交接清单.xlsx") == "交接清单.xlsx"
    assert sanitise_filename("..\\..\\.bashrc") == "bashrc"
    assert sanitise_filename("报价\x00单\n.pdf") == "报价单.pdf"
    assert sanitise_filename("invoice\u202efdp.exe") == "invoicefdp.exe", "no right-to-left override"
    long = sanitise_filename("长" * 300 + ".docx")
    assert len(long) == 200 and long.endswith(".docx")


async def test_empty_or_missing_files_are_422_and_unknown_tasks_404(  # type: ignore[no-untyped-def]
    api, worker: Worker, temporal_client: Client, settings: Settings, db: Database, org: OrgFixture
) -> None:
    task_id = await task_for("sales_south", temporal_client, settings, db, org)
    client = await api("sales_south")
    empty = await upload(client, task_id, "空.pdf", b"")
    assert empty.status_code == 422 and empty.json()["error"]["code"] == "empty_file"
    no_file = await client.post(f"/api/tasks/{task_id}/attachments", data={"note": "忘了附件"})
    assert no_file.status_code == 422 and no_file.json()["error"]["details"][0]["field"] == "file"
    not_multipart = await client.post(f"/api/tasks/{task_id}/attachments", json={"file": "x"})
    assert not_multipart.status_code == 422
    truncated = await client.post(
        f"/api/tasks/{task_id}/attachments",
        content=b"--b\r\nContent-Disposition: form-da",
        headers={"Content-Type": "multipart/form-data; boundary=b"},
    )
    assert truncated.status_code in (400, 422)
    unknown = await upload(client, "no-such-task", "a.pdf", PDF)
    assert unknown.status_code == 404
    assert stored_files(settings) == [] and attachment_rows(db) == []


async def test_only_the_holder_may_upload(
    api,
    worker: Worker,
    temporal_client: Client,  # type: ignore[no-untyped-def]
    settings: Settings,
    db: Database,
    org: OrgFixture,
) -> None:
    task_id = await task_for("sales_south", temporal_client, settings, db, org)
    response = await upload(await api("sales_east"), task_id, "a.pdf", PDF)
    assert response.status_code == 404, "someone who may not see the task learns nothing of it"
    auditor = await upload(await api("hr"), task_id, "a.pdf", PDF)
    assert auditor.status_code == 403 and auditor.json()["error"]["code"] == "not_your_task"
    assert stored_files(settings) == [] and attachment_rows(db) == []


async def test_downloads_go_to_the_people_the_task_concerns(
    api,
    worker: Worker,  # type: ignore[no-untyped-def]
    temporal_client: Client,
    settings: Settings,
    db: Database,
    org: OrgFixture,
) -> None:
    task_id = await task_for("sales_south", temporal_client, settings, db, org)
    holder = await api("sales_south")
    attachment_id = (await upload(holder, task_id, "../../报价单.pdf", PDF)).json()["id"]

    mine = await holder.get(f"/api/attachments/{attachment_id}")
    assert mine.status_code == 200 and mine.content == PDF
    disposition = mine.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''%E6%8A%A5%E4%BB%B7%E5%8D%95.pdf" in disposition
    assert mine.headers["x-content-type-options"] == "nosniff"
    assert mine.headers["content-type"].startswith("application/pdf")

    stranger = await api("sales_east")
    for url in (f"/api/attachments/{attachment_id}", f"/api/tasks/{task_id}/attachments", "/api/attachments/99999"):
        refused = await stranger.get(url)
        assert refused.status_code == 404 and refused.json()["error"]["code"] == "not_found", url
    assert (await stranger.get("/api/attachments/99999999999999999999")).status_code == 422
    audited = await (await api("hr")).get(f"/api/attachments/{attachment_id}")
    assert audited.status_code == 200 and audited.content == PDF


async def test_a_closed_task_takes_no_more_evidence(
    api,
    worker: Worker,
    temporal_client: Client,  # type: ignore[no-untyped-def]
    settings: Settings,
    db: Database,
    org: OrgFixture,
) -> None:
    task_id = await task_for("sales_south", temporal_client, settings, db, org)
    client = await api("sales_south")
    done = await client.post(f"/api/tasks/{task_id}/complete", json={"action": "approve"})
    assert done.status_code == 200
    await wait_for_task(db, task_id, status="done")
    late = await upload(client, task_id, "迟到.pdf", PDF)
    assert late.status_code == 409 and late.json()["error"]["code"] == "task_closed"
    assert stored_files(settings) == [] and attachment_rows(db) == []


async def test_the_task_page_uploads_and_shows_refusals_inline(  # type: ignore[no-untyped-def]
    anonymous: httpx.AsyncClient,
    worker: Worker,
    temporal_client: Client,
    settings: Settings,
    db: Database,
    org: OrgFixture,
) -> None:
    task_id = await task_for("sales_south", temporal_client, settings, db, org)
    await page_login(anonymous, "sales_south")
    fragment = await anonymous.get(f"/tasks/{task_id}/attachments")
    assert fragment.status_code == 200 and "还没有文件" in fragment.text
    token = form_token(fragment.text)
    url = f"/tasks/{task_id}/attachments"

    unguarded = await anonymous.post(url, files={"file": ("a.pdf", PDF)})
    assert unguarded.status_code == 403, "the page form needs its CSRF token"

    htmx: dict[str, Any] = {"X-CSRF-Token": token, "HX-Request": "true"}
    added = await anonymous.post(url, files={"file": ("../交接清单.pdf", PDF)}, headers=htmx)
    assert added.status_code == 200 and "交接清单.pdf" in added.text and "<html" not in added.text
    refused = await anonymous.post(url, files={"file": ("tool.exe", WINDOWS_PROGRAM)}, headers=htmx)
    assert refused.status_code == 415 and "不允许上传此类文件" in refused.text and "交接清单.pdf" in refused.text

    plain_form = await anonymous.post(
        url, files={"file": ("会议纪要.txt", "客户要求月底前交付。".encode())}, data={"csrf_token": token}
    )
    assert plain_form.status_code == 200 and "会议纪要.txt" in plain_form.text
    attachment_id = attachment_rows(db)[-1].id
    download = await anonymous.get(f"/attachments/{attachment_id}")
    assert download.status_code == 200 and download.content.decode() == "客户要求月底前交付。"
