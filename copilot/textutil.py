"""Small text helpers shared by tasks: language detection by script."""

from __future__ import annotations

import re
from typing import Literal

__all__ = ["cjk_ratio", "detect_lang"]

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")
_LETTER = re.compile(r"[A-Za-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def cjk_ratio(text: str) -> float:
    letters = len(_LETTER.findall(text))
    return len(_CJK.findall(text)) / letters if letters else 0.0


def detect_lang(text: str) -> Literal["zh", "en"]:
    """"zh" when Chinese characters make up a fifth of the letters, else "en"."""
    return "zh" if cjk_ratio(text) >= 0.2 else "en"
