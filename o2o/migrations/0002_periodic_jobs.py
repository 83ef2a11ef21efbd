"""The kernel's periodic jobs (the purge of old idempotency records; o2o/schedules.py), in the
database schedule of django-celery-beat, where HQ may change the interval or pause a job."""

from django.db import migrations

from o2o.schedules import JOBS, ensure_jobs, remove_jobs


def create_jobs(apps, schema_editor):
    ensure_jobs(apps, JOBS)


def delete_jobs(apps, schema_editor):
    remove_jobs(apps, JOBS)


class Migration(migrations.Migration):
    dependencies = [
        ("o2o", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_jobs, delete_jobs)]
