"""The accept deadline survives a Redis outage and a killed worker: on real processes (gunicorn, Celery
workers with beat) and a Redis of the test's own, which the test stops and starts again.

While Redis is down the API answers as usual (the cache fails open; a task enqueued after the commit
is logged and dropped); the deadline lives in the database, so beat's sweep re-routes the order once
a worker runs again, whatever the broker lost or a killed worker held.
"""

from __future__ import annotations

import datetime as dt
import time
from zoneinfo import ZoneInfo

import pytest
from celery import Celery
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from catalog.models import Service
from o2o.models import User
from o2o.tenancy import tenant_scope
from orders.models import Order, OrderEvent
from stores.models import Store
from stores.services import ServiceOffering, set_store_services
from tests.integration.processes import start_worker, wait_for
from tests.orders.conftest import body
from tests.stores.factories import make_service

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.xdist_group("celery_worker"),
    pytest.mark.usefixtures("transactional_db"),  # the processes see what the test commits
]

PASSWORD = "pw-secret-42"  # make_user's
SWEEP_JOB = "orders: re-route orders not accepted in time"
# the sweep re-routes a late order within seconds once beat runs it every second (the job runs
# every minute in production); a worker's start is seconds more on a loaded machine
SWEEP_SECONDS = 60
SLOT = dt.datetime.combine(
    timezone.now().astimezone(ZoneInfo("Asia/Shanghai")).date() + dt.timedelta(days=1),
    dt.time(18, 30),
    tzinfo=ZoneInfo("Asia/Shanghai"),
)


def showroom(brand, code: str, km: float, service: Service) -> Store:
    store = brand.store(code, km=km, capabilities=["pickup", "services"], stock={brand.lamp: 5})
    with tenant_scope(brand.tenant):
        set_store_services(
            tenant=brand.tenant, store=store, offerings=[ServiceOffering(service_id=service.pk, capacity=2)]
        )
    return store


def make_service_of(brand) -> Service:
    with tenant_scope(brand.tenant):
        return make_service(brand.tenant, name="Frame fitting")


def signs_in_on_the_server(user: User) -> str:
    """The server has the production password hashers, not the suite's MD5: hash the password with
    PBKDF2 (few iterations; the server upgrades it on the first sign-in)."""
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, "integration-salt", iterations=1000)
    user.save(update_fields=["password"])
    return str(user.username)


def sweep_every_second() -> None:
    """Beat runs the sweep every second instead of every minute (the flush after the test puts the
    schedule back)."""
    every_second, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.SECONDS)
    job = PeriodicTask.objects.get(name=SWEEP_JOB)
    job.interval = every_second
    job.save()


def let_the_deadline_pass(brand, order_id: int) -> None:
    with tenant_scope(brand.tenant):
        Order.objects.filter(pk=order_id).update(accept_by=timezone.now() - dt.timedelta(seconds=1))


def events(brand, order_id: int) -> list[tuple[str, str, int | None, int | None]]:
    """(from, to, store, by) of each transition of the order (the notes are in the language of the
    process that made them: the worker's is the production default, Chinese)."""
    with tenant_scope(brand.tenant):
        return list(
            OrderEvent.objects.filter(order_id=order_id)
            .order_by("pk")
            .values_list("from_status", "to_status", "store_id", "by_id")
        )


