"""Spreadsheet commands: ``analyse`` (local profile), ``ask-sheet`` (question -> SQL -> answer),
``formula explain|write``."""

from __future__ import annotations

import argparse
from typing import Any

from copilot.cli.common import add_profile_arg, drive, emit_json, out, sigint_cancels
from copilot.errors import UsageError


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("analyse", aliases=["analyze"], help="profile a spreadsheet locally (no model)",
                       description="Show what a spreadsheet holds — tables, header rows, column types, ranges, "
                                   "gaps, outliers, duplicates — computed on this machine. Reads .xlsx .xlsm .xlsb "
                                   ".xls .ods and .csv (any encoding). The input file is never changed.")
    p.add_argument("input", metavar="IN", help="the spreadsheet")
    p.add_argument("--sheet", metavar="NAME", help="only this sheet")
    p.add_argument("--json", action="store_true", help="print the profile as JSON")
    p.add_argument("-o", "--output", metavar="REPORT.xlsx", help="write a new report workbook with charts")
    p.add_argument("--md", metavar="REPORT.md", help="write the profile as Markdown")
    p.add_argument("--force", action="store_true", help="overwrite existing outputs")
    p.add_argument("--summarise", "--summarize", action="store_true",
                   help="also ask the model for a short summary of the findings (sends only the profile)")
    p.add_argument("--lang", choices=["zh", "en"], default=None, help="language of the summary (default: zh)")
    add_profile_arg(p)
    p.set_defaults(func=run_analyse)

    q = sub.add_parser("ask-sheet", help="answer a question about a spreadsheet with local SQL",
                       description="The model sees only the column names, a compact profile and up to 20 sample "
                                   "rows; it writes one read-only DuckDB query that runs on this machine, and every "
                                   "number in the answer is checked against the query's result.")
    q.add_argument("input", metavar="IN", help="the spreadsheet")
    q.add_argument("question", help="the question, e.g. \"which region grew fastest in Q3?\"")
    q.add_argument("--sheet", metavar="NAME", help="the sheet the question is about (default: all tables)")
    q.add_argument("--json", action="store_true", help="print one JSON object")
    q.add_argument("-o", "--output", metavar="REPORT.xlsx", help="also write a report workbook with the answer")
    q.add_argument("--force", action="store_true", help="overwrite an existing report")
    add_profile_arg(q)
    q.set_defaults(func=run_ask)

    f = sub.add_parser("formula", help="explain or write an Excel formula")
    fsub = f.add_subparsers(dest="formula_command", metavar="ACTION")
    e = fsub.add_parser("explain", help="explain a formula in plain words",
                        description="Explain what an Excel formula computes, in the language of --lang "
                                    "(default: from the formula's text, else Chinese).")
    e.add_argument("formula", help='the formula, e.g. "=SUMIFS(C:C,A:A,\\"East\\")"')
    e.add_argument("--lang", choices=["zh", "en"], help="language of the explanation")
    e.add_argument("--json", action="store_true", help="print one JSON object")
    add_profile_arg(e)
    e.set_defaults(func=run_formula_explain)
    w = fsub.add_parser("write", help="write a formula for a sheet from a description",
                        description="Write an Excel formula that uses the sheet's real headers and ranges; the "
                                    "formula is checked with openpyxl's tokenizer before it is shown.")
    w.add_argument("input", metavar="IN", help="the spreadsheet")
    w.add_argument("request", help="what the formula should compute")
    w.add_argument("--sheet", metavar="NAME", help="the sheet (default: the first with data)")
    w.add_argument("--json", action="store_true", help="print one JSON object")
    add_profile_arg(w)
    w.set_defaults(func=run_formula_write)
    f.set_defaults(func=lambda args: _formula_usage(f))


def _formula_usage(parser: argparse.ArgumentParser) -> int:
    raise UsageError("formula: choose an action: 'explain' or 'write' (see desk-copilot formula --help)")


def run_analyse(args: argparse.Namespace) -> int:
    from copilot.cancel import CancelToken
    from copilot.tasks.analyse_sheet import AnalyseResult, analyse_sheet, profile_text

    with sigint_cancels(CancelToken()) as token:
        result: AnalyseResult = drive(analyse_sheet(args.input, sheet=args.sheet, report=args.output,
                                                    markdown=args.md, force=args.force, cancel=token),
                                      stream_deltas=False, show_progress=not args.json)
    summary = _summarise(args, result.profile) if args.summarise else None
    if args.json:
        data = dict(result.profile)
        if summary is not None:
            data["summary"] = {"text": summary.text, "untraceable_numbers": summary.untraceable_numbers}
        emit_json(data)
    else:
        out(profile_text(result.profile))
        if summary is not None:
            out("")
            out(summary.text)
            if summary.untraceable_numbers:
                out("warning: not in the profile — do not rely on: " + ", ".join(summary.untraceable_numbers))
        for path in (result.report_path, result.markdown_path):
            if path is not None:
                out(f"wrote {path}")
    return 0


