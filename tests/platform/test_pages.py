"""The login page, CSRF on every form, role landing pages, language switch."""

from __future__ import annotations

import re

import httpx
import pytest

from store.db import Database
from store.models import AuthToken, Employee
from tests.support.org import PASSWORD, OrgFixture


def form_token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the form carries a CSRF token"
    return match.group(1)


async def page_login(client: httpx.AsyncClient, username: str, password: str = PASSWORD) -> httpx.Response:
    page = await client.get("/login")
    return await client.post(
        "/login", data={"username": username, "password": password, "csrf_token": form_token(page.text), "next": "/"}
    )


async def test_login_page_is_chinese_by_default(anonymous: httpx.AsyncClient) -> None:
    page = await anonymous.get("/login")
    assert page.status_code == 200
    assert "登录 Baton" in page.text and 'lang="zh-CN"' in page.text


async def test_login_page_in_english_when_the_browser_asks(anonymous: httpx.AsyncClient) -> None:
    page = await anonymous.get("/login", headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert "Log in to Baton" in page.text


@pytest.mark.parametrize(
    ("username", "heading"),
    [
        ("sales_south", "我的工作台"),
        ("manager_south", "我的团队"),
        ("head", "销售部概览"),
        ("hr", "人员与交接"),
        ("finance", "财务"),
        ("admin", "系统管理"),
    ],
)
async def test_each_role_lands_on_its_home_page(
    anonymous: httpx.AsyncClient, org: OrgFixture, username: str, heading: str
) -> None:
    response = await page_login(anonymous, username)
    assert response.status_code == 303 and response.headers["location"] == "/"
    home = await anonymous.get("/")
    assert home.status_code == 200
    assert f"<h1>{heading}" in home.text


async def test_wrong_password_on_the_page_shows_the_error_and_sets_no_session(
    anonymous: httpx.AsyncClient, org: OrgFixture, db: Database
) -> None:
    response = await page_login(anonymous, "sales_south", "wrong-password")
    assert response.status_code == 401
    assert "用户名或密码错误" in response.text
    assert "baton_session" not in anonymous.cookies
    with db.session() as session:
        assert session.query(AuthToken).count() == 0


async def test_login_form_without_csrf_token_is_refused(
    anonymous: httpx.AsyncClient, org: OrgFixture, db: Database
) -> None:
    await anonymous.get("/login")
    response = await anonymous.post("/login", data={"username": "hr", "password": PASSWORD})
    assert response.status_code == 403
    assert "表单已失效" in response.text
    with db.session() as session:
        assert session.query(AuthToken).count() == 0


async def test_forged_csrf_token_changes_nothing(anonymous: httpx.AsyncClient, org: OrgFixture, db: Database) -> None:
    await page_login(anonymous, "hr")
    response = await anonymous.post("/language", data={"language": "en", "csrf_token": "forged"})
    assert response.status_code == 403
    with db.session() as session:
        employee = session.get(Employee, org["hr"])
        assert employee is not None and employee.language is None


async def test_htmx_header_token_is_accepted(anonymous: httpx.AsyncClient, org: OrgFixture) -> None:
    await page_login(anonymous, "hr")
    home = await anonymous.get("/")
    token = re.search(r'"X-CSRF-Token": "([^"]+)"', home.text)
    assert token
    response = await anonymous.post("/language", data={"language": "en"}, headers={"X-CSRF-Token": token.group(1)})
    assert response.status_code == 303


async def test_language_switch_is_remembered_for_the_person(
    anonymous: httpx.AsyncClient, org: OrgFixture, db: Database
) -> None:
    await page_login(anonymous, "finance")
    home = await anonymous.get("/")
    await anonymous.post("/language", data={"language": "en", "back": "/", "csrf_token": form_token(home.text)})
    assert "<h1>Finance" in (await anonymous.get("/")).text
    with db.session() as session:
        employee = session.get(Employee, org["finance"])
        assert employee is not None and employee.language == "en"


async def test_pages_redirect_to_login_and_back(anonymous: httpx.AsyncClient, org: OrgFixture) -> None:
    response = await anonymous.get("/")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/"


async def test_login_never_redirects_off_site(anonymous: httpx.AsyncClient, org: OrgFixture) -> None:
    page = await anonymous.get("/login")
    response = await anonymous.post(
        "/login",
        data={
            "username": "hr",
            "password": PASSWORD,
            "csrf_token": form_token(page.text),
            "next": "https://evil.example/",
        },
    )
    assert response.headers["location"] == "/"


async def test_logout_ends_the_page_session(anonymous: httpx.AsyncClient, org: OrgFixture) -> None:
    await page_login(anonymous, "admin")
    home = await anonymous.get("/")
    response = await anonymous.post("/logout", data={"csrf_token": form_token(home.text)})
    assert response.status_code == 303
    assert (await anonymous.get("/")).status_code == 303


async def test_unknown_page_is_a_friendly_404(anonymous: httpx.AsyncClient, org: OrgFixture) -> None:
    await page_login(anonymous, "admin")
    response = await anonymous.get("/no/such/page")
    assert response.status_code == 404
    assert "未找到" in response.text and "<html" in response.text
