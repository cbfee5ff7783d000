"""Where model files come from: Hugging Face, ModelScope or a mirror, and what each publishes.

The two hubs lay their files out differently:

- Hugging Face (and mirrors such as hf-mirror.com): ``{base}/{repo}/resolve/{revision}/{file}``;
  a HEAD answers (before redirecting to its CDN) with ``X-Linked-Etag`` = the LFS SHA-256 and
  ``X-Linked-Size``.
- ModelScope: ``{base}/models/{repo}/resolve/{revision}/{file}``; the file list
  ``{base}/api/v1/models/{repo}/repo/files?Revision=..&Recursive=true`` carries ``Sha256`` and
  ``Size`` per file.

Base URLs come from (first wins) ``DESK_COPILOT_HF_ENDPOINT`` / ``DESK_COPILOT_MODELSCOPE_ENDPOINT``,
the ``[models]`` section of settings.toml (``huggingface_endpoint``, ``modelscope_endpoint``), the
hubs' own ``HF_ENDPOINT`` / ``MODELSCOPE_ENDPOINT`` variables, then the public sites. Proxies
come from the environment (``HTTPS_PROXY``, ``HTTP_PROXY``, ``NO_PROXY``) through urllib.
"""

from __future__ import annotations

import json
import os
import re
import socket
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from email.message import Message
from typing import Any, Literal

from copilot.errors import (
    DownloadError,
    DownloadRateLimited,
    GatedModel,
    RemoteNotFound,
    SourceUnreachable,
    UsageError,
)
from copilot.models.catalogue import CatalogueModel

__all__ = ["RemoteFile", "Source", "http_error", "models_settings", "open_url", "published_file",
           "remote_files", "resolve_source", "unreachable"]

Layout = Literal["huggingface", "modelscope"]

_PUBLIC = {"huggingface": "https://huggingface.co", "modelscope": "https://www.modelscope.cn"}
_ENV = {"huggingface": ("DESK_COPILOT_HF_ENDPOINT", "huggingface_endpoint", "HF_ENDPOINT"),
        "modelscope": ("DESK_COPILOT_MODELSCOPE_ENDPOINT", "modelscope_endpoint", "MODELSCOPE_ENDPOINT")}
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_META_LIMIT = 4_000_000
"""A file list larger than this is not a file list (bounded: the hub is untrusted)."""
CONNECT_TIMEOUT = 10.0
USER_AGENT = "desk-copilot"


@dataclass(frozen=True)
class Source:
    name: str
    """"huggingface", "modelscope", or "mirror" for a user-given base URL."""
    base_url: str
    layout: Layout

    @property
    def host(self) -> str:
        return urllib.parse.urlsplit(self.base_url).netloc or self.base_url

    def file_url(self, repo: str, revision: str, file: str) -> str:
        quoted = urllib.parse.quote(file)
        if self.layout == "modelscope":
            return f"{self.base_url}/models/{repo}/resolve/{revision}/{quoted}"
        return f"{self.base_url}/{repo}/resolve/{revision}/{quoted}"

    def other(self) -> str:
        return "modelscope" if self.layout == "huggingface" else "huggingface"


@dataclass(frozen=True)
class RemoteFile:
    url: str
    name: str
    sha256: str | None
    """The hash the file must have: --sha256, the catalogue's, or the hub's published one."""
    size: int | None
    label: str
    """How messages name it: "huggingface: Qwen/...-GGUF/file.gguf"."""


def models_settings() -> dict[str, Any]:
    from copilot.settings import load_settings

    section = load_settings().extra.get("models", {})
    return section if isinstance(section, dict) else {}


def _base_for(name: str) -> str:
    env_var, setting, hub_var = _ENV[name]
    for value in (os.environ.get(env_var), models_settings().get(setting), os.environ.get(hub_var)):
        if isinstance(value, str) and value.strip():
            return value.strip().rstrip("/")
    return _PUBLIC[name]


def resolve_source(spec: str | None) -> Source:
    """``huggingface``, ``modelscope`` or a mirror's base URL (Hugging Face layout)."""
    if not spec:
        spec = str(models_settings().get("source") or "huggingface")
    lowered = spec.strip().lower()
    if lowered in ("huggingface", "hf"):
        return Source("huggingface", _base_for("huggingface"), "huggingface")
    if lowered in ("modelscope", "ms"):
        return Source("modelscope", _base_for("modelscope"), "modelscope")
    if lowered.startswith(("http://", "https://")):
        return Source("mirror", spec.strip().rstrip("/"), "huggingface")
    raise UsageError(f'Unknown source "{spec}" — use huggingface, modelscope or a mirror base URL '
                     f"(e.g. https://hf-mirror.com)")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Hugging Face puts the file's hash on the redirect to its CDN: stop there to read it."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def open_url(url: str, *, method: str = "GET", headers: dict[str, str] | None = None,
             timeout: float = CONNECT_TIMEOUT, follow: bool = True) -> Any:
    """urllib with env proxies (the default ProxyHandler) and our User-Agent."""
    request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT, **(headers or {})})
    handlers: list[urllib.request.BaseHandler] = [] if follow else [_NoRedirect()]
    opener = urllib.request.build_opener(*handlers)
    return opener.open(request, timeout=timeout)


def unreachable(source_name: str, host: str, reason: str) -> SourceUnreachable:
    other = "modelscope" if source_name != "modelscope" else "huggingface"
    return SourceUnreachable(
        f"{source_name} ({host}) cannot be reached ({reason}) — try --source {other}, or a mirror "
        f"(--source https://hf-mirror.com, or huggingface_endpoint in settings [models]); "
        f"proxies are taken from HTTPS_PROXY/HTTP_PROXY")


