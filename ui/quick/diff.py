"""A word-level diff (character-level for Chinese) of the selection and the rewrite, as HTML."""

from __future__ import annotations

import difflib
import html
import re

__all__ = ["diff_html", "diff_ops", "tokens"]

_CJK = "\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
_TOKEN = re.compile(rf"[{_CJK}]|\w+|\s+|[^\w\s]", re.UNICODE)


def tokens(text: str) -> list[str]:
    """Words, single CJK characters, runs of whitespace and single punctuation marks."""
    return _TOKEN.findall(text)


def diff_ops(before: str, after: str) -> list[tuple[str, str]]:
    """``[(op, text)]`` with op in "equal", "delete", "insert"; deletions come before insertions."""
    a, b = tokens(before), tokens(after)
    out: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.append(("equal", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(("delete", "".join(a[i1:i2])))
        if j2 > j1:
            out.append(("insert", "".join(b[j1:j2])))
    return out


def _esc(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")


def diff_html(before: str, after: str) -> str:
    """Deletions struck through in red, insertions underlined in green (for a QTextBrowser)."""
    parts = []
    for op, text in diff_ops(before, after):
        if op == "equal":
            parts.append(_esc(text))
        elif op == "delete":
            parts.append(f'<span style="color:#b3261e;text-decoration:line-through">{_esc(text)}</span>')
        else:
            parts.append(f'<span style="color:#1b7f3b;text-decoration:underline">{_esc(text)}</span>')
    return "".join(parts)
