"""The background jobs (rules.md 2.5-2.6): reminders at `reminder_hours` before the start, each sent
exactly once however often the job runs; no-shows after the grace period; both idempotent; the
fan-out per brand; and their schedule in the database."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django_celery_beat.models import PeriodicTask

from bookings.choices import BookingStatus
from bookings.models import Booking, ReminderSent
from bookings.services import book_visit, cancel_booking, check_in
from bookings.tasks import (
    mark_no_shows_all_tenants_task,
    mark_no_shows_task,
    send_booking_confirmation_task,
    send_due_reminders_all_tenants_task,
    send_due_reminders_task,
)
from o2o.tenancy import tenant_scope
from tests.bookings.conftest import NEXT_SLOT, NOW, SLOT
from tests.bookings.factories import bookable_store, clock, make_service, offer

UTC = dt.UTC
HOUR = dt.timedelta(hours=1)
MINUTE = dt.timedelta(minutes=1)


def book(tenant, store, service, *, at, start=SLOT, member=None, phone=None):
    """A booking made at `at` (its creation time): the member's, else a guest's (by default +8613812345678)."""
    phone = phone if phone is not None else ("" if member is not None else "13812345678")
    with clock(at), tenant_scope(tenant):
        return book_visit(
            tenant=tenant, store=store, service=service, start_at=start, member=member, name="张伟", phone=phone, now=at
        )


def sms(caplog) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.name == "o2o.notifications"]


def run(task, tenant, at):
    with clock(at):
        return task(tenant_id=tenant.pk)


@pytest.fixture
def sms_log(caplog):
    caplog.set_level(logging.INFO, logger="o2o.notifications")
    return caplog


@pytest.mark.django_db
def test_each_reminder_goes_out_once_at_24_and_2_hours(tenant, store, service, member, mailoutbox, sms_log):
    # given the consumer's booking and a guest's for Saturday 10:00 made on Thursday, and a cancelled one
    thursday = NOW - 24 * HOUR
    mine = book(tenant, store, service, at=thursday, member=member)
    guest = book(tenant, store, service, at=thursday)
    cancelled = book(tenant, store, service, at=thursday, start=NEXT_SLOT, phone="13812345679")
    with tenant_scope(tenant):
        cancel_booking(tenant=tenant, booking=cancelled, now=thursday)
    # when the job runs twice from 24 hours before 10:00, and twice from 2 hours before
    sent = [
        run(send_due_reminders_task, tenant, SLOT - 24 * HOUR),
        run(send_due_reminders_task, tenant, SLOT - 24 * HOUR + 5 * MINUTE),
        run(send_due_reminders_task, tenant, SLOT - 2 * HOUR),
        run(send_due_reminders_task, tenant, SLOT - 2 * HOUR + 5 * MINUTE),
    ]
    # then each booked booking got each reminder once: a mail (the member's) and a text message each
    assert sent == [2, 0, 2, 0]
    where = f"Eye exam at Shanghai People's Square, {store.address}, 2026-03-21 10:00. Your check-in code: "
    assert [(m.subject, m.body, m.to) for m in mailoutbox] == [
        ("Reminder: Eye exam in 24 hours", where + mine.check_in_code, ["li.na@example.com"]),
        ("Reminder: Eye exam in 2 hours", where + mine.check_in_code, ["li.na@example.com"]),
    ]
    assert sms(sms_log) == [
        f"SMS to +8613800138000: Reminder: Eye exam in 24 hours: {where}{mine.check_in_code}",
        f"SMS to +8613812345678: Reminder: Eye exam in 24 hours: {where}{guest.check_in_code}",
        f"SMS to +8613800138000: Reminder: Eye exam in 2 hours: {where}{mine.check_in_code}",
        f"SMS to +8613812345678: Reminder: Eye exam in 2 hours: {where}{guest.check_in_code}",
    ]
    with tenant_scope(tenant):
        assert sorted(ReminderSent.objects.values_list("booking_id", "hours_before")) == sorted(
            [(mine.pk, 24), (guest.pk, 24), (mine.pk, 2), (guest.pk, 2)]
        )


@pytest.mark.django_db
def test_a_job_that_was_down_sends_only_the_reminder_due_last(tenant, store, service, sms_log):
    # given a booking made on Thursday, and no job run until 2 hours before its start
    book(tenant, store, service, at=NOW - 24 * HOUR)
    # when the job runs then
    sent = run(send_due_reminders_task, tenant, SLOT - 2 * HOUR + 10 * MINUTE)
    # then only the 2-hour reminder goes out: the 24-hour one is stale
    assert sent == 1
    assert [line.split(": ")[2] for line in sms(sms_log)] == ["Eye exam in 2 hours"]


@pytest.mark.django_db
def test_a_booking_made_after_a_reminders_time_does_not_get_it(tenant, store, service, mailoutbox, sms_log):
    # given a booking made 3 hours before its start, and one made 1 hour before
    three = book(tenant, store, service, at=SLOT - 3 * HOUR)
    book(tenant, store, service, at=NEXT_SLOT - HOUR, start=NEXT_SLOT, phone="13812345679")
    # when the job runs 2 hours before 10:00 and 10:30
    sent = [
        run(send_due_reminders_task, tenant, SLOT - 2 * HOUR),
        run(send_due_reminders_task, tenant, NEXT_SLOT - HOUR + MINUTE),
    ]
    # then only the first gets its 2-hour reminder: no 24-hour one, nothing for the late booking
    assert sent == [1, 0]
    with tenant_scope(tenant):
        assert list(ReminderSent.objects.values_list("booking_id", "hours_before")) == [(three.pk, 2)]
    assert [line.split(": ")[1] for line in sms(sms_log)] == ["Reminder"]


@pytest.mark.django_db
def test_a_rescheduled_booking_is_reminded_of_its_new_time(tenant, store, service, sms_log):
    from bookings.services import reschedule_booking

    booking = book(tenant, store, service, at=NOW - 24 * HOUR)
    assert run(send_due_reminders_task, tenant, SLOT - 2 * HOUR) == 1
    with clock(SLOT - 2 * HOUR), tenant_scope(tenant):
        reschedule_booking(tenant=tenant, booking=booking, start_at=SLOT + 4 * HOUR, force=True, now=SLOT - 2 * HOUR)
    assert run(send_due_reminders_task, tenant, SLOT + 2 * HOUR) == 1
    assert len(sms(sms_log)) == 2
    assert "2026-03-21 14:00" in sms(sms_log)[1]


@pytest.mark.django_db
def test_the_no_show_job_marks_only_bookings_past_the_grace_period_and_twice_is_harmless(
    tenant, store, service, manager
):
    # given 10:00 booked twice (one checked in), and 10:30 booked
    missed = book(tenant, store, service, at=NOW)
    came = book(tenant, store, service, at=NOW, phone="13812345679")
    later = book(tenant, store, service, at=NOW, start=NEXT_SLOT)
    with tenant_scope(tenant):
        check_in(tenant=tenant, booking=came, by=manager, now=SLOT)
    # when the job runs at 11:00 (10:00's slot ended 30 minutes ago), and again
    marked = [run(mark_no_shows_task, tenant, SLOT + 60 * MINUTE), run(mark_no_shows_task, tenant, SLOT + 61 * MINUTE)]
    # then only the unchecked 10:00 booking is a no-show, once
    assert marked == [1, 0]
    with tenant_scope(tenant):
        statuses = dict(Booking.objects.values_list("pk", "status"))
    assert statuses == {
        missed.pk: BookingStatus.NO_SHOW,
        came.pk: BookingStatus.CHECKED_IN,
        later.pk: BookingStatus.BOOKED,
    }


@pytest.mark.django_db
def test_the_fan_outs_run_each_active_brand(
    tenant, other_tenant, make_tenant, store, service, sms_log, django_capture_on_commit_callbacks
):
    # given a due booking in each of two brands, and an inactive brand
    make_tenant("gamma", is_active=False)
    with tenant_scope(other_tenant):
        their_store = bookable_store(other_tenant, code="B1", opening_hours=store.opening_hours)
        their_exam = make_service(other_tenant, "Lamp consultation")
        offer(other_tenant, their_store, (their_exam, 1))
    book(tenant, store, service, at=NOW - 24 * HOUR)
    book(other_tenant, their_store, their_exam, at=NOW - 24 * HOUR, phone="13912345678")
    # when beat fires the reminders 2 hours before 10:00, and the no-shows at 11:00 (the enqueued
    # tasks run after commit)
    with clock(SLOT - 2 * HOUR), django_capture_on_commit_callbacks(execute=True):
        reminders = send_due_reminders_all_tenants_task()
    with clock(SLOT + HOUR), django_capture_on_commit_callbacks(execute=True):
        no_shows = mark_no_shows_all_tenants_task()
    # then each active brand was run: both reminders went out, both bookings became no-shows
    assert (reminders, no_shows) == (2, 2)
    assert sorted(line.split(":")[0] for line in sms(sms_log)) == ["SMS to +8613812345678", "SMS to +8613912345678"]
    for brand in (tenant, other_tenant):
        with tenant_scope(brand):
            assert list(Booking.objects.filter(tenant=brand).values_list("status", flat=True)) == [
                BookingStatus.NO_SHOW
            ]


@pytest.mark.django_db
def test_the_confirmation_job_tells_nothing_about_a_booking_cancelled_since(tenant, store, service, member, mailoutbox):
    booking = book(tenant, store, service, at=NOW, member=member)
    with tenant_scope(tenant):
        cancel_booking(tenant=tenant, booking=booking, now=NOW)
    send_booking_confirmation_task(tenant_id=tenant.pk, booking_id=booking.pk)
    assert mailoutbox == []


@pytest.mark.django_db
def test_the_confirmation_job_run_twice_sends_once(tenant, store, service, member, mailoutbox):
    # given a booking whose confirmation did not go out at commit (the test's transaction is open)
    booking = book(tenant, store, service, at=NOW, member=member)
    assert mailoutbox == []
    # when the job runs, and runs again (a redelivered task)
    send_booking_confirmation_task(tenant_id=tenant.pk, booking_id=booking.pk)
    send_booking_confirmation_task(tenant_id=tenant.pk, booking_id=booking.pk)
    # then one mail went out, and the booking says when
    assert [m.subject for m in mailoutbox] == ["Booking confirmed: Eye exam"]
    with tenant_scope(tenant):
        assert Booking.objects.get(pk=booking.pk).confirmation_sent_at is not None


@pytest.mark.django_db
def test_beat_runs_both_jobs_every_5_minutes_from_the_database():
    jobs = PeriodicTask.objects.filter(name__startswith="bookings:").order_by("name")
    assert [(job.name, job.task, job.interval.every, job.interval.period, job.enabled) for job in jobs] == [
        ("bookings: mark no-shows", "bookings.tasks.mark_no_shows_all_tenants_task", 5, "minutes", True),
        ("bookings: send due reminders", "bookings.tasks.send_due_reminders_all_tenants_task", 5, "minutes", True),
    ]


@pytest.mark.postgres
def test_two_concurrent_reminder_runs_send_each_reminder_once(
    tenant, store, service, member, run_concurrently, mailoutbox, sms_log
):
    # given four bookings due for their 24-hour reminder
    for n, start in enumerate([SLOT, SLOT, NEXT_SLOT, NEXT_SLOT]):
        book(
            tenant,
            store,
            service,
            at=NOW - 24 * HOUR,
            start=start,
            member=member if n == 0 else None,
            phone=f"1381234567{n}",
        )
    mailoutbox.clear()  # the confirmations went out at each booking's commit
    sms_log.clear()
    # when two workers run the job at the same moment
    with clock(SLOT - 23 * HOUR):
        sent = run_concurrently(2, lambda: send_due_reminders_task(tenant_id=tenant.pk))
    # then four reminders went out in all: one mail, four text messages
    assert sorted(sent) == [0, 4]
    assert len(mailoutbox) == 1
    assert len(sms(sms_log)) == 4
    with tenant_scope(tenant):
        assert ReminderSent.objects.count() == 4
