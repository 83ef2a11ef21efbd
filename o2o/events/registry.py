"""The handlers of each event, registered by the higher apps' `handlers.py` (imported by their
`AppConfig.ready()`), so that the kernel never imports a higher app."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from o2o.events.models import Event
    from o2o.models import Tenant


class HandlerFunction(Protocol):
    def __call__(self, *, tenant: Tenant, event: Event) -> Any: ...


H = TypeVar("H", bound=HandlerFunction)

KEY_LENGTH = 100  # Delivery.handler


@dataclass(frozen=True)
class Handler:
    key: str  # stored on each delivery: renaming it orphans the pending ones
    event: str
    function: Callable[..., Any]


_handlers: dict[str, Handler] = {}


def handles(event: str, *, key: str) -> Callable[[H], H]:
    """Register the decorated function as the handler `key` of the event named `event`.

    It is called as `function(tenant=..., event=...)` (an `Event`: its `payload`, `recorded_at`)
    in the brand's scope, in a transaction of its own, once per event, and again after a failure:
    it must be idempotent (a second call for the same event changes nothing). `key` names the
    handler in the deliveries and the admin: `"<app>.<what it does>"`, never reused.
    """
    if not key or len(key) > KEY_LENGTH:
        raise ImproperlyConfigured(f"a handler key has 1 to {KEY_LENGTH} characters: {key!r}")

    def register(function: H) -> H:
        known = _handlers.get(key)
        if known is not None and (known.event, _name(known.function)) != (event, _name(function)):
            raise ImproperlyConfigured(f"two handlers have the key {key!r}: {_name(known.function)}, {_name(function)}")
        _handlers[key] = Handler(key=key, event=event, function=function)
        return function

    return register


def handlers_for(event: str) -> list[Handler]:
    """The handlers registered for `event` in this process, by key."""
    return sorted((handler for handler in _handlers.values() if handler.event == event), key=lambda h: h.key)


def get_handler(key: str) -> Handler | None:
    return _handlers.get(key)


def _name(function: Callable[..., Any]) -> str:
    return f"{function.__module__}.{function.__qualname__}"
