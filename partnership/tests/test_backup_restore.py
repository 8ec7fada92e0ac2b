"""scripts/backup.sh and scripts/restore.sh round-trip the demo partnership and its media.

Needs PostgreSQL (the services run): the demo is loaded into the test database, backed up with
the real script, restored into a database made for the test (dropped afterwards), and the two
are compared table by table.
"""

import io
import os
import subprocess
import uuid
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from funding.models import Fund, balances_by_fund
from tests.support import PROJECT_APPS, need
from tests.workers import shared_database_url

pytestmark = [pytest.mark.services]

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"


def counts() -> dict[str, int]:
    """Rows in every table of the project's apps (history and many-to-many tables too)."""
    found = {}
    for label in PROJECT_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            found[model._meta.db_table] = model.objects.count()
    return found


def figures() -> tuple[dict[str, int], dict]:
    fund_ids = list(Fund.objects.values_list("pk", flat=True))
    return counts(), balances_by_fund(fund_ids)


def read_from(database: str):
    """The same figures, read through Django from another database on the same server."""
    original = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = database
    try:
        return figures()
    finally:
        connection.close()
        connection.settings_dict["NAME"] = original


def run(script: str, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(SCRIPTS / script), *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def empty_database(transactional_db):
    need("SERVICES", connection.vendor == "postgresql", "the test database is not PostgreSQL")
    name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    url = shared_database_url().rsplit("/", 1)[0] + f"/{name}"
    yield name, url
    connection.close()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_the_demo_backed_up_and_restored_into_a_fresh_database_matches_the_original(
    empty_database, tmp_path
):
    restored_name, restored_url = empty_database
    call_command("load_demo", "--quiet-logins", stdout=io.StringIO())
    upload = Path(settings.MEDIA_ROOT) / "backup-test" / f"{uuid.uuid4().hex}.txt"
    upload.parent.mkdir(parents=True, exist_ok=True)
    upload.write_bytes(b"minutes of the March meeting\n")
    before_counts, before_balances = figures()
    assert before_counts["funding_ledgerentry"] > 0  # the demo really is there

    backup = run(
        "backup.sh",
        str(tmp_path / "backups"),
        DATABASE_URL=shared_database_url(),
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
    )
    assert backup.returncode == 0, backup.stderr
    dump, media = backup.stdout.split()
    assert oct(os.stat(dump).st_mode & 0o777) == "0o600"  # personal data: owner only

    restored_media = tmp_path / "restored-media"
    restore = run(
        "restore.sh", dump, media, DATABASE_URL=restored_url, MEDIA_ROOT=str(restored_media)
    )
    assert restore.returncode == 0, restore.stderr

    after_counts, after_balances = read_from(restored_name)
    assert after_counts == before_counts
    assert after_balances == before_balances
    assert any(balance.received for balance in after_balances.values())
    copied = restored_media / upload.relative_to(settings.MEDIA_ROOT)
    assert copied.read_bytes() == upload.read_bytes()

    # Restoring again over the now-filled database is refused, not mixed in.
    again = run("restore.sh", dump, media, DATABASE_URL=restored_url, MEDIA_ROOT=str(tmp_path))
    assert again.returncode == 1
    assert "refusing to restore" in again.stderr
