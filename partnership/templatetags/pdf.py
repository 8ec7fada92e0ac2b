"""Template filters for the PDF templates."""

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def css_string(value) -> str:
    """``value`` as a quoted CSS string, for ``content:`` in the page's margin boxes.

    Everything but letters, digits and spaces becomes a CSS escape, so no quote, backslash or
    ``</style>`` in a board's or partnership's name can end the string or the style element.
    """
    text = "" if value is None else str(value)
    escaped = "".join(
        char if char.isalnum() or char == " " else f"\\{ord(char):x} " for char in text
    )
    return mark_safe(f'"{escaped}"')  # noqa: S308 (every special character is escaped above)


@register.filter
def percent(value, places: int = 1) -> str:
    """12.5 -> "12.5%", 50.0 -> "50%"; None -> "–" (nothing to divide by)."""
    if value is None:
        return "–"
    return f"{round(float(value), int(places)):g}%"
