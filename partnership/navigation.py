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
    section: str  # leading part of the path ("reviews", "reviews/statutory") marking the page
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
        "Statutory reviews",
        "reviews:statutory_dashboard",
        (roles.PANEL_COORDINATOR, roles.CHAIR),
        "reviews/statutory",
        also_for="reviews.permissions.sits_on_a_review_panel",
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
        visible.append({"label": item.label, "url": reverse(item.url_name), "item": item})
    current = _current_section(path, [entry["item"].section for entry in visible])
    for entry in visible:
        entry["current"] = entry.pop("item").section == current
    return visible


def _current_section(path: str, sections: list[str]) -> str | None:
    """The longest section the path starts with, whole segments only ("" is the home page)."""
    parts = path.strip("/").split("/")
    best = None
    for section in sections:
        wanted = section.split("/") if section else [""]
        if parts[: len(wanted)] == wanted and (best is None or len(wanted) > len(best.split("/"))):
            best = section
    return best
