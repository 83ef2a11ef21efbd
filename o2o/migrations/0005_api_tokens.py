"""API tokens stored as the sha256 of their key (o2o.tokens) instead of DRF's plain-text table.

A deployed database's plain tokens are hashed into the new table, so that the keys clients hold
keep working, and DRF's `authtoken_token` (its app is no longer installed) is dropped.
"""

import hashlib
from typing import Any

import django.db.models.deletion
from django.db import migrations, models
from django.db.backends.base.base import BaseDatabaseWrapper

PLAIN_TABLE = "authtoken_token"


def hash_plain_tokens_into(connection: BaseDatabaseWrapper, table: str) -> int:
    """Copy each plain token of DRF's table into `table` as its digest, then drop DRF's table.

    Returns how many tokens were carried over; 0 (and nothing done) where DRF's table never was.
    """
    with connection.cursor() as cursor:
        if PLAIN_TABLE not in connection.introspection.table_names(cursor):
            return 0
        cursor.execute(f"SELECT key, user_id, created FROM {PLAIN_TABLE} ORDER BY created, key")  # noqa: S608
        rows = [
            (hashlib.sha256(key.encode()).hexdigest(), user_id, created) for key, user_id, created in cursor.fetchall()
        ]
        quoted = connection.ops.quote_name(table)
        cursor.executemany(
            f"INSERT INTO {quoted} (digest, user_id, created_at) VALUES (%s, %s, %s)",  # noqa: S608
            rows,
        )
        cursor.execute(f"DROP TABLE {PLAIN_TABLE}")
    return len(rows)


def hash_plain_tokens(apps: Any, schema_editor: Any) -> None:
    hash_plain_tokens_into(schema_editor.connection, apps.get_model("o2o", "ApiToken")._meta.db_table)


class Migration(migrations.Migration):
    dependencies = [
        ("o2o", "0004_roleinvitation"),
    ]

    operations = [
        migrations.CreateModel(
            name="ApiToken",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("digest", models.CharField(help_text="sha256 of the key, in hex", max_length=64, unique=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="api_tokens",
                        to="o2o.user",
                    ),
                ),
            ],
        ),
        # The keys cannot be recovered from their digests: unapplying leaves DRF's table gone.
        migrations.RunPython(hash_plain_tokens, migrations.RunPython.noop, elidable=False),
    ]
