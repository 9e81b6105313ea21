"""A django-tasks backend that writes to our leased job table (`aduan.jobs.models.Job`).

`@task` and `.enqueue()` / `.using(run_after=...)` work as with any backend; the row is
written in the caller's transaction, so a job exists exactly when its cause committed.
Rows are written with plain INSERTs: every webhook queues a job, and building the ORM's
insert cost more than running it. `insert_for_each_sql` queues one job per row another
statement wrote (the webhook's events, many at once).
"""

from functools import cache

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks.backends.base import BaseTaskBackend
from django_tasks.base import TaskResult, TaskResultStatus
from django_tasks.exceptions import TaskResultDoesNotExist
from django_tasks.utils import normalize_json

from .models import Job
from .queue import wake_on_commit

# Every column without a database default: the rest (lease_until, failed_at) start NULL.
COLUMNS = ("task_path", "queue", "priority", "args", "run_after", "created_at",
           "max_attempts", "state", "attempts", "worker", "last_error")
ARGS_FIELD = Job._meta.get_field("args")
# The args {"args": [id], "kwargs": {}} of a job queued for each id, built by the database.
ARGS_OF_ID = {"postgresql": "jsonb_build_object('args', jsonb_build_array(id), 'kwargs', "
                            "'{}'::jsonb)",
              "sqlite": "json_object('args', json_array(id), 'kwargs', json_object())"}


def _new_row(task, now) -> dict:
    """The columns of a new ready job, args apart."""
    adapt = connection.ops.adapt_datetimefield_value
    return {"task_path": task.module_path, "queue": task.queue_name,
            "priority": task.priority, "run_after": adapt(task.run_after or now),
            "created_at": adapt(now),
            "max_attempts": int(getattr(settings, "ADUAN_JOB_MAX_ATTEMPTS", 5)),
            "state": Job.State.READY, "attempts": 0, "worker": "", "last_error": ""}


@cache
def _insert(vendor: str, values: str) -> str:
    quote = connection.ops.quote_name
    return (f"INSERT INTO {quote(Job._meta.db_table)} ({', '.join(map(quote, COLUMNS))}) "
            f"{values}")


def insert_for_each_sql(task, source: str, now) -> tuple[str, list]:
    """An INSERT queueing `task(id)` for every `id` that the table expression `source`
    yields (a data-modifying CTE on PostgreSQL, `json_each` on SQLite), and its parameters:
    for writers that store many rows and their jobs in one statement or transaction. The
    caller calls `queue.wake_on_commit(task.queue_name)` when it queued any."""
    row = _new_row(task, now)
    return (_for_each(connection.vendor, task, source),
            [row[column] for column in COLUMNS if column != "args"])


@cache
def _for_each(vendor: str, task, source: str) -> str:
    task.get_backend().validate_task(task)
    selected = ", ".join(ARGS_OF_ID[vendor] if column == "args" else "%s"
                         for column in COLUMNS)
    return _insert(vendor, f"SELECT {selected} FROM {source}")


class JobBackend(BaseTaskBackend):
    supports_defer = True
    supports_priority = True
    supports_get_result = True

    def enqueue(self, task, args, kwargs):
        self.validate_task(task)
        now = timezone.now()
        data = normalize_json({"args": args, "kwargs": kwargs})
        row = _new_row(task, now)
        row["args"] = ARGS_FIELD.get_db_prep_save(data, connection)
        sql = _insert(connection.vendor, f"VALUES ({', '.join(['%s'] * len(COLUMNS))}) "
                                         "RETURNING id")
        with connection.cursor() as cursor:
            cursor.execute(sql, [row[column] for column in COLUMNS])
            (pk,) = cursor.fetchone()
        wake_on_commit(task.queue_name)
        return self._result(task, pk, Job.State.READY, now, data)

    def get_result(self, result_id):
        job = Job.objects.filter(pk=result_id).first()
        if job is None:  # finished jobs leave the table
            raise TaskResultDoesNotExist(result_id)
        return self._result(import_string(job.task_path), job.pk, job.state, job.created_at,
                            job.args, job.worker)

    def _result(self, task, pk: int, state: str, enqueued_at, data: dict,
                worker: str = "") -> TaskResult:
        status = {Job.State.READY: TaskResultStatus.READY,
                  Job.State.RUNNING: TaskResultStatus.RUNNING,
                  Job.State.DEAD: TaskResultStatus.FAILED}[state]
        return TaskResult(
            task=task, id=str(pk), status=status, enqueued_at=enqueued_at,
            started_at=None, last_attempted_at=None, finished_at=None,
            args=data["args"], kwargs=data["kwargs"], backend=self.alias,
            errors=[], worker_ids=[worker] if worker else [])
