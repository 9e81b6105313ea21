"""PostgreSQL: NOTIFY aduan_jobs at the commit of every insert into the job table (one
notification per transaction, no extra round trip for the writer). Also moves jobs still
waiting in django-tasks-db's table (the previous backend) into ours."""

from django.db import migrations

NOTIFY = """
CREATE OR REPLACE FUNCTION jobs_job_notify() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('aduan_jobs', '');
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER jobs_job_notify AFTER INSERT ON jobs_job
    FOR EACH STATEMENT EXECUTE FUNCTION jobs_job_notify();
"""
UNNOTIFY = """
DROP TRIGGER IF EXISTS jobs_job_notify ON jobs_job;
DROP FUNCTION IF EXISTS jobs_job_notify();
"""


def add_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(NOTIFY)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNNOTIFY)


def move_waiting(apps, schema_editor):
    try:
        Old = apps.get_model("django_tasks_database", "DBTaskResult")
    except LookupError:
        return
    Job = apps.get_model("jobs", "Job")
    for old in Old.objects.filter(status__in=["READY", "RUNNING"]).iterator():
        Job.objects.create(task_path=old.task_path, queue=old.queue_name,
                           args=old.args_kwargs,
                           run_after=old.run_after if old.run_after.year < 9999
                           else old.enqueued_at)
        old.delete()


class Migration(migrations.Migration):

    dependencies = [
        ("jobs", "0001_job_table"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [
        migrations.RunPython(add_trigger, drop_trigger),
        migrations.RunPython(move_waiting, migrations.RunPython.noop),
    ]
