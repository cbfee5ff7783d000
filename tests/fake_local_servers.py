"""Fake local model servers (Ollama, LM Studio) on free 127.0.0.1 ports, for ``models detect``.

Each answers the discovery routes the real one has, from a dict of path → JSON:

    with FakeLocalServer(ollama_routes(["qwen2.5:7b"])) as ollama:
        ollama.port
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["FakeLocalServer", "lmstudio_routes", "ollama_routes"]


def ollama_routes(models: list[str]) -> dict[str, Any]:
    return {"/api/tags": {"models": [{"name": m, "model": m, "size": 4_683_087_332} for m in models]},
            "/v1/models": {"object": "list", "data": [{"id": m, "object": "model", "owned_by": "library"}
                                                      for m in models]}}


def lmstudio_routes(models: list[str]) -> dict[str, Any]:
    return {"/v1/models": {"object": "list", "data": [{"id": m, "object": "model", "owned_by": "organization_owner"}
                                                      for m in models]},
            "/api/v0/models": {"object": "list", "data": [{"id": m, "type": "llm", "state": "not-loaded"}
                                                          for m in models]}}


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        route = self.server.routes.get(self.path.split("?")[0])
        body = json.dumps(route if route is not None else {"error": "not found"}).encode()
        self.send_response(200 if route is not None else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    routes: dict[str, Any]


class FakeLocalServer:
    def __init__(self, routes: dict[str, Any]) -> None:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.routes = routes
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name="fake-local-server", daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def __enter__(self) -> FakeLocalServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
