"""``analyse``: profile every table of a spreadsheet locally — no model involved."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from copilot.cancel import CancelToken
from copilot.events import Done, Event, Progress, Started

__all__ = ["AnalyseResult", "analyse_sheet", "profile_markdown", "profile_text"]


@dataclass(frozen=True)
class AnalyseResult:
    profile: dict[str, Any]
    report_path: Path | None = None
    markdown_path: Path | None = None


def analyse_sheet(path: str | Path, *, sheet: str | None = None, report: str | Path | None = None,
                  markdown: str | Path | None = None, force: bool = False,
                  cancel: CancelToken | None = None) -> Iterator[Event]:
    """Open, detect, profile; optionally write a report workbook and a Markdown summary."""
    from copilot.atomic import check_output, write_text
    from copilot.documents.sheets.profile import profile_database
    from copilot.documents.sheets.query import load_database

    yield Started("analyse")
    # Refuse an existing output before the (possibly long) read, not after it.
    for out in (report, markdown):
        if out is not None:
            check_output(Path(out), force=force)
    loading = load_database(path, sheet=sheet, cancel=cancel)
    while True:
        try:
            label, rows = next(loading)
        except StopIteration as stop:
            db = stop.value
            break
        yield Progress(rows, None, f"reading {label}")
    try:
        profile = profile_database(db)
        if cancel is not None:
            cancel.raise_if_cancelled()
        report_path = None
        if report is not None:
            from copilot.documents.sheets.report import write_report

            report_path = write_report(report, db, profile, [], force=force)
        md_path = None
        if markdown is not None:
            md_path = write_text(markdown, profile_markdown(profile), force=force)
    finally:
        db.close()
    yield Done(AnalyseResult(profile, report_path, md_path))


def _fmt(value: Any, number_format: str | None = None, column: str = "") -> str:
    from copilot.numbers import format_value, style_for_column

    text = " ".join(format_value(value, style_for_column(column, number_format)).split())
    return text[:40] + "…" if len(text) > 40 else text


def _cell(value: Any, number_format: str | None = None, column: str = "") -> str:
    return _fmt(value, number_format, column).replace("|", "\\|")


def _spread(number_format: str | None) -> str | None:
    # A standard deviation shares the column's decimals, but not a currency sign or percent scaling.
    from copilot.numbers import style_from_format

    style = style_from_format(number_format)
    if style is None or style.percent or style.date:
        return None
    return "#,##0" + ("." + "0" * style.decimals if style.decimals else "")


def profile_markdown(profile: dict[str, Any]) -> str:
    lines = [f"# {Path(str(profile['file'])).name}", ""]
    for table in profile["sheets"]:
        lines += [f"## {table['name']} ({table['range']})", "",
                  f"{table['rows']:,} rows, {len(table['columns'])} columns, "
                  f"{table['header_rows']} header row(s), {table['duplicate_rows']:,} duplicate row(s)."]
        if table.get("totals_row"):
            lines.append(f"Totals row {table['totals_row']['row']} is excluded from the statistics.")
        for note in table.get("notes", []):
            lines.append(f"Note: {note}.")
        lines += ["", "| column | type | count | missing | distinct | min | max | mean | median | std | top |",
                  "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
        for c in table["columns"]:
            top = ", ".join(f"{_cell(v)} ({n})" for v, n in c["top"][:3])
            code = c.get("number_format")
            lines.append("| " + " | ".join([_cell(c["name"]), c["type"], _cell(c["count"]), _cell(c["missing"]),
                                             _cell(c["distinct"]), _cell(c["min"], code, c["name"]),
                                             _cell(c["max"], code, c["name"]), _cell(c["mean"], code),
                                             _cell(c["median"], code, c["name"]),
                                             _cell(c["std"], _spread(code)), top]) + " |")
        outliers = [c for c in table["columns"] if c.get("outliers", {}).get("count")]
        if outliers:
            lines += ["", "Outliers (outside 1.5 × IQR): " + "; ".join(
                f"{c['name']}: {c['outliers']['count']:,}" for c in outliers)]
        lines.append("")
    for skipped in profile.get("skipped", []):
        lines.append(f"Skipped {skipped['name']}: {skipped['reason']}.")
    return "\n".join(lines).rstrip() + "\n"


def profile_text(profile: dict[str, Any]) -> str:
    """A terminal summary: one block per table, one line per column."""
    lines = [str(profile["file"])]
    for table in profile["sheets"]:
        lines.append("")
        extra = f", totals row {table['totals_row']['row']} excluded" if table.get("totals_row") else ""
        lines.append(f"{table['name']}  {table['range']}  {table['rows']:,} rows × {len(table['columns'])} columns, "
                     f"{table['header_rows']} header row(s), {table['duplicate_rows']:,} duplicate rows{extra}")
        for note in table.get("notes", []):
            lines.append(f"  note: {note}")
        for c in table["columns"]:
            parts = [f"{c['type']}", f"{c['count']:,} values"]
            if c["missing"]:
                parts.append(f"{c['missing']:,} missing")
            parts.append(f"{c['distinct']:,} distinct")
            code = c.get("number_format")
            if c["min"] is not None:
                parts.append(f"{_fmt(c['min'], code, c['name'])} … {_fmt(c['max'], code, c['name'])}")
            if c["mean"] is not None:
                parts.append(f"mean {_fmt(c['mean'], code)}, median {_fmt(c['median'], code)}")
            if c.get("outliers", {}).get("count"):
                parts.append(f"{c['outliers']['count']:,} outliers")
            if c["top"] and c["type"] in ("text", "mixed", "boolean"):
                parts.append("top: " + ", ".join(f"{_fmt(v)} ({n:,})" for v, n in c["top"][:3]))
            lines.append(f"  {c['letter']:>3}  {_fmt(c['name'])}: " + "; ".join(parts))
    for skipped in profile.get("skipped", []):
        lines.append(f"skipped {skipped['name']}: {skipped['reason']}")
    return "\n".join(lines)


@dataclass(frozen=True)
class SummaryResult:
    text: str
    untraceable_numbers: list[str]
    tokens_in: int = 0
    tokens_out: int = 0


def _profile_numbers(profile: dict[str, Any]) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for table in profile["sheets"]:
        rows.append([table["rows"], table["header_rows"], table["duplicate_rows"], len(table["columns"]),
                     table["range"], (table.get("totals_row") or {}).get("row")])
        for c in table["columns"]:
            rows.append([c["count"], c["missing"], c["distinct"], c["min"], c["max"], c["mean"], c["median"],
                         c["std"], c.get("outliers", {}).get("count"), c["name"],
                         *[x for pair in c["top"][:3] for x in pair]])
    return rows


def summarise_profile(provider: Any, profile: dict[str, Any], *, lang: str = "zh",
                      cancel: CancelToken | None = None) -> Iterator[Event]:
    """Bullet-point findings from a profile (``sheet.summarise``); numbers checked against the profile."""
    from copilot.documents.sheets.trace import untraceable_numbers
    from copilot.events import Delta, Notice
    from copilot.models import stream_text
    from copilot.prompts import get_template

    yield Started("summarise")
    text = profile_text(profile)
    if len(text) > 6000:  # the same order of budget as questions: the first tables' lines
        text = text[:6000] + "\n…"
    rendered = get_template("sheet.summarise").render({"profile": text}, lang="en" if lang == "en" else "zh")
    parts: list[str] = []
    tokens_in = tokens_out = 0
    for chunk in stream_text(provider, rendered.messages, rendered.options, cancel):
        if chunk.text:
            parts.append(chunk.text)
            yield Delta(chunk.text)
        if chunk.usage is not None:
            tokens_in, tokens_out = chunk.usage.tokens_in, chunk.usage.tokens_out
    summary = "".join(parts).strip()
    rows = _profile_numbers(profile)
    # Rounded forms in the text summary (e.g. "mean 512.3") come from the same profile numbers.
    missing = untraceable_numbers(summary, [], rows, text)
    if missing:
        yield Notice("numbers not found in the profile (not to be relied on): " + ", ".join(missing))
    yield Done(SummaryResult(summary, missing, tokens_in, tokens_out))
