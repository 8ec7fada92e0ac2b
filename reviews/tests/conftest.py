"""Fixtures most case-panel tests share: a MARAC, a coordinator who sits on it, and a case.

Every test here also runs under ``no_personal_data_in_logs``: whatever is logged while it runs
is captured and must not contain an identifier of the people the cases are about.
"""

import contextlib
import logging
import re

import pytest
from django.db.models.signals import post_save

from reviews import services
from reviews.models import Case, Review
from reviews.tests.factories import coordinator, marac, refer

# A date as people type one in a person key: 01/02/1990, 1-2-1990, 01.02.1990.
TYPED_DATE = re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b")
# The personal fields of the rows these tests create (see the models' help texts).
PERSONAL_FIELDS = {Case: ("subject_label", "consent_note"), Review: ("subject_pseudonym",)}


class CapturingHandler(logging.Handler):
    """Keeps every record, so the test can read them back (caplog may be switched off)."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def record_texts(record: logging.LogRecord) -> list[str]:
    """What a handler could write out: the message, its arguments, and any traceback."""
    texts = [str(record.msg)]
    with contextlib.suppress(TypeError, ValueError):  # a bad format string: msg is kept above
        texts.append(record.getMessage())
    args = record.args if isinstance(record.args, tuple) else (record.args,)
    texts += [repr(arg) for arg in args if arg is not None]
    if record.exc_info:
        texts.append(logging.Formatter().formatException(record.exc_info))
    if record.exc_text:
        texts.append(record.exc_text)
    return texts


def is_initials(value: str) -> bool:
    """Two or three capitals, as typed before a date of birth in a person key."""
    return value.isalpha() and value.isupper() and len(value) <= 3


def personal_data_in(records: list[logging.LogRecord], identifiers: set[str]) -> list[str]:
    """One line per record that names an identifier, matched as a whole word.

    Names and dates match in any case. Initials match only in capitals: in any case "BE" or
    "TO" would be found in every English sentence ("will be unsupported"), and the watch would
    cry wolf at library warnings instead of at personal data.
    """
    patterns = {
        value: re.compile(
            r"(?<!\w)" + re.escape(value) + r"(?!\w)",
            0 if is_initials(value) else re.IGNORECASE,
        )
        for value in identifiers
        if len(value.strip()) >= 2
    }
    found = []
    for record in records:
        for text in record_texts(record):
            hits = sorted(value for value, pattern in patterns.items() if pattern.search(text))
            if hits:
                found.append(f"{record.name} {record.levelname}: {text!r} names {hits}")
                break
    return found


def identifiers_in_person_key(raw: str) -> set[str]:
    """The key as typed, its date of birth, and the initials before it."""
    found = {raw.strip()}
    for date in TYPED_DATE.findall(raw):
        found.add(date)
        initials = raw.split(date)[0].strip(" .,")
        if initials:
            found.add(initials)
    return found


class PersonalDataWatch:
    """Captures the log and learns the subjects' identifiers while a test runs.

    The identifiers are read from what the test really created: the personal fields of saved
    cases and reviews, and each person key handed to the service before it is hashed.
    """

    def __init__(self) -> None:
        self.identifiers: set[str] = set()
        self.handler = CapturingHandler()
        self._saved_levels: dict[str, int] = {}
        self._saved_disable = logging.NOTSET
        self._original_hash = services.hash_person_key

    def _remember_fields(self, sender, instance, **kwargs) -> None:
        for field in PERSONAL_FIELDS.get(sender, ()):
            value = getattr(instance, field, "")
            if value:
                self.identifiers.add(str(value))

    def _remember_key(self, panel_id: int, raw: str) -> str:
        self.identifiers.update(identifiers_in_person_key(raw))
        return self._original_hash(panel_id, raw)

    def __enter__(self) -> "PersonalDataWatch":
        services.hash_person_key = self._remember_key
        for model in PERSONAL_FIELDS:
            post_save.connect(
                self._remember_fields, sender=model, dispatch_uid=f"pii-watch-{model.__name__}"
            )
        # Whatever the settings or -p no:logging left behind, everything from INFO up arrives.
        for name in ("", "reviews", "django", "celery"):
            self._saved_levels[name] = logging.getLogger(name).level
            logging.getLogger(name).setLevel(logging.INFO)
        self._saved_disable = logging.root.manager.disable
        logging.disable(logging.NOTSET)
        logging.getLogger().addHandler(self.handler)
        return self

    def __exit__(self, *exc) -> None:
        logging.getLogger().removeHandler(self.handler)
        logging.disable(self._saved_disable)
        for name, level in self._saved_levels.items():
            logging.getLogger(name).setLevel(level)
        for model in PERSONAL_FIELDS:
            post_save.disconnect(sender=model, dispatch_uid=f"pii-watch-{model.__name__}")
        services.hash_person_key = self._original_hash

    def leaks(self) -> list[str]:
        return personal_data_in(self.handler.records, self.identifiers)


@pytest.fixture(autouse=True)
def no_personal_data_in_logs():
    """Fail the test if anything logged during it names a subject of the cases it created."""
    with PersonalDataWatch() as watch:
        yield watch
    leaks = watch.leaks()
    if leaks:
        pytest.fail("Personal data reached the log:\n" + "\n".join(leaks), pytrace=False)


@pytest.fixture
def panel():
    return marac()


@pytest.fixture
def by(panel):
    return coordinator(panel)


@pytest.fixture
def case(panel, by):
    return refer(panel, by)


@pytest.fixture
def one_panel():
    from reviews.tests.statutory_factories import one_panel as make

    return make()


@pytest.fixture
def panellist(one_panel):
    """A member of the One Panel, who refers and decides in the tests."""
    from reviews.tests.statutory_factories import panel_member

    return panel_member(one_panel)


@pytest.fixture
def review(one_panel, panellist):
    from reviews.tests.statutory_factories import refer_review

    return refer_review(one_panel, panellist)
