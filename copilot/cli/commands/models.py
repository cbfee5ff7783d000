"""desk-copilot models list|test."""

from __future__ import annotations

import argparse
from typing import Any

from copilot.cli.common import add_profile_arg, emit_json, out


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("models", help="list a profile's models or test a round trip")
    s = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    ls = s.add_parser("list", help="models the server offers (/v1/models), or the GGUF file")
    add_profile_arg(ls)
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=_list)
    t = s.add_parser("test", help="a tiny round trip: model, latency, tokens/s")
    add_profile_arg(t)
    t.add_argument("--json", action="store_true")
    t.set_defaults(func=_test)


def _list(args: argparse.Namespace) -> int:
    from copilot.models import get_provider

    provider = get_provider(args.profile)
    models = provider.list_models()
    if args.json:
        emit_json({"profile": provider.name, "models": models})
    else:
        for name in models:
            out(("* " if name == provider.model else "  ") + name)
    return 0


def _test(args: argparse.Namespace) -> int:
    from copilot import history
    from copilot.models import ChatOptions, Message, complete, get_provider

    provider = get_provider(args.profile)
    # A connectivity probe, not a user prompt: the reply's content does not matter.
    messages = [Message(role="user", content="Reply with the single word: ready")]
    result = complete(provider, messages, ChatOptions(max_tokens=16, temperature=0.0))
    rate = result.usage.tokens_out / result.seconds if result.seconds > 0 else 0.0
    history.record(task="models-test", status="ok", profile=provider.name, model=result.model,
                   tokens_in=result.usage.tokens_in, tokens_out=result.usage.tokens_out, seconds=result.seconds)
    info: dict[str, Any] = {"profile": provider.name, "model": result.model, "seconds": round(result.seconds, 3),
            "first_token_seconds": round(result.first_token_seconds or 0.0, 3),
            "tokens_out": result.usage.tokens_out, "tokens_per_second": round(rate, 1),
            "reply": result.text.strip()[:80]}
    if args.json:
        emit_json(info)
    else:
        out(f"{provider.name}: model {result.model} answered in {result.seconds * 1000:.0f} ms "
            f"(first token {info['first_token_seconds'] * 1000:.0f} ms, {rate:.1f} tokens/s): "
            f"{info['reply']!r}")
    return 0
