"""A handler of the sign-up that only the workers of tests/integration/test_events_worker.py load
(`celery worker --include tests.integration.event_handlers`): a slow call to an outside system.

Each call leaves a file `started-<event id>-<pid>` in `O2O_TEST_EVENTS_DIR`; while
`O2O_TEST_HOLD_DELIVERY` is set it then holds the delivery, so that the test can kill the worker in
the middle of it.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from o2o.events import CONSUMER_SIGNED_UP, handles
from o2o.events.models import Event
from o2o.models import Tenant

KEY = "tests.integration.slow_crm"


@handles(CONSUMER_SIGNED_UP, key=KEY)
def slow_crm(*, tenant: Tenant, event: Event) -> None:
    """Note the call, then hold it while the test asks to."""
    directory = Path(os.environ["O2O_TEST_EVENTS_DIR"])
    (directory / f"started-{event.pk}-{os.getpid()}").touch()
    if os.environ.get("O2O_TEST_HOLD_DELIVERY"):
        time.sleep(600)
