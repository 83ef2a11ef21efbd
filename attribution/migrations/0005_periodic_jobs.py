"""The periodic jobs of the attribution app (the dashboards' snapshot, the nightly credits;
attribution/schedules.py), in the database schedule of django-celery-beat, where HQ may change the
interval or pause a job."""

from django.db import migrations

from attribution.schedules import JOBS
from o2o.schedules import ensure_jobs, remove_jobs


def create_jobs(apps, schema_editor):
    ensure_jobs(apps, JOBS)


def delete_jobs(apps, schema_editor):
    remove_jobs(apps, JOBS)


class Migration(migrations.Migration):
    dependencies = [
        ("attribution", "0004_dashboard_snapshot"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_jobs, delete_jobs)]
