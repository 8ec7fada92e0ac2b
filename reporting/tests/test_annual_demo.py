"""The demo's annual report narrative: the last full year written, the current one part-written."""

import datetime as dt

import pytest

from boards.demo import STRATEGIC
from boards.tests.factories import BoardFactory, plan_with_actions
from reporting import demo
from reporting.models import AnnualNarrative, PriorityNarrative

pytestmark = pytest.mark.django_db


def test_the_demo_writes_two_years_of_narrative_once(time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC))
    board = BoardFactory(name=STRATEGIC, short_name="Partnership Board")
    plan_with_actions(2, board=board)  # covers 2025/26 to 2027/28
    lines = []
    assert demo.load(lines.append) == []

    last = AnnualNarrative.objects.get(board=board, year=2025)
    assert "Looking back on 2025/26" in last.chair_message and last.whats_next
    assert last.priorities.get().achievements.startswith("- Opened the town-centre youth hub")
    current = AnnualNarrative.objects.get(board=board, year=2026)
    assert current.chair_message == "" and current.whats_next == ""
    assert "what the board did in 2026/27" in current.introduction
    assert current.priorities.get().impact == ""

    demo.load(lines.append)
    assert AnnualNarrative.objects.count() == 2 and PriorityNarrative.objects.count() == 2
    assert "kept the annual report narrative for 2025/26 (already loaded)" in lines


def test_without_the_demo_board_there_is_nothing_to_write():
    lines = []
    assert demo.load(lines.append) == []
    assert not AnnualNarrative.objects.exists()
    assert lines == ["no demo board, so no annual report narrative"]
