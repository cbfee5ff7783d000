"""desk-copilot models list|test|catalogue|get|detect|remove."""

from __future__ import annotations

import argparse
from typing import Any

from copilot.cli.common import add_profile_arg, emit_json, out


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("models", help="local models: catalogue, download, detect servers; list or test a profile")
    s = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    ls = s.add_parser("list", help="models the server offers (/v1/models), or the GGUF file")
    add_profile_arg(ls)
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=_list)
    t = s.add_parser("test", help="a tiny round trip: model, latency, tokens/s")
    add_profile_arg(t)
    t.add_argument("--json", action="store_true")
    t.set_defaults(func=_test)
    c = s.add_parser("catalogue", help="curated GGUF models to download, marked when they fit this machine")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=_catalogue)
    g = s.add_parser("get", help="download a catalogue model (resumable, SHA-256 verified) and make a profile",
                     description="Download into the data folder, resuming an interrupted download, verify the "
                                 "SHA-256 and create an embedded profile named ID (or --name).")
    g.add_argument("id", nargs="?", metavar="ID", help="catalogue id (see: models catalogue)")
    g.add_argument("--url", help="download this GGUF URL instead of a catalogue model")
    g.add_argument("--source", metavar="SOURCE",
                   help="huggingface (default), modelscope, or a mirror's base URL such as https://hf-mirror.com")
    g.add_argument("--sha256", metavar="HEX", help="the SHA-256 the file must have")
    g.add_argument("--name", metavar="PROFILE", help="profile name (default: the model id)")
    g.add_argument("--json", action="store_true")
    g.set_defaults(func=_get)
    d = s.add_parser("detect", help="find Ollama, LM Studio, vLLM and llama.cpp servers on this machine")
    d.add_argument("--json", action="store_true")
    d.add_argument("--add", action="store_true", help="create a profile for each server found")
    d.set_defaults(func=_detect)
    r = s.add_parser("remove", help="delete a downloaded model and its profile")
    r.add_argument("id", metavar="ID")
    r.set_defaults(func=_remove)


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
    from copilot.models.structured import probe_structured

    provider = get_provider(args.profile)
    # A connectivity probe, not a user prompt: the reply's content does not matter.
    messages = [Message(role="user", content="Reply with the single word: ready")]
    result = complete(provider, messages, ChatOptions(max_tokens=16, temperature=0.0))
    structured_format = probe_structured(provider)
    rate = result.usage.tokens_out / result.seconds if result.seconds > 0 else 0.0
    history.record(task="models-test", status="ok", profile=provider.name, model=result.model,
                   tokens_in=result.usage.tokens_in, tokens_out=result.usage.tokens_out, seconds=result.seconds,
                   source="cli")
    info: dict[str, Any] = {"profile": provider.name, "model": result.model, "seconds": round(result.seconds, 3),
            "first_token_seconds": round(result.first_token_seconds or 0.0, 3),
            "tokens_out": result.usage.tokens_out, "tokens_per_second": round(rate, 1),
            "reply": result.text.strip()[:80], "structured": structured_format}
    if args.json:
        emit_json(info)
    else:
        out(f"{provider.name}: model {result.model} answered in {result.seconds * 1000:.0f} ms "
            f"(first token {info['first_token_seconds'] * 1000:.0f} ms, {rate:.1f} tokens/s): "
            f"{info['reply']!r}; structured replies: {structured_format}")
    return 0


def _catalogue(args: argparse.Namespace) -> int:
    from copilot.models.catalogue import CATALOGUE, total_ram_bytes
    from copilot.models.download import local_models

    ram = total_ram_bytes()
    have = {str(r.get("id")) for r in local_models()}
    if args.json:
        emit_json({"total_ram_bytes": ram,
                   "models": [dict(m.to_json(ram), downloaded=m.id in have) for m in CATALOGUE]})
        return 0
    out(f"This machine: {ram / 1e9:.0f} GB RAM. ✓ = fits, ● = downloaded.")
    for m in CATALOGUE:
        mark = ("●" if m.id in have else "✓") if m.fits(ram) else " "
        sources = "/".join("HF" if s == "huggingface" else "MS" for s in m.sources)
        kind = " (embedding)" if m.kind == "embedding" else ""
        out(f"{mark} {m.id:<24} {m.quant:<7} {m.size_bytes / 1e9:5.2f} GB  needs {m.ram_bytes / 1e9:.0f} GB RAM  "
            f"{m.licence:<13} {','.join(m.languages[:3])}{'…' if len(m.languages) > 3 else ''}  [{sources}]{kind}")
    return 0


def _get(args: argparse.Namespace) -> int:
    from copilot.cancel import CancelToken
    from copilot.cli.common import drive, sigint_cancels
    from copilot.errors import UsageError
    from copilot.models.download import DownloadResult, get_model

    if bool(args.id) == bool(args.url):
        raise UsageError("models get: give a catalogue ID or --url URL (one of them)")
    with sigint_cancels(CancelToken()) as token:
        result: DownloadResult = drive(get_model(args.id, url=args.url, source=args.source, sha256=args.sha256,
                                                 name=args.name, cancel=token), stream_deltas=False)
    if args.json:
        emit_json({"id": result.model_id, "path": str(result.path), "sha256": result.sha256,
                   "profile": result.profile, "fetched_bytes": result.fetched_bytes, "already": result.already,
                   "verified": result.verified})
    elif result.already:
        out(f"{result.model_id} is already downloaded ({result.path}); profile \"{result.profile}\"")
    else:
        check = "SHA-256 verified" if result.verified else "no SHA-256 to verify against"
        out(f"{result.model_id}: {result.path} ({check}); use it with --profile {result.profile} "
            f"or: desk-copilot profiles use {result.profile}")
    return 0


def _detect(args: argparse.Namespace) -> int:
    from copilot.models.detect import add_detected, detect_servers

    servers = detect_servers()
    added = [add_detected(server) for server in servers] if args.add else []
    if args.json:
        emit_json({"servers": [s.to_json() for s in servers], "added": added})
        return 0
    if not servers:
        out("No local model server found (Ollama 11434, LM Studio 1234, vLLM 8000, llama.cpp 8080; "
            "more ports: detect_ports in settings [models]).")
        return 0
    for server in servers:
        shown = ", ".join(server.models[:6]) + (" …" if len(server.models) > 6 else "")
        out(f"{server.title} on {server.base_url}: {shown or 'no models'}"
            + (f" → profile \"{server.profile_name}\"" if args.add else ""))
    return 0


def _remove(args: argparse.Namespace) -> int:
    from copilot.models.download import remove_model

    profiles = remove_model(args.id)
    extra = f"; removed profile(s) {', '.join(profiles)}" if profiles else ""
    out(f"Deleted {args.id}{extra}")
    return 0
