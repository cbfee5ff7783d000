"""Checking the claims a narrated answer makes about the query result, beyond its numbers.

``trace.untraceable_numbers`` catches a number the result does not hold; a narration can still be
wrong with every number right: 「华南区域的销售额最高，其次是华东」 over a result whose first row is
华东. This module finds, in zh and en, the claims a result can refute and checks each against the
rows:

- superlatives (最高/最低/最多/最少/第一, highest/lowest/most/least/top/largest/smallest): the named
  entity must hold the max (min) of the measured column;
- ranks (第二/第三/其次/次之/倒数第二, second/third/followed by/runner-up) and top-N lists
  (前三, top 3): the entity's rank in that column;
- comparisons between two named entities (A 高于/超过/低于 B, A 比 B 高, A is higher than B,
  A outsold B);
- entity names the result does not hold: a value of the sheet's own label columns that is not in the
  result, or a "<name> 区域 / the <Name> region" the result never mentions.

The measured column is the numeric result column the clause names (directly, or through the source
column its SQL expression aggregates), else the ``ORDER BY`` column, else the only numeric one.
A claim the checker cannot pin to a column and a row is left alone: a false alarm on a right answer
costs trust too. Negated clauses (不是最高, not the highest) are skipped.

``mentions_from_text`` finds entities by name; ``cellrefs`` supplies mentions whose rows are known
exactly (the narration-with-cell-references alternative), and both go through ``check_mentions``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from copilot.numbers import format_value, is_number
from copilot.textutil import detect_lang

__all__ = ["Mention", "check_mentions", "mentions_from_text", "unsupported_claims"]


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    name: str
    rows: frozenset[int]  # result rows this mention stands for; empty when not in the result
    column: int | None = None  # a numeric cell reference's column (cell-reference narrations)


_CN_NUM = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_EN_ORD = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5}
_EN_NUM = {"two": 2, "three": 3, "four": 4, "five": 5, "ten": 10}

# Keyword kinds: ("max"|"min", rank) for superlatives and ranks; ("next",) for 其次; ("top", n);
# ("gt"|"lt",) for comparisons; ("than_gt"|"than_lt",) for 比 ... 高/低.
_KEYWORDS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"倒数第([一二两三四五六七八九十\d])"), "minrank"),
    (re.compile(r"(?:排名|排|位列|位居|名列)?第([一二三四五六七八九十\d])(?:名|位|高|多|大)?"), "rank"),
    (re.compile(r"前([一二两三四五六七八九十\d])(?:名|位|个|大)?"), "top"),
    (re.compile(r"\btop[ -](\d+|two|three|four|five|ten)\b", re.I), "top"),
    (re.compile(r"\b(second|third|fourth|fifth|2nd|3rd|4th|5th)(?:[ -](?:highest|largest|most|biggest|place))?\b",
                re.I), "rank_en"),
    (re.compile(r"\b(second|third)[ -](?:lowest|smallest|least|fewest)\b", re.I), "minrank_en"),
    (re.compile(r"其次|次之|紧随其后|\bfollowed by\b|\brunner-up\b|\bnext (?:is|came|comes)\b", re.I), "next"),
    (re.compile(r"最高|最多|最大|最好|最佳|最强|居首|榜首|第一位|排名第一|排第一|冠军"), "max"),
    (re.compile(r"\b(?:highest|most|largest|biggest|greatest|best|leading|led|leads|top|maximum|ranks? first|"
                r"came first|number one)\b", re.I), "max"),
    (re.compile(r"最低|最少|最小|最差|最弱|垫底|末位|倒数第一"), "min"),
    (re.compile(r"\b(?:lowest|least|smallest|fewest|worst|bottom|minimum|last place|ranks? last)\b", re.I), "min"),
    (re.compile(r"高于|超过|超出|多于|大于|领先于?|胜过|优于|\b(?:higher|more|greater|larger|bigger|better)\s+than\b|"
                r"\b(?:outsold|outperformed|outperforms|exceeded|exceeds|surpassed|surpasses|beat|beats|"
                r"ahead of|above)\b", re.I), "gt"),
    (re.compile(r"低于|少于|小于|不如|不及|落后于?|\b(?:lower|less|fewer|smaller|worse)\s+than\b|"
                r"\b(?:trailed|trails|lagged|lags|behind|below)\b", re.I), "lt"),
    (re.compile(r"比"), "than"),
]
_THAN_UP = re.compile(r"^[^，,。；;]{0,12}?(高|多|大|强|好)")
_THAN_DOWN = re.compile(r"^[^，,。；;]{0,12}?(低|少|小|弱|差)")
_NEGATION = re.compile(r"不是|并非|并不|不算|\bnot\b|n't\b|\bnever\b|\bno longer\b", re.I)
_CLAUSE_BREAK = re.compile(r"[，、：]|,(?!\d{3})|:(?!\d)|\b(?:but|while|whereas|and)\b|但|而")
# Sentences end at 。！？；, and at . ! ? ; followed by a space or the end (never inside 1,234.56).
_SENTENCE_TEXT = re.compile(r"(?:[^。！？!?；;\n.]|\.(?=\d))+(?:\.(?!\d))?")

# "<name>区域", "the <Name> region": names a narration gives to the entities it talks about.
_ZH_NAMED = re.compile(r"([\u4e00-\u9fff]{2,4}?)(?:区域|地区|大区|片区|分公司|门店|事业部)")
_EN_NAMED = re.compile(r"\b([A-Z][\w&-]+(?: [A-Z][\w&-]+)?) (?:region|area|store|branch|team|department|"
                       r"division|office)s?\b")
_NOT_NAMES = {"所有", "各个", "其他", "其余", "这个", "这些", "那些", "哪个", "每个", "整个", "全部", "不同",
              "多个", "几个", "两个", "三个", "其中", "该", "本", "其它", "排名", "销售", "最高", "最低",
              "The", "Each", "Every", "All", "This", "That", "Other", "Which", "Any", "No", "One", "Another",
              "Top", "Bottom", "Second", "Third", "Its", "Their", "Every Other", "Sales", "Highest", "Lowest"}


def _word_pattern(name: str) -> re.Pattern[str]:
    escaped = re.escape(name)
    if re.fullmatch(r"[\w .&'-]+", name, re.ASCII):
        return re.compile(rf"(?<![\w]){escaped}(?![\w])", re.I)
    return re.compile(escaped)


def _label(value: Any) -> str | None:
    if value is None or is_number(value) or isinstance(value, bool):
        return None
    text = " ".join(str(value).split())
    if not text or len(text) > 40 or (len(text) < 2 and not re.match(r"[\u4e00-\u9fff]", text)):
        return None
    return text


def _result_labels(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> dict[str, set[int]]:
    labels: dict[str, set[int]] = {}
    for i, row in enumerate(rows):
        for j in range(len(columns)):
            name = _label(row[j]) if j < len(row) else None
            if name is not None:
                labels.setdefault(name, set()).add(i)
    return labels


def mentions_from_text(answer: str, columns: Sequence[str], rows: Sequence[Sequence[Any]],
                       known_names: Iterable[str] = ()) -> list[Mention]:
    """Where the narration names a result entity (or a sheet value the result does not hold)."""
    labels = _result_labels(columns, rows)
    names: dict[str, frozenset[int]] = {n: frozenset(r) for n, r in labels.items()}
    for extra in known_names:
        name = _label(extra)
        if name is not None and name not in names:
            names[name] = frozenset()
    taken: list[tuple[int, int]] = []
    found: list[Mention] = []
    for name in sorted(names, key=len, reverse=True):
        for m in _word_pattern(name).finditer(answer):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            found.append(Mention(m.start(), m.end(), name, names[name]))
    return sorted(found, key=lambda x: x.start)


def _numeric_columns(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[int]:
    out = []
    for j in range(len(columns)):
        values = [r[j] for r in rows if j < len(r) and r[j] is not None]
        if values and all(is_number(v) for v in values):
            out.append(j)
    return out


def _bare(text: str) -> str:
    return re.sub(r'[\s"`\[\]]', "", text).lower()


def _column_words(columns: Sequence[str], sql: str, source_columns: Iterable[str]) -> list[set[str]]:
    """Words naming each result column: its own name, and source columns its SQL expression uses."""
    words = [{c} for c in columns]
    sources = [s for s in source_columns if s]
    for m in re.finditer(r"([^,]+?)\s+AS\s+(\"[^\"]+\"|[^\s,()]+)", sql, re.I):
        expr, alias = m.group(1), m.group(2).strip('"')
        for j, c in enumerate(columns):
            if c == alias:
                words[j].update(s for s in sources if s in expr)
    for j, c in enumerate(columns):
        words[j].update(s for s in sources if s in c)
    return words


def _order_by(columns: Sequence[str], sql: str) -> tuple[int | None, bool]:
    """The result column the SQL orders by first, and whether descending."""
    found = list(re.finditer(r"ORDER\s+BY\s+(.+?)(?:\bLIMIT\b|\bOFFSET\b|\)|;|$)", sql, re.I | re.S))
    if not found:
        return None, True
    first = found[-1].group(1).split(",")[0].strip()
    desc = bool(re.search(r"\bDESC\b", first, re.I))
    expr = re.sub(r"\s+(ASC|DESC)\b.*$", "", first, flags=re.I | re.S).strip()
    if expr.isdigit():
        k = int(expr) - 1
        return (k if 0 <= k < len(columns) else None), desc
    bare = _bare(expr)
    for j, c in enumerate(columns):
        if _bare(c) == bare:
            return j, desc
    for m in re.finditer(r"([^,]+?)\s+AS\s+(\"[^\"]+\"|[^\s,()]+)", sql, re.I):
        if _bare(m.group(1).split("SELECT")[-1]) == bare:
            alias = m.group(2).strip('"')
            if alias in columns:
                return columns.index(alias), desc
    return None, desc


@dataclass
class _Context:
    columns: Sequence[str]
    rows: Sequence[Sequence[Any]]
    numeric: list[int]
    words: list[set[str]]
    order: int | None
    lang: str
    styles: Sequence[Any]


def _measure(ctx: _Context, clause: str) -> int | None:
    named = [j for j in ctx.numeric if any(w and w in clause for w in ctx.words[j])]
    if len(named) == 1:
        return named[0]
    if named:
        # the longest name wins: "总数量" over "数量"
        return max(named, key=lambda j: max(len(w) for w in ctx.words[j] if w in clause))
    if ctx.order is not None and ctx.order in ctx.numeric:
        return ctx.order
    return ctx.numeric[0] if len(ctx.numeric) == 1 else None


def _ranks(ctx: _Context, col: int, descending: bool) -> dict[int, int]:
    """Competition rank of each row with a value in ``col`` (1 = highest when descending)."""
    values = {i: float(r[col]) for i, r in enumerate(ctx.rows) if col < len(r) and is_number(r[col])}
    return {i: 1 + sum(1 for w in values.values() if (w > v if descending else w < v)) for i, v in values.items()}


def _who(ctx: _Context, rows: Iterable[int], exclude: str = "") -> str:
    names = []
    for i in rows:
        for v in ctx.rows[i]:
            label = _label(v)
            if label and label != exclude and label not in names:
                names.append(label)
                break
    return "、".join(names) if ctx.lang == "zh" else ", ".join(names)


def _value(ctx: _Context, row: int, col: int) -> str:
    style = ctx.styles[col] if col < len(ctx.styles) else None
    return format_value(ctx.rows[row][col], style)


def _ordinal(n: int) -> str:
    return {1: "1st", 2: "2nd", 3: "3rd"}.get(n, f"{n}th")


def _check_rank(ctx: _Context, m: Mention, col: int, rank: int, descending: bool) -> str | None:
    ranks = _ranks(ctx, col, descending)
    held = [ranks[i] for i in m.rows if i in ranks]
    if not held or rank in held:
        return None
    if len(m.rows) > 1 and rank != 1:
        return None  # several rows per entity: a rank of one of them is not a rank of the entity
    if rank == 1 and min(held) == 1:
        return None
    holders = [i for i, r in ranks.items() if r == rank]
    measure = ctx.columns[col]
    zh = ctx.lang == "zh"
    if rank == 1:
        top = _who(ctx, holders)
        if descending:
            return (f"结果中{measure}最高的是{top}，不是{m.name}" if zh
                    else f"{m.name} is not the highest in the result; {top} is")
        return (f"结果中{measure}最低的是{top}，不是{m.name}" if zh
                else f"{m.name} is not the lowest in the result; {top} is")
    actual = min(held)
    side = "" if descending else ("倒数" if zh else " from the bottom")
    who = _who(ctx, holders) if holders else ("无" if zh else "no one")
    if zh:
        return f"{m.name}在结果中{measure}排{side}第 {actual} 位，不是第 {rank} 位（第 {rank} 位是{who}）"
    return f"{m.name} ranks {_ordinal(actual)}{side} by {measure} in the result, not {_ordinal(rank)} ({who} is)"


def _check_top(ctx: _Context, m: Mention, col: int, n: int, descending: bool) -> str | None:
    ranks = _ranks(ctx, col, descending)
    held = [ranks[i] for i in m.rows if i in ranks]
    if not held or min(held) <= n:
        return None
    return (f"{m.name}不在结果中{ctx.columns[col]}的前 {n} 名里" if ctx.lang == "zh"
            else f"{m.name} is not in the top {n} by {ctx.columns[col]} in the result")


def _check_compare(ctx: _Context, a: Mention, b: Mention, col: int, greater: bool) -> str | None:
    if len(a.rows) != 1 or len(b.rows) != 1:
        return None
    ia, ib = next(iter(a.rows)), next(iter(b.rows))
    va, vb = ctx.rows[ia][col], ctx.rows[ib][col]
    if not (is_number(va) and is_number(vb)):
        return None
    holds = float(va) > float(vb) if greater else float(va) < float(vb)
    if holds:
        return None
    sa, sb, measure = _value(ctx, ia, col), _value(ctx, ib, col), ctx.columns[col]
    if ctx.lang == "zh":
        word = "不高于" if greater else "不低于"
        return f"结果中{a.name}的{measure}（{sa}）{word}{b.name}（{sb}）"
    word = "higher" if greater else "lower"
    return f"{a.name} ({sa}) is not {word} than {b.name} ({sb}) by {measure} in the result"


def _number_of(text: str) -> int:
    if text.isdigit():
        return int(text)
    return _CN_NUM.get(text) or _EN_ORD.get(text.lower()) or _EN_NUM.get(text.lower(), 0)


def _keywords(sentence: str) -> list[tuple[int, int, str, int]]:
    """(start, end, kind, n) for every claim keyword, earlier patterns winning overlaps."""
    taken: list[tuple[int, int]] = []
    found = []
    for pattern, pattern_kind in _KEYWORDS:
        for m in pattern.finditer(sentence):
            kind = pattern_kind
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            n = _number_of(m.group(1)) if m.groups() and m.group(1) else 0
            if kind in ("rank", "rank_en") and n == 1:
                kind = "max"
            if kind == "minrank" and n == 1:
                kind = "min"
            if kind in ("rank", "rank_en", "minrank", "minrank_en", "top") and n == 0:
                continue
            taken.append((m.start(), m.end()))
            found.append((m.start(), m.end(), kind, n))
    return sorted(found)


def _clause_bounds(sentence: str, at: int) -> tuple[int, int]:
    start, end = 0, len(sentence)
    for m in _CLAUSE_BREAK.finditer(sentence):
        if m.end() <= at:
            start = m.end()
        elif m.start() >= at:
            end = m.start()
            break
    return start, end


def check_mentions(answer: str, mentions: Sequence[Mention], columns: Sequence[str],
                   rows: Sequence[Sequence[Any]], *, sql: str = "", question: str = "",
                   source_columns: Iterable[str] = (), styles: Sequence[Any] = ()) -> list[dict[str, str]]:
    """The claims in ``answer`` the result refutes, as ``{"claim", "reason"}``."""
    numeric = _numeric_columns(columns, rows)
    order, order_desc = _order_by(columns, sql)
    ctx = _Context(columns, rows, numeric, _column_words(columns, sql, source_columns), order,
                   "zh" if detect_lang(answer) == "zh" else "en", styles)
    out: list[dict[str, str]] = []
    seen: set[str] = set()

    def add(claim: str, reason: str) -> None:
        claim = claim.strip(" ，,。.；;")
        if reason not in seen:
            seen.add(reason)
            out.append({"claim": claim, "reason": reason})

    for sm in _SENTENCE_TEXT.finditer(answer):
        sentence, base = sm.group(0), sm.start()
        if not sentence.strip():
            continue
        local = [Mention(m.start - base, m.end - base, m.name, m.rows, m.column) for m in mentions
                 if base <= m.start and m.end <= base + len(sentence)]
        entities = [m for m in local if m.column is None]
        direction, last_rank = True, 0
        keywords = _keywords(sentence)
        for at, (start, end, kind, n) in enumerate(keywords):
            until = keywords[at + 1][0] if at + 1 < len(keywords) else len(sentence)
            c0, c1 = _clause_bounds(sentence, start)
            clause = sentence[c0:c1]
            if _NEGATION.search(clause):
                continue
            col = _measure(ctx, clause) if kind not in ("gt", "lt", "than") else _measure(ctx, sentence)
            if col is None:
                continue
            inside = [m for m in entities if c0 <= m.start and m.end <= c1 and m.rows]
            if kind in ("gt", "lt", "than"):
                before = [m for m in entities if m.end <= start and m.rows]
                after = [m for m in entities if m.start >= end and m.rows]
                if not before or not after:
                    continue
                greater = kind == "gt"
                if kind == "than":
                    tail = sentence[after[0].end:]
                    if _THAN_UP.match(tail):
                        greater = True
                    elif _THAN_DOWN.match(tail):
                        greater = False
                    else:
                        continue
                reason = _check_compare(ctx, before[-1], after[0], col, greater)
                if reason:
                    add(sentence, reason)
                continue
            if kind == "top":
                descending = order_desc if ctx.order == col else True
                for m in [m for m in entities if m.start >= end and m.rows]:
                    reason = _check_top(ctx, m, col, n, descending)
                    if reason:
                        add(sentence, reason)
                continue
            if kind == "max":
                direction, rank = True, 1
            elif kind == "min":
                direction, rank = False, 1
            elif kind in ("rank", "rank_en"):
                direction, rank = True, n
            elif kind in ("minrank", "minrank_en"):
                direction, rank = False, n
            else:  # next
                rank = (last_rank or 1) + 1
            last_rank = rank
            if not inside and kind in ("max", "min"):
                # 「笔记本电脑的销售额最高，但数量最少」: the subject carries over within the sentence.
                inside = [m for m in entities if m.end <= c0 and m.rows][-1:]
            if not inside:
                continue
            subject = min(inside, key=lambda m: min(abs(m.end - start), abs(m.start - end)))
            reason = _check_rank(ctx, subject, col, rank, direction)
            if reason:
                add(clause, reason)
            # A quoted value from another row ("华东最高，为 [[R2C2]]") contradicts the claim.
            for ref in local:
                if (ref.column is not None and c0 <= ref.start and ref.end <= until and ref.rows
                        and subject.rows and not (ref.rows & subject.rows) and rank == 1):
                    add(clause, (f"引用的数值来自第 {min(ref.rows) + 1} 行，不是{subject.name}所在的行"
                                 if ctx.lang == "zh" else
                                 f"the value quoted is from row {min(ref.rows) + 1}, not {subject.name}'s row"))
    _unknown_names(answer, mentions, columns, rows, question, ctx.lang, add)
    return out


def _unknown_names(answer: str, mentions: Sequence[Mention], columns: Sequence[str],
                   rows: Sequence[Sequence[Any]], question: str, lang: str, add: Any) -> None:
    labels = set(_result_labels(columns, rows))
    zh = lang == "zh"
    for m in mentions:
        if (not m.rows and m.column is None and m.name not in question
                and not _NEGATION.search(_sentence_at(answer, m.start))):
            add(_sentence_at(answer, m.start), f"{m.name}不在查询结果中" if zh else f"{m.name} does not appear in the result")
    taken = [(m.start, m.end) for m in mentions]
    for pattern in (_ZH_NAMED, _EN_NAMED):
        for found in pattern.finditer(answer):
            name = re.split(r"[的在是和与及于为中以从了对比]", found.group(1))[-1]
            name = re.sub(r"^(?:The|In|At|For|And|Of) ", "", name)
            if len(name) < 2 or name in _NOT_NAMES or _NEGATION.search(_sentence_at(answer, found.start())):
                continue
            if any(found.start() < e and s < found.end() for s, e in taken):
                continue
            if name in question or any(name in c or c in name for c in columns):
                continue
            if any(name.lower() in v.lower() or v.lower() in name.lower() for v in labels):
                continue
            add(_sentence_at(answer, found.start()),
                f"{name}不在查询结果中" if zh else f"{name} does not appear in the result")


def _sentence_at(text: str, at: int) -> str:
    for m in _SENTENCE_TEXT.finditer(text):
        if m.start() <= at < m.end():
            return m.group(0).strip()
    return ""


def unsupported_claims(answer: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], *, sql: str = "",
                       question: str = "", known_names: Iterable[str] = (), source_columns: Iterable[str] = (),
                       styles: Sequence[Any] = ()) -> list[dict[str, str]]:
    """Claims in a free-text narration that the result refutes (``[{"claim", "reason"}]``)."""
    mentions = mentions_from_text(answer, columns, rows, known_names)
    return check_mentions(answer, mentions, columns, rows, sql=sql, question=question,
                          source_columns=source_columns, styles=styles)
