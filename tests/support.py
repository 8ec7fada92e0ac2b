"""Helpers for tests in every app."""

import os

import pytest


def need(kind: str, available: bool, reason: str) -> None:
    """Skip a test whose service or browser is missing, with the reason shown in the summary.

    .ci/run sets CSP_REQUIRE_SERVICES=1 / CSP_REQUIRE_BROWSER=1, which turns that skip into a
    failure: under CI a missing component must never pass as a skipped test.
    """
    if available:
        return
    if os.environ.get(f"CSP_REQUIRE_{kind}") == "1":
        pytest.fail(f"{reason} (CSP_REQUIRE_{kind}=1 makes this mandatory)")
    pytest.skip(reason)
