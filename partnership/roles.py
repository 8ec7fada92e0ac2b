"""The roles people have in the product, as Django groups.

Roles decide which areas of the site someone can reach; membership of a board or panel narrows
that further to the records of those boards and panels.
"""

from collections.abc import Iterable

ADMINISTRATOR = "Administrator"
BOARD_OFFICER = "Board officer"
GRANTS_OFFICER = "Grants officer"
PANEL_COORDINATOR = "Panel coordinator"
CHAIR = "Chair"

ROLES: tuple[str, ...] = (ADMINISTRATOR, BOARD_OFFICER, GRANTS_OFFICER, PANEL_COORDINATOR, CHAIR)


def ensure_roles(group_model) -> list[str]:
    """Create any missing role groups; returns the names it created. Safe to run again."""
    created = []
    for name in ROLES:
        _, was_created = group_model.objects.get_or_create(name=name)
        if was_created:
            created.append(name)
    return created


def user_roles(user) -> frozenset[str]:
    """The role names a user holds, read once per request and kept on the user object."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_csp_roles", None)
    if cached is None:
        names = set(user.groups.filter(name__in=ROLES).values_list("name", flat=True))
        if user.is_superuser:
            names.add(ADMINISTRATOR)
        cached = frozenset(names)
        user._csp_roles = cached
    return cached


def has_role(user, roles: Iterable[str]) -> bool:
    """True when the user holds any of ``roles``; administrators hold every role."""
    held = user_roles(user)
    return ADMINISTRATOR in held or bool(held.intersection(roles))
