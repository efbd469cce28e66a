"""Role-aware navigation: each role sees the areas it works in, nothing more."""

from __future__ import annotations

from dataclasses import dataclass

from schemas.kernel.errors import N_
from web.shared.auth import Principal


@dataclass(frozen=True)
class NavItem:
    label: str  # English message id, translated in the template
    href: str
    active: bool


# (label, href, roles that see it)
AREAS: list[tuple[str, str, set[str]]] = [
    (N_("Home"), "/", {"sales", "sales_manager", "department_head", "hr", "finance", "admin"}),
    (N_("Customers"), "/customers", {"sales", "sales_manager", "department_head", "finance", "admin"}),
    (N_("Search"), "/search", {"sales", "sales_manager", "department_head", "admin"}),
    (N_("Inbox"), "/inbox", {"sales", "sales_manager", "department_head", "hr", "finance", "admin"}),
    (N_("Orders"), "/orders", {"sales", "sales_manager", "department_head", "finance", "admin"}),
    (N_("Approvals"), "/approvals", {"sales_manager", "department_head", "finance"}),
    # sales see their own handover only (store/repo/offboardings.list_cases scopes the list)
    (N_("Handover"), "/offboardings", {"sales", "sales_manager", "department_head", "hr", "finance", "admin"}),
    (N_("Commission"), "/commission", {"sales", "sales_manager", "department_head", "finance", "admin"}),
    (N_("Payments"), "/payments", {"finance"}),
    (N_("People"), "/admin/employees", {"admin", "hr"}),
    (N_("Policies"), "/admin/policies", {"admin"}),
    (N_("Processes"), "/processes", {"sales", "sales_manager", "department_head", "hr", "finance", "admin"}),
    (N_("Audit"), "/admin/audit", {"admin", "hr"}),
    (N_("Import"), "/imports", {"admin", "department_head", "sales_manager"}),
    (N_("Reports"), "/reports/customers", {"sales_manager", "department_head", "admin"}),
    (N_("Alerts"), "/alerts", {"sales_manager", "department_head", "admin"}),
]


def navigation_for(principal: Principal, path: str) -> list[NavItem]:
    items = []
    for label, href, roles in AREAS:
        if principal.roles & roles:
            active = path == href if href == "/" else path.startswith(href)
            items.append(NavItem(label=label, href=href, active=active))
    return items
