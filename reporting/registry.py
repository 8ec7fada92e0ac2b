"""The kinds of report, each with one shape: identifier, title, inputs, build, render.

A kind's ``build(inputs, progress)`` gathers the data (and may be slow); its ``render(data)``
lays it out as a file. The two steps are separate so that the data builders can be tested and
timed on their own, and so that the job can report progress while it builds. ``progress`` is a
plain callback, ``progress(percent, stage)``: tests pass a list's append, the Celery task wires it
to the request row.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Progress = Callable[..., None]


def no_progress(percent: int, stage: str = "") -> None:
    """For building a report outside a job."""


@dataclass(frozen=True)
class Rendered:
    filename: str
    content_type: str
    content: bytes

    def __iter__(self):  # unpacks as (filename, content_type, bytes)
        return iter((self.filename, self.content_type, self.content))


class ReportError(Exception):
    """A report cannot be built for a reason worth telling the person who asked.

    The message is shown on the dashboard and stored on the request, so it must never hold
    personal data: name the board or period, never a person or a case.
    """


class ReportKind:
    identifier: str = ""
    title: str = ""
    inputs: tuple[str, ...] = ()

    def clean_inputs(self, raw: dict) -> dict:
        """Check and normalise the inputs; raise ValidationError naming the field."""
        raise NotImplementedError

    def check_access(self, user, inputs: dict) -> None:
        """Raise PermissionDenied if ``user`` may not ask for this report (None: the scheduler)."""

    def describe(self, inputs: dict) -> str:
        """The request's title, e.g. "Quarterly report: Partnership Board, 2025/26 Q3"."""
        return self.title

    def board_id(self, inputs: dict) -> int | None:
        return inputs.get("board")

    def build(self, inputs: dict, progress: Progress = no_progress) -> Any:
        raise NotImplementedError

    def render(self, data: Any) -> Rendered:
        raise NotImplementedError


_KINDS: dict[str, ReportKind] = {}


def register(kind_class: type[ReportKind]) -> type[ReportKind]:
    """Class decorator: make a kind of report available by its identifier."""
    kind = kind_class()
    if not kind.identifier or kind.identifier in _KINDS:
        raise ValueError(f"report kind {kind.identifier!r} is unnamed or registered twice")
    _KINDS[kind.identifier] = kind
    return kind_class


def get_kind(identifier: str) -> ReportKind:
    try:
        return _KINDS[identifier]
    except KeyError:
        raise ReportError(f"There is no kind of report called {identifier!r}.") from None


def inputs_key(inputs: dict) -> str:
    """Canonical JSON of a kind's cleaned inputs: equal requests give equal keys."""
    return json.dumps(inputs, sort_keys=True, separators=(",", ":"))
