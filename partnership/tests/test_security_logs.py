"""The case-panel tests' log watch really catches a subject's identifiers in the log."""

import logging

import pytest

from reviews.tests.conftest import PersonalDataWatch
from reviews.tests.factories import coordinator, marac, refer

pytestmark = pytest.mark.django_db

logger = logging.getLogger("reviews.services")


def test_a_logged_subject_label_is_reported_as_a_leak():
    with PersonalDataWatch() as watch:
        panel = marac()
        case = refer(panel, coordinator(panel), subject_label="Zelda Quist")
        logger.info("Referred %s", case.subject_label)
    assert any("Zelda Quist" in leak for leak in watch.leaks())


def test_a_logged_date_of_birth_from_the_person_key_is_reported():
    with PersonalDataWatch() as watch:
        panel = marac()
        refer(panel, coordinator(panel), person_key="ZQ 17/09/1983")
        logger.warning("Key clash for someone born 17/09/1983")
    leaks = watch.leaks()
    assert len(leaks) == 1 and "17/09/1983" in leaks[0]


def test_an_identifier_in_a_traceback_is_reported():
    with PersonalDataWatch() as watch:
        panel = marac()
        case = refer(panel, coordinator(panel), subject_label="Yusuf Okoro")
        try:
            raise ValueError(f"bad case {case.subject_label}")
        except ValueError:
            logger.exception("Could not build case %s", case.pk)
    assert watch.leaks()


def test_record_ids_in_the_log_are_not_leaks():
    with PersonalDataWatch() as watch:
        panel = marac()
        case = refer(panel, coordinator(panel), subject_label="Zelda Quist")
        logger.info("Referred case %s on panel %s", case.pk, panel.pk)
    assert watch.identifiers >= {"Zelda Quist", "AB 01/02/1990", "01/02/1990", "AB"}
    assert watch.handler.records, "INFO records should reach the watch"
    assert watch.leaks() == []


def test_initials_are_found_in_capitals_but_not_as_an_ordinary_word():
    with PersonalDataWatch() as watch:
        panel = marac()
        refer(panel, coordinator(panel), person_key="BE 03/04/1977")
        logging.getLogger("weasyprint").warning("This will be unsupported in future versions")
        assert "BE" in watch.identifiers
        assert watch.leaks() == []

        logger.info("Matched the referral for BE")
        leaks = watch.leaks()
    assert len(leaks) == 1 and "['BE']" in leaks[0]


def test_names_are_found_whatever_their_case():
    with PersonalDataWatch() as watch:
        panel = marac()
        refer(panel, coordinator(panel), subject_label="Zelda Quist")
        logger.info("referred zelda quist")
    assert watch.leaks()
