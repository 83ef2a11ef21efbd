"""Settings for the O2O platform, read from the environment only (12-factor).

The embedded default (no environment at all) is SQLite with eager Celery tasks and a local-memory
cache, so that `make demo` runs the whole platform on a laptop. PostgreSQL (`DATABASE_URL`) and
Redis (`REDIS_URL`) are the real deployment. Production differs only by environment.
"""

from pathlib import Path
from typing import Any

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-secret-key-change-me-0123456789abcdef")
else:
    SECRET_KEY = env.str("SECRET_KEY")  # required when DEBUG is off

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", ".localhost", "127.0.0.1", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# The tenant is resolved from `X-Tenant` or from the host prefix `<slug>.<O2O_BASE_DOMAIN>`.
O2O_BASE_DOMAIN = env.str("O2O_BASE_DOMAIN", default="localhost")
# Where people reach the portals, for links sent by SMS or e-mail (an invitation's).
O2O_SITE_URL = env.str("O2O_SITE_URL", default="http://localhost:8000").rstrip("/")

INSTALLED_APPS = [
    "o2o",  # first: its `migrate`/`flush` commands wrap Django's to switch database roles
    "o2o.admin_site.O2OAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",  # API tokens are o2o's own, stored hashed (o2o.tokens), not rest_framework.authtoken
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "django_htmx",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "phonenumber_field",
    "axes",
    "import_export",
    # the platform's apps, in layer order (import-linter holds it: a lower app never imports a higher)
    "catalog",
    "stores",
    "members",
    "bookings",
    "orders",
    "attribution",
    "guides",
    "settlements",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "o2o.tenancy.middleware.TenantMiddleware",
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "o2o.urls"
WSGI_APPLICATION = "o2o.wsgi.application"
AUTH_USER_MODEL = "o2o.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portal-home"
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "o2o.portals.context_processors.portal",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# DATABASE_URL is what the application uses. When it names a superuser or the tables' owner (a
# development machine), every connection switches to the restricted role O2O_DB_APP_ROLE, which
# row-level security binds; migrations run as the owner (DATABASE_OWNER_URL when given).
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default serves concurrent requests too (runserver's threads). A transaction takes
    # SQLite's write lock when it begins and waits for another writer (up to 20 s), instead of
    # failing with "database is locked" when it first writes; in WAL mode readers never wait.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
DATABASE_OWNER_URL = env.str("DATABASE_OWNER_URL", default="")
O2O_DB_APP_ROLE = env.str("O2O_DB_APP_ROLE", default="o2o_app")

# How long a response to a request with an `Idempotency-Key` is kept for replay; a daily job
# deletes older ones (the same key used again after that runs again, as a new request).
O2O_IDEMPOTENCY_RETENTION_HOURS = env.int("O2O_IDEMPOTENCY_RETENTION_HOURS", default=72)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and Celery -----------------------------------------------------------------------
# Redis is the cache (throttle counts: nothing that cannot be lost) and the broker. Its outage never
# fails a request: the cache fails open (o2o.cache), a task enqueued after a commit that the broker
# refuses is logged and dropped (o2o.celery), and work due by a deadline (order expiry, reminders,
# no-shows) is done by beat's periodic jobs from what the database says is due. Short socket
# timeouts (seconds): a black-holed Redis holds a request a few seconds at most, and a process that
# found it down leaves it alone for the next few seconds (o2o.cache.Outage).
REDIS_URL = env.str("REDIS_URL", default="")
REDIS_CONNECT_TIMEOUT = 0.5
REDIS_CACHE_TIMEOUT = 0.5
REDIS_BROKER_TIMEOUT = 2.0  # above the 1 s a consumer's BRPOP waits on an empty queue
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "o2o.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": REDIS_CONNECT_TIMEOUT, "socket_timeout": REDIS_CACHE_TIMEOUT},
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
# A message a worker took and did not acknowledge (killed, or cut from Redis) is delivered again
# after the visibility timeout. It is above the longest a worker holds a message: a task's hard
# time limit, after a retry's backoff countdown (at most 16 s); tasks are never scheduled further
# out (no deadline is a countdown task: beat's periodic jobs read them from the database). So a
# killed worker delays its tasks by ten minutes, not days, and no task runs twice while it runs.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 2 * CELERY_TASK_TIME_LIMIT,
    "socket_connect_timeout": REDIS_CONNECT_TIMEOUT,
    "socket_timeout": REDIS_BROKER_TIMEOUT,
}
# Publishing (a request's enqueue after commit) tries twice (a pooled connection left broken by a
# Redis restart gets a fresh one), then gives up: o2o.celery logs it and the request goes on.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = "UTC"

