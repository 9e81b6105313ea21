"""PostgreSQL: the notification names the queue of the jobs inserted (one per queue and
transaction; PostgreSQL folds equal notifications of a transaction into one), so a
worker's sending threads wake for the outbox only and its main loop for the rest. Going
back restores 0002's trigger with 0002's own statements."""

from importlib import import_module

from django.db import migrations

previous = import_module("aduan.jobs.migrations.0002_notify_and_move")

NOTIFY = """
CREATE OR REPLACE FUNCTION jobs_job_notify() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('aduan_jobs', q) FROM (SELECT DISTINCT queue AS q FROM added) AS s;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER jobs_job_notify AFTER INSERT ON jobs_job REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION jobs_job_notify();
"""


def forwards(apps, schema_editor):
    previous.drop_trigger(apps, schema_editor)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(NOTIFY)


def backwards(apps, schema_editor):
    previous.drop_trigger(apps, schema_editor)
    previous.add_trigger(apps, schema_editor)


class Migration(migrations.Migration):

    dependencies = [("jobs", "0003_priority")]

    operations = [migrations.RunPython(forwards, backwards)]
