#!/usr/bin/env bash
# Build the one-folder bundle dist/desk-copilot/ with PyInstaller (packaging/desk-copilot.spec).
# Usage: packaging/build.sh            (from anywhere; needs `pip install -e '.[packaging]'`)
# Env:   PYTHON (default: python)      the interpreter whose site-packages go into the bundle
#        DIST_DIR (default: dist)      where dist/desk-copilot/ is written (relative to the repo root)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python}"
DIST_DIR="${DIST_DIR:-dist}"
cd "$ROOT"

if ! "$PYTHON" -c "import PyInstaller" 2>/dev/null; then
    echo "build.sh: PyInstaller is not installed — run: pip install -e '.[packaging]'" >&2
    exit 1
fi
if ! ls ui/i18n/*.qm >/dev/null 2>&1 && command -v pyside6-lrelease >/dev/null && ls ui/i18n/*.ts >/dev/null 2>&1; then
    # The .qm files are committed; regenerate them only if a checkout lacks them.
    for ts in ui/i18n/*.ts; do pyside6-lrelease -silent "$ts" -qm "${ts%.ts}.qm"; done
fi

start=$(date +%s)
# --workpath inside build/ keeps every cache in the repo's ignored build dirs (CI starts clean).
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$DIST_DIR" --workpath build/pyinstaller packaging/desk-copilot.spec
end=$(date +%s)

bundle="$DIST_DIR/desk-copilot"
[ -x "$bundle/desk-copilot" ] || [ -d "$DIST_DIR/Desk Copilot.app" ] || [ -f "$bundle/desk-copilot.exe" ] || {
    echo "build.sh: PyInstaller finished but $bundle has no desk-copilot executable" >&2; exit 1; }
echo "build.sh: built $bundle in $((end - start)) s, $(du -sh "$bundle" | cut -f1)"