# --- Auth -----------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The lockout answer: the API error body (429 {"code": "locked_out"}) or the lockout page.
AXES_LOCKOUT_CALLABLE = "o2o.portals.lockout.lockout_response"
# One client address for the lockout, the API throttles and anonymous idempotency (o2o.clientip):
# how many reverse proxies in front of the application append to X-Forwarded-For. 0 (no proxy):
# the header is ignored and the client is the peer address.
O2O_TRUSTED_PROXIES = env.int("O2O_TRUSTED_PROXIES", default=0)
AXES_CLIENT_IP_CALLABLE = "o2o.clientip.client_ip"

# --- I18N -----------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True
PHONENUMBER_DEFAULT_REGION = "CN"

# --- Static ---------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# XLSX cannot hold control characters: an export replaces them with U+FFFD instead of failing
# (a store or product name may hold one, e.g. pasted from another system).
IMPORT_EXPORT_ESCAPE_ILLEGAL_CHARS_ON_EXPORT = True

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK: dict[str, Any] = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "o2o.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["o2o.api.permissions.HasTenantRole"],
    # DRF's, refusing JSON nested too deep (400) and a body over DATA_UPLOAD_MAX_MEMORY_SIZE (413)
    "DEFAULT_PARSER_CLASSES": [
        "o2o.api.parsers.JSONParser",
        "o2o.api.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "o2o.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "o2o.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "o2o.api.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "o2o.api.throttling.AnonRateThrottle",
        "o2o.api.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("THROTTLE_ANON", default="120/min"),
        "user": env.str("THROTTLE_USER", default="1200/min"),
        "login": env.str("THROTTLE_LOGIN", default="10/min"),
        "signup": env.str("THROTTLE_SIGNUP", default="10/min"),
        "events": env.str("THROTTLE_EVENTS", default="3000/min"),  # per brand (attribution's ingestion)
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "O2O platform API",
    "DESCRIPTION": "Online-to-offline commerce for chain and franchise brands. Every tenant-scoped "
    "call names its brand in the `X-Tenant` header (or the `<slug>.` host prefix).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "RoleEnum": "o2o.choices.Role",
        "HqRoleEnum": "o2o.api.schema.hq_role_choices",
        "StaffRoleEnum": "stores.choices.StaffRole",
        "OrderChannelEnum": "orders.choices.Channel",
        "CampaignChannelEnum": "attribution.choices.Channel",
        "CommissionStatusEnum": "guides.choices.CommissionStatus",
        "ClaimStatusEnum": "guides.choices.ClaimStatus",
        "RunStatusEnum": "settlements.models.RunStatus",
        "StatementStatusEnum": "settlements.models.StatementStatus",
    },
}

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "script-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# --- Logging and errors ---------------------------------------------------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"client_errors_without_traceback": {"()": "o2o.logfilters.ClientErrorsWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # a 403 (PermissionDenied) or another 4xx is a warning without a traceback
        "django.request": {"filters": ["client_errors_without_traceback"]},
    },
}
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:  # pragma: no cover - the outside world
    import sentry_sdk

    sentry_sdk.init(dsn=SENTRY_DSN, send_default_pii=False)

# --- Notifications (bookings reminders and the like) ----------------------------------------
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="no-reply@o2o.localhost")
