#!/usr/bin/env bash
# Install the Desk Copilot bundle for the current user, under ~/.local (no root needed):
#   ~/.local/opt/desk-copilot/                  the one-folder bundle (a copy of dist/desk-copilot)
#   ~/.local/bin/desk-copilot                   symlink to the bundle's executable
#   ~/.local/share/icons/hicolor/*/apps/desk-copilot.{png,svg}
#   ~/.local/share/applications/desk-copilot.desktop     ("Open with Desk Copilot" for .docx .xlsx …)
#   ~/.local/share/metainfo/io.github.deskcopilot.DeskCopilot.metainfo.xml
# Usage: packaging/linux/install.sh [BUNDLE_DIR]     (default BUNDLE_DIR: <repo>/dist/desk-copilot)
# Env:   PREFIX (default: $HOME/.local) — tests install into a temporary HOME or PREFIX.
# Undo with packaging/linux/uninstall.sh (same PREFIX).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bundle="${1:-$here/../../dist/desk-copilot}"
PREFIX="${PREFIX:-${HOME:?HOME is not set}/.local}"
app_dir="$PREFIX/opt/desk-copilot"
bin_dir="$PREFIX/bin"
share="$PREFIX/share"

if [ ! -x "$bundle/desk-copilot" ]; then
    echo "install.sh: no bundle at $bundle (expected $bundle/desk-copilot) — build it first: packaging/build.sh" >&2
    exit 1
fi
bundle="$(cd "$bundle" && pwd)"
if [ "$bundle" = "$app_dir" ]; then
    echo "install.sh: $bundle is already the installed copy — nothing to do" >&2
    exit 1
fi

mkdir -p "$PREFIX/opt" "$bin_dir" "$share/applications" "$share/metainfo" "$share/icons/hicolor"

# Copy next to the target and swap it in, so an interrupted install never leaves half a bundle behind.
staging="$(mktemp -d "$PREFIX/opt/.desk-copilot.XXXXXX")"
trap 'rm -rf "$staging"' EXIT
cp -a "$bundle/." "$staging/"
chmod 755 "$staging"
rm -rf "$app_dir"
mv "$staging" "$app_dir"
trap - EXIT

ln -sfn "$app_dir/desk-copilot" "$bin_dir/desk-copilot"

# Icons: the hicolor tree as committed (PNG 16…512 + scalable SVG).
(cd "$here/icons/hicolor" && find . -name 'desk-copilot.*' -type f) | while read -r rel; do
    install -D -m 644 "$here/icons/hicolor/$rel" "$share/icons/hicolor/$rel"
done

# The desktop entry names the installed executable by absolute path: ~/.local/bin is not on every
# desktop session's PATH, and a TryExec that fails hides the entry from the menu.
sed -e "s|^Exec=desk-copilot|Exec=$app_dir/desk-copilot|" \
    -e "s|^TryExec=desk-copilot|TryExec=$app_dir/desk-copilot|" \
    "$here/desk-copilot.desktop" > "$share/applications/desk-copilot.desktop"
chmod 644 "$share/applications/desk-copilot.desktop"
install -m 644 "$here/io.github.deskcopilot.DeskCopilot.metainfo.xml" "$share/metainfo/"

# Caches: the MIME→app cache makes "Open with" list us at once. The icon cache is only refreshed when
# one already exists: creating one in a user's hicolor dir that nothing else maintains would hide icons
# other programs install there later.
if command -v update-desktop-database >/dev/null; then
    update-desktop-database -q "$share/applications" || true
fi
touch "$share/icons/hicolor"
if command -v gtk-update-icon-cache >/dev/null && [ -f "$share/icons/hicolor/icon-theme.cache" ]; then
    gtk-update-icon-cache -q -f -t "$share/icons/hicolor" || true
fi

echo "Installed Desk Copilot to $app_dir"
case ":$PATH:" in
    *":$bin_dir:"*) ;;
    *) echo "Note: $bin_dir is not on your PATH; add it to run desk-copilot from a terminal." ;;
esac
