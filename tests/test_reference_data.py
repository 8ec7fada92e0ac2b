"""Every data migration's rows are put back between tests, or the suite says which is missing.

Transactional tests empty every table, so the rows data migrations create (role groups, status-key
presets, review types) are reinstalled before each test from ``support.REFERENCE_DATA``. A new
data migration left out of that list would pass on a fresh database and fail later, in whichever
test happened to run after a browser test: this test fails first, naming it.
"""

from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations.special import RunPython
from django.test import override_settings

from tests import support


def runpython_migrations() -> dict[tuple[str, str], list[str]]:
    """(app, migration) -> the names of its RunPython forward functions, for the project's apps."""
    loader = MigrationLoader(None, ignore_no_migrations=True, load=False)
    # The embedded test database is built without migrations, which pytest-django does by
    # replacing MIGRATION_MODULES once a database test has run: read the files regardless.
    with override_settings(MIGRATION_MODULES={}):
        loader.load_disk()
    found = {}
    for (app, name), migration in loader.disk_migrations.items():
        if app not in support.PROJECT_APPS:
            continue
        functions = [op.code.__name__ for op in migration.operations if isinstance(op, RunPython)]
        if functions:
            found[(app, name)] = functions
    return found


def test_every_runpython_migration_is_reference_data_or_known_schema_work():
    listed = {(app, migration) for app, migration, _ in support.REFERENCE_DATA}
    others = set(support.SCHEMA_RUNPYTHON) | set(support.BACKFILL_RUNPYTHON)
    unlisted = sorted(set(runpython_migrations()) - listed - others)
    assert unlisted == [], (
        f"{unlisted}: add each to tests/support.py REFERENCE_DATA (rows), SCHEMA_RUNPYTHON "
        "or BACKFILL_RUNPYTHON"
    )


def test_reference_data_names_functions_its_migrations_really_run():
    found = runpython_migrations()
    for app, migration, function in support.REFERENCE_DATA:
        assert function in found.get((app, migration), []), (app, migration, function)
