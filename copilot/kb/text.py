"""Text for the full-text index: Latin words as they are, CJK runs as overlapping character pairs.

SQLite's ``unicode61`` tokenizer keeps a run of Chinese characters as one token, so "出差住宿标准"
would only match itself. Indexing every pair ("出差 差住 住宿 宿标 标准") lets a two-character
word match anywhere, and a longer query matches through its pairs, ranked by BM25.
"""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = ["fts_query", "index_text", "query_terms", "terms"]

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af"
_TOKEN = re.compile(rf"[{_CJK}]+|[^\W_]+", re.UNICODE)
_IS_CJK = re.compile(rf"[{_CJK}]")
# Question words in a Chinese query ("……是多少？") match everything and nothing: they are cut out
# of the query before pairing, so "标准是多少" searches "标准" without a stray "准是".
_QUESTION_WORDS = re.compile(
    "什么时候|为什么|是多少|是什么|怎么样|有哪些|是不是|能不能|请问|多少|什么|怎么|如何|哪些|哪个|哪里|是否|几天|几个|吗|呢|吧|的|了|是")
_EN_STOP = frozenset(
    ["a", "an", "the", "is", "are", "was", "were", "be", "been", "do", "does", "did", "what", "which", "who", "whom", "how", "when", "where", "why", "of", "in", "on", "at", "to", "for", "from", "by", "with", "and", "or", "not", "no", "it", "its", "this", "that", "these", "those", "we", "our", "you", "your", "i", "me", "my", "us", "they", "them", "their", "he", "she", "his", "her", "can", "could", "should", "would", "will", "shall", "may", "might", "must", "about", "into", "than", "then", "there", "here", "any", "all"]
)


def terms(text: str) -> list[str]:
    """The index terms of ``text``, in order (lower-cased words, CJK pairs)."""
    out: list[str] = []
    for match in _TOKEN.finditer(text):
        token = match.group(0)
        if _IS_CJK.match(token):
            if len(token) == 1:
                out.append(token)
            else:
                out.extend(token[i:i + 2] for i in range(len(token) - 1))
        else:
            out.append(token.lower())
    return out


def index_text(text: str) -> str:
    """What goes into the FTS5 column for ``text``."""
    return " ".join(terms(text))


def query_terms(query: str) -> list[str]:
    """The query's terms without question words, unless nothing else is left."""
    found = terms(query)
    meaningful = [t for t in terms(_QUESTION_WORDS.sub(" ", query)) if t not in _EN_STOP]
    return list(dict.fromkeys(meaningful or found))


def fts_query(query: str, doc_freq: Callable[[list[str]], dict[str, int]] | None = None,
              total: int = 0) -> str | None:
    """An FTS5 MATCH expression: any of the query's terms, each quoted (no operator injection).

    With ``doc_freq`` and the ``total`` chunk count, terms found in more than a tenth of the
    chunks are left out while rarer ones remain: they add almost nothing to BM25 yet make it
    score most of the index (200 ms instead of 10 at 100,000 chunks). None when nothing is left.
    """
    unique = query_terms(query)[:64]
    if doc_freq is not None and total > 1000 and len(unique) > 1:
        freq = doc_freq(unique)
        rare = [t for t in unique if freq[t] <= total // 10]
        unique = rare or sorted(unique, key=lambda t: freq[t])[:2]
    if not unique:
        return None
    return " OR ".join('"' + t.replace('"', '""') + '"' for t in unique)
