"""Every named demo account logs in with demo1234 and lands on its role's page."""

from __future__ import annotations

import re

import httpx
import pytest

from baton.demo_company import load_demo_company
from store.db import Database

ACCOUNTS = [
    ("admin", "系统管理"),
    ("sun.li", "人员与交接"),
    ("zhou.min", "财务"),
    ("liu.yang", "销售部概览"),
    ("chen.jie", "我的团队"),
    ("zhao.lei", "我的团队"),
    ("zhang.wei", "我的工作台"),
    ("li.na", "我的工作台"),
    ("wang.fang", "我的工作台"),
]


@pytest.fixture
def demo(db: Database) -> Database:
    assert load_demo_company(db)
    return db


async def test_every_demo_account_lands_on_its_home_page(anonymous: httpx.AsyncClient, demo: Database) -> None:
    for username, heading in ACCOUNTS:
        anonymous.cookies.clear()
        login = await anonymous.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', login.text)
        assert token
        response = await anonymous.post(
            "/login", data={"username": username, "password": "demo1234", "csrf_token": token.group(1)}
        )
        assert response.status_code == 303, username
        home = await anonymous.get("/")
        assert f"<h1>{heading}" in home.text, username


async def test_the_department_head_sees_zhang_weis_weight(anonymous: httpx.AsyncClient, demo: Database) -> None:
    login = await anonymous.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', login.text)
    assert token
    await anonymous.post("/login", data={"username": "liu.yang", "password": "demo1234", "csrf_token": token.group(1)})
    home = await anonymous.get("/")
    assert "张伟" in home.text, "the biggest carrier of revenue is named on the department page"


async def test_long_lists_page_on_the_server_keeping_their_filters(
    anonymous: httpx.AsyncClient, demo: Database
) -> None:
    login = await anonymous.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', login.text)
    assert token
    await anonymous.post("/login", data={"username": "sun.li", "password": "demo1234", "csrf_token": token.group(1)})
    first = await anonymous.get("/admin/employees?status=active")
    assert "1 / 2" in first.text and 'href="?page=2&amp;q=&amp;status=active"' in first.text
    second = await anonymous.get("/admin/employees?status=active&page=2")
    assert "2 / 2" in second.text and "?page=1" in second.text
