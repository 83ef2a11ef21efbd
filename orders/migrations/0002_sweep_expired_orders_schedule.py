"""The periodic safety net of the accept deadline (rules.md 1.6), in the database schedule of
django-celery-beat, where HQ may change or pause it. The job itself is declared in orders/schedules.py."""

from django.db import migrations

from o2o.schedules import ensure_jobs, remove_jobs
from orders.schedules import JOBS


def add_schedule(apps, schema_editor):
    ensure_jobs(apps, JOBS)


def remove_schedule(apps, schema_editor):
    remove_jobs(apps, JOBS)


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(add_schedule, remove_schedule)]
