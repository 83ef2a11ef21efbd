#!/usr/bin/env bash
# The static checks CI holds: ruff (lint and format), the import-linter layer contract and mypy.
# Every check runs; the exit status says whether all passed.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${VENV:-.venv}/bin
failed=()

run() {  # name, command...
    local name=$1
    shift
    echo "==> $name"
    if ! "$@"; then
        failed+=("$name")
    fi
}

run "ruff check" "$BIN/ruff" check --no-cache .
run "ruff format --check" "$BIN/ruff" format --no-cache --check .
run "import layers" "$BIN/python" scripts/lint_imports.py
run "types (mypy)" env DEBUG=1 "$BIN/python" -m mypy --no-incremental

if ((${#failed[@]})); then
    echo "lint FAILED: ${failed[*]}" >&2
    exit 1
fi
echo "lint passed"
