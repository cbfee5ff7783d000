"""What a rewrite must not change. A paragraph failing any guard keeps its original text.

Checked: protected placeholders (same tokens, same order), numbers / amounts / percentages /
dates (same multiset of values), URLs and e-mail addresses (same multiset), and the length ratio
allowed by the preset. Translation presets also accept English month names for numeric months.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from copilot.documents.docx.text_map import TOKEN_RE, strip_tokens

__all__ = ["LengthLimits", "check_rewrite", "limits_for"]

_URL = re.compile(r"(?:https?://|ftp://|www\.)[^\s<>\"'，。；、）)\]】]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)
_NUMBER = re.compile(r"\d+(?:[,，]\d{3})*(?:\.\d+)?")
_MONTHS = {m: str(i) for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"], start=1)}
_MONTH_RE = re.compile(r"\b(" + "|".join(_MONTHS) + r"|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\b\.?",
                       re.IGNORECASE)
_MONTH_ABBR = {k[:3]: v for k, v in _MONTHS.items()} | {"sept": "9"}


@dataclass(frozen=True)
class LengthLimits:
    low: float
    high: float
    slack: int = 12  # characters: short lines may change a lot relatively

    def ok(self, old: str, new: str) -> bool:
        a, b = len(old), len(new)
        if abs(a - b) <= self.slack:
            return True
        return a > 0 and self.low <= b / a <= self.high


_LIMITS = {
    "polish.polish": LengthLimits(0.6, 1.6),
    "polish.formal": LengthLimits(0.6, 1.8),
    "polish.lively": LengthLimits(0.6, 1.8),
    "polish.concise": LengthLimits(0.25, 1.1),
    "polish.expand": LengthLimits(0.9, 3.5),
    "polish.fix": LengthLimits(0.8, 1.25),
    "polish.match_style": LengthLimits(0.5, 2.0),
    # Chinese is about a third of English in characters.
    "polish.translate_zh_en": LengthLimits(0.8, 6.0, slack=30),
    "polish.translate_en_zh": LengthLimits(0.12, 1.3, slack=12),
}
_DEFAULT = LengthLimits(0.3, 3.0)


def limits_for(template_id: str) -> LengthLimits:
    return _LIMITS.get(template_id, _DEFAULT)


def _numbers(text: str, months: bool) -> Counter[str]:
    text = unicodedata.normalize("NFKC", strip_tokens(text))
    found: Counter[str] = Counter()
    for m in _NUMBER.finditer(_URL.sub(" ", text)):
        raw = re.sub(r"[,，]", "", m.group())
        try:
            found[format(Decimal(raw).normalize(), "f")] += 1
        except InvalidOperation:  # pragma: no cover - the regex only matches digits
            found[raw] += 1
    if months:
        for m in _MONTH_RE.finditer(text):
            word = m.group(1).lower()
            found[_MONTHS.get(word) or _MONTH_ABBR[word[:4] if word == "sept" else word[:3]]] += 1
    return found


def _links(text: str) -> Counter[str]:
    return Counter(u.rstrip(".,;:!?") for u in _URL.findall(unicodedata.normalize("NFKC", text)))


def _describe(c: Counter[str]) -> str:
    return ", ".join(sorted(c.elements()))[:80]


def check_rewrite(original: str, rewrite: str, template_id: str) -> str | None:
    """The reason to reject ``rewrite`` of ``original``, or None when it may be applied."""
    if not rewrite.strip():
        return "the model returned an empty paragraph"
    if "\n" in rewrite.strip():
        return "the model split the paragraph into several lines"
    old_tokens, new_tokens = TOKEN_RE.findall(original), TOKEN_RE.findall(rewrite)
    if old_tokens != new_tokens:
        missing = Counter(old_tokens) - Counter(new_tokens)
        extra = Counter(new_tokens) - Counter(old_tokens)
        if missing:
            return f"dropped {sum(missing.values())} protected item(s) (field, note reference, tab, image)"
        if extra:
            return f"added {sum(extra.values())} protected item(s) that were not in the paragraph"
        return "moved protected items (fields, note references, tabs, images) out of order"
    translating = template_id.startswith("polish.translate")
    old_links, new_links = _links(original), _links(rewrite)
    if old_links != new_links:
        if old_links - new_links:
            return f"changed or dropped a URL / e-mail address ({_describe(old_links - new_links)})"
        return f"added a URL / e-mail address ({_describe(new_links - old_links)})"
    old_nums, new_nums = _numbers(original, False), _numbers(rewrite, False)
    if translating:
        # Month names may stand for month numbers either way; nothing may be dropped or invented.
        old_full, new_full = _numbers(original, True), _numbers(rewrite, True)
        if not (old_nums <= new_full and new_nums <= old_full):
            return f"changed numbers (before: {_describe(old_nums) or 'none'}; after: {_describe(new_nums) or 'none'})"
    elif old_nums != new_nums:
        return f"changed numbers (before: {_describe(old_nums) or 'none'}; after: {_describe(new_nums) or 'none'})"
    limits = limits_for(template_id)
    if not limits.ok(strip_tokens(original), strip_tokens(rewrite)):
        ratio = len(strip_tokens(rewrite)) / max(1, len(strip_tokens(original)))
        return f"length changed too much ({ratio:.2f}× the original; allowed {limits.low}–{limits.high}×)"
    return None
