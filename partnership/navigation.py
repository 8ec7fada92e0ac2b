"""The navigation bar: which areas each role reaches, declared once."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.module_loading import import_string

from . import roles


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: tuple[str, ...]  # who sees it; empty means everyone signed in
    section: str  # first part of the path, to mark the current page
    # Dotted path of a check(user) -> bool that shows the item to a user holding no role at all,
    # e.g. an agency's member of a case panel. Asked only of role-less users, so pages for staff
    # cost no extra query. Named as a string: this package imports no app.
    also_for: str = ""


NAV_ITEMS: tuple[NavItem, ...] = (
    NavItem("Dashboard", "home", (), ""),
    NavItem("Boards", "boards:index", (roles.BOARD_OFFICER, roles.CHAIR), "boards"),
    NavItem("Funding", "funding:index", (roles.GRANTS_OFFICER, roles.CHAIR), "funding"),
    NavItem(
        "Case panels",
        "reviews:index",
        (roles.PANEL_COORDINATOR,),
        "reviews",
        also_for="reviews.permissions.sits_on_a_panel",
    ),
    NavItem(
        "Reports",
        "reporting:index",
        (roles.CHAIR, roles.BOARD_OFFICER),
        "reports",
    ),
)


def items_for(user, path: str = "/") -> list[dict]:
    if not user.is_authenticated:
        return []
    first = path.strip("/").split("/", 1)[0]
    visible = []
    for item in NAV_ITEMS:
        if (
            item.roles
            and not roles.has_role(user, item.roles)
            and not (
                item.also_for and not roles.user_roles(user) and import_string(item.also_for)(user)
            )
        ):
            continue
        visible.append(
            {"label": item.label, "url": reverse(item.url_name), "current": first == item.section}
        )
    return visible
