"""Where things are seen whole inside Baton: a task on its own page, each process's case on the
page of its record (the order, the handover, the settlement, the alert).

One map, used by the pages' links and by the messages that leave Baton (e-mail, WeCom), so a
notice about a task opens that task and a notice about a case opens that case.
"""

from __future__ import annotations

from urllib.parse import quote

PROCESS_PAGES = {
    "order": "/orders/{}",
    "offboarding": "/offboardings/{}",
    "commission": "/commission/{}",
    "alert": "/alerts/{}",
}
NOTIFICATIONS_PAGE = "/notifications"


def case_page(process: str | None, record_id: str | None) -> str | None:
    page = PROCESS_PAGES.get(process or "")
    return page.format(quote(record_id, safe="")) if page and record_id else None


def task_page(task_id: str) -> str:
    return f"/tasks/{quote(task_id, safe=':')}"


def inside(link: object) -> bool:
    """A path inside Baton (never a URL elsewhere): what a stored ``link`` may be followed to."""
    return isinstance(link, str) and link.startswith("/") and not link.startswith("//") and "\\" not in link
