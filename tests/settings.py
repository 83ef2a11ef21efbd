"""Settings of the test suite: production-like, on PostgreSQL when it answers (else SQLite)."""

import os

from tests import services

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production-0123456789abcdefghijkl")
os.environ.setdefault("DEBUG", "0")
os.environ["DATABASE_URL"] = services.database_url() if services.postgres_available() else "sqlite:///:memory:"
os.environ.setdefault("O2O_TEST_REDIS_URL", services.redis_url())  # before REDIS_URL is dropped below
# Eager tasks and a local-memory cache (the worker tests use Redis themselves). Set empty rather
# than removed, so that a developer's .env cannot bring it back.
os.environ["REDIS_URL"] = ""

from o2o.settings import *  # noqa: F403
from o2o.settings import REST_FRAMEWORK, STORAGES

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
AXES_ENABLED = False  # on in its own tests
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {
        **REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
        "anon": "100000/min",
        "user": "100000/min",
        "login": "100000/min",
        "signup": "100000/min",
    },
}
LANGUAGE_CODE = "en"
O2O_TEST_REDIS_URL = os.environ["O2O_TEST_REDIS_URL"]
