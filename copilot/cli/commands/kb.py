"""desk-copilot kb … — knowledge bases over the user's own files: add, sync, list, search, ask."""

from __future__ import annotations

import argparse
import datetime
from pathlib import Path
from typing import Any

from copilot.cli.common import add_profile_arg, drive, emit_json, err, out, sigint_cancels


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("kb", help="knowledge bases: index your own files, search them, ask with citations",
                       description="Index folders of .docx, .pptx, spreadsheets, PDF, Markdown and text locally "
                                   "(one SQLite file per knowledge base), search them without a model, and ask "
                                   "questions answered with citations to the paragraph, slide, page or rows.")
    kb = p.add_subparsers(dest="kb_command", metavar="ACTION", required=True, parser_class=type(p))

    def kb_arg(q: argparse.ArgumentParser) -> None:
        q.add_argument("--kb", default="default", metavar="NAME", help="knowledge base (default: default)")

    add = kb.add_parser("add", help="add files or folders (recursive) and index them")
    add.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    kb_arg(add)
    add.add_argument("--embeddings", choices=["offline", "server", "none"],
                     help="vectors from the bundled offline model (default), the profile's /v1/embeddings "
                          "(its embedding_model), or none (BM25 only)")
    add.add_argument("--json", action="store_true")
    add_profile_arg(add)
    add.set_defaults(func=run_add)

    syn = kb.add_parser("sync", help="re-check every source: read only new and changed files")
    kb_arg(syn)
    syn.add_argument("--json", action="store_true")
    syn.set_defaults(func=run_sync)

    ls = kb.add_parser("list", help="sources with status, chunk counts and when they were indexed")
    kb_arg(ls)
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=run_list)

    rm = kb.add_parser("remove", help="forget a file or folder that was added")
    rm.add_argument("path", type=Path)
    kb_arg(rm)
    rm.set_defaults(func=run_remove)

    drop = kb.add_parser("drop", help="delete a knowledge base (your files are not touched)")
    drop.add_argument("name")
    drop.set_defaults(func=run_drop)

    se = kb.add_parser("search", help="search without a model")
    se.add_argument("query")
    kb_arg(se)
    se.add_argument("-k", type=int, default=8, help="results (default 8)")
    se.add_argument("--mode", choices=["hybrid", "bm25", "vector"], default="hybrid")
    se.add_argument("--json", action="store_true")
    se.set_defaults(func=run_search)

    ask = kb.add_parser("ask", help="answer from the knowledge base, every statement cited")
    ask.add_argument("question")
    kb_arg(ask)
    ask.add_argument("-k", type=int, default=6, help="chunks given to the model (default 6)")
    ask.add_argument("--json", action="store_true")
    add_profile_arg(ask)
    ask.set_defaults(func=run_ask)


def _locator(loc: dict[str, Any]) -> str:
    from copilot.kb.cite import locator_text

    return locator_text(loc)


def _print_report(report: Any, as_json: bool) -> None:
    if as_json:
        emit_json(report.to_json())
        return
    out(f"{report.added} added, {report.changed} changed, {report.removed} removed, "
        f"{report.unchanged} unchanged, {len(report.failed)} failed ({report.chunks} chunks written)")
    for failure in report.failed:
        err(f"  failed: {failure['error']}")
    for path in report.pending:
        err(f"  pending: {Path(path).name} was being written — run kb sync again")


def _run_sync(kb: Any, as_json: bool) -> int:
    from copilot.cancel import CancelToken
    from copilot.kb.manage import kb_embedder
    from copilot.kb.sync import sync

    with sigint_cancels(CancelToken()) as token:
        report = drive(sync(kb, kb_embedder(kb), token), stream_deltas=False, show_progress=not as_json)
    _print_report(report, as_json)
    return 0


