#!/usr/bin/env bash
# Create .venv-903 at the repository root if missing and install the DfE-rules 903 validator.
# It pins pandas<2 and numpy<1.25, so it lives apart from the app's .venv (decision 0004).
# Idempotent: reinstalls only when the pins below change. Run from anywhere.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
# pandas 1.5.3 and numpy 1.24.4 are the newest releases the validator accepts with Python 3.11
# wheels; its CLI module imports pytest, so that comes too.
PINS=(csc-validator-be-903==0.1.17 pandas==1.5.3 numpy==1.24.4 pytest==8.3.5)
if ! "$PYTHON" -c 'import sys; sys.exit(not (3, 9) <= sys.version_info[:2] <= (3, 11))'; then
  echo "The 903 validator's pandas 1.5 and numpy 1.24 need Python 3.9 to 3.11;" \
    "set PYTHON=/path/to/python3.11" >&2
  exit 1
fi
if [ ! -x .venv-903/bin/python ]; then
  echo "Creating .venv-903"
  "$PYTHON" -m venv .venv-903
fi
stamp=".venv-903/.installed-$(printf '%s\n' "${PINS[@]}" | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "Installing the 903 validator into .venv-903"
  .venv-903/bin/python -m pip install --quiet --upgrade pip
  .venv-903/bin/python -m pip install --quiet "${PINS[@]}"
  rm -f .venv-903/.installed-*
  touch "$stamp"
fi
