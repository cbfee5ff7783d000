"""The HTML review report: a side-by-side diff of every changed and every rejected paragraph.

Everything from the document or the model is escaped; the page has no scripts and loads nothing.
"""

from __future__ import annotations

import difflib
import html
from typing import TYPE_CHECKING

from copilot.documents.docx.diff import tokenize
from copilot.documents.docx.markers import markers_html

if TYPE_CHECKING:
    from copilot.tasks.polish_docx import ParagraphOutcome, PolishResult

__all__ = ["render_report"]

_CSS = """
body{font-family:system-ui,"Segoe UI","PingFang SC","Microsoft YaHei",sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.5em;vertical-align:top;
text-align:left}th{background:#f4f4f4}del{background:#fdd;text-decoration:line-through}ins{background:#dfd;
text-decoration:none}.rejected td.reason{color:#a00}.num{color:#888;white-space:nowrap}
.chip{background:#e4e8f0;color:#3c4a6b;font-size:small;padding:0 .2em;border-radius:3px}.sym{color:#8a8f98}
"""


def side_by_side(old: str, new: str, deleted: str = "<del>{}</del>",
                 inserted: str = "<ins>{}</ins>") -> tuple[str, str]:
    """(original, rewrite) as escaped HTML with each deleted/inserted run wrapped in the given markup."""
    a, b = tokenize(old), tokenize(new)
    left: list[str] = []
    right: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        x, y = html.escape("".join(a[i1:i2])), html.escape("".join(b[j1:j2]))
        if op == "equal":
            left.append(x)
            right.append(y)
            continue
        if x:
            left.append(deleted.format(x))
        if y:
            right.append(inserted.format(y))
    return "".join(left), "".join(right)


def _row(o: ParagraphOutcome) -> str:
    # Tokens are whole diff tokens, so each side's markers replace them after the diff.
    left, right = (markers_html(side, o.placeholders) for side in side_by_side(o.original, o.rewrite))
    reason = f'<td class="reason">{html.escape(o.reason)}</td>' if o.status == "rejected" else "<td>changed</td>"
    return (f'<tr class="{o.status}"><td class="num">{o.paragraph}<br>{html.escape(o.part)}</td>'
            f"<td>{left}</td><td>{right}</td>{reason}</tr>")


def render_report(result: PolishResult, source_name: str) -> str:
    rows = [_row(o) for o in result.outcomes if o.status in ("changed", "rejected")]
    title = html.escape(f"Polish report — {source_name}")
    summary = html.escape(
        f"{result.paragraphs} paragraphs · {result.changed} changed · {result.unchanged} unchanged · "
        f"{len(result.rejected)} rejected · template {result.template} · mode {result.mode} · model {result.model}")
    body = "\n".join(rows) or '<tr><td colspan="4">No changes.</td></tr>'
    return (f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title>'
            f'<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'">'
            f"<style>{_CSS}</style></head><body><h1>{title}</h1><p>{summary}</p>"
            f"<table><thead><tr><th>#</th><th>原文 Original</th><th>改写 Rewrite</th><th>结果 Result</th></tr>"
            f"</thead><tbody>\n{body}\n</tbody></table></body></html>\n")
