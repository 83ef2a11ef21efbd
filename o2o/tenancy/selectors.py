"""Reads about tenants and roles."""

from __future__ import annotations

from django.db import connection
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from o2o.db import first_row
from o2o.errors import NotFound
from o2o.models import Tenant, TenantRole, User
from o2o.tenancy import user_scope


def get_tenant(*, tenant_id: int) -> Tenant:
    """The active tenant with this id; Http404 when there is none."""
    tenant = Tenant.objects.filter(pk=tenant_id, is_active=True).first()
    if tenant is None:
        raise Http404(f"No tenant {tenant_id}")
    return tenant


def get_active_tenant(*, slug: str) -> Tenant | None:
    """The active tenant with this slug, or None (every request asks: plain SQL, o2o.db)."""
    return first_row(Tenant, "slug = %s AND is_active", [slug.strip().lower()]) if slug else None


def list_active_tenant_ids() -> list[int]:
    """The ids of the active brands, in id order: what a periodic job fans out over."""
    return list(Tenant.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True))


def roles_of(*, tenant: Tenant, user: User) -> frozenset[str]:
    """The role names `user` holds in `tenant` (empty for anonymous users)."""
    if not user.is_authenticated:
        return frozenset()
    with connection.cursor() as cursor:  # every signed-in request asks: plain SQL (o2o.db)
        cursor.execute(
            f"SELECT role FROM {TenantRole._meta.db_table} WHERE tenant_id = %s AND user_id = %s",  # noqa: S608
            [tenant.pk, user.pk],
        )
        return frozenset(role for (role,) in cursor.fetchall())


def list_tenants_of_user(*, user: User) -> list[Tenant]:
    """The active tenants in which `user` holds any role, by name."""
    with user_scope(user):
        tenant_ids = set(TenantRole.objects.filter(user=user).values_list("tenant_id", flat=True))
    return list(Tenant.objects.filter(pk__in=tenant_ids, is_active=True).order_by("name"))


def list_tenant_roles(*, tenant: Tenant, roles: frozenset[str]) -> QuerySet[TenantRole]:
    """The roles of `tenant` among `roles`, with their users, oldest first."""
    return TenantRole.objects.filter(tenant=tenant, role__in=roles).select_related("user").order_by("pk")


def get_tenant_role(*, tenant: Tenant, role_id: int, roles: frozenset[str]) -> TenantRole:
    """One role of `tenant` among `roles`; NotFound for a missing or foreign one alike."""
    tenant_role = list_tenant_roles(tenant=tenant, roles=roles).filter(pk=role_id).first()
    if tenant_role is None:
        raise NotFound(_("No such role."))
    return tenant_role
