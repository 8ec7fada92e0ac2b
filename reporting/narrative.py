"""Officer-written narrative (plain paragraphs or Markdown) turned into HTML safe to show.

The same function feeds the narrative page's preview and the annual report's PDF, so what an
officer previews is what the chair signs. Markdown does the layout; nh3 then keeps only an
allow-list of tags, so raw HTML, scripts and ``javascript:`` links never get through, whatever
was typed or pasted.
"""

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

MAX_LENGTH = 20_000

ALLOWED_TAGS = {
    "p", "br", "ul", "ol", "li", "em", "strong", "h3", "h4", "blockquote", "a", "code",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"http", "https", "mailto"}
# Markdown's headings sit under the report's section heading (h2): "#" becomes h3, the rest h4.
HEADINGS = {"h1": "h3", "h2": "h4", "h3": "h4", "h4": "h4", "h5": "h4", "h6": "h4"}


class _LowerHeadings(Treeprocessor):
    def run(self, root):
        for element in root.iter():
            if element.tag in HEADINGS:
                element.tag = HEADINGS[element.tag]


class _NarrativeExtension(Extension):
    def extendMarkdown(self, md):  # noqa: N802 (Markdown's name)
        md.treeprocessors.register(_LowerHeadings(md), "lower_headings", 5)


def _markdown() -> markdown.Markdown:
    # nl2br: officers type plain text, where a single line break is meant as one.
    return markdown.Markdown(extensions=["sane_lists", "nl2br", _NarrativeExtension()])


def clean_html(html: str) -> str:
    """Keep only the allow-listed tags and attributes; drop scripts and styles with content."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        url_relative="deny",
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def render_narrative(text: str | None) -> SafeString:
    """Narrative text as safe HTML; an empty string for empty text."""
    text = (text or "").strip()
    if not text:
        return mark_safe("")  # noqa: S308 (nothing to escape)
    html = _markdown().convert(text)
    return mark_safe(clean_html(html))  # noqa: S308 (sanitised to the allow-list above)
