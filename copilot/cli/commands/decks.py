"""PowerPoint commands: ``outline`` (topic/document → outline .md), ``build`` (.md → .pptx in a
template), ``read-deck`` (.pptx → outline .md, optionally with a critique)."""

from __future__ import annotations

import argparse
import contextlib
from pathlib import Path

from copilot.cli.common import add_profile_arg, drive, emit_json, err, out, sigint_cancels
from copilot.errors import UsageError

_FORMAT_HELP = "see docs/outline-format.md for the outline Markdown format"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("outline", help="make a deck outline (.md) from a topic or a document",
                       description="Ask the model for a slide outline — from a topic, or from a .docx/.md/.txt "
                                   "of any length (long documents are summarised section by section). "
                                   f"Edit the result, then run 'build'. {_FORMAT_HELP}.")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--topic", metavar="TEXT", help='what the deck is about, e.g. "Q3 service review for management"')
    src.add_argument("--from", dest="source", metavar="FILE", help="a .docx, .md or .txt to turn into slides")
    p.add_argument("--convert", action="store_true",
                   help="--from a legacy .doc: use a .docx copy converted by LibreOffice (the .doc is not changed)")
    p.add_argument("--slides", type=int, default=10, metavar="N", help="slides in the deck, title slide included "
                                                                       "(default 10)")
    p.add_argument("--audience", default="", metavar="TEXT", help="who will watch it")
    p.add_argument("--tone", default="", metavar="TEXT", help="e.g. formal, friendly")
    p.add_argument("--lang", choices=["zh", "en"], help="language of the deck (default: from the input)")
    p.add_argument("--no-notes", action="store_true", help="no speaker notes (saves model calls)")
    p.add_argument("--output", "-o", required=True, metavar="DECK.md", help="the outline file to write")
    p.add_argument("--force", action="store_true", help="overwrite the output if it exists")
    p.add_argument("--json", action="store_true", help="print a JSON summary instead of progress")
    add_profile_arg(p)
    p.set_defaults(func=run_outline)

    b = sub.add_parser("build", help="build a .pptx from an outline .md in your template",
                       description="Build a PowerPoint deck from an outline file, using the slide layouts and "
                                   "placeholders of your template (.pptx or .potx; python-pptx's plain default "
                                   "otherwise). Long slides continue on '… (cont.)' slides. " + _FORMAT_HELP + ".")
    b.add_argument("outline", metavar="DECK.md", help="the outline file")
    b.add_argument("--output", "-o", required=True, metavar="DECK.pptx", help="the deck to write")
    b.add_argument("--template", "-t", metavar="TEMPLATE", help="your .pptx or .potx template (its sample "
                                                                "slides are not copied)")
    b.add_argument("--force", action="store_true", help="overwrite the output if it exists")
    b.add_argument("--json", action="store_true", help="print a JSON summary")
    b.set_defaults(func=run_build)

    r = sub.add_parser("read-deck", help="read a .pptx back as an outline (.md), optionally critiqued",
                       description="Read titles, bullets with levels, notes and table text of a deck, in slide "
                                   "order, as outline Markdown. --critique adds automatic checks and the "
                                   "model's review of structure and titles.")
    r.add_argument("deck", metavar="IN.pptx", help="the deck to read (never modified)")
    r.add_argument("--output", "-o", metavar="OUT.md", help="write the outline here (default: stdout)")
    r.add_argument("--critique", action="store_true", help="also review the deck (uses the model)")
    r.add_argument("--no-model", action="store_true", help="with --critique: automatic checks only")
    r.add_argument("--lang", choices=["zh", "en"], help="language of the critique (default: the deck's)")
    r.add_argument("--force", action="store_true", help="overwrite the output if it exists")
    r.add_argument("--json", action="store_true", help="print one JSON object")
    r.add_argument("--convert", action="store_true",
                   help="a legacy .ppt: read a .pptx copy converted by LibreOffice (the .ppt is not changed)")
    add_profile_arg(r)
    r.set_defaults(func=run_read_deck)


