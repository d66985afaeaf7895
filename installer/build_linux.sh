#!/usr/bin/env bash
# Build the Linux onedir app (dist/taggenius/) and smoke-test it. CI runs this.
#
#   installer/build_linux.sh            build + self-test
#   PYTHON=/path/to/python installer/build_linux.sh
#
# Prints build time, size of dist/taggenius and start-up time of `--version`, and fails
# when the self-test fails or a process of the frozen app is still running after it.
set -euo pipefail

cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
DIST_APP="dist/taggenius"
EXE="$DIST_APP/taggenius"

started=$(date +%s)
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN build.spec
build_seconds=$(( $(date +%s) - started ))

echo "== build: ${build_seconds} s; size: $(du -sh "$DIST_APP" | cut -f1) ($(find "$DIST_APP" -type f | wc -l) files)"

# Start-up time of the frozen executable (the bootloader unpacks nothing in onedir;
# this is Python start + our imports for the CLI path).
t0=$(date +%s%N)
version=$("$EXE" --version)
t1=$(date +%s%N)
echo "== start-up: $(( (t1 - t0) / 1000000 )) ms for '$EXE --version' -> $version"

# The self-test must not need a display: it opens no window.
export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}
status=0
"$EXE" --self-test || status=$?

# No worker may outlive the app (they would keep running up an API bill).
sleep 1
exe_abs=$(cd "$DIST_APP" && pwd)/taggenius
if leftovers=$(pgrep -a -f -- "$exe_abs"); then
    echo "== FAIL: processes of the frozen app still running after the self-test:" >&2
    echo "$leftovers" >&2
    exit 1
fi

if [[ $status -ne 0 ]]; then
    echo "== FAIL: self-test exited with $status" >&2
    exit "$status"
fi
echo "== Linux build OK: $EXE"
