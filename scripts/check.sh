#!/usr/bin/env bash
# The Django checks CI holds: no model change without its migration, `check --deploy` with no
# warning under a production-like environment, and an OpenAPI schema that validates with no
# warning. Every check runs; the exit status says whether all passed.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${VENV:-.venv}/bin/python
failed=()

run() {  # name, command...
    local name=$1
    shift
    echo "==> $name"
    if ! "$@"; then
        failed+=("$name")
    fi
}

# Production differs from development only by environment: DEBUG off, a real secret, the public
# host, PostgreSQL and Redis. The security settings are left to their production defaults (unset
# here even when the caller's environment overrides them for a local HTTP test).
secret=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(64))')
production=(
    env -u SECURE_SSL_REDIRECT -u SESSION_COOKIE_SECURE -u CSRF_COOKIE_SECURE -u SECURE_HSTS_SECONDS
    DEBUG=0 SECRET_KEY="$secret" ALLOWED_HOSTS=o2o.example.com CSRF_TRUSTED_ORIGINS=https://o2o.example.com
    DATABASE_URL="${DATABASE_URL:-postgres://o2o_app@127.0.0.1:5432/o2o}"
    REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/0}"
)

# Migrations are database-independent: check them against an in-memory SQLite database, so the
# check needs no server and no migrated database.
run "makemigrations --check" env DEBUG=1 DATABASE_URL=sqlite://:memory: REDIS_URL= \
    "$PY" manage.py makemigrations --check --dry-run
run "check --deploy" "${production[@]}" "$PY" manage.py check --deploy --fail-level WARNING
run "spectacular --validate" "${production[@]}" "$PY" manage.py spectacular --validate --fail-on-warn \
    --file /dev/null

if ((${#failed[@]})); then
    echo "check FAILED: ${failed[*]}" >&2
    exit 1
fi
echo "check passed"