def http_error(exc: urllib.error.HTTPError, label: str, source_name: str) -> DownloadError:
    """One typed, one-line error per hub answer."""
    code = exc.code
    if code == 404:
        return RemoteNotFound(f"{label} not found on {source_name} (404) — check the model id or file name, "
                              f"or try another source")
    if code in (401, 403):
        return GatedModel(f"{label} is gated on {source_name} ({code}): it needs a login and an accepted "
                          f"licence — accept it on the hub's page and download the file in a browser, "
                          f"then use --url, or choose another model")
    if code == 429:
        after = exc.headers.get("Retry-After", "") if exc.headers else ""
        wait = f" (retry after {after} s)" if after else ""
        return DownloadRateLimited(f"{source_name} is rate-limiting downloads{wait} — wait and run the same "
                                   f"command again; the partial file is kept")
    return SourceUnreachable(f"{source_name} answered {code} for {label} — try again later or try another source")


def _read_json(response: Any, label: str) -> Any:
    data = response.read(_META_LIMIT + 1)
    if len(data) > _META_LIMIT:
        raise SourceUnreachable(f"{label}: the file list is implausibly large — try another source")
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise SourceUnreachable(f"{label}: the hub's file list is not JSON — is the source URL right?") from None


def _clean_hash(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = value.strip().strip('"').lower()
    value = value.removeprefix("w/").strip('"')
    return value if _HEX64.match(value) else None


def _int_or_none(value: object) -> int | None:
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return None
    return number if number >= 0 else None


def _hf_metadata(url: str, label: str, source: Source) -> tuple[str | None, int | None]:
    try:
        response = open_url(url, method="HEAD", follow=False)
        headers: Message = response.headers
        response.close()
    except urllib.error.HTTPError as exc:
        if 300 <= exc.code < 400:
            headers = exc.headers
        else:
            raise http_error(exc, label, source.name) from None
    except (urllib.error.URLError, OSError) as exc:
        raise unreachable(source.name, source.host, _reason(exc)) from None
    sha = _clean_hash(headers.get("X-Linked-Etag")) or _clean_hash(headers.get("ETag"))
    size = _int_or_none(headers.get("X-Linked-Size")) or _int_or_none(headers.get("Content-Length"))
    return sha, size


def _modelscope_metadata(source: Source, repo: str, revision: str, label: str) -> dict[str, tuple[str | None, int | None]]:
    query = urllib.parse.urlencode({"Revision": revision, "Recursive": "true"})
    url = f"{source.base_url}/api/v1/models/{repo}/repo/files?{query}"
    try:
        with open_url(url) as response:
            data = _read_json(response, label)
    except urllib.error.HTTPError as exc:
        raise http_error(exc, f"{repo}", source.name) from None
    except (urllib.error.URLError, OSError) as exc:
        raise unreachable(source.name, source.host, _reason(exc)) from None
    files = (data.get("Data") or {}).get("Files") if isinstance(data, dict) else None
    if not isinstance(files, list):
        raise RemoteNotFound(f"{repo} not found on modelscope (no file list) — check the model id or try "
                             f"--source huggingface")
    found: dict[str, tuple[str | None, int | None]] = {}
    for entry in files:
        if isinstance(entry, dict):
            path = entry.get("Path") or entry.get("Name")
            if isinstance(path, str):
                found[path] = (_clean_hash(entry.get("Sha256")), _int_or_none(entry.get("Size")))
    return found


def _reason(exc: BaseException) -> str:
    reason = getattr(exc, "reason", exc)
    if isinstance(reason, socket.timeout | TimeoutError):
        return "timed out"
    if isinstance(reason, socket.gaierror):
        return "name not resolved"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    return type(reason).__name__ if not str(reason) else str(reason)[:80]


def published_file(url: str, *, sha256: str | None = None) -> RemoteFile:
    """A file given by URL (``--url``): its hash from ``--sha256`` or the server's LFS headers."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(f"--url needs an http(s) URL, got {url!r}")
    name = urllib.parse.unquote(parts.path.rsplit("/", 1)[-1]) or "model.gguf"
    source = Source(parts.netloc, f"{parts.scheme}://{parts.netloc}", "huggingface")
    published, size = _hf_metadata(url, name, source)
    return RemoteFile(url, name, sha256 or published, size, f"{parts.netloc}: {name}")


def remote_files(model: CatalogueModel, source: Source, *, sha256: str | None = None) -> list[RemoteFile]:
    """The files of a catalogue model on ``source``, each with the hash it must have."""
    entry = model.sources.get(source.layout)
    if entry is None:
        raise UsageError(f"{model.id} is not on {source.layout} in the catalogue — use --source "
                         f"{source.other()} or a mirror URL")
    revision = entry.revision if source.name != "mirror" else "main"
    if source.layout == "modelscope":
        listed = _modelscope_metadata(source, entry.repo, revision, f"modelscope: {entry.repo}")
    result: list[RemoteFile] = []
    for file in entry.files:
        url = source.file_url(entry.repo, revision, file)
        label = f"{entry.repo}/{file}"
        if source.layout == "modelscope":
            if file not in listed:
                raise RemoteNotFound(f"{label} not found on modelscope — check the catalogue entry or try "
                                     f"--source huggingface")
            published, size = listed[file]
        else:
            published, size = _hf_metadata(url, label, source)
        wanted = sha256 if sha256 and len(entry.files) == 1 else model.sha256.get(file)
        result.append(RemoteFile(url, file, wanted or published, size, f"{source.name}: {label}"))
    return result
