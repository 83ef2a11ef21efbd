"""Who is calling, in this brand: the actor of a request, resolved once and handed to views and APIs.

The actor is the user, the roles they hold in the request's brand, their store post (a store
manager's or guide's, with its store) and their membership (a consumer's). Each part is loaded on
first use and at most once per request (`TenantMiddleware` sets `request.actor`); the policies of
each app (`<app>/policies.py`) answer "may this actor do this to this object" from it, for the API
and the portal pages alike.

The kernel does not know the apps that hold posts and memberships (it is the lowest layer): the
stores and members apps register how to find them (`register_staff_post_resolver`,
`register_membership_resolver`) in their `AppConfig.ready()`. Without one, the part is None.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Protocol

from django.db import models

from o2o.choices import HQ_ROLES, STORE_ROLES, Role
from o2o.errors import Forbidden
from o2o.tenancy.selectors import roles_of

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpRequest

    from o2o.models import Tenant, User


class StaffPost(Protocol):
    """What the kernel knows of a store post (the stores app's `StoreStaff`)."""

    @property
    def pk(self) -> Any: ...

    @property
    def role(self) -> str: ...

    @property
    def store_id(self) -> int: ...


class Membership(Protocol):
    """What the kernel knows of a consumer's membership (the members app's `Member`)."""

    @property
    def pk(self) -> Any: ...


StaffPostResolver = Callable[["Tenant", "User"], StaffPost | None]
MembershipResolver = Callable[["Tenant", "User"], Membership | None]

_resolvers: dict[str, Callable[[Tenant, User], Any]] = {}


def register_staff_post_resolver(resolver: StaffPostResolver) -> None:
    """How to find a user's active store post in a brand (one query); the stores app's `ready()`."""
    _resolvers["staff_post"] = resolver


def register_membership_resolver(resolver: MembershipResolver) -> None:
    """How to find a user's membership of a brand (one query); the members app's `ready()`."""
    _resolvers["membership"] = resolver


class Actor:
    """The caller in one brand. Every part is loaded on first use, then kept for as long as the
    caller is the same (a request's user can change once: the API authenticates after the
    middleware made the actor; what was loaded for the anonymous caller is then loaded again).

    `staff_post` is the user's active store post, only while they hold a store role (manager or
    guide) in the brand: a revoked role gives no store access, whatever post is left behind.
    """

    def __init__(
        self, *, tenant: Tenant | None, user: User | AnonymousUser, roles: Iterable[str] | None = None
    ) -> None:
        self._tenant = tenant
        self._user = user
        self._loaded: dict[str, tuple[Any, Any]] = {}  # part -> (the caller it was loaded for, value)
        if roles is not None:
            self._loaded["roles"] = (self._caller(), frozenset(roles))

    def _caller(self) -> tuple[Any, Any]:
        """Who the parts are loaded for: the brand and the user."""
        tenant, user = self.tenant, self.user
        return (tenant.pk if tenant is not None else None, user.pk if user.is_authenticated else None)

    def _load(self, part: str, load: Callable[[], Any]) -> Any:
        caller = self._caller()
        kept = self._loaded.get(part)
        if kept is not None and kept[0] == caller:
            return kept[1]
        value = load()
        self._loaded[part] = (caller, value)
        return value

    @property
    def tenant(self) -> Tenant | None:
        return self._tenant

    @property
    def user(self) -> User | AnonymousUser:
        return self._user

    @property
    def signed_in_user(self) -> User | None:
        """The user when signed in, else None."""
        user = self.user
        return user if user.is_authenticated else None

    @property
    def roles(self) -> frozenset[str]:
        """The roles the user holds in the brand (one query; none for anonymous or no brand)."""
        roles: frozenset[str] = self._load("roles", self._load_roles)
        return roles

    def _load_roles(self) -> frozenset[str]:
        user = self.signed_in_user
        if self.tenant is None or user is None:
            return frozenset()
        return roles_of(tenant=self.tenant, user=user)

    @property
    def is_hq(self) -> bool:
        """HQ (admin or staff) of the brand."""
        return bool(self.roles & HQ_ROLES)

    @property
    def staff_post(self) -> StaffPost | None:
        """The active store post of a store manager or guide (one query), else None."""
        post: StaffPost | None = self._load("staff_post", self._load_staff_post)
        return post

    def _load_staff_post(self) -> StaffPost | None:
        user = self.signed_in_user
        resolver = _resolvers.get("staff_post")
        if self.tenant is None or user is None or resolver is None or not self.roles & STORE_ROLES:
            return None
        post: StaffPost | None = resolver(self.tenant, user)
        return post

    @property
    def store_id(self) -> int | None:
        """The store of the actor's post, else None."""
        post = self.staff_post
        return post.store_id if post is not None else None

    def works_at(self, store_id: int | None, *, as_role: str | None = None) -> bool:
        """Whether the actor holds a post at the store (as `as_role` when named, holding that role)."""
        post = self.staff_post
        if post is None or store_id is None or post.store_id != store_id:
            return False
        return as_role is None or (post.role == as_role and as_role in self.roles)

    @property
    def membership(self) -> Membership | None:
        """The user's membership of the brand (one query), else None."""
        member: Membership | None = self._load("membership", self._load_membership)
        return member

    def _load_membership(self) -> Membership | None:
        user = self.signed_in_user
        resolver = _resolvers.get("membership")
        if self.tenant is None or user is None or resolver is None:
            return None
        member: Membership | None = resolver(self.tenant, user)
        return member

    @property
    def is_consumer(self) -> bool:
        return Role.CONSUMER in self.roles

    def acting_as(self, roles: Iterable[str]) -> Actor:
        """The same caller restricted to `roles` (a consumer page shows a consumer's view, whatever
        other roles they hold). The parts already loaded, and those loaded later, are shared."""
        return _Narrowed(self, frozenset(roles))


class _Narrowed(Actor):
    def __init__(self, parent: Actor, roles: frozenset[str]) -> None:
        super().__init__(tenant=parent.tenant, user=parent.user, roles=parent.roles & roles)
        self._parent = parent

    @property
    def staff_post(self) -> StaffPost | None:
        return self._parent.staff_post if self.roles & STORE_ROLES else None

    @property
    def membership(self) -> Membership | None:
        return self._parent.membership


class RequestActor(Actor):
    """The actor of a request: the brand and the user are read from the request on use, so that an
    API's authentication (DRF sets the user after the middleware ran) is seen."""

    def __init__(self, request: HttpRequest) -> None:
        super().__init__(tenant=None, user=_anonymous())
        self._request = request

    @property
    def tenant(self) -> Tenant | None:
        return getattr(self._request, "tenant", None)

    @property
    def user(self) -> User | AnonymousUser:
        user = getattr(self._request, "user", None)
        return user if user is not None else self._user


def _anonymous() -> AnonymousUser:
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


def require(allowed: bool, detail: str) -> None:
    """Raise Forbidden (403) with `detail` unless `allowed`: how the API and the pages act on a
    policy's answer."""
    if not allowed:
        raise Forbidden(detail)


def owned_by(obj: models.Model, actor: Actor, *, member_field: str = "member_id") -> bool:
    """Whether `obj` belongs to the actor's membership (its `member_field` is their member id)."""
    membership = actor.membership
    return membership is not None and getattr(obj, member_field) == membership.pk
