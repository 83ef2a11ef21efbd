"""Row-level security for writes: the roles table's user clause reads only (it let a user scope
update and delete the user's roles in other brands), and the application updates only the tenant
row of its scope."""

from django.db import migrations

import o2o.tenancy.rls


class Migration(migrations.Migration):
    dependencies = [
        ("o2o", "0005_api_tokens"),
    ]

    operations = [
        o2o.tenancy.rls.RewriteRowLevelSecurity(model_name="tenantrole", readable_by_user_column="user_id"),
        o2o.tenancy.rls.RestrictTenantTable(model_name="tenant"),
    ]
