#!/bin/sh
# Runs stet for pre-commit (`language: script` hooks of .pre-commit-hooks.yaml), built from this
# repository on first use and reused afterwards. STET_HOOK_PROFILE=debug builds the debug
# binary instead of the release one (quicker to build, for tests); CARGO_TARGET_DIR is
# honoured.
set -e
here=$(cd "$(dirname "$0")/.." && pwd)
profile=${STET_HOOK_PROFILE:-release}
if [ "$profile" = release ]; then
    cargo build --quiet --release --manifest-path "$here/Cargo.toml" -p stet-cli
else
    cargo build --quiet --manifest-path "$here/Cargo.toml" -p stet-cli
fi
exec "${CARGO_TARGET_DIR:-$here/target}/$profile/stet" "$@"
