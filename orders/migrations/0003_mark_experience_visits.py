"""The visits already booked by try-in-store orders are marked as theirs (`Booking.for_order`):
from now on such a visit is cancelled with its order, not on its own."""

from django.db import migrations

from o2o.tenancy import TENANT_SETTING


def mark_visits(apps, schema_editor):
    tenants = apps.get_model("o2o", "Tenant")
    orders = apps.get_model("orders", "Order")
    bookings = apps.get_model("bookings", "Booking")
    connection = schema_editor.connection
    for tenant_id in tenants.objects.values_list("pk", flat=True):
        if connection.vendor == "postgresql":  # row-level security: one brand at a time
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, %s, true)", [TENANT_SETTING, str(tenant_id)])
        visits = orders.objects.filter(tenant_id=tenant_id, booking__isnull=False).values_list("booking_id")
        bookings.objects.filter(tenant_id=tenant_id, pk__in=visits).update(for_order=True)


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0002_sweep_expired_orders_schedule"),
        ("bookings", "0005_booking_for_order"),
    ]

    operations = [migrations.RunPython(mark_visits, migrations.RunPython.noop)]
