"""Officer-written narrative: Markdown and plain paragraphs in, only allow-listed HTML out."""

import pytest

from reporting.narrative import render_narrative
from reporting.sections.narrative import narrative_text


def test_plain_paragraphs_become_paragraphs_and_single_breaks_stay():
    html = render_narrative("First paragraph,\nsecond line.\n\nSecond paragraph.")
    assert html == "<p>First paragraph,<br>\nsecond line.</p>\n<p>Second paragraph.</p>"


def test_markdown_lists_emphasis_quotes_and_links():
    html = render_narrative(
        "**Bold** and _italic_.\n\n- one\n- two\n\n1. first\n2. second\n\n> quoted\n\n"
        "[Our plan](https://example.org/plan)"
    )
    assert "<strong>Bold</strong> and <em>italic</em>." in html
    assert "<ul>\n<li>one</li>\n<li>two</li>\n</ul>" in html
    assert "<ol>\n<li>first</li>" in html
    assert "<blockquote>" in html
    assert (
        '<a href="https://example.org/plan" rel="noopener noreferrer nofollow">Our plan</a>' in html
    )


def test_headings_sit_below_the_reports_section_heading():
    html = render_narrative("# Big\n\n## Smaller\n\n#### Smallest")
    assert html == "<h3>Big</h3>\n<h4>Smaller</h4>\n<h4>Smallest</h4>"


@pytest.mark.parametrize(
    "text, gone",
    [
        ("Hello <script>alert('x')</script> there", ["<script", "alert("]),
        ("<script>\ndocument.cookie\n</script>", ["<script", "document.cookie"]),
        ("[click](javascript:alert(1))", ["javascript:", "href"]),
        ('<a href="javascript:alert(2)">raw link</a>', ["javascript:", "href"]),
        ("[data](data:text/html;base64,PHNjcmlwdD4=)", ["data:", "href"]),
        ("[relative](/admin/)", ["/admin/", "href"]),
        ('<img src="x" onerror="alert(3)">', ["<img", "onerror"]),
        ('<div style="color:red" onclick="x()">boxed</div>', ["<div", "style", "onclick"]),
        ("<iframe src='https://evil.example'></iframe>", ["<iframe", "evil.example"]),
        ("<style>body { display: none }</style>", ["<style", "display"]),
        ("<!-- a comment -->visible", ["<!--", "a comment"]),
        ("<h1>Raw heading</h1>", ["<h1"]),
    ],
)
def test_scripts_dangerous_links_and_raw_html_are_removed(text, gone):
    html = render_narrative(text)
    for fragment in gone:
        assert fragment not in html


def test_the_words_inside_removed_html_are_kept():
    assert "boxed" in render_narrative('<div onclick="x()">boxed</div>')
    assert "raw link" in render_narrative('<a href="javascript:alert(2)">raw link</a>')


def test_empty_text_is_empty_and_the_section_says_so():
    assert render_narrative("   \n\n ") == ""
    assert render_narrative(None) == ""
    text = narrative_text("chair_message", "  ", "2025/26")
    assert text.empty
    assert text.missing == "No message from the Chair has been written for 2025/26."
