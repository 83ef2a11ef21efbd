"""A delivery order's recipient, phone and address; a pick-up order's code; what happened at each
step of an order's history as data (reason, routing rule, a refund's amount)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('orders', '0003_mark_experience_visits'),
    ]

    operations = [
        migrations.AddField(
            model_name='order',
            name='address',
            field=models.CharField(blank=True, max_length=300, verbose_name='delivery address'),
        ),
        migrations.AddField(
            model_name='order',
            name='pickup_code',
            field=models.CharField(blank=True, max_length=6, verbose_name='pick-up code'),
        ),
        migrations.AddField(
            model_name='order',
            name='recipient',
            field=models.CharField(blank=True, max_length=100, verbose_name='recipient'),
        ),
        migrations.AddField(
            model_name='order',
            name='recipient_phone',
            field=models.CharField(blank=True, help_text='E.164', max_length=32, verbose_name="recipient's phone"),
        ),
        migrations.AddField(
            model_name='orderevent',
            name='amount',
            field=models.DecimalField(blank=True, decimal_places=2, max_digits=14, null=True),
        ),
        migrations.AddField(
            model_name='orderevent',
            name='reason',
            field=models.CharField(blank=True, choices=[('routed', 'Routed when placed'), ('rejected', 'Rejected by the store'), ('expired', 'Not accepted in time'), ('assigned', 'Assigned by HQ'), ('cancelled_by_customer', 'Cancelled by the customer'), ('cancelled_by_store', 'Cancelled by the store'), ('refunded', 'Refunded'), ('checked_in', 'The customer checked in')], max_length=24),
        ),
        migrations.AddField(
            model_name='orderevent',
            name='rule',
            field=models.CharField(blank=True, choices=[('customer_choice', 'Chosen by the customer'), ('territory', 'Franchise territory'), ('bound_guide', 'Store of the bound guide'), ('nearest', 'Nearest store'), ('manual', 'Assigned by HQ')], max_length=16),
        ),
        migrations.AddConstraint(
            model_name='order',
            constraint=models.CheckConstraint(condition=models.Q(('fulfilment', 'delivery'), models.Q(('address', ''), ('recipient', ''), ('recipient_phone', '')), _connector='OR'), name='order_delivery_details_for_delivery_only'),
        ),
        migrations.AddConstraint(
            model_name='order',
            constraint=models.CheckConstraint(condition=models.Q(('fulfilment', 'pickup'), ('pickup_code', ''), _connector='OR'), name='order_pickup_code_for_pickup_only'),
        ),
        migrations.AddConstraint(
            model_name='order',
            constraint=models.UniqueConstraint(condition=models.Q(models.Q(('pickup_code', ''), _negated=True), models.Q(('status__in', ('completed', 'cancelled')), _negated=True)), fields=('tenant', 'pickup_code'), name='order_unique_open_pickup_code'),
        ),
    ]
