"""What a text map's placeholder tokens (``⟦n⟧``) stand for, by the kind of protected piece.

A paragraph's text for the model carries a token per protected piece (``text_map``): a tab, a line
break, a field, a note reference, an image, a link, an equation. Readers of a polish — the app's
review, the CLI's HTML report — show each as a marker instead of the bare token. The grouping
lives here; each front end words the markers in its own way (the app through Qt's translations).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence

__all__ = ["TOKEN", "group_of", "markers_html", "replace_tokens"]

TOKEN = re.compile(r"⟦(\d+)⟧")

# Text-map placeholder kinds (w: element local names, plus "field" and "math") by what they show.
_GROUP = {
    "tab": "tab", "ptab": "tab",
    "br": "break", "cr": "break",
    "field": "field", "fldSimple": "field", "instrText": "field",
    "footnoteReference": "footnote", "endnoteReference": "endnote",
    "drawing": "image", "pict": "image", "object": "object",
    "hyperlink": "link",
    "math": "math",
    "commentReference": "comment",
}

# The HTML report is bilingual (its headings are "原文 Original" …): chips say both.
_CHIPS = {
    "field": "域 field", "footnote": "脚注 footnote", "endnote": "尾注 endnote", "image": "图片 image",
    "object": "对象 object", "link": "链接 link", "math": "公式 equation", "comment": "批注 comment",
}
_CHIP = '<span class="chip" title="{title}">{text}</span>'
_SYMBOLS = {"tab": '<span class="sym" title="tab 制表符">→</span> ',
            "break": '<span class="sym" title="line break 换行">↵</span><br>'}


def group_of(kinds: Sequence[str], number: int) -> str:
    """The marker group of token ``number`` (1-based) of a paragraph whose placeholders are ``kinds``:
    tab, break, field, footnote, endnote, image, object, link, math, comment, or other."""
    kind = kinds[number - 1] if 0 < number <= len(kinds) else ""
    return _GROUP.get(kind, "other")


def replace_tokens(text: str, kinds: Sequence[str], render: Callable[[str], str]) -> str:
    """``text`` with each token replaced by ``render(group)`` (see ``group_of``)."""
    return TOKEN.sub(lambda m: render(group_of(kinds, int(m.group(1)))), text)


def markers_html(text_html: str, kinds: Sequence[str]) -> str:
    """Escaped HTML (a diff, say) with each token shown as a marker: → for a tab, ↵ for a break, a
    bilingual chip for the rest (kept as it is — the title says so)."""
    def render(group: str) -> str:
        text = _CHIPS.get(group, "受保护 protected")
        return _SYMBOLS.get(group) or _CHIP.format(title=html.escape(f"{text}: kept as it is 原样保留"),
                                                   text=html.escape(text))

    return replace_tokens(text_html, kinds, render)
