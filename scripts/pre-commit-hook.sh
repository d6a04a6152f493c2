#!/bin/sh
# Runs stet for pre-commit (`language: script` hooks of .pre-commit-hooks.yaml), built from this
# repository on first use and reused afterwards. STET_HOOK_PROFILE=debug builds the debug
# binary instead of the release one; CARGO_TARGET_DIR is honoured. STET_HOOK_BINARY runs that
# stet instead of building one (for packagers, and for the end-to-end test, which must not
# rebuild the workspace it runs in).
set -e
if [ -n "$STET_HOOK_BINARY" ]; then
    exec "$STET_HOOK_BINARY" "$@"
fi
here=$(cd "$(dirname "$0")/.." && pwd)
profile=${STET_HOOK_PROFILE:-release}
if [ "$profile" = release ]; then
    cargo build --quiet --release --manifest-path "$here/Cargo.toml" -p stet-cli
else
    cargo build --quiet --manifest-path "$here/Cargo.toml" -p stet-cli
fi
exec "${CARGO_TARGET_DIR:-$here/target}/$profile/stet" "$@"
