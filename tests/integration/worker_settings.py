"""Settings of the real Celery worker the integration tests start: the production settings
(DATABASE_URL and REDIS_URL come from the test), plus a Redis result backend so that the test
can read what each task returned or raised.
"""

from o2o.settings import *  # noqa: F403
from o2o.settings import REDIS_URL

CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TASK_IGNORE_RESULT = False
CELERY_RESULT_EXPIRES = 600
