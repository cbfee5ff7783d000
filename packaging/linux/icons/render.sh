#!/usr/bin/env bash
# Regenerate the committed PNG icons (hicolor/<N>x<N>/apps/desk-copilot.png) and the Windows .ico from
# hicolor/scalable/apps/desk-copilot.svg (the same design as ui/icons/app.svg). Needs rsvg-convert (Debian: librsvg2-bin) or
# ImageMagick's convert; the .ico needs ImageMagick. The SVG itself is the source and is installed as-is.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
svg="$here/hicolor/scalable/apps/desk-copilot.svg"
sizes=(16 22 24 32 48 64 128 256 512)
for n in "${sizes[@]}"; do
    out="$here/hicolor/${n}x${n}/apps/desk-copilot.png"
    mkdir -p "$(dirname "$out")"
    if command -v rsvg-convert >/dev/null; then
        rsvg-convert -w "$n" -h "$n" "$svg" -o "$out"
    else
        convert -background none -density 1200 "$svg" -resize "${n}x${n}" "PNG32:$out"
    fi
done
if command -v convert >/dev/null; then
    convert "$here"/hicolor/{16x16,24x24,32x32,48x48,64x64,128x128,256x256}/apps/desk-copilot.png \
        "$here/../../windows/desk-copilot.ico"
fi
echo "render.sh: icons written under $here/hicolor"
