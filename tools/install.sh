#!/usr/bin/env bash
# Installs the pinned Node.js tooling (Redocly CLI, Stoplight Prism) into tools/node_modules.
#
# Idempotent: `npm ci` runs only when tools/node_modules is missing or tools/package-lock.json changed
# since the last successful install (a copy of the lock is kept in node_modules/.install-stamp).
#
# Without npm:
#   - as root on Debian/Ubuntu, installs `nodejs` and `npm` with apt-get;
#   - otherwise, when CI is unset, prints why and exits 0 with "skipped";
#   - when CI is set, fails (exit 1).
# The same policy applies when the Node.js found is older than package.json's `engines.node`.
set -euo pipefail

TOOLS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LOCK="$TOOLS_DIR/package-lock.json"
MODULES="$TOOLS_DIR/node_modules"
STAMP="$MODULES/.install-stamp"
# Keep in sync with "engines" in package.json (Redocly CLI 2.x needs >= 20.19 on the Node 20 line).
MIN_NODE="20.19.0"

say() { printf 'tools/install.sh: %s\n' "$*" >&2; }

# Exit 0 ("skipped") locally, 1 in CI.
unavailable() {
    if [ -n "${CI:-}" ]; then
        say "error: $* (CI is set, so this is a failure)"
        exit 1
    fi
    say "$*"
    say "skipped: install Node.js >= $MIN_NODE with npm, then re-run tools/install.sh"
    echo "skipped"
    exit 0
}

if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
    if [ "$(id -u)" = "0" ] && [ -f /etc/debian_version ] && command -v apt-get >/dev/null 2>&1; then
        say "npm not found; installing nodejs and npm with apt-get"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -y >&2 || say "warning: apt-get update failed; trying the install anyway"
        if ! apt-get install -y --no-install-recommends nodejs npm >&2; then
            unavailable "apt-get install nodejs npm failed"
        fi
    fi
    if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
        unavailable "npm (and node) not found on PATH"
    fi
fi

# Node.js version check (the pinned Redocly CLI refuses older releases).
node_version="$(node -p 'process.versions.node')"
if ! node -e '
    const [a, b] = [process.argv[1], process.argv[2]].map(v => v.split(".").map(Number));
    for (let i = 0; i < 3; i++) { if (a[i] !== b[i]) process.exit(a[i] > b[i] ? 0 : 1); }
' "$node_version" "$MIN_NODE"; then
    unavailable "Node.js $node_version is older than the required $MIN_NODE"
fi

if [ -d "$MODULES" ] && [ -f "$STAMP" ] && cmp -s "$LOCK" "$STAMP" \
    && [ -x "$MODULES/.bin/redocly" ] && [ -x "$MODULES/.bin/prism" ]; then
    say "up to date (node $node_version, npm $(npm --version 2>/dev/null)); nothing to do"
    exit 0
fi

say "running npm ci --prefix tools (node $node_version, npm $(npm --version 2>/dev/null))"
npm ci --prefix "$TOOLS_DIR" --no-audit --no-fund --loglevel=warn >&2
cp "$LOCK" "$STAMP"
say "installed: redocly $("$MODULES/.bin/redocly" --version 2>/dev/null | tail -n 1), prism $("$MODULES/.bin/prism" --version 2>/dev/null | tail -n 1)"
