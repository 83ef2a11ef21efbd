"""The application with the test handler of tests/integration/event_handlers.py loaded, as every
process of a release loads the same handlers: deliveries are made where an event is recorded, so
the web process must know the handler the workers run."""

from o2o.wsgi import application
from tests.integration import event_handlers  # noqa: F401  registers the handler

__all__ = ["application"]
