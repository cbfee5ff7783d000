"""``formula explain`` and ``formula write``: Excel formulas explained in the user's language, and
written for a real sheet — checked with openpyxl's tokenizer and against the sheet's columns."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from copilot.cancel import CancelToken
from copilot.events import Delta, Done, Event, Notice, Started
from copilot.models import Completion, Provider, stream_text, structured
from copilot.textutil import detect_lang

__all__ = ["ExplainResult", "FormulaReply", "WriteResult", "explain_formula", "write_formula"]


class FormulaReply(BaseModel):
    formula: str
    explanation: str = ""


@dataclass
class ExplainResult:
    formula: str
    text: str
    functions: list[str]
    references: list[str]
    tokens_in: int = 0
    tokens_out: int = 0


@dataclass
class WriteResult:
    formula: str
    explanation: str
    sheet: str
    references: list[str] = field(default_factory=list)
    repaired: bool = False
    tokens_in: int = 0
    tokens_out: int = 0


def _user_lang(formula: str) -> Literal["zh", "en"]:
    """Chinese text in the formula decides; otherwise the UI language setting; otherwise Chinese."""
    from copilot.textutil import cjk_ratio

    if cjk_ratio(formula) > 0:  # function names are English; any Chinese text is the user's
        return "zh"
    from copilot.settings import load_settings

    language = (load_settings().language or "").lower()
    if language.startswith("en"):
        return "en"
    if language.startswith("zh"):
        return "zh"
    import locale

    system = (locale.getlocale()[0] or "").lower()
    return "en" if system.startswith("en") else "zh"


def explain_formula(provider: Provider, formula: str, *, lang: Literal["zh", "en"] | None = None,
                    cancel: CancelToken | None = None) -> Iterator[Event]:
    from copilot.documents.sheets.formulas import parse_formula
    from copilot.errors import UsageError
    from copilot.prompts import get_template

    yield Started("formula-explain")
    try:
        parts = parse_formula(formula)
    except ValueError as exc:
        raise UsageError(f"formula explain: {exc}; check the formula text") from exc
    chosen = lang or _user_lang(formula)
    zh = chosen == "zh"
    listing = (("函数：" if zh else "functions: ") + (", ".join(parts.functions) or "-") +
               ("；引用：" if zh else "; references: ") + (", ".join(parts.references + parts.names) or "-"))
    rendered = get_template("sheet.explain_formula").render({"formula": parts.formula, "parts": listing},
                                                            lang=chosen)
    chunks: list[str] = []
    tokens_in = tokens_out = 0
    for chunk in stream_text(provider, rendered.messages, rendered.options, cancel):
        if chunk.text:
            chunks.append(chunk.text)
            yield Delta(chunk.text)
        if chunk.usage is not None:
            tokens_in, tokens_out = chunk.usage.tokens_in, chunk.usage.tokens_out
    yield Done(ExplainResult(parts.formula, "".join(chunks).strip(), parts.functions,
                             parts.references + parts.names, tokens_in, tokens_out))


def write_formula(provider: Provider, path: str | Path, request: str, *, sheet: str | None = None,
                  cancel: CancelToken | None = None) -> Iterator[Event]:
    from copilot.documents.sheets.formulas import SheetShape, check_formula, parse_formula
    from copilot.documents.sheets.query import open_database
    from copilot.errors import BadResponse
    from copilot.prompts import get_template

    yield Started("formula-write")
    lang: Literal["zh", "en"] = "zh" if detect_lang(request) == "zh" else "en"
    db = open_database(path, sheet=sheet)
    try:
        table = db.table(None)
        sheet_names = tuple(db.views)
        offset = table.sheet_start[1]
        first = offset + table.spec.col_start
        last = offset + table.spec.col_stop - 1
        rows = f"{table.first_row}–{table.last_row}"
        columns = "\n".join(f"{c.letter} {c.name} ({c.type})" for c in table.columns)
        columns += ("\n数据行 " if lang == "zh" else "\ndata rows ") + rows
        if table.totals_row:
            columns += (f"；第 {table.totals_row['row']} 行是合计行" if lang == "zh"
                        else f"; row {table.totals_row['row']} is a totals row")
        shape = SheetShape(table.spec.sheet, first, last, max(table.last_row, table.totals_row["row"]
                                                             if table.totals_row else 0),
                           tuple({t.spec.sheet for t in db.tables}) or sheet_names)
    finally:
        db.close()
    template = get_template("sheet.write_formula")
    completions: list[Completion] = []
    error = ""
    reply: FormulaReply | None = None
    for attempt in range(2):
        rendered = template.render({"request": request, "sheet": shape.sheet, "columns": columns, "error": error},
                                   lang=lang)
        reply = structured(provider, rendered.messages, FormulaReply, rendered.options, cancel,
                           on_completion=completions.append)
        problems = check_formula(reply.formula, shape)
        if not problems:
            parts = parse_formula(reply.formula)
            yield Done(WriteResult(parts.formula, reply.explanation.strip(), shape.sheet, parts.references,
                                   attempt == 1, sum(c.usage.tokens_in for c in completions),
                                   sum(c.usage.tokens_out for c in completions)))
            return
        error = "; ".join(problems)[:400]
        if attempt == 0:
            yield Notice(f"the formula failed the check ({error[:120]}); asking the model to fix it once")
    raise BadResponse(f"{provider.name} ({provider.model}) wrote a formula that fails the check twice for "
                      f"{Path(path).name} ({error[:160]}); describe the columns to use more precisely")
