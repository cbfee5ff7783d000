#!/usr/bin/env bash
# Remove what packaging/linux/install.sh installed (same PREFIX, default $HOME/.local). Settings,
# history and prompt templates in the user's config/data dirs are kept.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PREFIX="${PREFIX:-${HOME:?HOME is not set}/.local}"
app_dir="$PREFIX/opt/desk-copilot"
share="$PREFIX/share"

# Only remove a symlink that points into our bundle: a desk-copilot from pip may live in the same bin dir.
link="$PREFIX/bin/desk-copilot"
if [ -L "$link" ] && [ "$(readlink "$link")" = "$app_dir/desk-copilot" ]; then
    rm -f "$link"
fi
if [ -d "$app_dir" ]; then
    if [ ! -e "$app_dir/desk-copilot" ]; then
        echo "uninstall.sh: $app_dir does not look like a Desk Copilot bundle — left alone" >&2
        exit 1
    fi
    rm -rf "$app_dir"
fi
rmdir "$PREFIX/opt" 2>/dev/null || true

(cd "$here/icons/hicolor" && find . -name 'desk-copilot.*' -type f) | while read -r rel; do
    rm -f "$share/icons/hicolor/$rel"
done
rm -f "$share/applications/desk-copilot.desktop" \
      "$share/metainfo/io.github.deskcopilot.DeskCopilot.metainfo.xml"

if command -v update-desktop-database >/dev/null && [ -d "$share/applications" ]; then
    update-desktop-database -q "$share/applications" || true
fi
if [ -d "$share/icons/hicolor" ]; then
    touch "$share/icons/hicolor"
    if command -v gtk-update-icon-cache >/dev/null && [ -f "$share/icons/hicolor/icon-theme.cache" ]; then
        gtk-update-icon-cache -q -f -t "$share/icons/hicolor" || true
    fi
fi
echo "Removed Desk Copilot from $PREFIX (your settings and history are kept)"
