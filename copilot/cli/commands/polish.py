"""desk-copilot polish IN.docx — rewrite a Word document as tracked changes (or clean / comments)."""

from __future__ import annotations

import argparse
import contextlib
from pathlib import Path

from copilot.cli.common import add_profile_arg, drive, emit_json, err, out, sigint_cancels
from copilot.errors import UsageError

_MAX_CONCURRENCY = 32
_PRESET_NAMES = ("polish", "formal", "official", "lively", "concise", "expand", "fix", "zh-en", "en-zh",
                 "match-style")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "polish", help="polish a Word document (.docx) as tracked changes",
        description="Rewrite the paragraphs of a .docx with a preset or prompt template. By default every "
                    "change is a Word tracked change you accept or reject in Word, WPS or LibreOffice; "
                    "formatting, tables, notes, fields and links are kept. Numbers, dates, URLs and "
                    "protected items the model changes are rejected and reported.")
    p.add_argument("input", type=Path, help="the .docx to polish (never modified)")
    p.add_argument("-o", "--output", type=Path, help="output file (default: IN.polished.docx beside the input)")
    p.add_argument("--convert", action="store_true",
                   help="a legacy .doc: polish a .docx copy converted by LibreOffice (the .doc is not changed)")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--preset", metavar="NAME",
                       help="polish 润色 | formal 正式 | lively 活泼 | concise 精简 | expand 扩写 | fix 纠错 | "
                            "zh-en 中译英 | en-zh 英译中 | match-style 仿写 (default: polish)")
    which.add_argument("--template", "-t", metavar="ID", help="any prompt template id (e.g. polish.formal)")
    p.add_argument("--mode", choices=["track", "clean", "comments"], default="track",
                   help="track: tracked changes (default); clean: rewrite directly; comments: add suggestions "
                        "as comments")
    p.add_argument("--sample", metavar="FILE", type=Path,
                   help="style sample text file for the match-style preset")
    p.add_argument("--concurrency", type=int, metavar="N",
                   help="requests at once (default: the profile's limit; capped by it)")
    p.add_argument("--skip-headings", action="store_true", help="leave headings and titles alone")
    p.add_argument("--min-chars", type=int, default=2, metavar="N",
                   help="skip paragraphs shorter than N characters (default 2)")
    p.add_argument("--no-cache", action="store_true", help="ask the model again even for finished chunks")
    p.add_argument("--author", help="tracked-change author (default: the 'author' setting)")
    p.add_argument("--force", action="store_true", help="overwrite the output if it exists")
    p.add_argument("--report", type=Path, metavar="REPORT.html",
                   help="write an HTML side-by-side diff of changed and rejected paragraphs")
    p.add_argument("--json", action="store_true", help="print one JSON object with the summary")
    add_profile_arg(p)
    p.set_defaults(func=run)


def _template_id(args: argparse.Namespace) -> str:
    from copilot.tasks.polish_docx import PRESETS

    if args.template:
        return str(args.template)
    name = (args.preset or "polish").strip()
    if name in PRESETS:
        return PRESETS[name]
    if name.startswith("polish."):
        return name
    raise UsageError(f"polish: unknown preset {name!r} — choose one of: {', '.join(_PRESET_NAMES)}")


def _template_inputs(template_id: str, args: argparse.Namespace) -> dict[str, str]:
    """The template's required inputs the polish does not fill itself (its declaration says which),
    gathered from the command line: ``sample`` (polish.match_style) from --sample FILE."""
    from copilot.prompts import get_template
    from copilot.tasks.registry import get_task, missing_inputs

    inputs: dict[str, str] = {}
    for name in missing_inputs(get_task("polish"), get_template(template_id)):
        if name != "sample":
            raise UsageError(f"polish: template {template_id} needs an input {name!r} the polish command "
                             f"cannot supply — pick another template")
        if args.sample is None:
            raise UsageError(f"polish: template {template_id} needs --sample FILE (a passage in the style to match)")
        try:
            inputs["sample"] = args.sample.read_text(encoding="utf-8")[:4000]
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"polish: cannot read the style sample {args.sample}: {exc}") from exc
    return inputs


def run(args: argparse.Namespace) -> int:
    from copilot.tasks.polish_docx import default_output

    template_id = _template_id(args)
    if args.concurrency is not None and not 1 <= args.concurrency <= _MAX_CONCURRENCY:
        raise UsageError(f"polish: --concurrency must be between 1 and {_MAX_CONCURRENCY}")
    if args.report is not None and args.report.exists() and not args.force:
        from copilot.errors import OutputExists

        raise OutputExists(args.report)
    inputs = _template_inputs(template_id, args)
    from copilot.documents.legacy import converted_copy, is_legacy, legacy_error

    source = args.input
    if is_legacy(source) and not args.convert:
        raise legacy_error(source)
    output = args.output or default_output(source.with_suffix(".docx") if is_legacy(source) else source)
    with contextlib.ExitStack() as stack:
        if is_legacy(source):
            source = stack.enter_context(converted_copy(args.input))
        return _polish(args, template_id, inputs, source, output)


def _polish(args: argparse.Namespace, template_id: str, inputs: dict[str, str], source: Path, output: Path) -> int:
    from copilot.atomic import write_text
    from copilot.cancel import CancelToken
    from copilot.models import get_provider
    from copilot.tasks.polish.report import render_report
    from copilot.tasks.polish_docx import PolishOptions, PolishResult, polish_docx
    from copilot.tasks.recorded import RunInfo, recorded

    options = PolishOptions(template_id=template_id, mode=args.mode, author=args.author,
                            concurrency=args.concurrency, skip_headings=args.skip_headings,
                            min_chars=args.min_chars, inputs=inputs, use_cache=not args.no_cache,
                            force=args.force)
    provider = get_provider(args.profile)
    info = RunInfo("polish", "cli", template=template_id, profile=provider.name, model=provider.model,
                   input_path=args.input)
    with sigint_cancels(CancelToken()) as token:
        result: PolishResult = drive(recorded(polish_docx(provider, source, output, options, token), info),
                                     stream_deltas=False, show_progress=True)
    if result.nothing_to_polish:
        message = f"{args.input.name}: nothing to polish (no paragraphs with text) — no output written"
        if args.json:
            emit_json(result.to_json() | {"message": message})
        else:
            out(message)
        return 0
    if args.report is not None:
        write_text(args.report, render_report(result, args.input.name), force=args.force)
    if args.json:
        emit_json(result.to_json())
        return 0
    out(f"wrote {result.output}: {result.paragraphs} paragraphs, {result.changed} changed, "
        f"{result.unchanged} unchanged, {len(result.rejected)} rejected "
        f"({result.tokens_in} tokens in, {result.tokens_out} out, {result.seconds:.1f} s)")
    for o in result.rejected[:20]:
        err(f"  paragraph {o.paragraph} kept: {o.reason}")
    if len(result.rejected) > 20:
        err(f"  … and {len(result.rejected) - 20} more (see --report)")
    if args.report is not None:
        out(f"report: {args.report}")
    return 0
