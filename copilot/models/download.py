"""Resumable, verified downloads of GGUF models, and the local store they land in.

A task like the others: ``get_model(...)`` is a generator of events (Started, Progress, Notice,
Done) that the CLI drives on its main thread and the app on a runner worker; cancelling (the
app's Pause or Cancel) stops between reads and keeps the partial file.

Each file is fetched into ``<file>.part`` with a ``<file>.part.json`` state beside it (URL, the
hash it must have, size), both kept across restarts: the next run asks for the rest with an HTTP
Range request. Only a file whose SHA-256 matches is renamed into place and registered as an
embedded profile; a mismatch deletes the partial (resuming would not make it right).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import http.client
import json
import logging
import os
import re
import shutil
import time
import urllib.error
from collections.abc import Generator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from copilot.cancel import CancelToken
from copilot.errors import (
    Cancelled,
    ChecksumMismatch,
    DownloadInterrupted,
    NotEnoughDisk,
    ProfileNotFound,
    UsageError,
)
from copilot.events import Done, Event, Notice, Progress, Started
from copilot.models import hubs
from copilot.models.catalogue import CatalogueModel, find_model
from copilot.models.hubs import RemoteFile, Source

__all__ = ["DownloadResult", "get_model", "local_models", "models_dir", "remove_model", "transfer"]

log = logging.getLogger(__name__)

_CHUNK = 1 << 20
_READ_TIMEOUT = 30.0
_RETRIES = 3
"""Automatic resumes after a broken connection, 429 or 5xx before giving up (the partial stays)."""
_MAX_RETRY_AFTER = 30.0
_BACKOFF = 1.0
"""Seconds before the n-th automatic retry, times n."""
_DISK_MARGIN = 64 << 20
_PROGRESS_EVERY = 0.25
_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,79}$")


@dataclass(frozen=True)
class DownloadResult:
    model_id: str
    path: Path
    """The GGUF file llama.cpp loads (the first part of a split model)."""
    sha256: dict[str, str]
    profile: str
    fetched_bytes: int
    """Bytes received over the network in this run (a resume fetches only the rest)."""
    already: bool = False
    verified: bool = True
    """False when no hash was published or given: the file was checked for GGUF magic only."""


def models_dir() -> Path:
    from copilot.paths import data_dir

    path = data_dir() / "models"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _record_path(folder: Path) -> Path:
    return folder / "model.json"


def local_models() -> list[dict[str, Any]]:
    """Downloaded, verified models (their ``model.json`` records)."""
    found: list[dict[str, Any]] = []
    root = models_dir()
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        with contextlib.suppress(OSError, ValueError):
            record = json.loads(_record_path(folder).read_text(encoding="utf-8"))
            if isinstance(record, dict):
                found.append(record)
    return found


def _fmt_mb(n: int) -> str:
    return f"{n / 1e6:,.1f} MB" if n < 10**9 else f"{n / 1e9:,.2f} GB"


class _Transfer:
    """Counts bytes and rate for progress events across the files of one model."""

    def __init__(self, total: int | None) -> None:
        self.total = total
        self.done = 0
        self.fetched = 0
        self.started = time.monotonic()
        self.last_event = 0.0

    def progress(self, force: bool = False) -> Progress | None:
        now = time.monotonic()
        if not force and now - self.last_event < _PROGRESS_EVERY:
            return None
        self.last_event = now
        rate = self.fetched / max(now - self.started, 1e-6)
        total = f" of {_fmt_mb(self.total)}" if self.total else ""
        return Progress(done=self.done, total=self.total,
                        message=f"{_fmt_mb(self.done)}{total} at {rate / 1e6:.1f} MB/s")


def _state_path(part: Path) -> Path:
    return part.with_name(part.name + ".json")


def _load_state(part: Path, remote: RemoteFile) -> bool:
    """True when the partial on disk belongs to this file (same hash, or same URL when no hash)."""
    try:
        state = json.loads(_state_path(part).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(state, dict):
        return False
    if remote.sha256 or state.get("sha256"):
        return bool(state.get("sha256") == remote.sha256)
    return bool(state.get("url") == remote.url and state.get("size") == remote.size)


def _save_state(part: Path, remote: RemoteFile) -> None:
    from copilot.atomic import write_text

    write_text(_state_path(part), json.dumps({"url": remote.url, "sha256": remote.sha256, "size": remote.size,
                                              "name": remote.name}), force=True)


def _discard(part: Path) -> None:
    for path in (part, _state_path(part)):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def _hash_file(path: Path, hasher: Any, cancel: CancelToken) -> None:
    with path.open("rb") as f:
        while block := f.read(8 * _CHUNK):
            cancel.raise_if_cancelled()
            hasher.update(block)


def _check_disk(folder: Path, need: int, label: str) -> None:
    free = shutil.disk_usage(folder).free
    if need + _DISK_MARGIN > free:
        raise NotEnoughDisk(f"{label} needs {_fmt_mb(need)} but {folder} has {_fmt_mb(free)} free — free some "
                            f"space and run the same command again")


def _retry_after(exc: urllib.error.HTTPError) -> float | None:
    value = exc.headers.get("Retry-After") if exc.headers else None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _content_range_start(value: str | None) -> int | None:
    match = re.match(r"bytes (\d+)-\d+/(\d+|\*)", value or "")
    return int(match.group(1)) if match else None


def transfer(remote: RemoteFile, dest: Path, source_name: str, progress: _Transfer,
             cancel: CancelToken) -> Generator[Event, None, str]:
    """Fetch ``remote`` into ``dest`` (resuming ``dest.part``); return its SHA-256 once verified."""
    part = dest.with_name(dest.name + ".part")
    if part.exists() and not _load_state(part, remote):
        yield Notice(f"{dest.name}: the partial download is for another file version; starting over")
        _discard(part)
    offset = part.stat().st_size if part.exists() else 0
    if remote.size is not None and offset > remote.size:
        _discard(part)
        offset = 0
    _check_disk(dest.parent, (remote.size or 0) - offset, remote.label)
    _save_state(part, remote)
    hasher = hashlib.sha256()
    if offset:
        yield Notice(f"{dest.name}: resuming at {_fmt_mb(offset)}")
        _hash_file(part, hasher, cancel)
    progress.done += offset
    failures = 0
    while True:
        cancel.raise_if_cancelled()
        if remote.size is not None and offset >= remote.size:
            break
        headers = {"Range": f"bytes={offset}-"} if offset else {}
        try:
            response = hubs.open_url(remote.url, headers=headers, timeout=_READ_TIMEOUT)
        except urllib.error.HTTPError as exc:
            if exc.code == 416 and remote.size is None and offset:
                break  # nothing left to send: the partial is the whole file
            wait = _retry_after(exc)
            retriable = exc.code >= 500 or (exc.code == 429 and (wait or 1.0) <= _MAX_RETRY_AFTER)
            if retriable and failures < _RETRIES:
                failures += 1
                if cancel.wait(min(wait if wait is not None else _BACKOFF * failures, _MAX_RETRY_AFTER)):
                    raise Cancelled() from None
                continue
            raise hubs.http_error(exc, remote.label, source_name) from None
        except (urllib.error.URLError, OSError) as exc:
            raise hubs.unreachable(source_name, hubs.Source(source_name, remote.url, "huggingface").host,
                                   hubs._reason(exc)) from None
        unregister = cancel.on_cancel(response.close)
        try:
            status = response.status
            if offset and (status != 206 or _content_range_start(response.headers.get("Content-Range")) != offset):
                # The server ignored Range: take the whole file from the start rather than
                # appending a second copy to the partial.
                yield Notice(f"{dest.name}: the server does not resume downloads; starting over")
                progress.done -= offset
                offset = 0
                hasher = hashlib.sha256()
                mode = "wb"
            else:
                mode = "ab" if offset else "wb"
            if remote.size is None:
                length = response.headers.get("Content-Length")
                if length is not None and length.isdigit():
                    remote = dataclasses.replace(remote, size=offset + int(length))
                    _check_disk(dest.parent, remote.size - offset if remote.size else 0, remote.label)
                    if progress.total is None:
                        progress.total = remote.size
            buffer = bytearray(_CHUNK)
            view = memoryview(buffer)
            with part.open(mode) as out:
                while True:
                    n = response.readinto(view)
                    if not n:
                        break
                    chunk = view[:n]
                    out.write(chunk)
                    hasher.update(chunk)
                    offset += n
                    progress.done += n
                    progress.fetched += n
                    event = progress.progress()
                    if event is not None:
                        yield event
                    if cancel.is_cancelled:
                        raise Cancelled()
            if remote.size is not None and offset < remote.size:
                # http.client reports a connection closed before Content-Length as a plain end.
                raise http.client.IncompleteRead(b"", remote.size - offset)
        except Cancelled:
            raise
        except (OSError, http.client.HTTPException, ValueError) as exc:
            if cancel.is_cancelled:
                raise Cancelled() from None
            failures += 1
            log.info("download of %s broke at %d bytes: %s", remote.name, offset, type(exc).__name__)
            reason = "closed early" if isinstance(exc, http.client.IncompleteRead) else type(exc).__name__
            if failures > _RETRIES:
                raise DownloadInterrupted(
                    f"{remote.label}: the connection broke at {_fmt_mb(offset)} ({reason}) — the "
                    f"partial file is kept; run the same command again to resume") from None
            if cancel.wait(min(_BACKOFF * failures, 5.0)):
                raise Cancelled() from None
            continue
        finally:
            unregister()
            with contextlib.suppress(Exception):
                response.close()
        break
    if remote.size is not None and offset != remote.size:
        _discard(part)
        raise ChecksumMismatch(f"{remote.label}: got {offset} bytes, the hub lists {remote.size} — the file was "
                               f"deleted; run the command again")
    digest = hasher.hexdigest()
    if remote.sha256 and digest != remote.sha256:
        _discard(part)
        raise ChecksumMismatch(f"{remote.label}: SHA-256 {digest[:12]}… does not match the published "
                               f"{remote.sha256[:12]}… — the download was deleted and nothing registered; "
                               f"try another source")
    with part.open("rb") as f:
        magic = f.read(4)
    if magic != b"GGUF":
        _discard(part)
        raise ChecksumMismatch(f"{remote.label}: not a GGUF file (an HTML error page from a proxy?) — deleted; "
                               f"check the URL or the source")
    os.replace(part, dest)
    with contextlib.suppress(FileNotFoundError):
        _state_path(part).unlink()
    return digest


def _existing(folder: Path, files: list[str]) -> dict[str, Any] | None:
    """The record of a complete earlier download of exactly these files, if every file is there."""
    try:
        record = json.loads(_record_path(folder).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("files") != files:
        return None
    if all((folder / name).is_file() for name in files):
        return record
    return None


def _register(model_id: str, name: str, gguf: Path, context_window: int) -> None:
    from copilot.models.profiles import Profile, add_profile

    add_profile(Profile(name, kind="embedded", model=model_id, gguf=str(gguf), concurrency=1,
                        context_window=context_window, max_tokens=1024, timeout=600.0), replace=True)


def _url_id(remote_name: str) -> str:
    stem = remote_name.rsplit(".gguf", 1)[0].lower()
    return re.sub(r"[^a-z0-9._-]+", "-", stem).strip("-._")[:80] or "model"


def get_model(model_id: str | None = None, *, url: str | None = None, source: str | None = None,
              sha256: str | None = None, name: str | None = None,
              cancel: CancelToken | None = None) -> Generator[Event, None, None]:
    """Download a catalogue model (or a GGUF URL), verify it and register an embedded profile."""
    cancel = cancel or CancelToken()
    if sha256 is not None and not re.fullmatch(r"[0-9a-fA-F]{64}", sha256):
        raise UsageError("--sha256 needs 64 hexadecimal characters")
    wanted = sha256.lower() if sha256 else None
    model: CatalogueModel | None = None
    if url:
        remote_list = [hubs.published_file(url, sha256=wanted)]
        src_name = remote_list[0].label.split(":", 1)[0]
        mid = (name or _url_id(remote_list[0].name)).lower()
        context_window = 4096
    elif model_id:
        model = find_model(model_id)
        src: Source = hubs.resolve_source(source)
        src_name = src.name
        remote_list = hubs.remote_files(model, src, sha256=wanted)
        mid = model.id
        context_window = model.context_window
    else:
        raise UsageError("models get needs a catalogue ID or --url URL (see: desk-copilot models catalogue)")
    if not _ID.match(mid):
        raise UsageError(f'"{mid}" cannot name a model folder — use --name with letters, digits, ".", "-" or "_"')
    profile_name = name or mid
    folder = models_dir() / mid
    folder.mkdir(parents=True, exist_ok=True)
    files = [r.name for r in remote_list]
    for remote in remote_list:
        if "/" in remote.name or "\\" in remote.name or remote.name.startswith("."):
            raise UsageError(f"{remote.label}: unusable file name")
    existing = _existing(folder, files)
    if existing is not None and all(existing.get("sha256", {}).get(r.name) == r.sha256 or r.sha256 is None
                                    for r in remote_list):
        _register(mid, profile_name, folder / files[0], context_window)
        yield Done(DownloadResult(mid, folder / files[0], dict(existing.get("sha256", {})), profile_name, 0,
                                  already=True, verified=bool(existing.get("verified", True))))
        return
    sizes = [r.size for r in remote_list]
    total = sum(s for s in sizes if s is not None) if all(s is not None for s in sizes) else None
    if total is None and model is not None:
        total = model.size_bytes
    yield Started("download", total)
    progress = _Transfer(total)
    verified = all(r.sha256 for r in remote_list)
    if not verified:
        yield Notice(f"{remote_list[0].label}: no SHA-256 published or given — the file is checked for GGUF "
                     f"format only; pass --sha256 to verify it")
    digests: dict[str, str] = {}
    for remote in remote_list:
        dest = folder / remote.name
        digests[remote.name] = yield from transfer(remote, dest, src_name, progress, cancel)
    final = progress.progress(force=True)
    if final is not None:
        yield final
    from copilot.atomic import write_text

    record = {"id": mid, "files": files, "sha256": digests, "verified": verified, "source": src_name,
              "urls": [r.url for r in remote_list], "profile": profile_name,
              "title": model.title if model else files[0]}
    write_text(_record_path(folder), json.dumps(record, indent=2), force=True)
    _register(mid, profile_name, folder / files[0], context_window)
    yield Done(DownloadResult(mid, folder / files[0], digests, profile_name, progress.fetched, verified=verified))


def remove_model(model_id: str) -> list[str]:
    """Delete a downloaded model (and partials) and the profiles that use it; return those profiles."""
    from copilot.models.profiles import remove_profile
    from copilot.settings import load_settings

    folder = models_dir() / model_id.lower()
    if not _ID.match(model_id.lower()) or not folder.is_dir():
        known = ", ".join(r.get("id", "?") for r in local_models()) or "none"
        raise UsageError(f'No downloaded model "{model_id}" — downloaded: {known}')
    removed: list[str] = []
    for name, data in load_settings().profiles.items():
        gguf = data.get("gguf")
        if isinstance(gguf, str) and Path(gguf).parent.resolve() == folder.resolve():
            with contextlib.suppress(ProfileNotFound):
                remove_profile(name)
                removed.append(name)
    shutil.rmtree(folder)
    return removed

