"""The periodic jobs of the bookings app (see o2o/schedules.py): reminders and no-shows."""

from o2o.schedules import PeriodicJob

JOBS = [
    PeriodicJob(
        name="bookings: send due reminders",
        task="bookings.tasks.send_due_reminders_all_tenants_task",
        every=5,
        description="The reminders due reminder_hours before each booking, each sent exactly once.",
    ),
    PeriodicJob(
        name="bookings: mark no-shows",
        task="bookings.tasks.mark_no_shows_all_tenants_task",
        every=5,
        description="Bookings not checked in no_show_grace_minutes after their slot become no-shows.",
    ),
]
