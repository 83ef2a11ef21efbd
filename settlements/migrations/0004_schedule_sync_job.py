"""The job that keeps each brand's settlement task on its settlement frequency (settlements/schedules.py)."""

from django.db import migrations

from o2o.schedules import ensure_jobs, remove_jobs
from settlements.schedules import JOBS


def create_jobs(apps, schema_editor):
    ensure_jobs(apps, JOBS)


def delete_jobs(apps, schema_editor):
    remove_jobs(apps, JOBS)


class Migration(migrations.Migration):
    dependencies = [
        ("settlements", "0003_run_reconciliation"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_jobs, delete_jobs)]
