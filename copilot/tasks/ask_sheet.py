"""``ask-sheet``: a question about a spreadsheet answered by one local, read-only SQL query.

The model sees the schema, a compact profile and at most 20 sample rows (≤ 3,000 tokens however
large the sheet), writes one DuckDB statement; the statement is checked and run in the sandbox
(one repair round on an SQL error), and the narration of the result is checked number by number.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from copilot.cancel import CancelToken
from copilot.events import Delta, Done, Event, Notice, Progress, Started
from copilot.models import Completion, Provider, stream_text, structured
from copilot.models.base import Usage
from copilot.textutil import detect_lang

__all__ = ["AskSheetResult", "SqlReply", "answer_question", "ask_sheet", "build_sql_prompt", "result_formats",
           "result_text", "sheet_names"]


class SqlReply(BaseModel):
    sql: str
    note: str = ""


@dataclass
class AskSheetResult:
    question: str
    sql: str
    columns: list[str]
    rows: list[list[Any]]
    answer: str
    untraceable_numbers: list[str]
    truncated: bool = False
    unsupported_claims: list[dict[str, str]] = field(default_factory=list)
    number_formats: list[str | None] = field(default_factory=list)  # per result column, for display
    note: str = ""
    repaired: bool = False
    prompt_tokens: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    report_path: Path | None = None
    errors: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"question": self.question, "sql": self.sql, "columns": self.columns, "rows": self.rows,
                "answer": self.answer, "untraceable_numbers": self.untraceable_numbers,
                "unsupported_claims": self.unsupported_claims,
                "truncated": self.truncated, "repaired": self.repaired, "prompt_tokens": self.prompt_tokens,
                **({"report": str(self.report_path)} if self.report_path else {})}



def result_text(columns: list[str], rows: list[list[Any]], *, max_rows: int = 50, cell_chars: int = 60,
                formats: list[str | None] | None = None) -> str:
    """A result table for the narration prompt: numbers as the person will read them (grouped, the
    source column's decimals), ``|``-separated so 1,200 is never split."""
    from copilot.numbers import format_value, style_for_column

    codes = list(formats or [])
    styles = [style_for_column(c, codes[j] if j < len(codes) else None) for j, c in enumerate(columns)]

    def cell(value: Any, j: int) -> str:
        text = " ".join(format_value(value, styles[j] if j < len(styles) else None).split())
        return text if len(text) <= cell_chars else text[:max(1, cell_chars - 1)] + "…"

    lines = [" | ".join(columns)]
    lines += [" | ".join(cell(v, j) for j, v in enumerate(row)) for row in rows[:max_rows]]
    if len(rows) > max_rows:
        lines.append(f"… ({len(rows) - max_rows} more rows not shown)")
    return "\n".join(lines)


def build_sql_prompt(db: Any, profile: dict[str, Any], question: str, lang: Literal["zh", "en"],
                     model: str | None = None, previous_sql: str = "", error: str = "") -> tuple[Any, int]:
    """The rendered ``sheet.sql`` prompt within the token budget, and its token estimate."""
    from copilot.documents.sheets.context import PROMPT_BUDGET, tables_text
    from copilot.prompts import estimate_messages_tokens, get_template

    template = get_template("sheet.sql")

    def render(tables: str) -> Any:
        return template.render({"question": question, "tables": tables, "previous_sql": previous_sql,
                                "error": error}, lang=lang)

    def measure(tables: str) -> int:
        return estimate_messages_tokens(render(tables).messages, model)

    text, tokens = tables_text(db, profile, lang=lang, measure=measure, budget=PROMPT_BUDGET)
    while tokens > PROMPT_BUDGET and len(text) > 200:
        # Last resort (absurdly long names): cut the description itself.
        text = text[: int(len(text) * 0.8)] + "\n…"
        tokens = measure(text)
    return render(text), tokens


def _usage(total: Usage, completion: Completion) -> Usage:
    return Usage(total.tokens_in + completion.usage.tokens_in, total.tokens_out + completion.usage.tokens_out)


def result_formats(columns: list[str], profile: dict[str, Any]) -> list[str | None]:
    """The Excel number format of each result column's source column (None where there is none)."""
    from copilot.numbers import format_for_result_column

    codes: dict[str, str | None] = {}
    for table in profile.get("sheets", []):
        for col in table["columns"]:
            codes.setdefault(col["name"], col.get("number_format"))
    return [format_for_result_column(name, codes) for name in columns]


def _source_columns(profile: dict[str, Any]) -> list[str]:
    return [c["name"] for t in profile.get("sheets", []) for c in t["columns"]]


def sheet_names(db: Any, profile: dict[str, Any], *, per_column: int = 200, max_columns: int = 8) -> list[str]:
    """Values of the sheet's label columns (few distinct values): names a narration may use that the
    result must then hold."""
    from copilot.documents.sheets.load import quote_ident

    names: list[str] = []
    used = 0
    for table in profile.get("sheets", []):
        for col in table["columns"]:
            if col["type"] != "text" or not 2 <= col["distinct"] <= per_column or used >= max_columns:
                continue
            used += 1
            q = quote_ident(col["name"])
            rows = db.con.execute(f"SELECT DISTINCT {q} FROM {quote_ident(table['view'])} "
                                  f"WHERE {q} IS NOT NULL LIMIT {per_column}").fetchall()
            names += [str(r[0]) for r in rows]
    return names


def answer_question(provider: Provider, db: Any, profile: dict[str, Any], question: str, *,
                    cancel: CancelToken | None = None, timeout: float = 15.0,
                    max_rows: int = 1000) -> Iterator[Event]:
    """Question -> SQL -> result -> narration, on an already opened database. Ends with Done(AskSheetResult)."""
    from copilot.documents.sheets.claims import unsupported_claims as check_claims
    from copilot.documents.sheets.query import SqlError
    from copilot.documents.sheets.trace import untraceable_numbers
    from copilot.errors import BadResponse
    from copilot.numbers import style_for_column
    from copilot.prompts import get_template

    lang = detect_lang(question)
    usage = Usage()
    completions: list[Completion] = []
    rendered, prompt_tokens = build_sql_prompt(db, profile, question, lang, provider.model)
    yield Progress(1, 3, "writing SQL")
    reply: SqlReply = structured(provider, rendered.messages, SqlReply, rendered.options, cancel,
                                 on_completion=completions.append)
    repaired = False
    errors: list[str] = []
    try:
        result = db.run(reply.sql, timeout=timeout, max_rows=max_rows, cancel=cancel)
    except SqlError as exc:
        errors.append(str(exc))
        yield Notice(f"the SQL failed ({str(exc)[:120]}); asking the model to repair it once")
        rendered, repair_tokens = build_sql_prompt(db, profile, question, lang, provider.model,
                                                   previous_sql=reply.sql, error=str(exc))
        prompt_tokens = max(prompt_tokens, repair_tokens)
        reply = structured(provider, rendered.messages, SqlReply, rendered.options, cancel,
                           on_completion=completions.append)
        repaired = True
        try:
            result = db.run(reply.sql, timeout=timeout, max_rows=max_rows, cancel=cancel)
        except SqlError as second:
            raise BadResponse(f"{provider.name} ({provider.model}) wrote SQL that failed twice on "
                              f"{Path(str(profile['file'])).name} — {str(second)[:160]}; rephrase the question "
                              f"or name the columns") from second
    for completion in completions:
        usage = _usage(usage, completion)
    yield Progress(2, 3, "narrating the result")
    formats = result_formats(result.columns, profile)
    narrate = get_template("sheet.narrate").render(
        {"question": question, "sql": result.sql,
         "result": result_text(result.columns, result.rows, formats=formats)}, lang=lang)
    parts: list[str] = []
    for chunk in stream_text(provider, narrate.messages, narrate.options, cancel):
        if chunk.text:
            parts.append(chunk.text)
            yield Delta(chunk.text)
        if chunk.usage is not None:
            usage = Usage(usage.tokens_in + chunk.usage.tokens_in, usage.tokens_out + chunk.usage.tokens_out)
    answer = "".join(parts).strip()
    missing = untraceable_numbers(answer, result.columns, result.rows, question)
    if missing:
        yield Notice("numbers not found in the query result (not to be relied on): " + ", ".join(missing))
    claims = check_claims(answer, result.columns, result.rows, sql=result.sql, question=question,
                          known_names=sheet_names(db, profile), source_columns=_source_columns(profile),
                          styles=[style_for_column(c, f) for c, f in zip(result.columns, formats, strict=False)])
    if claims:
        yield Notice("claims the query result does not support: "
                     + "; ".join(f"{c['claim']} — {c['reason']}" for c in claims))
    yield Progress(3, 3, "done")
    yield Done(AskSheetResult(question, result.sql, result.columns, result.rows, answer, missing,
                              result.truncated, claims, formats, reply.note, repaired, prompt_tokens,
                              usage.tokens_in, usage.tokens_out, errors=errors))


def ask_sheet(provider: Provider, path: str | Path, question: str, *, sheet: str | None = None,
              report: str | Path | None = None, force: bool = False,
              cancel: CancelToken | None = None) -> Iterator[Event]:
    """Open ``path``, answer ``question``; optionally write a report workbook with the answer."""
    from copilot.atomic import check_output
    from copilot.documents.sheets.profile import profile_database, profile_table
    from copilot.documents.sheets.query import load_database

    yield Started("ask-sheet", 3)
    if report is not None:
        check_output(Path(report), force=force)
    loading = load_database(path, cancel=cancel)
    while True:
        try:
            label, rows = next(loading)
        except StopIteration as stop:
            db = stop.value
            break
        yield Progress(0, 3, f"reading {label}: {rows:,} rows")
    try:
        if sheet is not None:
            chosen = db.table(sheet)
            profile = {"file": str(db.path), "sheets": [profile_table(db, chosen)], "skipped": []}
        else:
            profile = profile_database(db)
        result: AskSheetResult | None = None
        for event in answer_question(provider, db, profile, question, cancel=cancel):
            if isinstance(event, Done):
                result = event.result  # type: ignore[assignment]
            else:
                yield event
        assert result is not None
        if report is not None:
            from copilot.documents.sheets.report import write_report

            full = profile if sheet is None else profile_database(db)
            result.report_path = write_report(report, db, full, [result], force=force)
    finally:
        db.close()
    yield Done(result)
