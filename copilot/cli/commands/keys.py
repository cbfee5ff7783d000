"""desk-copilot keys set|remove|status — keys live in the OS keyring only."""

from __future__ import annotations

import argparse
import sys

from copilot.cli.common import out


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("keys", help="store API keys in the OS keyring")
    s = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    st = s.add_parser("set", help="store the key for a profile (prompted, or read from stdin)")
    st.add_argument("profile")
    st.add_argument("--stdin", action="store_true", help="read the key from stdin instead of prompting")
    st.add_argument("--allow-http-key", action="store_true",
                    help="confirm sending it over plain http:// to another machine (unencrypted)")
    st.set_defaults(func=_set)
    rm = s.add_parser("remove", help="delete the stored key of a profile")
    rm.add_argument("profile")
    rm.set_defaults(func=_remove)
    status = s.add_parser("status", help="say where each profile's key would come from (never prints it)")
    status.set_defaults(func=_status)


def _read_key(from_stdin: bool) -> str:
    if from_stdin or not sys.stdin.isatty():
        return sys.stdin.readline().strip()
    import getpass

    return getpass.getpass("API key (input hidden): ").strip()


def _set(args: argparse.Namespace) -> int:
    import dataclasses

    from copilot.models.origin import origin_of
    from copilot.models.profiles import add_profile, get_profile
    from copilot.secrets import check_transport, keyring_status, set_key

    profile = get_profile(args.profile)
    if args.allow_http_key and not profile.allow_http_key:
        profile = dataclasses.replace(profile, allow_http_key=True, preset=False)
        add_profile(profile, replace=True)
    check_transport(profile)  # before the key is typed: it would not be usable
    # With no keyring, set_key reports it before anyone types a key that could not be kept.
    key = _read_key(args.stdin) if keyring_status() is None else "-"
    set_key(profile, key)
    out(f'Stored the key for profile "{profile.name}" in the OS keyring (for {origin_of(profile.base_url)} only)')
    return 0


def _remove(args: argparse.Namespace) -> int:
    from copilot.models.profiles import get_profile
    from copilot.secrets import delete_key

    profile = get_profile(args.profile)
    if delete_key(profile):
        out(f'Removed the key for profile "{profile.name}"')
    else:
        out(f'No stored key for profile "{profile.name}"')
    return 0


def _status(args: argparse.Namespace) -> int:
    import os

    from copilot.models.origin import origin_of
    from copilot.models.profiles import all_profiles
    from copilot.secrets import bound_origin, env_key_applies, keyring_status, stored_key

    reason = keyring_status()
    out("keyring: " + ("available" if reason is None else reason))
    for name, p in sorted(all_profiles().items()):
        if p.kind == "embedded":
            continue
        stored = stored_key(p)
        if stored is not None and bound_origin(p, stored) == origin_of(p.base_url):
            where = "keyring"
        elif p.key_env and env_key_applies(p) and os.environ.get(p.key_env):
            where = f"${p.key_env}"
        elif stored is not None:
            where = "none (stored one is for another server)"
        else:
            where = "none"
        need = "required" if p.key_required else "optional"
        out(f"  {name:<16} key: {where:<20} ({need})")
    return 0