def run_outline(args: argparse.Namespace) -> int:
    from copilot.atomic import check_output, write_text
    from copilot.cancel import CancelToken
    from copilot.models import get_provider
    from copilot.tasks.outline_deck import OutlineResult, outline_deck
    from copilot.tasks.recorded import RunInfo, recorded

    output = Path(args.output)
    check_output(output, force=args.force)
    if args.source and not Path(args.source).exists():
        raise UsageError(f"outline: --from {args.source}: no such file")
    provider = get_provider(args.profile)
    template = "deck.outline_topic" if args.topic is not None else "deck.outline_document"
    info = RunInfo("outline_deck", "cli", template=template, profile=provider.name, model=provider.model,
                   input_text=args.topic, input_path=args.source, output_path=output)
    from copilot.documents.legacy import converted_copy, is_legacy, legacy_error

    source = Path(args.source) if args.source else None
    if source is not None and is_legacy(source) and not args.convert:
        raise legacy_error(source)
    stack = contextlib.ExitStack()
    if source is not None and is_legacy(source):
        source = stack.enter_context(converted_copy(source))
    with stack, sigint_cancels(CancelToken()) as token:
        result: OutlineResult = drive(
            recorded(outline_deck(provider, topic=args.topic, source=source, slides=args.slides,
                                  audience=args.audience, tone=args.tone, lang=args.lang, notes=not args.no_notes,
                                  cancel=token), info),
            stream_deltas=False, show_progress=not args.json)
    write_text(output, result.markdown, force=args.force)
    if args.json:
        emit_json({"output": str(output), "slides": result.outline.slide_count(), "title": result.outline.title,
                   "model": result.model, "profile": provider.name, "calls": result.calls,
                   "summarised_chunks": result.summarised_chunks,
                   "tokens_in": result.usage.tokens_in, "tokens_out": result.usage.tokens_out})
    else:
        err(f"wrote {output} ({result.outline.slide_count()} slides) — edit it, then: "
            f"desk-copilot build {output} -o {output.with_suffix('.pptx').name}")
    return 0


def run_build(args: argparse.Namespace) -> int:
    from copilot.tasks.build_deck import BuildResult, build_deck
    from copilot.tasks.recorded import RunInfo, recorded

    info = RunInfo("build_deck", "cli", template=str(args.template) if args.template else None,
                   input_path=args.outline)
    result: BuildResult = drive(recorded(build_deck(args.outline, args.output, template=args.template,
                                                    force=args.force), info),
                                stream_deltas=False, show_progress=not args.json)
    if args.json:
        emit_json({"output": str(result.path), "slides": result.slides,
                   "added_for_overflow": result.added_for_overflow, "template": result.template})
    else:
        err(f"wrote {result.path} ({result.slides} slides, template: {result.template})")
    return 0


def run_read_deck(args: argparse.Namespace) -> int:
    from copilot.atomic import check_output, write_text
    from copilot.cancel import CancelToken
    from copilot.models import Provider, get_provider
    from copilot.tasks.read_deck import ReadDeckResult, read_deck_task
    from copilot.tasks.recorded import RunInfo, recorded

    if args.output:
        check_output(Path(args.output), force=args.force)
    provider: Provider | None = None
    if args.critique and not args.no_model:
        provider = get_provider(args.profile)
    from copilot.documents.legacy import converted_copy, is_legacy, legacy_error

    deck = Path(args.deck)
    if is_legacy(deck) and not args.convert:
        raise legacy_error(deck)
    stack = contextlib.ExitStack()
    if is_legacy(deck):
        deck = stack.enter_context(converted_copy(deck))
    with stack, sigint_cancels(CancelToken()) as token:
        events = read_deck_task(deck, critique=args.critique, provider=provider, lang=args.lang, cancel=token)
        if provider is not None:  # a run that asked a model goes to the history; reading alone does not
            events = recorded(events, RunInfo("read_deck", "cli", template="deck.critique", profile=provider.name,
                                              model=provider.model, input_path=args.deck, output_path=args.output))
        result: ReadDeckResult = drive(events, stream_deltas=False, show_progress=False)
    if args.output:
        write_text(args.output, result.markdown, force=args.force)
    if args.json:
        emit_json({"deck": str(args.deck), "slides": result.slides, "outline": result.markdown,
                   "output": args.output,
                   "findings": [{"slide": f.slide, "kind": f.kind, "message": f.message} for f in result.findings],
                   "critique": result.critique.model_dump() if result.critique else None})
        return 0
    if not args.output:
        out(result.markdown.rstrip("\n"))
    else:
        err(f"wrote {args.output} ({result.slides} slides)")
    if args.critique:
        if not args.output:
            out("\n---\n")
        out(result.critique_markdown.rstrip("\n"))
    return 0
