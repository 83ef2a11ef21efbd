"""A hook that only the workers of tests/integration/test_settlement_worker_killed.py load
(`celery worker --include tests.integration.settlement_hooks`): the settlement run's posting
transaction made to wait, so that the test can kill the worker inside it.

`settlements.services.runs._write` (one transaction) inserts the statements and their lines, then
posts the entries (`post_entries`), then marks the run done. Here `post_entries` is wrapped: once
the real one has inserted the entries and postings (uncommitted), it leaves a file
`posting-<run id>-<pid>` in `O2O_TEST_SETTLEMENT_DIR` and, while `O2O_TEST_HOLD_POSTING` is set,
sleeps there. Production code never imports this module.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from settlements.services import runs

_post_entries = runs.post_entries


def post_entries_then_hold(**kwargs: Any) -> Any:
    """The real `post_entries`, then a note of the call and, while the test asks, a long wait."""
    created = _post_entries(**kwargs)
    run = kwargs.get("run")
    directory = Path(os.environ["O2O_TEST_SETTLEMENT_DIR"])
    (directory / f"posting-{run.pk if run else 0}-{os.getpid()}").touch()
    if os.environ.get("O2O_TEST_HOLD_POSTING"):
        time.sleep(600)
    return created


runs.post_entries = post_entries_then_hold
