#!/usr/bin/env bash
# Make sure Debian's Chromium is installed for the browser tests (Playwright drives
# /usr/bin/chromium; browsers are never downloaded by Playwright). Installs the Debian package
# when it is missing and this runs as root; otherwise says what to do.
set -euo pipefail

CHROMIUM=${O2O_CHROMIUM:-/usr/bin/chromium}

if [ ! -x "$CHROMIUM" ]; then
    if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
        echo "error: $CHROMIUM is missing; install it with: sudo apt-get install -y chromium" >&2
        exit 1
    fi
    echo "==> Installing Debian's chromium"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium >/dev/null
fi
echo "==> $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
