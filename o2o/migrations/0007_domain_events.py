"""Domain events (o2o.events): the events recorded with each change, their deliveries to the higher
apps' handlers and the sweep's cursor, each under row-level security; and the sweep's periodic job
in django-celery-beat's database schedule (o2o/schedules.py)."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

import o2o.tenancy.rls
from o2o.schedules import EVENTS_SWEEP, ensure_jobs, remove_jobs


def create_jobs(apps, schema_editor):
    ensure_jobs(apps, [EVENTS_SWEEP])


def delete_jobs(apps, schema_editor):
    remove_jobs(apps, [EVENTS_SWEEP])


class Migration(migrations.Migration):
    dependencies = [
        ("o2o", "0006_rls_write_policies"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.CreateModel(
            name="Event",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=100, verbose_name="event")),
                ("payload", models.JSONField(default=dict, verbose_name="payload")),
                ("recorded_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="recorded at")),
                (
                    "tenant",
                    models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="o2o.tenant"),
                ),
            ],
            options={
                "verbose_name": "event",
                "verbose_name_plural": "events",
            },
        ),
        migrations.CreateModel(
            name="Delivery",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("handler", models.CharField(max_length=100, verbose_name="handler")),
                (
                    "status",
                    models.CharField(
                        choices=[("pending", "pending"), ("done", "done"), ("failed", "failed")],
                        default="pending",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                ("attempts", models.PositiveSmallIntegerField(default=0, verbose_name="attempts")),
                (
                    "next_attempt_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="next attempt at"),
                ),
                ("last_error", models.TextField(blank=True, verbose_name="last error")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="created at")),
                ("done_at", models.DateTimeField(blank=True, null=True, verbose_name="done at")),
                (
                    "tenant",
                    models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="o2o.tenant"),
                ),
                (
                    "event",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="deliveries",
                        to="o2o.event",
                        verbose_name="event",
                    ),
                ),
            ],
            options={
                "verbose_name": "event delivery",
                "verbose_name_plural": "event deliveries",
            },
        ),
        migrations.CreateModel(
            name="EventCursor",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("fanned_out_through", models.BigIntegerField(default=0)),
                ("swept_at", models.DateTimeField(blank=True, null=True)),
                (
                    "tenant",
                    models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="o2o.tenant"),
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(fields=["tenant", "id"], name="event_tenant_id"),
        ),
        migrations.AddIndex(
            model_name="delivery",
            index=models.Index(
                condition=models.Q(("status", "pending")),
                fields=["tenant", "next_attempt_at"],
                name="delivery_pending_due",
            ),
        ),
        migrations.AddIndex(
            model_name="delivery",
            index=models.Index(
                condition=models.Q(("status", "failed")), fields=["tenant", "-id"], name="delivery_failed"
            ),
        ),
        migrations.AddConstraint(
            model_name="delivery",
            constraint=models.UniqueConstraint(
                fields=("tenant", "event", "handler"), name="delivery_unique_per_handler"
            ),
        ),
        migrations.AddConstraint(
            model_name="delivery",
            constraint=models.CheckConstraint(
                condition=models.Q(("status__in", ["pending", "done", "failed"])), name="delivery_status_valid"
            ),
        ),
        migrations.AddConstraint(
            model_name="delivery",
            constraint=models.CheckConstraint(
                condition=models.Q(("done_at__isnull", True), ("status", "done"), _connector="OR"),
                name="delivery_done_at_only_when_done",
            ),
        ),
        migrations.AddConstraint(
            model_name="eventcursor",
            constraint=models.UniqueConstraint(fields=("tenant",), name="eventcursor_one_per_tenant"),
        ),
        o2o.tenancy.rls.EnableRowLevelSecurity(model_name="event"),
        o2o.tenancy.rls.EnableRowLevelSecurity(model_name="delivery"),
        o2o.tenancy.rls.EnableRowLevelSecurity(model_name="eventcursor"),
        migrations.RunPython(create_jobs, delete_jobs),
    ]
