"""axe-core, injected into a Playwright page, judging it against WCAG 2.2 AA.

axe-core comes from the npm registry through package-lock.json (`npm ci`), so every run uses the
same rules. Serious and critical violations fail the test; minor and moderate ones are listed in
the failure message (and by `report`) so they can be fixed without blocking.
"""

import json
import os
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from playwright.sync_api import Page

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]
BLOCKING = {"serious", "critical"}

# Collected before any page script runs, so a violation during load is not missed.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


def watch_csp(page: Page) -> None:
    """Record Content Security Policy violations on every page this tab loads from now on."""
    page.add_init_script(CSP_LISTENER)
    messages: list[str] = []
    page.on(
        "console",
        lambda message: (
            messages.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.csp_console_messages = messages  # type: ignore[attr-defined]


def run_axe(page: Page) -> list[dict]:
    """Inject axe-core into the page as it stands and return its violations."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol rather than added as a <script>: the site's
        # Content Security Policy (script-src 'self') rightly refuses an injected inline script.
        page.evaluate(AXE.read_text() + "\n;undefined")
    result = page.evaluate(
        """tags => axe.run(document, {
            runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]
        })""",
        TAGS,
    )
    return result["violations"]


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        targets = "; ".join(
            " ".join(str(part) for part in node["target"]) for node in violation["nodes"][:5]
        )
        more = len(violation["nodes"]) - 5
        if more > 0:
            targets += f" … and {more} more"
        lines.append(
            f"[{violation['impact']}] {violation['id']}: {violation['help']} "
            f"({len(violation['nodes'])} node(s): {targets})"
        )
    return "\n".join(lines)


def csp_violations(page: Page) -> list[str]:
    events = page.evaluate("window.__cspViolations || []")
    return [*events, *getattr(page, "csp_console_messages", [])]


def report(page: Page, violations: list[dict]) -> None:
    """With AXE_REPORT=<file>, append the page's violation count by impact (for audits)."""
    target = os.environ.get("AXE_REPORT")
    if not target:
        return
    counts = Counter(v["impact"] for v in violations)
    with open(target, "a") as out:
        out.write(json.dumps({"page": page.url, **counts, "rules": [v["id"] for v in violations]}))
        out.write("\n")


def assert_accessible(page: Page) -> list[dict]:
    """Fail on any serious or critical axe violation, or a CSP violation; return the rest."""
    violations = run_axe(page)
    report(page, violations)
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    others = [v for v in violations if v["impact"] not in BLOCKING]
    assert not blocking, (
        f"{page.url}: serious/critical accessibility violations:\n{describe(blocking)}"
        + (f"\nAlso (not failing):\n{describe(others)}" if others else "")
    )
    violated = csp_violations(page)
    assert not violated, f"{page.url}: Content Security Policy violations: {violated}"
    return others


def sign_in_as(page: Page, base: str, user) -> None:
    """Give the browser a signed-in session without typing the password (login has its own test)."""
    client = Client()
    client.force_login(get_user_model().objects.get(pk=user.pk))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": base}]
    )
