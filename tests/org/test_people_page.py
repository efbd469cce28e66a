"""HR and admin find people and add colleagues from the directory page."""

from __future__ import annotations

import httpx

from store.db import Database
from store.models import Employee
from tests.platform.test_pages import form_token, page_login
from tests.support.org import OrgFixture


async def test_hr_sees_the_directory_and_others_do_not(anonymous: httpx.AsyncClient, org: OrgFixture) -> None:
    await page_login(anonymous, "hr")
    page = await anonymous.get("/admin/employees?q=张")
    assert page.status_code == 200
    assert "张伟" in page.text and "王芳" not in page.text
    assert "华南区工业客户团队" in page.text and "陈杰" in page.text, "team and manager shown"
    await anonymous.post("/logout", data={"csrf_token": form_token(page.text)})
    await page_login(anonymous, "sales_south")
    assert (await anonymous.get("/admin/employees")).status_code == 403


async def test_adding_a_colleague_from_the_page(anonymous: httpx.AsyncClient, org: OrgFixture, db: Database) -> None:
    await page_login(anonymous, "admin")
    page = await anonymous.get("/admin/employees")
    fields = {
        "csrf_token": form_token(page.text),
        "name": "冯涛",
        "username": "feng.tao",
        "password": "long-enough-1",
        "role": "sales",
        "team_id": "",
        "manager_id": str(org["manager_east"]),
    }
    added = await anonymous.post("/admin/employees", data=fields)
    assert added.status_code == 303
    with db.session() as session:
        person = session.query(Employee).filter_by(username="feng.tao").one()
        assert person.roles == ["sales"] and person.manager_id == org["manager_east"]
    again = await anonymous.post("/admin/employees", data=fields)
    assert again.status_code == 409 and "该用户名已被占用" in again.text
    short = await anonymous.post("/admin/employees", data={**fields, "username": "x.y", "password": "short"})
    assert short.status_code == 422 and "password" in short.text
