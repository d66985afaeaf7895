#!/usr/bin/env bash
# The README's test command: set up a virtualenv with the test extras, run the suite.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[test]"
QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest "$@"
