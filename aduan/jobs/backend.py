"""A django-tasks backend that writes to our leased job table (`aduan.jobs.models.Job`).

`@task` and `.enqueue()` / `.using(run_after=...)` work as with any backend; the row is
written in the caller's transaction, so a job exists exactly when its cause committed.
"""

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks.backends.base import BaseTaskBackend
from django_tasks.base import TaskResult, TaskResultStatus
from django_tasks.exceptions import TaskResultDoesNotExist
from django_tasks.utils import normalize_json

from .models import Job
from .queue import wake_on_commit


class JobBackend(BaseTaskBackend):
    supports_defer = True
    supports_priority = True
    supports_get_result = True

    def enqueue(self, task, args, kwargs):
        self.validate_task(task)
        now = timezone.now()
        job = Job.objects.create(
            task_path=task.module_path, queue=task.queue_name, priority=task.priority,
            args=normalize_json({"args": args, "kwargs": kwargs}),
            run_after=task.run_after or now, created_at=now,
            max_attempts=int(getattr(settings, "ADUAN_JOB_MAX_ATTEMPTS", 5)))
        wake_on_commit()
        return self._result(task, job)

    def get_result(self, result_id):
        job = Job.objects.filter(pk=result_id).first()
        if job is None:  # finished jobs leave the table
            raise TaskResultDoesNotExist(result_id)
        return self._result(import_string(job.task_path), job)

    def _result(self, task, job: Job) -> TaskResult:
        status = {Job.State.READY: TaskResultStatus.READY,
                  Job.State.RUNNING: TaskResultStatus.RUNNING,
                  Job.State.DEAD: TaskResultStatus.FAILED}[job.state]
        return TaskResult(
            task=task, id=str(job.pk), status=status, enqueued_at=job.created_at,
            started_at=None, last_attempted_at=None, finished_at=None,
            args=job.args["args"], kwargs=job.args["kwargs"], backend=self.alias,
            errors=[], worker_ids=[job.worker] if job.worker else [])
