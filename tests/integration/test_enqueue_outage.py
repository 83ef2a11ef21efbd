"""A task enqueued after a commit (`delay_on_commit`, `apply_async_on_commit`) on a broker that is
down: the commit stands and nothing raises into the request; each task is logged as not queued and
the outage as one warning (`o2o.celery.Task`, the class of every task of the project)."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import Any

import pytest
from celery import Celery
from django.conf import settings
from django.db import transaction

from o2o.celery import app as project_app
from o2o.models import User
from tests.integration.processes import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def app_on_a_broker_that_is_down() -> Iterator[tuple[Celery, str]]:
    """An app with the project's task class and broker settings (not eager), on a port where no
    Redis is."""
    url = f"redis://127.0.0.1:{free_port()}/0"
    app = Celery("enqueue-outage-test", broker=url, task_cls=project_app.task_cls, set_as_current=False)
    app.conf.update(
        broker_transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS,
        task_publish_retry_policy=settings.CELERY_TASK_PUBLISH_RETRY_POLICY,
        task_serializer="json",
    )
    yield app, url
    app.close()


def test_tasks_enqueued_after_a_commit_on_a_broker_that_is_down_are_logged_and_the_commit_stands(
    app_on_a_broker_that_is_down, tenant, django_capture_on_commit_callbacks, caplog
):
    # given a task of the project on a broker that is down
    app, url = app_on_a_broker_that_is_down

    @app.task(name="tests.notify_store_task", shared=False)
    def notify_store_task(**kwargs: Any) -> None:
        raise AssertionError("never run here")

    # when a change enqueues it twice after its commit
    with caplog.at_level(logging.INFO), django_capture_on_commit_callbacks(execute=True) as callbacks:
        started = time.monotonic()
        with transaction.atomic():
            User.objects.create_user(username="committed", password=None)
            notify_store_task.delay_on_commit(tenant_id=tenant.pk, order_id=7)
            notify_store_task.apply_async_on_commit(kwargs={"tenant_id": tenant.pk, "order_id": 8}, countdown=5)
    took = time.monotonic() - started
    # then nothing raised and the change stands; the outage is one warning, and each task not queued
    # is one line (the second not even tried: the broker was just found down)
    assert len(callbacks) == 2
    assert list(User.objects.filter(username="committed").values_list("username", flat=True)) == ["committed"]
    port = url.rsplit(":", 1)[1].split("/")[0]
    assert [(r.name, r.levelname, r.getMessage()) for r in caplog.records if r.name.startswith("o2o.")] == [
        (
            "o2o.celery",
            "WARNING",
            f"the Celery broker at {url} is unavailable (OperationalError: Error 111 connecting to 127.0.0.1:{port}. "
            "Connection refused.): tasks enqueued after a commit are not queued; 1 operation(s) failed or skipped "
            "since the last report, Redis is tried again in 5 s",
        ),
        (
            "o2o.celery",
            "INFO",
            f"tests.notify_store_task (args (), kwargs {{'tenant_id': {tenant.pk}, 'order_id': 7}}) was not queued: "
            "the broker is unavailable",
        ),
        (
            "o2o.celery",
            "INFO",
            f"tests.notify_store_task (args None, kwargs {{'tenant_id': {tenant.pk}, 'order_id': 8}}) was not "
            "queued: the broker is unavailable",
        ),
    ]
    assert took < 3  # the publish gives up at once on a refused connection (retry policy in settings)
