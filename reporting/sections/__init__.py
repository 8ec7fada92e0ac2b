"""The sections reports are made of, each a data builder and a template.

A builder takes a ``Period`` (a board and a quarter, or a whole financial year) and returns plain
data for its template; it costs a fixed number of queries whatever the amount of data, reads
other apps only through their own data functions, and never fails for want of data: an empty
quarter gives empty data, and the template says so in words.

Reports list their sections in a ``SectionList``; ``replace`` swaps a section's builder (a test
slows one down to catch a job mid-build, say).
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from boards.models import Board
from partnership.periods import FinancialYear

MONTHS = {
    1: "April to June",
    2: "July to September",
    3: "October to December",
    4: "January to March",
}


@dataclass(frozen=True)
class Period:
    board: Board
    year: FinancialYear
    quarter: int | None  # None: the whole financial year
    produced_on: date  # the report's "today"

    @property
    def start(self) -> date:
        return self.year.quarter_bounds(self.quarter)[0] if self.quarter else self.year.start

    @property
    def end(self) -> date:
        return self.year.quarter_bounds(self.quarter)[1] if self.quarter else self.year.end

    @property
    def as_at(self) -> date:
        """The day open and overdue things are counted on: the period's end, or today if sooner."""
        return min(self.end, self.produced_on)

    @property
    def label(self) -> str:
        return f"{self.year.label} Q{self.quarter}" if self.quarter else self.year.label

    @property
    def months(self) -> str:
        """ "October to December 2025", or "April 2025 to March 2026" for a whole year."""
        if self.quarter:
            return f"{MONTHS[self.quarter]} {self.start.year}"
        return f"{self.start:%B %Y} to {self.end:%B %Y}"

    @property
    def noun(self) -> str:
        return "quarter" if self.quarter else "year"

    @property
    def in_progress(self) -> bool:
        return self.produced_on < self.end


@dataclass(frozen=True)
class Section:
    key: str  # the anchor in the PDF, and how a later change finds the section to replace
    heading: str
    template: str
    build: Callable[[Period], Any]


@dataclass(frozen=True)
class BuiltSection:
    key: str
    heading: str
    template: str
    data: Any


class SectionList:
    """A report's sections in order."""

    def __init__(self, sections: Iterable[Section]):
        self._sections = list(sections)

    def __iter__(self) -> Iterator[Section]:
        return iter(self._sections)

    def __len__(self) -> int:
        return len(self._sections)

    def replace(self, key: str, build: Callable[[Period], Any]) -> None:
        """Use ``build`` for the section ``key`` (tests slow a section down this way)."""
        for index, section in enumerate(self._sections):
            if section.key == key:
                self._sections[index] = Section(key, section.heading, section.template, build)
                return
        raise KeyError(key)

    @property
    def headings(self) -> list[str]:
        return [section.heading for section in self._sections]


def boards_beneath(*board_ids: int) -> set[int]:
    """The boards and every board reporting to them, however deep (one query)."""
    children: dict[int | None, list[int]] = {}
    for pk, parent in Board.objects.values_list("pk", "parent_id"):
        children.setdefault(parent, []).append(pk)
    found, waiting = set(), list(board_ids)
    while waiting:
        current = waiting.pop()
        if current in found:
            continue
        found.add(current)
        waiting.extend(children.get(current, []))
    return found
