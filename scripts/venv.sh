#!/usr/bin/env bash
# Create .venv with Python 3.11 and install the locked dependencies with plain pip.
#
# Idempotent: the install is skipped while requirements.lock and pyproject.toml are unchanged
# (their hash is kept in .venv/.o2o-installed). A .venv that is broken or not Python 3.11 is
# made again. Browsers are never downloaded: the browser tests use Debian's /usr/bin/chromium.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${VENV:-.venv}
STAMP="$VENV/.o2o-installed"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export PIP_DISABLE_PIP_VERSION_CHECK=1

is_311() { "$1" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' >/dev/null 2>&1; }

if ! is_311 "$VENV/bin/python"; then
    python=""
    for candidate in ${PYTHON:-} python3.11 python3; do
        if command -v "$candidate" >/dev/null 2>&1 && is_311 "$candidate"; then
            python=$candidate
            break
        fi
    done
    if [ -z "$python" ]; then
        echo "error: Python 3.11 is needed (as python3.11 or python3; or set PYTHON=/path/to/python3.11)" >&2
        exit 1
    fi
    echo "==> Creating $VENV with $(command -v "$python")"
    rm -rf "$VENV"
    if ! "$python" -m venv "$VENV"; then
        echo "error: '$python -m venv' failed; on Debian/Ubuntu install python3.11-venv first" >&2
        rm -rf "$VENV"
        exit 1
    fi
fi

want=$("$VENV/bin/python" - <<'PY'
import hashlib
digest = hashlib.sha256()
for name in ("requirements.lock", "pyproject.toml"):
    with open(name, "rb") as file:
        digest.update(file.read())
print(digest.hexdigest())
PY
)
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then
    exit 0
fi

echo "==> Installing the locked dependencies into $VENV (requirements.lock)"
rm -f "$STAMP"
"$VENV/bin/python" -m pip install --quiet --progress-bar off -r requirements.lock
"$VENV/bin/python" -m pip install --quiet --progress-bar off --no-deps -e .
"$VENV/bin/python" -m pip check
echo "$want" >"$STAMP"
echo "==> $VENV is ready"
