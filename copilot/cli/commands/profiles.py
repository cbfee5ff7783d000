"""desk-copilot profiles add|list|remove|use|show."""

from __future__ import annotations

import argparse
from typing import Any

from copilot.cli.common import emit_json, err, out


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("profiles", help="model profiles: hosted APIs, local servers, the embedded model")
    s = p.add_subparsers(dest="action", metavar="ACTION", required=True)

    add = s.add_parser("add", help="add a profile")
    add.add_argument("name")
    add.add_argument("--kind", choices=["openai-compatible", "embedded"], default="openai-compatible")
    add.add_argument("--preset", help="start from a built-in preset's settings (e.g. ollama, deepseek)")
    add.add_argument("--base-url", help="OpenAI-compatible base URL, e.g. http://localhost:11434/v1")
    add.add_argument("--model", help="model name on the server")
    add.add_argument("--key-env", metavar="VAR", help="environment variable holding the key")
    add.add_argument("--key-required", action="store_true", help="fail early when no key is found")
    add.add_argument("--allow-http-key", action="store_true",
                     help="confirm sending the key over plain http:// to another machine (unencrypted)")
    add.add_argument("--gguf", metavar="PATH", help="GGUF file for --kind embedded")
    add.add_argument("--temperature", type=float)
    add.add_argument("--max-tokens", type=int)
    add.add_argument("--timeout", type=float, help="seconds to wait for the reply (default 120)")
    add.add_argument("--concurrency", type=int, help="parallel requests (default 4; embedded 1)")
    add.add_argument("--context-window", type=int, help="tokens the model accepts")
    add.add_argument("--embedding-model", metavar="NAME",
                     help="model for /v1/embeddings (knowledge bases added with --embeddings server)")
    add.add_argument("--replace", action="store_true", help="replace an existing profile of that name")
    add.add_argument("--use", action="store_true", help="also make it the default")
    add.set_defaults(func=_add)

    ls = s.add_parser("list", help="list profiles (presets and yours)")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=_list)

    rm = s.add_parser("remove", help="remove one of your profiles (and its stored key)")
    rm.add_argument("name")
    rm.set_defaults(func=_remove)

    use = s.add_parser("use", help="make a profile the default")
    use.add_argument("name")
    use.set_defaults(func=_use)

    show = s.add_parser("show", help="show one profile")
    show.add_argument("name", nargs="?")
    show.set_defaults(func=_show)


def _add(args: argparse.Namespace) -> int:
    import dataclasses
    from pathlib import Path

    from copilot.errors import UsageError
    from copilot.models.profiles import PRESETS, Profile, add_profile, get_profile, use_profile

    if args.preset and args.preset not in PRESETS:
        raise UsageError(f"profiles add: unknown preset {args.preset!r} — one of {', '.join(PRESETS)}")
    base = PRESETS[args.preset] if args.preset else Profile(args.name, kind=args.kind)
    if args.kind == "embedded" and not args.preset:
        base = dataclasses.replace(PRESETS["embedded"], name=args.name)
    changes = {k: v for k, v in {
        "base_url": args.base_url, "model": args.model, "key_env": args.key_env,
        "gguf": str(Path(args.gguf).expanduser().resolve()) if args.gguf else None,
        "temperature": args.temperature, "max_tokens": args.max_tokens, "timeout": args.timeout,
        "concurrency": args.concurrency, "context_window": args.context_window,
        "embedding_model": args.embedding_model,
    }.items() if v is not None}
    if args.key_required:
        changes["key_required"] = True
    if args.allow_http_key:
        changes["allow_http_key"] = True
    if args.kind == "embedded":
        if args.gguf and not Path(changes["gguf"]).is_file():
            raise UsageError(f"profiles add: {args.gguf} is not a file")
        changes.setdefault("model", Path(args.gguf).stem if args.gguf else base.model)
    elif not (args.model or base.model):
        raise UsageError("profiles add: --model is required")
    if args.preset and args.base_url and args.base_url != base.base_url and not args.key_env:
        # A preset moved to another server must not send that preset's key there.
        changes["key_env"] = None
        changes["key_required"] = False
    profile = dataclasses.replace(base, name=args.name, kind=args.kind if not args.preset else base.kind,
                                  preset=False, **changes)
    add_profile(profile, replace=args.replace)
    if args.use:
        use_profile(args.name)
    out(f'Added profile "{args.name}" ({profile.kind}, {profile.display_target}, model {profile.model})')
    notice = _key_notice(get_profile(args.name))  # as saved: a preset's name brings its key variable
    if notice:
        err(f"note: {notice}")
    return 0


def _key_notice(profile: Any) -> str | None:
    """One line when the profile's stored key (or preset variable) is not for its new server."""
    from copilot.models.origin import origin_of
    from copilot.secrets import bound_origin, env_key_applies, stored_key

    if profile.kind == "embedded":
        return None
    origin = origin_of(profile.base_url)
    stored = stored_key(profile)
    if stored is not None and bound_origin(profile, stored) != origin:
        return (f"the key stored for \"{profile.name}\" was for {stored.origin or 'another server'}; it is not "
                f"sent to {origin} — set it again with: desk-copilot keys set {profile.name}")
    if profile.key_env and not env_key_applies(profile):
        return (f"{profile.key_env} is only used for its preset's server, not for {origin} — store a key with: "
                f"desk-copilot keys set {profile.name}")
    return None


def _rows() -> list[dict[str, Any]]:
    from copilot.models.profiles import all_profiles
    from copilot.settings import load_settings

    settings = load_settings()
    rows = []
    for name, p in sorted(all_profiles(settings).items()):
        rows.append({"name": name, "kind": p.kind, "target": p.display_target, "model": p.model,
                     "key_env": p.key_env, "preset": p.preset, "default": name == settings.default_profile,
                     "concurrency": p.concurrency})
    return rows


def _list(args: argparse.Namespace) -> int:
    rows = _rows()
    if args.json:
        emit_json(rows)
        return 0
    width = max(len(str(r["name"])) for r in rows)
    for r in rows:
        mark = "*" if r["default"] else " "
        origin = "preset" if r["preset"] else "yours"
        out(f"{mark} {str(r['name']).ljust(width)}  {r['kind']:<17} {r['model']:<28} {r['target']}  ({origin})")
    return 0


def _remove(args: argparse.Namespace) -> int:
    from copilot.errors import SecretStoreUnavailable
    from copilot.models.profiles import get_profile, remove_profile
    from copilot.secrets import delete_key

    profile = get_profile(args.name)
    remove_profile(args.name)
    try:
        # A later profile of the same name must not inherit this one's key.
        removed_key = delete_key(profile)
    except SecretStoreUnavailable:
        removed_key = False  # no keyring: nothing can have been stored in it
    out(f'Removed profile "{args.name}"' + (" and its stored key" if removed_key else ""))
    return 0


def _use(args: argparse.Namespace) -> int:
    from copilot.models.profiles import use_profile

    use_profile(args.name)
    out(f'Default profile is now "{args.name}"')
    return 0


def _show(args: argparse.Namespace) -> int:
    import dataclasses

    from copilot.models.profiles import get_profile

    emit_json(dataclasses.asdict(get_profile(args.name)))
    return 0
