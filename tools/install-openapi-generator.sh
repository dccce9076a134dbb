#!/usr/bin/env bash
# Installs openapi-generator 7.25.0, a comparison-only tool of `cargo xtask bench`, into
# tools/openapi-generator (a Python virtual environment; the official jar ships inside the PyPI package
# openapi-generator-cli). Needs python3 with venv and Java 17. Never part of CI or the test command.
# Prints the jar's path on success.
set -euo pipefail

TOOLS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="$TOOLS_DIR/openapi-generator"
VERSION="7.25.0"
say() { printf 'tools/install-openapi-generator.sh: %s\n' "$*" >&2; }

find_jar() { find "$VENV" -name openapi-generator.jar -print -quit 2>/dev/null; }

if [ ! -f "$VENV/.version" ] || [ "$(cat "$VENV/.version")" != "$VERSION" ] || [ -z "$(find_jar)" ]; then
    command -v python3 >/dev/null || { say "python3 not found"; exit 1; }
    say "installing openapi-generator-cli==$VERSION from PyPI into $VENV"
    rm -rf "$VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "openapi-generator-cli==$VERSION" >&2
    echo "$VERSION" > "$VENV/.version"
fi
command -v java >/dev/null || { say "java not found (openapi-generator needs Java 17)"; exit 1; }
find_jar
