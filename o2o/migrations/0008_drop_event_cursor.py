"""The outbox records an event's deliveries with the event (o2o.events): the sweep's cursor over the
events is gone. Unapplied, the table comes back with its row-level security."""

from typing import Any

from django.db import migrations

import o2o.tenancy.rls


class DropRowLevelSecurity(o2o.tenancy.rls.EnableRowLevelSecurity):
    """EnableRowLevelSecurity the other way round: drops the policies (before the table), puts them
    back when unapplied (after the table is re-created)."""

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        super().database_backwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        super().database_forwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [
        ("o2o", "0007_domain_events"),
    ]

    operations = [
        DropRowLevelSecurity(model_name="eventcursor"),
        migrations.DeleteModel(name="EventCursor"),
    ]
