"""Playwright with Debian's Chromium (Playwright cannot download its own browser here)."""

import os
import shutil

import pytest

from tests.support import need

# The live server runs in a thread beside Playwright's event loop; Django must allow that.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    executable = shutil.which("chromium")
    need("BROWSER", executable is not None, "Debian's chromium is not installed")
    return {**browser_type_launch_args, "executable_path": executable, "args": CHROMIUM_ARGS}
