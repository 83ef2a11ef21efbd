"""python manage.py seed_demo: the demo brands and everything each app seeds for them (idempotent)."""

import logging
from importlib import import_module
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from o2o.demo import BRANDS, DEMO_PASSWORD, seeders
from o2o.models import Tenant
from o2o.tenancy import tenant_scope


class Command(BaseCommand):
    help = "Create or refresh the demo brands with data for every part of the platform."

    def handle(self, *args: Any, **options: Any) -> None:
        # eager tasks log each run ("Task ... succeeded"): hundreds of lines above the logins
        logging.getLogger("celery.app.trace").setLevel(logging.WARNING)
        for config in apps.get_app_configs():
            try:
                import_module(f"{config.name}.demo" if config.name != "o2o" else "o2o.demo.kernel")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.demo":
                    raise
        for brand in BRANDS:
            brand.logins.clear()
            with transaction.atomic():
                tenant, _ = Tenant.objects.get_or_create(
                    slug=brand.slug, defaults={"name": brand.name, "timezone": brand.timezone}
                )
                for _name, seed in seeders():
                    with tenant_scope(tenant):
                        seed(tenant, brand)
            self.stdout.write(self.style.SUCCESS(f"Brand {tenant.slug}: {tenant.name}"))
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for brand in BRANDS:
            for username, role, what in brand.logins:
                self.stdout.write(f"  {brand.slug:<10} {username:<24} {role:<14} {what}")
