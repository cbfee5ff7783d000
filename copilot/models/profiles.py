"""Named model profiles: built-in presets plus the user's own, stored in settings.toml."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Literal

from copilot.errors import ProfileNotFound, UsageError
from copilot.settings import Settings, load_settings, save_settings

__all__ = ["PRESETS", "Profile", "add_profile", "all_profiles", "get_profile", "remove_profile", "use_profile"]

Kind = Literal["openai-compatible", "embedded"]


@dataclass(frozen=True)
class Profile:
    name: str
    kind: Kind = "openai-compatible"
    base_url: str | None = None
    model: str = ""
    key_env: str | None = None
    """Environment variable read when the keyring has no key for this profile."""
    key_required: bool = False
    gguf: str | None = None
    temperature: float | None = None
    max_tokens: int | None = None
    """Most tokens a reply may have; caps a template's own max_tokens (servers: 4096 when unset)."""
    timeout: float = 120.0
    """Seconds to wait for the next piece of a reply (the connect timeout is always 5 s)."""
    concurrency: int = 4
    context_window: int = 8192
    retries: int = 3
    """Tries in all for 429/5xx, honouring Retry-After."""
    allow_http_key: bool = False
    """The user confirmed sending this profile's key over plain http:// to a non-loopback host."""
    embedding_model: str | None = None
    """Model for the server's /v1/embeddings (knowledge bases); None: the server offers none."""
    preset: bool = False

    @property
    def display_target(self) -> str:
        return self.base_url or (self.gguf or "the embedded model")

    def to_settings(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data.pop("name")
        data.pop("preset")
        if not data["allow_http_key"]:
            data.pop("allow_http_key")  # written only once the user has confirmed it
        return data


PRESETS: dict[str, Profile] = {
    p.name: p
    for p in (
        Profile("openai", base_url="https://api.openai.com/v1", model="gpt-4o-mini",
                key_env="OPENAI_API_KEY", key_required=True, context_window=128000, preset=True),
        Profile("dashscope", base_url="https://dashscope.aliyuncs.com/compatible-mode/v1", model="qwen-plus",
                key_env="DASHSCOPE_API_KEY", key_required=True, context_window=128000, preset=True),
        Profile("dashscope-intl", base_url="https://dashscope-intl.aliyuncs.com/compatible-mode/v1",
                model="qwen-plus", key_env="DASHSCOPE_API_KEY", key_required=True, context_window=128000,
                preset=True),
        Profile("deepseek", base_url="https://api.deepseek.com/v1", model="deepseek-chat",
                key_env="DEEPSEEK_API_KEY", key_required=True, context_window=64000, preset=True),
        Profile("ollama", base_url="http://localhost:11434/v1", model="qwen2.5:7b", preset=True),
        Profile("lmstudio", base_url="http://localhost:1234/v1", model="local-model", preset=True),
        Profile("vllm", base_url="http://localhost:8000/v1", model="Qwen/Qwen2.5-7B-Instruct", preset=True),
        Profile("llamacpp", base_url="http://localhost:8080/v1", model="local", preset=True),
        Profile("embedded", kind="embedded", model="SmolLM2-135M-Instruct", concurrency=1,
                context_window=4096, max_tokens=1024, timeout=600.0, preset=True),
    )
}

_FIELDS = {f.name for f in dataclasses.fields(Profile)} - {"name", "preset"}


def _from_settings(name: str, data: dict[str, Any], base: Profile | None) -> Profile:
    unknown = set(data) - _FIELDS
    if unknown:
        raise UsageError(f'Profile "{name}" in settings.toml has unknown fields: {", ".join(sorted(unknown))}')
    start = base if base is not None else Profile(name)
    return dataclasses.replace(start, name=name, preset=False, **data)


def all_profiles(settings: Settings | None = None) -> dict[str, Profile]:
    settings = settings or load_settings()
    profiles = dict(PRESETS)
    for name, data in settings.profiles.items():
        profiles[name] = _from_settings(name, data, PRESETS.get(name))
    return profiles


def get_profile(name: str | None = None, settings: Settings | None = None) -> Profile:
    settings = settings or load_settings()
    wanted = name or settings.default_profile
    profiles = all_profiles(settings)
    if wanted not in profiles:
        raise ProfileNotFound(
            f'No profile named "{wanted}" — known: {", ".join(sorted(profiles))}; '
            f"add one with: desk-copilot profiles add {wanted} --base-url URL --model MODEL"
        )
    return profiles[wanted]


def add_profile(profile: Profile, *, replace: bool = False) -> None:
    settings = load_settings()
    if profile.name in settings.profiles and not replace:
        raise UsageError(f'Profile "{profile.name}" exists — remove it first or pass --replace')
    if profile.kind == "openai-compatible" and not profile.base_url:
        raise UsageError(f'Profile "{profile.name}" needs --base-url')
    if profile.kind == "embedded" and profile.concurrency != 1:
        # llama.cpp contexts are not re-entrant; calls on one model are serialised anyway.
        profile = dataclasses.replace(profile, concurrency=1)
    settings.profiles[profile.name] = profile.to_settings()
    save_settings(settings)


def remove_profile(name: str) -> None:
    settings = load_settings()
    if name not in settings.profiles:
        if name in PRESETS:
            raise UsageError(f'"{name}" is a built-in preset and cannot be removed')
        raise ProfileNotFound(f'No profile named "{name}"')
    del settings.profiles[name]
    if settings.default_profile == name:
        settings.default_profile = "embedded"
    save_settings(settings)


def use_profile(name: str) -> None:
    settings = load_settings()
    get_profile(name, settings)
    settings.default_profile = name
    save_settings(settings)
