"""The history of the orders placed before: what happened was written into each step's note, in
the language of whoever made the change ("routed: nearest", "已拒单：没人"); it becomes data (the
reason, the routing rule, a refund's amount), said in each reader's language, and the note keeps
only what a person wrote. The pick-up orders still open get their pick-up code."""

import re
import secrets
from decimal import Decimal

from django.db import migrations

from o2o.tenancy import TENANT_SETTING

ROUTED = re.compile(r"^routed: (\w+)$")
REJECTED = re.compile(r"^(?:rejected: |已拒单：)(.*)$", re.S)
REFUNDED = re.compile(r"^(?:refunded |已退款 )(\d+(?:\.\d+)?)(?:: (.*))?$", re.S)
RULES = {"customer_choice", "territory", "bound_guide", "nearest", "manual"}
# the notes the services wrote, in English and in Chinese (the translations of the time)
FIXED = {
    "not accepted in time": "expired",
    "未按时接单": "expired",
    "assigned by HQ": "assigned",
    "总部指派": "assigned",
    "cancelled by the store": "cancelled_by_store",
    "门店取消": "cancelled_by_store",
    "cancelled by the customer": "cancelled_by_customer",
    "顾客取消": "cancelled_by_customer",
    "the customer checked in": "checked_in",
    "顾客已到店签到": "checked_in",
}
CLOSED = ("completed", "cancelled")


def as_data(note, *, to_status, by_id, customer_user_id):
    """(reason, rule, amount, note) of a step's note as the services wrote it; None when the note is
    only what a person wrote (a note given when marking an order ready)."""
    routed = ROUTED.match(note)
    if routed and routed.group(1) in RULES:
        return "routed", routed.group(1), None, ""
    if note in FIXED:
        reason = FIXED[note]
        return reason, "manual" if reason == "assigned" else "", None, ""
    rejected = REJECTED.match(note)
    if rejected:
        return "rejected", "", None, rejected.group(1)
    refunded = REFUNDED.match(note)
    if refunded:
        return "refunded", "", Decimal(refunded.group(1)), refunded.group(2) or ""
    if to_status == "cancelled":  # a cancellation with its reason, the reason alone: who gave it?
        by_customer = by_id is not None and by_id == customer_user_id
        return ("cancelled_by_customer" if by_customer else "cancelled_by_store"), "", None, note
    return None


def _scope(connection, tenant_id):
    if connection.vendor == "postgresql":  # row-level security: one brand at a time
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, %s, true)", [TENANT_SETTING, str(tenant_id)])


def history_as_data(apps, schema_editor):
    tenants = apps.get_model("o2o", "Tenant")
    events = apps.get_model("orders", "OrderEvent")
    for tenant_id in tenants.objects.values_list("pk", flat=True):
        _scope(schema_editor.connection, tenant_id)
        changed = []
        rows = events.objects.filter(tenant_id=tenant_id, reason="").select_related("order__member")
        for event in rows.iterator(chunk_size=2000):
            data = as_data(
                event.note,
                to_status=event.to_status,
                by_id=event.by_id,
                customer_user_id=event.order.member.user_id,
            )
            if data is None:
                continue
            event.reason, event.rule, event.amount, event.note = data
            changed.append(event)
        events.objects.bulk_update(changed, ["reason", "rule", "amount", "note"], batch_size=2000)


def pickup_codes(apps, schema_editor):
    tenants = apps.get_model("o2o", "Tenant")
    orders = apps.get_model("orders", "Order")
    for tenant_id in tenants.objects.values_list("pk", flat=True):
        _scope(schema_editor.connection, tenant_id)
        open_orders = orders.objects.filter(tenant_id=tenant_id).exclude(status__in=CLOSED)
        taken = set(open_orders.exclude(pickup_code="").values_list("pickup_code", flat=True))
        waiting = list(open_orders.filter(fulfilment="pickup", pickup_code=""))
        for order in waiting:
            code = f"{secrets.randbelow(10**6):06d}"
            while code in taken:
                code = f"{secrets.randbelow(10**6):06d}"
            taken.add(code)
            order.pickup_code = code
        orders.objects.bulk_update(waiting, ["pickup_code"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [("orders", "0004_delivery_pickup_code_event_reasons")]

    operations = [
        migrations.RunPython(history_as_data, migrations.RunPython.noop),
        migrations.RunPython(pickup_codes, migrations.RunPython.noop),
    ]