def test_with_redis_down_the_api_answers_places_the_order_once_and_the_sweep_expires_it_once_redis_is_back(
    brand, own_redis, web, workers
):
    # given a consumer signed in to the API (on gunicorn, cache and broker on the test's Redis), and
    # two showrooms offering fittings, SHOW the nearer
    fitting = make_service_of(brand)
    show = showroom(brand, "SHOW", 1.0, fitting)
    far = showroom(brand, "FAR", 3.0, fitting)
    token = web.sign_in(signs_in_on_the_server(brand.consumer), PASSWORD)
    me_before = web.call("GET", "/api/v1/me/", token=token, tenant=brand.tenant.slug)
    assert me_before.status == 200
    # when Redis stops, and the consumer signs in again, asks who they are and orders a fitting
    # visit (its confirmation is enqueued after the commit)
    own_redis.stop()
    signed_in = web.call("POST", "/api/v1/auth/token/", {"username": brand.consumer.username, "password": PASSWORD})
    me = web.call("GET", "/api/v1/me/", token=token, tenant=brand.tenant.slug)
    visit = {"slot": {"service": fitting.pk, "start": SLOT.isoformat()}}
    placed = web.call(
        "POST",
        "/api/v1/orders/",
        body(brand, (brand.lamp, 2), fulfilment="experience", **visit),
        token=token,
        tenant=brand.tenant.slug,
    )
    # then each is answered as usual, the order committed once, at SHOW, and the outage is logged
    assert (signed_in.status, me.status, me.body) == (200, 200, me_before.body)
    assert placed.status == 201, placed
    assert brand.orders() == 1
    order = brand.order(placed.body["id"])
    assert (order.status, order.store_id) == ("routed", show.pk)
    log = web.process.log()
    assert f"the Redis cache at {own_redis.url()} is unavailable (ConnectionError" in log
    assert f"the Celery broker at {own_redis.url()} is unavailable (OperationalError" in log
    assert "o2o.events.tasks.run_delivery_task (args None, kwargs {'tenant_id'" in log  # the confirmation's
    # when Redis is back (empty: nothing was queued), the deadline passes and a worker with beat runs
    own_redis.start()
    let_the_deadline_pass(brand, order.pk)
    sweep_every_second()
    workers.append(start_worker(own_redis.url(), beat=True))
    # then the sweep re-routes the order to FAR, once
    wait_for(
        lambda: brand.order(order.pk).store_id == far.pk,
        seconds=SWEEP_SECONDS,
        what="the order re-routed to FAR",
        logs=workers[0].log,
    )
    assert events(brand, order.pk) == [
        ("placed", "routed", show.pk, brand.consumer.pk),
        ("routed", "routed", show.pk, None),
    ]
    # and the API goes back to Redis (within the seconds the cache leaves it alone after a failure)
    wait_for(
        lambda: (
            web.call("GET", "/api/v1/me/", token=token, tenant=brand.tenant.slug).body == me_before.body
            and f"the Redis cache at {own_redis.url()} answers again" in web.process.log()
        ),
        seconds=SWEEP_SECONDS,
        what="the cache back on Redis",
        logs=web.process.log,
    )


def test_a_worker_killed_holding_a_delayed_task_leaves_the_deadline_to_the_sweep_and_strands_nothing_for_days(
    brand, shopper, own_redis, workers
):
    # given an order at NEAR (placed here, where tasks run eagerly), and a worker on the test's
    # Redis holding, unacknowledged, a delayed expiry task of it due at its deadline
    near = brand.store("NEAR", km=1.0, stock={brand.lamp: 5})
    far = brand.store("FAR", km=3.0, stock={brand.lamp: 5})
    placed = shopper.post("/api/v1/orders/", body(brand, (brand.lamp, 2)), format="json")
    assert placed.status_code == 201, placed.content
    order = brand.order(placed.json()["id"])
    first = start_worker(own_redis.url())
    workers.append(first)
    producer = Celery("o2o-test-producer", broker=own_redis.url(), set_as_current=False)
    producer.conf.update(task_serializer="json", accept_content=["json"])
    kwargs = {"tenant_id": brand.tenant.pk, "order_id": order.pk, "store_id": near.pk}
    producer.send_task("orders.tasks.expire_unaccepted_order_task", kwargs=kwargs, eta=order.accept_by)
    producer.close()
    broker = own_redis.client()
    wait_for(
        lambda: broker.hlen("unacked") == 1 and broker.llen("celery") == 0,
        seconds=SWEEP_SECONDS,
        what="the worker holding the delayed task",
        logs=first.log,
    )
    # when the worker is killed (SIGKILL: it acknowledges nothing) and the deadline passes
    first.kill()
    let_the_deadline_pass(brand, order.pk)
    # then the delayed task is stranded only until the visibility timeout, ten minutes, not days
    [(_, delivered_at)] = broker.zrange("unacked_index", 0, -1, withscores=True)
    stranded_for = delivered_at + settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] - time.time()
    assert 0 < stranded_for <= 10 * 60
    # when a worker with beat runs again
    sweep_every_second()
    second = start_worker(own_redis.url(), beat=True)
    workers.append(second)
    # then the sweep re-routes the order to FAR, once, within seconds
    wait_for(
        lambda: brand.order(order.pk).store_id == far.pk,
        seconds=SWEEP_SECONDS,
        what="the order re-routed to FAR",
        logs=second.log,
    )
    assert events(brand, order.pk) == [
        ("placed", "routed", near.pk, brand.consumer.pk),
        ("routed", "routed", near.pk, None),
    ]
    assert (brand.stock(near, brand.lamp), brand.stock(far, brand.lamp)) == ((5, 0), (5, 2))
    broker.close()
