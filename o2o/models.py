"""The shared kernel's models: users, tenants (brands), roles and idempotency records."""

from decimal import Decimal
from typing import Any
from zoneinfo import available_timezones

from django.contrib.auth.models import AbstractUser
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField
from simple_history.models import HistoricalRecords

from o2o.choices import AttributionModel, Role, SettlementFrequency, TacBasis

TIMEZONE_CHOICES = sorted((tz, tz) for tz in available_timezones())


def default_reminder_hours() -> list[int]:
    return [24, 2]


class User(AbstractUser):
    """A person. Global across brands: what they may do in a brand is given by their roles there.

    A consumer's username is their phone number in E.164 form.
    """

    name = models.CharField(_("name"), max_length=150, blank=True)
    phone = PhoneNumberField(_("phone"), blank=True)

    def __str__(self) -> str:
        return self.name or self.username

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save; a new password (set by `set_password`, by the user or an admin) also revokes the
        user's API tokens, as it ends their sessions: a stolen key dies with the old password."""
        revoke = getattr(self, "_password", None) is not None and not self._state.adding  # set_password's
        super().save(*args, **kwargs)
        if revoke:
            ApiToken.objects.filter(user=self).delete()


class ApiToken(models.Model):
    """An API token of a user, stored as the sha256 of its key only (`o2o.tokens`).

    The key is shown to the client once, when the token is issued; nothing here can give it back.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True, help_text="sha256 of the key, in hex")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user} #{self.pk}"


# The longest each rule parameter may be: a brand's settings are input, and a value of billions of
# minutes or days would put deadlines and windows past the calendar's end (a 500 on every order).
DAY_MINUTES = 24 * 60
WEEK_MINUTES = 7 * DAY_MINUTES
YEAR_DAYS = 366


class Tenant(models.Model):
    """A brand running its O2O operation. Its rule parameters are the defaults of rules.md."""

    slug = models.SlugField(_("slug"), max_length=63, unique=True)
    name = models.CharField(_("name"), max_length=200)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    timezone = models.CharField(_("time zone"), max_length=64, default="Asia/Shanghai", choices=TIMEZONE_CHOICES)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    # rules.md 1: routing
    accept_within_minutes = models.PositiveIntegerField(
        default=15, validators=[MinValueValidator(1), MaxValueValidator(WEEK_MINUTES)]
    )
    # rules.md 2: bookings
    min_notice_minutes = models.PositiveIntegerField(default=60, validators=[MaxValueValidator(30 * DAY_MINUTES)])
    booking_window_days = models.PositiveIntegerField(
        default=30, validators=[MinValueValidator(1), MaxValueValidator(YEAR_DAYS)]
    )
    cancel_cutoff_minutes = models.PositiveIntegerField(default=120, validators=[MaxValueValidator(WEEK_MINUTES)])
    check_in_early_minutes = models.PositiveIntegerField(default=30, validators=[MaxValueValidator(DAY_MINUTES)])
    no_show_grace_minutes = models.PositiveIntegerField(default=30, validators=[MaxValueValidator(DAY_MINUTES)])
    reminder_hours = models.JSONField(default=default_reminder_hours)
    # rules.md 3: attribution
    lookback_days = models.PositiveIntegerField(
        default=30, validators=[MinValueValidator(1), MaxValueValidator(YEAR_DAYS)]
    )
    attribution_model = models.CharField(max_length=20, choices=AttributionModel, default=AttributionModel.LAST_TOUCH)
    # rules.md 4: guides and commission
    protection_days = models.PositiveIntegerField(default=30, validators=[MaxValueValidator(YEAR_DAYS)])
    claim_window_days = models.PositiveIntegerField(default=14, validators=[MaxValueValidator(YEAR_DAYS)])
    return_window_days = models.PositiveIntegerField(default=7, validators=[MaxValueValidator(YEAR_DAYS)])
    default_commission_rate = models.DecimalField(
        max_digits=7,
        decimal_places=4,
        default=Decimal("0.0300"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    # rules.md 5: settlement
    tac_basis = models.CharField(max_length=10, choices=TacBasis, default=TacBasis.VISITS)
    tac_cap_per_visit = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(Decimal("0"))]
    )
    settlement_frequency = models.CharField(
        max_length=10, choices=SettlementFrequency, default=SettlementFrequency.MONTHLY
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["slug"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(accept_within_minutes__gt=0), name="tenant_accept_within_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(default_commission_rate__gte=0, default_commission_rate__lte=1),
                name="tenant_commission_rate_fraction",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TenantOwned(models.Model):
    """Base of every tenant-owned model: a `tenant` column that row-level security filters on.

    Every unique constraint of a subclass includes `tenant`, and its migration carries an
    `o2o.tenancy.rls.EnableRowLevelSecurity` operation (a test fails when one is missing).
    """

    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="+", db_index=True)

    class Meta:
        abstract = True


class TenantRole(TenantOwned):
    """A role a user holds in a tenant. Store roles are tied to their store by the stores app."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="tenant_roles")
    role = models.CharField(max_length=20, choices=Role)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "user", "role"], name="tenantrole_unique_per_user"),
        ]
        indexes = [models.Index(fields=["user", "tenant"])]

    def __str__(self) -> str:
        return f"{self.user} {self.role}@{self.tenant_id}"


class IdempotencyRecord(TenantOwned):
    """The first response to a request made with an `Idempotency-Key`, replayed for repeats."""

    key = models.CharField(max_length=255)
    scope = models.CharField(max_length=300, help_text="method, path and user the key was used for")
    fingerprint = models.CharField(max_length=64, help_text="sha256 of the canonical request body")
    status_code = models.PositiveSmallIntegerField(null=True)
    response_body = models.JSONField(null=True, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "scope", "key"], name="idempotency_unique_key"),
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}"


class RoleInvitation(TenantOwned):
    """An HQ admin's offer of a role in the brand to a person named by phone or e-mail.

    The code goes to that phone or address only (never into an API answer), kept here as its
    sha256: whoever holds it accepts with their own account after logging in. Nothing about the
    person's accounts, here or in other brands, is looked up or told to the inviter.
    """

    role = models.CharField(max_length=20, choices=Role)
    phone = PhoneNumberField(_("phone"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    code_digest = models.CharField(max_length=64)
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "code_digest"], name="roleinvitation_unique_code"),
            models.CheckConstraint(
                condition=~models.Q(phone="") | ~models.Q(email=""), name="roleinvitation_has_an_address"
            ),
            models.CheckConstraint(
                condition=models.Q(accepted_at__isnull=True, accepted_by__isnull=True)
                | models.Q(accepted_at__isnull=False, accepted_by__isnull=False),
                name="roleinvitation_accepted_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role} for {self.phone or self.email}@{self.tenant_id}"


from o2o.events.models import Delivery, Event  # noqa: E402, F401  the outbox (o2o.events)
