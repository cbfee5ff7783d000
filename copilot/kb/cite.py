"""Checking a grounded answer against the chunks it was given.

The model is asked to cite ``[n]`` after every statement. Here: citation numbers that name no
retrieved chunk are removed (and reported), sentences without a valid citation are collected as
``uncited``, and numbers in the answer that appear in none of the cited chunks are reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

__all__ = ["CheckedAnswer", "check_answer", "locator_text"]

# [1], [1, 2], [1][2], 【1】, [1-2] ; full-width brackets are what Chinese models often write.
_CITE = re.compile(r"(\s*)[\[【]\s*(\d{1,3}(?:\s*[,，、\-–]\s*\d{1,3})*)\s*[\]】]")
# Sentence ends: Chinese stops, or . ! ? followed by a space — but not before a citation, which
# belongs to the sentence it follows ("... 4 hours. [2]").
_SPLIT = re.compile(r"(?<=[。！？])\s*(?![\[【])|(?<=[.!?])\s+(?![\[【])|\n+")
_NUMBER = re.compile(r"(?<![0-9A-Za-z.])\d[\d,，]*(?:\.\d+)?%?")


@dataclass
class CheckedAnswer:
    text: str
    cited: list[int] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)
    uncited: list[str] = field(default_factory=list)
    unsupported_numbers: list[str] = field(default_factory=list)


def locator_text(loc: dict[str, Any]) -> str:
    if "paragraph" in loc:
        part = f"{loc['part']} " if loc.get("part") else ""
        heading = f" ({loc['heading']})" if loc.get("heading") else ""
        return f"{part}paragraph {loc['paragraph']}{heading}"
    if "slide" in loc:
        return f"slide {loc['slide']}"
    if "page" in loc:
        return f"page {loc['page']}"
    if "sheet" in loc:
        return f"sheet {loc['sheet']}, rows {loc['rows']}"
    if "line" in loc:
        return f"line {loc['line']}"
    return ""


def _numbers(group: str) -> list[int]:
    parts = [int(x) for x in re.findall(r"\d+", group)]
    if re.search(r"[\-–]", group) and len(parts) == 2 and 0 < parts[1] - parts[0] < 10:
        return list(range(parts[0], parts[1] + 1))
    return parts


def _norm_number(text: str) -> str:
    return text.replace(",", "").replace("，", "").rstrip("%")


def check_answer(text: str, sources: list[str]) -> CheckedAnswer:
    """``sources[i]`` is the text of chunk ``i + 1`` as the model saw it."""
    result = CheckedAnswer(text)
    valid = set(range(1, len(sources) + 1))

    def fix(match: re.Match[str]) -> str:
        numbers = _numbers(match.group(2))
        good = [n for n in numbers if n in valid]
        result.removed.extend(n for n in numbers if n not in valid and n not in result.removed)
        for n in good:
            if n not in result.cited:
                result.cited.append(n)
        # A citation removed whole takes its leading space with it: "99.9% [3]." -> "99.9%."
        return match.group(1) + "".join(f"[{n}]" for n in good) if good else ""

    cleaned = _CITE.sub(fix, text)
    result.text = cleaned.strip()
    source_numbers = {_norm_number(n) for s in sources for n in _NUMBER.findall(s)}
    for sentence in _SPLIT.split(cleaned):
        plain = sentence.strip()
        if not plain or len(re.sub(r"\W", "", plain)) < 2:
            continue
        cites = [int(n) for n in re.findall(r"\[(\d+)\]", plain)]
        bare = re.sub(r"\[\d+\]", "", plain).strip()
        if not cites and not _is_filler(bare):
            result.uncited.append(bare)
        for number in _NUMBER.findall(bare):
            norm = _norm_number(number)
            if len(norm) < 2 and not number.endswith("%"):
                continue  # single digits ("1 night", list numbers) carry too little to check
            pool = {_norm_number(n) for c in cites if c in valid for n in _NUMBER.findall(sources[c - 1])} \
                if cites else source_numbers
            if norm not in pool and number not in result.unsupported_numbers:
                result.unsupported_numbers.append(number)
    return result


def _is_filler(sentence: str) -> bool:
    # Headings of a list ("Sources:") and the "nothing found" sentence need no citation.
    return sentence.endswith((":", "：")) or len(sentence) < 4
