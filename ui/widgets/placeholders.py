"""What a text map's placeholder tokens stand for, shown as small markers instead of ``⟦n⟧``.

A paragraph's text for the model has a token per protected piece (copilot.documents.docx.text_map):
a tab, a line break, a field, a footnote reference, an image, a link, an equation. The review
shows each as a marker the user cannot edit — "→" for a tab, "↵" for a line break, a small grey
chip ("field", "footnote", "image", "link", …) for the rest — with the meaning in the cell's
tooltip. The detail panes are read-only browsers, so a marker can never be typed over.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication

from copilot.documents.docx.markers import TOKEN, group_of, replace_tokens

__all__ = ["TOKEN", "marker_legend", "markers_html", "markers_plain"]

_CHIP = ('<span style="background-color:#e4e8f0; color:#3c4a6b; font-size:small;">'
         "&#8202;{}&#8202;</span>")
_SYMBOL = '<span style="color:#8a8f98;">{}</span>'


def _chip_text(group: str) -> str:
    return {
        "field": QCoreApplication.translate("Placeholders", "field"), "footnote": QCoreApplication.translate("Placeholders", "footnote"),
        "endnote": QCoreApplication.translate("Placeholders", "endnote"), "image": QCoreApplication.translate("Placeholders", "image"),
        "object": QCoreApplication.translate("Placeholders", "object"), "link": QCoreApplication.translate("Placeholders", "link"),
        "math": QCoreApplication.translate("Placeholders", "equation"), "comment": QCoreApplication.translate("Placeholders", "comment"),
    }.get(group, QCoreApplication.translate("Placeholders", "protected"))


def _describe(group: str) -> str:
    return {
        "tab": QCoreApplication.translate("Placeholders", "→ a tab"),
        "break": QCoreApplication.translate("Placeholders", "↵ a line break"),
        "field": QCoreApplication.translate("Placeholders", "a field (page number, date, cross-reference…), kept as it is"),
        "footnote": QCoreApplication.translate("Placeholders", "a footnote reference, kept as it is"),
        "endnote": QCoreApplication.translate("Placeholders", "an endnote reference, kept as it is"),
        "image": QCoreApplication.translate("Placeholders", "an image, kept as it is"),
        "object": QCoreApplication.translate("Placeholders", "an embedded object, kept as it is"),
        "link": QCoreApplication.translate("Placeholders", "a link, kept as it is"),
        "math": QCoreApplication.translate("Placeholders", "an equation, kept as it is"),
        "comment": QCoreApplication.translate("Placeholders", "a comment anchor, kept as it is"),
    }.get(group, QCoreApplication.translate("Placeholders", "protected content, kept as it is"))


def markers_html(text_html: str, kinds: Sequence[str]) -> str:
    """HTML (already escaped, e.g. a diff) with each token replaced by its marker."""
    symbols = {"tab": _SYMBOL.format("→") + " ", "break": _SYMBOL.format("↵") + "<br>"}
    return replace_tokens(text_html, kinds,
                          lambda group: symbols.get(group) or _CHIP.format(html.escape(_chip_text(group))))


def markers_plain(text: str, kinds: Sequence[str]) -> str:
    """Plain text with each token replaced by a marker: "→", "↵" or "[field]"."""
    symbols = {"tab": "→ ", "break": "↵ "}
    return replace_tokens(text, kinds, lambda group: symbols.get(group) or f"[{_chip_text(group)}]")


def marker_legend(text: str, kinds: Sequence[str]) -> str:
    """One line per kind of marker in ``text``: what it stands for (for a tooltip); "" if none."""
    groups: list[str] = []
    for m in TOKEN.finditer(text):
        group = group_of(kinds, int(m.group(1)))
        if group not in groups:
            groups.append(group)
    lines = []
    for group in groups:
        lead = "" if group in ("tab", "break") else f"[{_chip_text(group)}] "
        lines.append(lead + _describe(group))
    return "\n".join(lines)
