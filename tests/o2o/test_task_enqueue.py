"""An enqueue after a commit never reaches the request whose change it follows (o2o.celery.Task):
with eager tasks (the embedded default, the demo, the tests) the task runs at the enqueue, and its
exception is logged with its traceback, as a worker would log it, not raised."""

from __future__ import annotations

import logging

import pytest
from celery import shared_task
from django.db import transaction

pytestmark = pytest.mark.django_db

ran: list[int] = []


@shared_task
def failing_task(n: int) -> None:
    ran.append(n)
    raise RuntimeError(f"the task failed on {n}")


def test_an_eager_task_that_fails_after_the_commit_is_logged_not_raised(caplog, django_capture_on_commit_callbacks):
    ran.clear()
    caplog.set_level(logging.ERROR, logger="o2o.celery")
    # when a change commits and its after-commit tasks fail
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        failing_task.delay_on_commit(1)
        failing_task.apply_async_on_commit(args=(2,))
    # then both ran, nothing was raised, and each failure is in the log with its traceback
    assert ran == [1, 2]
    failures = [record for record in caplog.records if record.name == "o2o.celery"]
    assert [record.getMessage() for record in failures] == [
        "tests.o2o.test_task_enqueue.failing_task (args (1,), kwargs {}) failed, run eagerly after the commit",
        "tests.o2o.test_task_enqueue.failing_task (args (2,), kwargs None) failed, run eagerly after the commit",
    ]
    assert [str(record.exc_info[1]) for record in failures] == ["the task failed on 1", "the task failed on 2"]
