"""Put every tenant-owned table of an app under row-level security in the app's latest migration.

Usage: DEBUG=1 python scripts/add_rls_ops.py APP [APP ...]   (idempotent)
Run after `makemigrations` adds a tenant-owned model (historical models of simple_history too);
tests/o2o/test_rls.py fails when a table with a tenant_id column has no policy.
"""

import os
import sys
from pathlib import Path
from typing import cast

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "o2o.settings")
os.environ.setdefault("DEBUG", "1")

import django

django.setup()

from django.apps import apps  # noqa: E402

for label in sys.argv[1:]:
    config = apps.get_app_config(label)
    folder = Path(config.path) / "migrations"
    migrations = sorted(folder.glob("[0-9][0-9][0-9][0-9]_*.py"))
    everything = "".join(path.read_text() for path in migrations)
    owned = [
        cast(str, model._meta.model_name)  # set on every model; the stubs allow None (unset Options)
        for model in config.get_models()
        if any(field.column == "tenant_id" for field in model._meta.local_fields)
    ]
    missing = [name for name in owned if f'EnableRowLevelSecurity(model_name="{name}"' not in everything]
    if not missing:
        continue
    latest = migrations[-1]
    text = latest.read_text()
    if "import o2o.tenancy.rls" not in text:
        text = text.replace(
            "from django.db import migrations", "import o2o.tenancy.rls\nfrom django.db import migrations", 1
        )
    end = text.rstrip().rfind("]")
    ops = "".join(f'        o2o.tenancy.rls.EnableRowLevelSecurity(model_name="{name}"),\n' for name in missing)
    latest.write_text(text[:end] + ops + "    ]\n")
    print(f"{latest}: {', '.join(missing)} under RLS")
