"""On PostgreSQL, refuse UPDATE and DELETE of access-log rows in the database itself.

The model and its QuerySet already refuse; this stops raw SQL and any code path that bypasses
them. Two things must still work: TRUNCATE (a row trigger does not fire on it; the test suite
empties tables that way between transactional tests), and deleting a user account, where the
row's user link is set to NULL and everything else, the username copy included, stays as it
was. SQLite gets no trigger: its test flush deletes rows one by one, which a trigger would stop.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION reviews_accesslog_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND OLD.user_id IS NOT NULL AND NEW.user_id IS NULL
       AND (to_jsonb(NEW) - 'user_id') = (to_jsonb(OLD) - 'user_id') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'The access log is append-only: its rows are never changed or deleted.'
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER reviews_accesslog_append_only
    BEFORE UPDATE OR DELETE ON reviews_accesslog
    FOR EACH ROW EXECUTE PROCEDURE reviews_accesslog_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS reviews_accesslog_append_only ON reviews_accesslog;
DROP FUNCTION IF EXISTS reviews_accesslog_append_only();
"""


def run(sql):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return operation


class Migration(migrations.Migration):
    dependencies = [("reviews", "0001_initial")]

    operations = [migrations.RunPython(run(CREATE), run(DROP), elidable=False)]