def run_add(args: argparse.Namespace) -> int:
    from copilot.kb.manage import set_embeddings
    from copilot.kb.store import open_kb
    from copilot.kb.sync import add_paths

    with open_kb(args.kb, create=True) as kb:
        set_embeddings(kb, args.embeddings, args.profile)
        add_paths(kb, args.paths)
        return _run_sync(kb, args.json)


def run_sync(args: argparse.Namespace) -> int:
    from copilot.kb.store import open_kb

    with open_kb(args.kb) as kb:
        return _run_sync(kb, args.json)


def run_list(args: argparse.Namespace) -> int:
    from copilot.kb.manage import source_list
    from copilot.kb.store import open_kb

    with open_kb(args.kb) as kb:
        rows = source_list(kb)
        roots = kb.roots()
    if args.json:
        emit_json({"kb": args.kb, "roots": roots, "sources": rows})
        return 0
    out(f"knowledge base {args.kb}: {len(rows)} files from {len(roots)} added paths")
    for row in rows:
        when = datetime.datetime.fromtimestamp(row["last_indexed"]).strftime("%Y-%m-%d %H:%M") \
            if row["last_indexed"] else "-"
        status = row["status"] + (f" ({row['error']})" if row["error"] else "")
        out(f"  {status:<10} {row['chunks']:>5} chunks  {when}  {row['file']}")
    return 0


def run_remove(args: argparse.Namespace) -> int:
    from copilot.kb.manage import remove_path
    from copilot.kb.store import open_kb

    with open_kb(args.kb) as kb:
        count = remove_path(kb, args.path)
    out(f"removed {args.path} ({count} files forgotten)")
    return 0


def run_drop(args: argparse.Namespace) -> int:
    from copilot.kb.store import drop_kb

    drop_kb(args.name)
    out(f"dropped knowledge base {args.name} (your files are untouched)")
    return 0


def run_search(args: argparse.Namespace) -> int:
    from copilot.errors import UsageError
    from copilot.kb.manage import kb_embedder
    from copilot.kb.search import search
    from copilot.kb.store import open_kb

    if not args.query.strip():
        raise UsageError("kb search: the query is empty")
    if not 1 <= args.k <= 100:
        raise UsageError("kb search: -k must be between 1 and 100")
    with open_kb(args.kb) as kb:
        embedder = kb_embedder(kb) if args.mode != "bm25" else None
        hits = search(kb, args.query, k=args.k, mode=args.mode, embedder=embedder)
    if args.json:
        emit_json({"query": args.query, "results": [h.to_json() for h in hits]})
        return 0
    if not hits:
        out("nothing found")
    for i, hit in enumerate(hits, start=1):
        snippet = " ".join(hit.text.split())[:160]
        out(f"{i}. {Path(hit.file).name} — {_locator(hit.locator)}  ({hit.score:.4f})\n   {snippet}")
    return 0


def run_ask(args: argparse.Namespace) -> int:
    from copilot.cancel import CancelToken
    from copilot.errors import UsageError
    from copilot.kb.answer import answer
    from copilot.kb.manage import kb_embedder
    from copilot.kb.store import open_kb
    from copilot.models import get_provider

    if not args.question.strip():
        raise UsageError("kb ask: the question is empty")
    with open_kb(args.kb) as kb:
        embedder = kb_embedder(kb)
        provider = get_provider(args.profile)
        with sigint_cancels(CancelToken()) as token:
            result = drive(answer(kb, provider, args.question, embedder=embedder, k=args.k, cancel=token),
                           stream_deltas=False, show_progress=False)
    if args.json:
        emit_json(result.to_json())
        return 0
    out(result.answer)
    if result.citations:
        out("")
    for c in result.citations:
        out(f"[{c.n}] {Path(c.file).name} — {_locator(c.locator)}")
    for sentence in result.uncited:
        err(f"note: not backed by a citation: {sentence}")
    for n in result.removed_citations:
        err(f"note: citation [{n}] named no retrieved source and was removed")
    for number in result.unsupported_numbers:
        err(f"note: {number} does not appear in the cited sources — check it")
    return 0
