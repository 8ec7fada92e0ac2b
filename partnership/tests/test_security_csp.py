"""The Content Security Policy header, and templates that keep within it."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template.utils import get_app_template_dirs
from django.urls import reverse

pytestmark = pytest.mark.django_db

EXPECTED_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "style-src-attr": "'unsafe-inline'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "base-uri": "'self'",
    "object-src": "'none'",
}


def policy_of(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, _, value = part.strip().partition(" ")
        directives[name] = value.strip()
    return directives


def assert_strict_policy(response):
    directives = policy_of(response)
    assert directives == EXPECTED_DIRECTIVES
    header = response.headers["Content-Security-Policy"]
    assert "unsafe-eval" not in header
    # Inline is allowed for style attributes only, never for scripts or <style> elements.
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-inline'" not in directives["style-src"]


def test_public_sign_in_page_carries_the_strict_policy(client):
    assert_strict_policy(client.get(reverse("login")))


def test_public_funding_page_carries_the_strict_policy(client):
    assert_strict_policy(client.get(reverse("funding:rounds")))


def test_staff_dashboard_carries_the_strict_policy(client, board_officer):
    client.force_login(board_officer)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert_strict_policy(response)


def test_admin_carries_the_strict_policy_without_relaxation(client, administrator):
    client.force_login(administrator)
    for url in (reverse("admin:index"), reverse("admin:auth_user_changelist")):
        response = client.get(url)
        assert response.status_code == 200
        assert_strict_policy(response)
        # Django 5.2's admin pages load their scripts from files; only JSON data blocks, which
        # browsers never run, are written inline.
        assert not inline_scripts(response.content.decode())


def test_admin_change_form_has_no_inline_script(client, administrator):
    client.force_login(administrator)
    response = client.get(reverse("admin:auth_user_change", args=[administrator.pk]))
    assert response.status_code == 200
    assert not inline_scripts(response.content.decode())


# --- Templates -----------------------------------------------------------------------------

SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
# on<event>= as an attribute: preceded by white space inside a tag, not part of a longer word.
EVENT_HANDLER = re.compile(r"<[a-zA-Z][^>]*?\s(on[a-z]+)\s*=", re.IGNORECASE | re.DOTALL)
DATA_SCRIPT = re.compile(r"""type\s*=\s*["']application/(ld\+)?json["']""", re.IGNORECASE)


def inline_scripts(text: str) -> list[str]:
    """Opening tags of <script> elements that run code written in the page."""
    found = []
    for match in SCRIPT_TAG.finditer(text):
        attributes = match.group(1)
        if re.search(r"\bsrc\s*=", attributes, re.IGNORECASE) or DATA_SCRIPT.search(attributes):
            continue
        found.append(match.group(0))
    return found


def event_handlers(text: str) -> list[str]:
    return [match.group(1) for match in EVENT_HANDLER.finditer(text)]


def project_templates() -> list[Path]:
    """Our templates (project folder and our apps'), less the PDF ones WeasyPrint renders."""
    roots = [Path(folder) for folder in settings.TEMPLATES[0]["DIRS"]]
    roots += [
        Path(folder)
        for folder in get_app_template_dirs("templates")
        if Path(folder).is_relative_to(settings.BASE_DIR)
        and not Path(folder).is_relative_to(settings.BASE_DIR / ".venv")
    ]
    files = []
    for root in roots:
        for path in sorted(root.rglob("*")):
            if not path.is_file() or path.suffix not in {".html", ".txt", ".svg"}:
                continue
            if "pdf" in path.relative_to(root).parts:
                continue
            files.append(path)
    return files


def test_the_scan_finds_inline_code_where_there_is_some():
    assert inline_scripts('<script>alert(1)</script><script src="/s.js"></script>') == ["<script>"]
    assert inline_scripts('<script type="application/json">{}</script>') == []
    assert event_handlers('<button class="x" onclick="go()">') == ["onclick"]
    assert event_handlers('<a href="#" data-onclick="x">') == []


def test_templates_have_no_inline_scripts_or_event_handler_attributes():
    templates = project_templates()
    assert len(templates) > 20
    offenders = []
    for path in templates:
        text = path.read_text(encoding="utf-8")
        for tag in inline_scripts(text):
            offenders.append(f"{path.relative_to(settings.BASE_DIR)}: {tag}")
        for handler in event_handlers(text):
            offenders.append(f"{path.relative_to(settings.BASE_DIR)}: {handler}=")
    assert not offenders, "Inline code the CSP will block:\n" + "\n".join(offenders)


def test_two_factor_set_up_page_keeps_to_the_policy(client, administrator):
    client.force_login(administrator)
    client.post(reverse("two_factor_start"))
    response = client.get(reverse("account_security"))
    assert response.status_code == 200
    assert_strict_policy(response)
    html = response.content.decode()
    # The QR code is an image from a data: address, which img-src allows; nothing runs inline.
    assert 'src="data:image/svg+xml' in html
    assert not inline_scripts(html) and not event_handlers(html)
