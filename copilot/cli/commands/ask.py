"""desk-copilot ask "REQUEST" — one request, streamed answer."""

from __future__ import annotations

import argparse
import sys

from copilot.cli.common import add_profile_arg, drive, emit_json, sigint_cancels
from copilot.errors import UsageError


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("ask", help="ask the model something (answer streams to stdout)",
                       description="Send one request to the model and stream the answer. "
                                   "Reads the request from stdin when it is '-'.")
    p.add_argument("request", help="what to ask ('-' reads stdin)")
    p.add_argument("--template", "-t", default="general.ask", metavar="ID",
                   help="prompt template to wrap the request in (default: general.ask)")
    p.add_argument("--lang", choices=["zh", "en"], help="template language (default: from the request)")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of streaming")
    add_profile_arg(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from copilot.cancel import CancelToken
    from copilot.models import get_provider
    from copilot.tasks.ask import AskResult, ask
    from copilot.tasks.recorded import RunInfo, recorded

    request = sys.stdin.read() if args.request == "-" else args.request
    if not request.strip():
        raise UsageError("ask: the request is empty")
    provider = get_provider(args.profile)
    info = RunInfo("ask", "cli", template=args.template, profile=provider.name, model=provider.model,
                   input_text=request)
    with sigint_cancels(CancelToken()) as token:
        result: AskResult = drive(recorded(ask(provider, request, template_id=args.template, cancel=token,
                                               lang=args.lang), info),
                                  stream_deltas=not args.json, show_progress=False)
    if args.json:
        emit_json({"text": result.text, "model": result.model, "profile": provider.name,
                   "tokens_in": result.usage.tokens_in, "tokens_out": result.usage.tokens_out})
    return 0
