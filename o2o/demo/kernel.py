"""The shared kernel's demo data: HQ users of each brand."""

from o2o.choices import Role
from o2o.demo import DEMO_PASSWORD, DemoBrand, register_seeder
from o2o.models import Tenant, User
from o2o.services import grant_role


def demo_user(*, username: str, name: str, phone: str = "") -> User:
    user, created = User.objects.get_or_create(username=username, defaults={"name": name, "phone": phone})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


@register_seeder(0, "kernel")
def seed_hq(tenant: Tenant, brand: DemoBrand) -> None:
    admin = demo_user(username=brand.admin, name=f"{brand.name} HQ admin")
    grant_role(tenant=tenant, user=admin, role=Role.HQ_ADMIN)
    staff = demo_user(username=brand.staff, name=f"{brand.name} HQ staff")
    grant_role(tenant=tenant, user=staff, role=Role.HQ_STAFF)
    brand.logins += [
        (admin.username, Role.HQ_ADMIN, "HQ dashboard /hq/, admin /admin/"),
        (staff.username, Role.HQ_STAFF, "HQ dashboard /hq/"),
    ]
