"""Who may grant which roles, and which roles one person may not hold together.

Separation of duties: finance records money and gives the last approval of orders and
settlements, so finance never sells, manages sellers or heads their department; finance and HR
are two of the three offboarding sign-offs, so one person never holds both. Admin, which can
change every setting and read the audit log, is granted by an admin only.
"""

from __future__ import annotations

from collections.abc import Iterable

from schemas.kernel.errors import N_

CONFLICTS: dict[str, frozenset[str]] = {
    "finance": frozenset({"sales", "sales_manager", "department_head", "hr"}),
}
ONLY_ADMIN_GRANTS = frozenset({"admin"})


def conflicting_pairs(roles: Iterable[str]) -> list[tuple[str, str]]:
    held = set(roles)
    return sorted(
        (role, other) for role, others in CONFLICTS.items() if role in held for other in sorted(others & held)
    )


def refused_grants(granter_roles: Iterable[str], roles: Iterable[str]) -> list[str]:
    """The roles in ``roles`` this granter may not give (None as granter: the system itself)."""
    if "admin" in set(granter_roles):
        return []
    return sorted(ONLY_ADMIN_GRANTS & set(roles))


CONFLICT_MESSAGE = N_("Finance cannot also sell, manage a team, head a department or work in HR.")
GRANT_MESSAGE = N_("Only an admin can make someone an admin.")
