"""python manage.py create_tenant <slug> --name NAME --admin USER --password PW [--currency] [--timezone]"""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_slug

from o2o.errors import AppError
from o2o.models import TIMEZONE_CHOICES
from o2o.services import create_tenant


class Command(BaseCommand):
    help = "Create a brand (tenant) and its first HQ admin."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("--name", required=True)
        parser.add_argument("--admin", required=True, help="username of the first HQ admin")
        parser.add_argument("--password", required=True)
        parser.add_argument("--currency", default="CNY")
        parser.add_argument("--timezone", default="Asia/Shanghai")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            validate_slug(options["slug"])
        except ValidationError as exc:
            raise CommandError(f"slug: {' '.join(exc.messages)}") from exc
        if options["timezone"] not in dict(TIMEZONE_CHOICES):
            raise CommandError(f"--timezone: unknown time zone {options['timezone']!r}")
        if len(options["currency"]) != 3 or not options["currency"].isalpha():
            raise CommandError("--currency: give a three-letter ISO 4217 code such as CNY")
        try:
            tenant = create_tenant(
                slug=options["slug"].lower(),
                name=options["name"],
                admin_username=options["admin"],
                admin_password=options["password"],
                currency=options["currency"].upper(),
                timezone=options["timezone"],
            )
        except AppError as exc:
            raise CommandError(exc.detail) from exc
        self.stdout.write(
            self.style.SUCCESS(f"Created brand {tenant.slug} ({tenant.name}); HQ admin: {options['admin']}")
        )