def _summarise(args: argparse.Namespace, profile: dict[str, Any]) -> Any:
    from copilot.cancel import CancelToken
    from copilot.models import get_provider
    from copilot.tasks.analyse_sheet import summarise_profile

    provider = get_provider(args.profile)
    with sigint_cancels(CancelToken()) as token:
        summary = drive(_recorded(summarise_profile(provider, profile, lang=args.lang or "zh", cancel=token),
                                  "analyse_summary", "sheet.summarise", provider, input_path=args.input),
                        stream_deltas=False, show_progress=False)
    return summary


def _recorded(events: Any, task: str, template: str, provider: Any, **info: Any) -> Any:
    """``events`` recorded in the history by the task layer (``copilot.tasks.recorded``)."""
    from copilot.tasks.recorded import RunInfo, recorded

    return recorded(events, RunInfo(task, "cli", template=template, profile=provider.name, model=provider.model,
                                    **info))


def _table_text(columns: list[str], rows: list[list[Any]], limit: int = 50,
                formats: list[str | None] | None = None) -> str:
    """A plain-text table: numbers grouped and right-aligned in the source column's format."""
    from copilot.numbers import format_value, is_number, style_for_column

    codes = list(formats or [])
    styles = [style_for_column(c, codes[j] if j < len(codes) else None) for j, c in enumerate(columns)]

    def cell(v: Any, j: int) -> str:
        text = " ".join(format_value(v, styles[j] if j < len(styles) else None).split())
        return text[:40] + "…" if len(text) > 40 else text

    shown = [[cell(v, j) for j, v in enumerate(r)] for r in rows[:limit]]
    numeric = [bool(rows) and all(is_number(r[j]) or r[j] is None for r in rows[:limit]) for j in range(len(columns))]
    widths = [max([_width(c), *(_width(r[j]) for r in shown)]) for j, c in enumerate(columns)]

    def line(values: list[str]) -> str:
        return "  ".join(_pad(v, w, right) for v, w, right in zip(values, widths, numeric, strict=True)).rstrip()

    lines = [line(columns), "  ".join("-" * w for w in widths)]
    lines += [line(r) for r in shown]
    if len(rows) > limit:
        lines.append(f"… {len(rows) - limit} more rows")
    return "\n".join(lines)


def _width(text: str) -> int:
    """Terminal columns: a CJK character takes two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * max(0, width - _width(text))
    return gap + text if right else text + gap


def run_ask(args: argparse.Namespace) -> int:
    from copilot.cancel import CancelToken
    from copilot.models import get_provider
    from copilot.tasks.ask_sheet import AskSheetResult, ask_sheet

    if not args.question.strip():
        raise UsageError("ask-sheet: the question is empty")
    provider = get_provider(args.profile)
    with sigint_cancels(CancelToken()) as token:
        events = ask_sheet(provider, args.input, args.question, sheet=args.sheet, report=args.output,
                           force=args.force, cancel=token)
        result: AskSheetResult = drive(_recorded(events, "ask_sheet", "sheet.sql", provider,
                                                 input_text=args.question, input_path=args.input),
                                       stream_deltas=False, show_progress=not args.json)
    if args.json:
        emit_json(result.to_json())
        return 0
    out("SQL:")
    out(result.sql)
    out("")
    out(_table_text(result.columns, result.rows, formats=result.number_formats))
    if result.truncated:
        out(f"(result cut at {len(result.rows)} rows)")
    out("")
    out(result.answer)
    if result.untraceable_numbers:
        out("")
        out("warning: these numbers in the answer are not in the query result — do not rely on them: "
            + ", ".join(result.untraceable_numbers))
    if result.unsupported_claims:
        out("")
        out("warning: the query result does not support these claims in the answer:")
        for claim in result.unsupported_claims:
            out(f"  ✗ {claim['claim']} — {claim['reason']}")
    if result.report_path is not None:
        out(f"wrote {result.report_path}")
    return 0


def run_formula_explain(args: argparse.Namespace) -> int:
    from copilot.cancel import CancelToken
    from copilot.models import get_provider
    from copilot.tasks.formula import explain_formula

    if not args.formula.strip():
        raise UsageError("formula explain: the formula is empty")
    provider = get_provider(args.profile)
    with sigint_cancels(CancelToken()) as token:
        result = drive(_recorded(explain_formula(provider, args.formula, lang=args.lang, cancel=token),
                                 "formula_explain", "sheet.explain_formula", provider, input_text=args.formula),
                       stream_deltas=not args.json, show_progress=False)
    if args.json:
        emit_json({"formula": result.formula, "explanation": result.text, "functions": result.functions,
                   "references": result.references})
    return 0


def run_formula_write(args: argparse.Namespace) -> int:
    from copilot.cancel import CancelToken
    from copilot.models import get_provider
    from copilot.tasks.formula import write_formula

    if not args.request.strip():
        raise UsageError("formula write: describe what the formula should compute")
    provider = get_provider(args.profile)
    with sigint_cancels(CancelToken()) as token:
        result = drive(_recorded(write_formula(provider, args.input, args.request, sheet=args.sheet, cancel=token),
                                 "formula_write", "sheet.write_formula", provider, input_text=args.request,
                                 input_path=args.input),
                       stream_deltas=False, show_progress=False)
    if args.json:
        emit_json({"formula": result.formula, "explanation": result.explanation, "sheet": result.sheet,
                   "references": result.references})
    else:
        out(result.formula)
        if result.explanation:
            out("")
            out(result.explanation)
    return 0
