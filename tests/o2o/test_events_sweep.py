"""Nothing is lost (o2o.events): beat's sweep delivers the events whose enqueue after the commit was
lost and the deliveries left pending, in batches; and each delivery runs in its own brand's scope."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest

from bookings.handlers import confirmation
from bookings.tasks import send_booking_confirmation_task
from o2o.events import handles, record_event, registry, services
from o2o.events.models import Delivery, Event
from o2o.events.services import sweep_events
from o2o.events.tasks import run_delivery_task, sweep_events_all_tenants_task
from o2o.tenancy import current_tenant_id, tenant_scope
from tests.bookings.factories import book, bookable_store, hours, make_service, offer

pytestmark = pytest.mark.django_db

PINGED = "tests.pinged"
T0 = dt.datetime(2026, 3, 20, 2, 0, tzinfo=dt.UTC)  # Friday 10:00 in Shanghai
SLOT = dt.datetime(2026, 3, 21, 2, 0, tzinfo=dt.UTC)


def clock(at: dt.datetime) -> Any:
    return mock.patch("django.utils.timezone.now", return_value=at)


@pytest.fixture
def heard() -> Iterator[list[dict[str, Any]]]:
    """What a handler of PINGED (key "tests.listener") saw at each call: the brand it was given, the
    scope it ran in, the events it could read without a filter, the payload."""
    calls: list[dict[str, Any]] = []
    saved = dict(registry._handlers)

    @handles(PINGED, key="tests.listener")
    def listener(*, tenant: Any, event: Event) -> None:
        seen = sorted(set(Event.objects.values_list("tenant_id", flat=True)))
        calls.append({"tenant": tenant.pk, "scope": current_tenant_id(), "sees": seen, "payload": event.payload})

    yield calls
    registry._handlers.clear()
    registry._handlers.update(saved)


def record_with_the_enqueue_lost(tenant, capture, at: dt.datetime = T0, **payload: Any) -> Event:
    """Record PINGED and commit, the process dying before its after-commit enqueue ran."""
    with clock(at), capture(execute=False), tenant_scope(tenant):
        return record_event(tenant=tenant, name=PINGED, **payload)


def sms(caplog) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.name == "o2o.notifications"]


def sweep(tenant, capture, at: dt.datetime) -> int:
    with clock(at), capture(execute=True), tenant_scope(tenant):
        return sweep_events(tenant=tenant)


def test_an_event_is_recorded_with_its_deliveries_in_the_changes_transaction(
    tenant, heard, django_capture_on_commit_callbacks
):
    # when an event is recorded and committed, the process dying before its after-commit enqueue ran
    event = record_with_the_enqueue_lost(tenant, django_capture_on_commit_callbacks, order_id=7)
    # then its delivery to the registered handler is on disk, pending, due at once
    with tenant_scope(tenant):
        assert list(Delivery.objects.values_list("event_id", "handler", "status", "attempts", "next_attempt_at")) == [
            (event.pk, "tests.listener", "pending", 0, T0)
        ]
    assert heard == []


def test_the_sweep_delivers_an_event_whose_enqueue_was_lost_a_minute_later(
    tenant, heard, django_capture_on_commit_callbacks
):
    # given an event recorded at T0 whose enqueue after the commit was lost
    record_with_the_enqueue_lost(tenant, django_capture_on_commit_callbacks, order_id=7)
    # when the sweep runs 30 s later it leaves the delivery to its task (it may be on its way)
    assert sweep(tenant, django_capture_on_commit_callbacks, T0 + dt.timedelta(seconds=30)) == 0
    assert heard == []
    # when it runs 61 s later, and again a minute after that
    assert sweep(tenant, django_capture_on_commit_callbacks, T0 + dt.timedelta(seconds=61)) == 1
    assert sweep(tenant, django_capture_on_commit_callbacks, T0 + dt.timedelta(seconds=121)) == 0
    # then the event was delivered once
    assert [call["payload"] for call in heard] == [{"order_id": 7}]
    with tenant_scope(tenant):
        assert list(Delivery.objects.values_list("handler", "status", "attempts")) == [("tests.listener", "done", 1)]


def test_the_sweep_leases_a_delivery_it_enqueued_so_a_backlog_is_not_queued_every_minute(
    tenant, heard, django_capture_on_commit_callbacks
):
    # given an event whose enqueue was lost, swept at T0 + 61 s, its task lost again (a broker outage)
    record_with_the_enqueue_lost(tenant, django_capture_on_commit_callbacks, order_id=7)
    with clock(T0 + dt.timedelta(seconds=61)), django_capture_on_commit_callbacks(execute=False), tenant_scope(tenant):
        assert sweep_events(tenant=tenant) == 1
    # when the sweep runs each minute: it waits out the five-minute lease, then enqueues it again
    ran = [
        sweep(tenant, django_capture_on_commit_callbacks, T0 + dt.timedelta(seconds=61 + 60 * n)) for n in (1, 2, 5, 6)
    ]
    assert ran == [0, 0, 0, 1]
    assert [call["payload"] for call in heard] == [{"order_id": 7}]


def test_a_backlog_is_swept_in_batches_until_it_is_done(tenant, heard, monkeypatch, django_capture_on_commit_callbacks):
    # given five events whose enqueues were lost in a broker outage, and batches of two
    monkeypatch.setattr(services, "BATCH", 2)
    for n in range(5):
        record_with_the_enqueue_lost(tenant, django_capture_on_commit_callbacks, order_id=n)
    # when beat's sweep runs once, after the outage
    with clock(T0 + dt.timedelta(minutes=10)), django_capture_on_commit_callbacks(execute=True):
        brands = sweep_events_all_tenants_task()
    # then each was delivered once, in the order recorded
    assert brands == 1
    assert [call["payload"]["order_id"] for call in heard] == [0, 1, 2, 3, 4]


def test_a_booking_confirmation_lost_with_the_broker_is_sent_once_by_the_sweep(
    tenant, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.INFO, logger="o2o.notifications")
    # given a guest's booking whose enqueue after the commit was lost (the broker was down)
    with tenant_scope(tenant):
        store = bookable_store(tenant, code="SH01", opening_hours=hours(("10:00", "12:00")))
        exam = make_service(tenant, "Eye exam", duration_minutes=30)
        offer(tenant, store, (exam, 2))
    with clock(T0), django_capture_on_commit_callbacks(execute=False), tenant_scope(tenant):
        booking = book(tenant, store, exam, SLOT, now=T0)
    assert sms(caplog) == []
    # when the sweep runs after the broker is back, and twice more
    for minutes in (2, 3, 4):
        sweep(tenant, django_capture_on_commit_callbacks, T0 + dt.timedelta(minutes=minutes))
    # then the confirmation was sent once (by SMS: the guest has no e-mail), and recorded as sent
    with tenant_scope(tenant):
        assert list(Delivery.objects.order_by("handler").values_list("handler", "status", "attempts")) == [
            ("attribution.conversion_on_booking", "done", 1),
            ("bookings.confirmation", "done", 1),
        ]
        booking.refresh_from_db()
    assert booking.confirmation_sent_at == T0 + dt.timedelta(minutes=2)
    # and the handler called again (a duplicate), or the task an earlier release queued, sends nothing
    with tenant_scope(tenant):
        confirmation(tenant=tenant, event=Event.objects.get())
    send_booking_confirmation_task(tenant_id=tenant.pk, booking_id=booking.pk)
    assert sms(caplog) == [
        f"SMS to +8613812345678: Booking confirmed: Eye exam: Eye exam at {store.name}, 2026-03-21 10:00. "
        f"Your check-in code: {booking.check_in_code}"
    ]


def test_each_delivery_runs_in_its_own_brands_scope_only(
    tenant, other_tenant, heard, django_capture_on_commit_callbacks
):
    # when each brand records an event
    for brand, order_id in ((tenant, 1), (other_tenant, 2)):
        with django_capture_on_commit_callbacks(execute=True), tenant_scope(brand):
            record_event(tenant=brand, name=PINGED, order_id=order_id)
    # then each handler call was given its own brand and ran in its scope
    assert [(c["tenant"], c["scope"], c["payload"]) for c in heard] == [
        (tenant.pk, tenant.pk, {"order_id": 1}),
        (other_tenant.pk, other_tenant.pk, {"order_id": 2}),
    ]


@pytest.mark.postgres
def test_a_handler_reads_only_its_own_brands_rows(tenant, other_tenant, heard, django_capture_on_commit_callbacks):
    # when each brand records an event
    for brand in (tenant, other_tenant):
        with django_capture_on_commit_callbacks(execute=True), tenant_scope(brand):
            record_event(tenant=brand, name=PINGED)
    # then a handler reading events with no filter saw its own brand's only (row-level security)
    assert [c["sees"] for c in heard] == [[tenant.pk], [other_tenant.pk]]


def test_a_delivery_run_under_another_brand_does_nothing(
    tenant, other_tenant, heard, django_capture_on_commit_callbacks
):
    # given a delivery of brand alpha not run yet
    event = record_with_the_enqueue_lost(tenant, django_capture_on_commit_callbacks)
    with tenant_scope(tenant):
        [delivery_id] = Delivery.objects.filter(event=event).values_list("pk", flat=True)
    # when a task names it under brand beta
    result = run_delivery_task(tenant_id=other_tenant.pk, delivery_id=delivery_id)
    # then nothing ran, and alpha's delivery is still pending
    assert (result, heard) == (None, [])
    with tenant_scope(tenant):
        assert Delivery.objects.get().status == "pending"
