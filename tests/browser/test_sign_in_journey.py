"""Signing in through a real browser and finding the dashboard and navigation."""

import re

import pytest
from playwright.sync_api import Page, expect

from partnership import roles
from partnership.tests.factories import PASSWORD, persona

pytestmark = pytest.mark.django_db(transaction=True)


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG contrast of two computed CSS colours, the foreground's alpha blended over the back."""

    def channels(css: str) -> list[float]:
        values = [float(v) for v in re.findall(r"[\d.]+", css)]
        return values + [1.0] * (4 - len(values))

    *fg, alpha = channels(foreground)
    bg = channels(background)[:3]
    blended = [alpha * f + (1 - alpha) * b for f, b in zip(fg, bg, strict=True)]

    def luminance(rgb: list[float]) -> float:
        linear = [
            (c / 255 / 12.92) if c <= 10.3 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb
        ]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(blended), luminance(bg)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def sign_in(page: Page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_board_officer_signs_in_and_sees_the_dashboard(page: Page, live_server):
    officer = persona(roles.BOARD_OFFICER, first_name="Tom", last_name="Whitfield")

    sign_in(page, live_server.url, officer.username, PASSWORD)

    expect(page.get_by_role("heading", level=1, name="Dashboard")).to_be_visible()
    expect(page.get_by_text("Welcome, Tom Whitfield.")).to_be_visible()
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Boards")).to_be_visible()
    expect(nav.get_by_role("link", name="Funding")).to_have_count(0)
    expect(page.get_by_role("heading", name="Board business")).to_be_visible()
    # Bootstrap's stylesheet arrived from node_modules (the bar is styled, not plain), and the
    # navigation links are readable against it (WCAG AA: 4.5:1 for normal text).
    background = page.locator("nav.navbar").evaluate("n => getComputedStyle(n).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")
    link = nav.get_by_role("link", name="Reports")
    assert contrast_ratio(link.evaluate("a => getComputedStyle(a).color"), background) >= 4.5

    page.get_by_role("link", name="Boards").click()
    expect(page.get_by_role("heading", level=1, name="Boards")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_wrong_password_shows_a_message_and_keeps_the_user_out(page: Page, live_server):
    chair = persona(roles.CHAIR)
    sign_in(page, live_server.url, chair.username, "not-the-password")
    expect(page.get_by_role("alert")).to_contain_text("correct username and password")
    expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible()


def test_keyboard_user_signs_in_and_skips_to_the_content(page: Page, live_server):
    chair = persona(roles.CHAIR)
    page.goto(f"{live_server.url}/accounts/login/")

    # The username field takes the focus on arrival, so typing starts there.
    expect(page.get_by_label("Username")).to_be_focused()
    page.keyboard.type(chair.username)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name="Dashboard")).to_be_visible()

    # On every page the first Tab reaches the skip link, which jumps past the navigation.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    expect(page.get_by_role("heading", name="Partnership overview")).to_be_visible()
