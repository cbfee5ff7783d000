"""desk-copilot prompts ... — the prompt library: list, show, render, lint, test, edit, versions, import/export."""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import Any

from copilot.cli.common import add_profile_arg, drive, emit_json, err, out
from copilot.errors import CopilotError, PromptError, UsageError


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("prompts", help="the prompt library: list, render, test, edit, import/export",
                       description="Manage prompt templates (format: prompts/README.md).")
    ps = p.add_subparsers(dest="prompts_command", metavar="SUBCOMMAND")
    p.set_defaults(func=lambda args: _help(p))

    c = ps.add_parser("list", help="list templates")
    c.add_argument("--category", "-c", help="only this category")
    c.add_argument("--lang", choices=["zh", "en"], default="zh", help="language of names (default zh)")
    c.add_argument("--json", action="store_true", help="print JSON")
    c.set_defaults(func=_list)

    c = ps.add_parser("show", help="print a template file and where it comes from")
    c.add_argument("id")
    c.add_argument("--json", action="store_true", help="print the parsed front matter as JSON")
    c.set_defaults(func=_show)

    c = ps.add_parser("render", help="print exactly the messages that would be sent, with a token estimate")
    c.add_argument("id")
    c.add_argument("--input", "-i", action="append", default=[], metavar="NAME=VALUE", help="an input value")
    c.add_argument("--input-file", action="append", default=[], metavar="NAME=PATH",
                   help="an input read from a UTF-8 file")
    c.add_argument("--lang", choices=["zh", "en", "auto"], default="zh", help="body language (default zh)")
    c.add_argument("--model", help="count tokens for this model (default: the profile's model)")
    c.add_argument("--json", action="store_true", help="print JSON")
    add_profile_arg(c)
    c.set_defaults(func=_render)

    c = ps.add_parser("test", help="run templates' examples through the model and check the assertions")
    c.add_argument("ids", nargs="*", metavar="ID", help="templates to test (default: all)")
    c.add_argument("--offline", action="store_true",
                   help="no model: check each example's fixture_reply instead")
    c.add_argument("--json", action="store_true", help="print JSON")
    add_profile_arg(c)
    c.set_defaults(func=_test)

    c = ps.add_parser("lint", help="validate every template (schema, inputs, both languages, tests)")
    c.add_argument("--json", action="store_true", help="print JSON")
    c.set_defaults(func=_lint)

    c = ps.add_parser("new", help="create a template in your library (from a skeleton or a copy)")
    c.add_argument("id", help="new id, like mine.weekly_report")
    c.add_argument("--from", dest="from_id", metavar="ID", help="duplicate this template")
    c.add_argument("--no-edit", action="store_true", help="do not open $EDITOR")
    c.set_defaults(func=_new)

    c = ps.add_parser("edit", help="edit your copy in $EDITOR (a built-in is copied first)")
    c.add_argument("id")
    c.set_defaults(func=_edit)

    c = ps.add_parser("delete", help="delete your copy (its history is kept; a built-in shows again)")
    c.add_argument("id")
    c.set_defaults(func=_delete)

    c = ps.add_parser("history", help="list saved versions of your copy")
    c.add_argument("id")
    c.add_argument("--json", action="store_true", help="print JSON")
    c.set_defaults(func=_history)

    c = ps.add_parser("diff", help="unified diff between versions (numbers, 'current' or 'builtin')")
    c.add_argument("id")
    c.add_argument("v1", nargs="?")
    c.add_argument("v2", nargs="?")
    c.set_defaults(func=_diff)

    c = ps.add_parser("revert", help="make an old version current again (saved as a new version)")
    c.add_argument("id")
    c.add_argument("version", type=int)
    c.set_defaults(func=_revert)

    c = ps.add_parser("import", help="import CSV/JSON (act,prompt), Fabric folders, .prompty, .md or .zip")
    c.add_argument("path")
    c.add_argument("--replace", action="store_true", help="overwrite templates you already have")
    c.add_argument("--json", action="store_true", help="print JSON")
    c.set_defaults(func=_import)

    c = ps.add_parser("export", help="write templates to a folder or a .zip")
    c.add_argument("ids", nargs="+", metavar="ID")
    c.add_argument("-o", "--output", required=True, help="folder or .zip")
    c.add_argument("--force", action="store_true", help="overwrite existing files")
    c.set_defaults(func=_export)


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _table(rows: list[list[str]]) -> None:
    if not rows:
        return
    widths = [max(_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        cells = [cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(row[:-1])]
        out("  ".join([*cells, row[-1]]).rstrip())


def _list(args: argparse.Namespace) -> int:
    from copilot.prompts import list_templates, load_errors

    templates = list_templates(category=args.category)
    if args.json:
        emit_json([{
            "id": t.id, "name": t.name(args.lang), "description": t.description(args.lang),
            "category": t.category, "version": t.version, "origin": t.origin, "applies_to": t.spec.applies_to,
            "output": t.output, "favourite": t.spec.favourite, "hotkey": t.spec.hotkey,
            "overrides_builtin": t.overrides_builtin is not None, "newer_builtin": t.newer_builtin,
            "path": str(t.path) if t.path else None,
        } for t in templates])
        return 0
    rows = [["ID", "NAME", "VER", "FROM", "NOTE"]]
    for t in templates:
        note = []
        if t.spec.favourite:
            note.append("★")
        if t.overrides_builtin is not None:
            note.append("overrides built-in")
        if t.newer_builtin:
            note.append(f"newer built-in available (v{t.overrides_builtin.version})"
                        if t.overrides_builtin else "newer built-in available")
        rows.append([t.id, t.name(args.lang), str(t.version), t.origin, ", ".join(note)])
    _table(rows)
    for e in load_errors():
        err(f"warning: {e.message}")
    return 0


def _show(args: argparse.Namespace) -> int:
    from copilot.prompts import get_template

    tpl = get_template(args.id)
    if args.json:
        emit_json({"path": str(tpl.path) if tpl.path else None, "origin": tpl.origin,
                   **tpl.spec.model_dump(mode="json", by_alias=True)})
        return 0
    status = tpl.origin + (", overrides a built-in" if tpl.overrides_builtin else "")
    if tpl.newer_builtin and tpl.overrides_builtin is not None:
        status += f", newer built-in v{tpl.overrides_builtin.version} available (prompts diff {tpl.id})"
    err(f"# {tpl.path} ({status})")
    sys.stdout.write(tpl.source_text if tpl.source_text.endswith("\n") else tpl.source_text + "\n")
    return 0


def _parse_inputs(args: argparse.Namespace) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for item in args.input:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise UsageError(f"--input {item!r}: write NAME=VALUE")
        values[name.strip()] = value
    for item in args.input_file:
        name, sep, path = item.partition("=")
        if not sep or not name:
            raise UsageError(f"--input-file {item!r}: write NAME=PATH")
        try:
            values[name.strip()] = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"--input-file {path}: cannot read as UTF-8 text ({exc})") from None
    return values


def _model_name(args: argparse.Namespace) -> str | None:
    if args.model:
        return str(args.model)
    try:
        from copilot.models import get_profile

        return get_profile(args.profile).model
    except CopilotError:
        return None


def _render(args: argparse.Namespace) -> int:
    from copilot.prompts import get_template

    rendered = get_template(args.id).render(_parse_inputs(args), lang=args.lang)
    model = _model_name(args)
    tokens = rendered.token_estimate(model)
    if args.json:
        emit_json({**rendered.to_dict(), "token_estimate": tokens, "token_model": model})
        return 0
    for m in rendered.messages:
        out(f"--- {m['role']} ---")
        out(m["content"])
    opts = rendered.options
    out("---")
    out(f"template {rendered.template_id} v{rendered.version} ({rendered.lang}); "
        f"temperature={opts.temperature} max_tokens={opts.max_tokens}"
        f"{'; json schema ' + opts.schema_name if opts.json_schema else ''}")
    out(f"≈ {tokens} prompt tokens ({'tiktoken, ' + model if model and _exact(model) else 'estimate'})")
    return 0


def _exact(model: str) -> bool:
    from copilot.prompts.lang import _encoder

    return _encoder(model) is not None


def _test(args: argparse.Namespace) -> int:
    from copilot.cancel import CancelToken
    from copilot.cli.common import sigint_cancels
    from copilot.prompts import get_template, list_templates
    from copilot.prompts.runner import CaseResult, run_tests

    templates = [get_template(i) for i in args.ids] if args.ids else list_templates()
    provider = None
    if not args.offline:
        from copilot.models import get_provider

        provider = get_provider(args.profile)
    with sigint_cancels(CancelToken()) as token:
        results: list[CaseResult] = drive(run_tests(templates, provider, offline=args.offline, cancel=token),
                                          stream_deltas=False, show_progress=not args.json)
    failed = [r for r in results if not r.ok]
    if args.json:
        emit_json([{"template": r.template_id, "case": r.label, "lang": r.lang, "ok": r.ok,
                    "failures": r.failures(), "reply": r.reply, "seconds": round(r.seconds, 3)}
                   for r in results])
    else:
        rows = [["TEMPLATE", "CASE", "LANG", "RESULT", "DETAIL"]]
        for r in results:
            detail = "; ".join(r.failures())
            rows.append([r.template_id, r.label, r.lang, "pass" if r.ok else "FAIL",
                         detail[:160] + ("…" if len(detail) > 160 else "")])
        _table(rows)
        out(f"{len(results) - len(failed)} passed, {len(failed)} failed"
            f"{' (offline: fixture replies)' if args.offline else ' (profile ' + provider.name + ')' if provider else ''}")
    return 1 if failed else 0


def _lint(args: argparse.Namespace) -> int:
    from copilot.prompts import load_errors, user_templates
    from copilot.prompts.lint import lint_builtins, lint_templates

    problems = lint_builtins() + lint_templates(user_templates().values(), builtin=False)
    problems += [p for p in _user_load_problems(load_errors())]
    if args.json:
        emit_json([{"where": p.where, "problem": p.message} for p in problems])
    else:
        for p in problems:
            out(str(p))
        out(f"{len(problems)} problem(s)" if problems else "all templates OK")
    return 1 if problems else 0


def _user_load_problems(errors: list[Any]) -> list[Any]:
    from copilot.prompts import user_prompts_dir
    from copilot.prompts.lint import LintProblem

    root = user_prompts_dir()
    return [LintProblem(str(e.path), e.message.removeprefix(f"{e.path}: ")) for e in errors
            if root in e.path.parents]


def _editor_command() -> list[str]:
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if editor:
        return shlex.split(editor, posix=os.name != "nt")
    for candidate in (("notepad",) if os.name == "nt" else ("nano", "vi")):
        if shutil.which(candidate):
            return [candidate]
    raise UsageError("no editor: set the EDITOR environment variable (for example EDITOR=nano)")


def _edit_file(template_id: str, text: str) -> bool:
    """Open ``text`` in the editor; save it as a new version if it changed and is valid."""
    from copilot.prompts import user_prompts_dir
    from copilot.prompts.library import save_template_text

    scratch = user_prompts_dir() / f".edit-{template_id}.md"
    scratch.write_text(text, encoding="utf-8")
    try:
        subprocess.run([*_editor_command(), str(scratch)], check=False)
    except OSError as exc:
        raise UsageError(f"cannot start the editor ({exc.strerror}); check $EDITOR") from None
    new_text = scratch.read_text(encoding="utf-8")
    if new_text == text:
        scratch.unlink()
        err(f"{template_id}: no changes")
        return False
    try:
        save_template_text(new_text, expected_id=template_id, where=str(scratch))
    except PromptError as exc:
        raise PromptError(f"{exc} — not saved; your edit is kept in {scratch}") from None
    scratch.unlink()
    return True


def _new(args: argparse.Namespace) -> int:
    from copilot.prompts.library import create_template

    tpl = create_template(args.id, from_id=args.from_id)
    err(f"created {tpl.path}")
    if not args.no_edit:
        _edit_file(tpl.id, tpl.source_text)
    return 0


def _edit(args: argparse.Namespace) -> int:
    from copilot.prompts.library import ensure_user_copy

    path = ensure_user_copy(args.id)
    if _edit_file(args.id, path.read_text(encoding="utf-8")):
        err(f"saved {path} (see `prompts history {args.id}`)")
    return 0


def _delete(args: argparse.Namespace) -> int:
    from copilot.prompts.library import delete_template

    builtin_again = delete_template(args.id)
    err(f"deleted your copy of {args.id}" + (" (the built-in is used again)" if builtin_again else "")
        + f"; `prompts history {args.id}` still lists its versions")
    return 0


def _history(args: argparse.Namespace) -> int:
    from copilot.prompts.library import history

    versions = history(args.id)
    if args.json:
        emit_json([{"version": v.number, "saved_at": v.saved_at.isoformat(), "template_version": v.template_version,
                    "path": str(v.path)} for v in versions])
        return 0
    if not versions:
        out(f"{args.id}: no saved versions (only the built-in); `prompts edit {args.id}` makes your copy")
        return 0
    rows = [["SAVE", "SAVED (UTC)", "VERSION FIELD"]]
    rows += [[str(v.number), v.saved_at.strftime("%Y-%m-%d %H:%M:%S"), str(v.template_version or "?")]
             for v in versions]
    _table(rows)
    return 0


def _diff(args: argparse.Namespace) -> int:
    from copilot.prompts.library import diff_versions

    text = diff_versions(args.id, args.v1, args.v2)
    if text:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        err(f"{args.id}: no differences")
    return 0


def _revert(args: argparse.Namespace) -> int:
    from copilot.prompts.library import revert

    tpl = revert(args.id, args.version)
    err(f"{tpl.id}: version {args.version} is current again (saved as a new version)")
    return 0


def _import(args: argparse.Namespace) -> int:
    from copilot.prompts.transfer import import_path

    report = import_path(args.path, replace=args.replace)
    if args.json:
        emit_json({"imported": report.imported, "skipped": [{"item": i, "reason": r} for i, r in report.skipped],
                   "notes": [{"item": i, "note": n} for i, n in report.notes]})
        return 0
    for tid in report.imported:
        out(f"imported {tid}")
    for item, note in report.notes:
        out(f"note {item}: {note}")
    for item, reason in report.skipped:
        out(f"skipped {item}: {reason}")
    out(f"{len(report.imported)} imported, {len(report.skipped)} skipped")
    return 0 if report.imported or not report.skipped else 1


def _export(args: argparse.Namespace) -> int:
    from copilot.prompts.transfer import export_templates

    ids = export_templates(args.ids, args.output, force=args.force)
    err(f"exported {len(ids)} template(s) to {args.output}")
    return 0
