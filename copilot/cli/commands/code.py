"""desk-copilot code "TASK" --lang LANG — a snippet, streamed, syntax-checked (never run), repaired once."""

from __future__ import annotations

import argparse
import sys

from copilot.cli.common import add_profile_arg, drive, emit_json, err, sigint_cancels
from copilot.errors import UsageError

_LANGS = "python, javascript, typescript, sql, bash, powershell, vba, excel-formula, regex, json, html, css, " \
         "java, go, c, cpp"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "code", help="write a code snippet, checked by a real parser (never run)",
        description="Ask the model for a snippet and stream it. The code is extracted from the reply, "
                    "checked with a syntax-only tool for its language (never executed), repaired once if "
                    "the check fails, and can be saved with -o. The check line goes to stderr.",
        epilog=f"languages: {_LANGS}. Without --lang the language comes from -o's extension or the task's "
               f"words, else python.")
    p.add_argument("task", help="what the code should do ('-' reads stdin)")
    p.add_argument("--lang", "-l", metavar="LANG", help="language of the snippet (see below)")
    p.add_argument("--explain", action="store_true", help="ask for a short explanation after the code")
    p.add_argument("--raw", action="store_true",
                   help="print only the final code to stdout (no streaming; for piping)")
    p.add_argument("--output", "-o", metavar="FILE", help="save the final code to FILE (atomically)")
    p.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    p.add_argument("--template", "-t", metavar="ID",
                   help="prompt template (default: the language's own: code.sql, code.vba, code.regex, "
                        "code.shell, else code.snippet)")
    p.add_argument("--no-repair", action="store_true", help="skip the repair round after a failed check")
    p.add_argument("--prompt-lang", choices=["zh", "en"],
                   help="language of the prompt sent to the model (default: from the task)")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of streaming")
    add_profile_arg(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from copilot.atomic import check_output, write_text
    from copilot.cancel import CancelToken
    from copilot.code.languages import LANGUAGES, guess_language, language_for_path, resolve_language
    from copilot.models import get_provider
    from copilot.tasks.generate_code import CodeResult, generate_code
    from copilot.tasks.recorded import RunInfo, recorded

    task = sys.stdin.read() if args.task == "-" else args.task
    if not task.strip():
        raise UsageError("code: the task is empty — say what the code should do")
    output = Path(args.output) if args.output else None
    if args.lang:
        language = resolve_language(args.lang)
    else:
        language = (language_for_path(output) if output else None) or guess_language(task) or LANGUAGES["python"]
        err(f"language: {language.name} (pass --lang to choose another)")
    if output is not None:
        check_output(output, force=args.force)  # fail before spending a model call
    provider = get_provider(args.profile)
    template = args.template or language.template
    info = RunInfo("code", "cli", template=template, profile=provider.name, model=provider.model, input_text=task)
    with sigint_cancels(CancelToken()) as token:
        result: CodeResult = drive(recorded(
            generate_code(provider, task, language, explain=args.explain, template_id=args.template,
                          cancel=token, ui_lang=args.prompt_lang, repair=not args.no_repair), info),
            stream_deltas=not (args.raw or args.json), show_progress=False)
    if output is not None:
        write_text(output, result.code.rstrip("\n") + "\n", force=args.force)
    if args.json:
        emit_json({**result.to_dict(), "profile": provider.name, "output": str(output) if output else None})
    elif args.raw:
        sys.stdout.write(result.code.rstrip("\n") + "\n")
        sys.stdout.flush()
    if result.outcome:
        err(result.outcome)
    err(result.check.line())
    if output is not None:
        err(f"saved {output}")
    return 0
