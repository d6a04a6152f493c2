#!/bin/sh
# Runs stet for pre-commit (`language: script` hooks of .pre-commit-hooks.yaml).
#
# The first run in a clone (pre-commit keeps one clone per `rev`) builds stet with cargo, says
# so on the terminal (pre-commit shows a hook's output only when it ends), and keeps the binary
# in the clone (`.stet-hook/stet`); later runs start it at once, with no cargo call. The build
# goes wherever cargo is told to put it (CARGO_TARGET_DIR, CARGO_BUILD_TARGET_DIR,
# `build.target-dir`, a `build.target` triple): the binary's path is read from cargo's own
# report of what it built. When nothing chooses, the target folder is shared by every rev
# (`~/.cache/stet/cargo-target`), so a `rev` bump rebuilds stet's crates, not its
# dependencies, and the clones stay small.
#
# STET_HOOK_PROFILE=debug builds the debug binary instead of the release one. STET_HOOK_BINARY
# runs that stet instead of building one (for packagers, and for tests that must not rebuild
# the workspace they run in). STET_HOOK_CARGO names the cargo to run (default: cargo).
set -e
if [ -n "$STET_HOOK_BINARY" ]; then
    exec "$STET_HOOK_BINARY" "$@"
fi
here=$(cd "$(dirname "$0")/.." && pwd)
profile=${STET_HOOK_PROFILE:-release}
kept="$here/.stet-hook/$profile/stet"
if [ -x "$kept" ]; then
    exec "$kept" "$@"
fi

cargo=${STET_HOOK_CARGO:-cargo}
if ! command -v "$cargo" >/dev/null 2>&1; then
    echo "stet hook: cargo not found: install Rust (https://rustup.rs) to build stet, or use the \`stet-system\` hooks with an installed stet" >&2
    exit 2
fi

# Tell the person at the terminal now: pre-commit holds a hook's output until it ends. The
# terminal is tried in a subshell: a failed redirection of a special built-in ends a POSIX
# shell. Without one (CI), messages and cargo's progress go to stderr, which pre-commit shows.
# On the terminal, pre-commit's `stet check.....` line is still open: end it first.
if (: >/dev/tty) 2>/dev/null; then
    exec 3>/dev/tty
    echo >&3
else
    exec 3>&2
fi
say() {
    echo "$1" >&3
}

# Where cargo would build by default, as cargo itself resolves it (environment and config).
target=$("$cargo" metadata --format-version 1 --no-deps --manifest-path "$here/Cargo.toml" 2>/dev/null |
    sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
if [ -z "$target" ] || [ "$target" = "$here/target" ]; then
    CARGO_TARGET_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/stet/cargo-target"
    export CARGO_TARGET_DIR
    target=$CARGO_TARGET_DIR
fi

version=$(sed -n 's/^version = "\(.*\)"/\1/p' "$here/Cargo.toml" | head -n 1)
say "stet hook: building stet $version from source with cargo into $target, once for this version: 3 to 5 minutes from scratch (less when an earlier version was built there); later runs start at once."

if [ "$profile" = release ]; then
    flags="--release"
else
    flags=""
fi
log="$here/.stet-hook/build.json"
mkdir -p "$here/.stet-hook/$profile"
# Cargo's progress and errors go to the terminal as they come; its JSON report of what it
# built names the binary, wherever the configuration put it.
# shellcheck disable=SC2086
if ! "$cargo" build $flags --locked --manifest-path "$here/Cargo.toml" -p stet-iac-cli --bin stet \
    --message-format=json-render-diagnostics >"$log" 2>&3; then
    say "stet hook: the build failed (cargo's messages are above)"
    exit 2
fi
built=$(sed -n 's/.*"executable":"\([^"]*\/stet\(\.exe\)\{0,1\}\)".*/\1/p' "$log" | tail -n 1)
if [ -z "$built" ] || [ ! -x "$built" ]; then
    say "stet hook: cargo built stet but did not say where (see $log)"
    exit 2
fi
# A copy in the clone: the shared target folder may later hold another version's build.
cp "$built" "$kept.tmp.$$"
mv -f "$kept.tmp.$$" "$kept"
say "stet hook: built $kept"
exec 3>&-
exec "$kept" "$@"
