"""One running app per user and home: a second launch hands its request over a local socket.

Protocol: JSON objects, one per line (UTF-8), e.g. ``{"cmd": "open", "files": ["/a.docx"]}`` or
``{"cmd": "quick", "template": "polish.formal"}``. The server answers nothing; a client that
connected and wrote its lines is done.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import logging
import os
from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

__all__ = ["SingleInstance", "send_to_running", "server_name"]

log = logging.getLogger(__name__)
_MAX_LINE = 1 << 20


def server_name() -> str:
    """Unique per user and per DESK_COPILOT_HOME, so test runs and separate homes never collide."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = str(os.getuid()) if hasattr(os, "getuid") else "user"
    home = os.environ.get("DESK_COPILOT_HOME", "")
    digest = hashlib.sha1(f"{user}\0{home}".encode()).hexdigest()[:12]
    return f"desk-copilot-{user}-{digest}"


def send_to_running(messages: Iterable[dict[str, Any]], name: str | None = None, timeout_ms: int = 800) -> bool:
    """Deliver ``messages`` to a running instance. False when there is none."""
    socket = QLocalSocket()
    socket.connectToServer(name or server_name())
    if not socket.waitForConnected(timeout_ms):
        return False
    payload = b"".join(json.dumps(m, ensure_ascii=False).encode("utf-8") + b"\n" for m in messages)
    socket.write(payload)
    ok = socket.waitForBytesWritten(timeout_ms) or socket.bytesToWrite() == 0
    socket.disconnectFromServer()
    if socket.state() != QLocalSocket.LocalSocketState.UnconnectedState:
        socket.waitForDisconnected(timeout_ms)
    return ok


class SingleInstance(QObject):
    """The listening side. ``sig_message(dict)`` fires on the GUI thread for every line received."""

    sig_message = Signal(dict)

    def __init__(self, name: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name or server_name()
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._on_server_new_connection)
        self._buffers: dict[QLocalSocket, bytes] = {}

    def listen(self) -> bool:
        if self._server.listen(self.name):
            return True
        # A crashed instance leaves its socket file behind; nobody answered, so take it over.
        QLocalServer.removeServer(self.name)
        return self._server.listen(self.name)

    def close(self) -> None:
        self._server.close()
        for sock in list(self._buffers):
            sock.abort()
        self._buffers.clear()

    def _on_server_new_connection(self) -> None:
        while self._server.hasPendingConnections():
            sock = self._server.nextPendingConnection()
            self._buffers[sock] = b""
            sock.readyRead.connect(lambda s=sock: self._on_socket_ready(s))
            sock.disconnected.connect(lambda s=sock: self._on_socket_disconnected(s))
            if sock.bytesAvailable():
                self._on_socket_ready(sock)

    def _on_socket_ready(self, sock: QLocalSocket) -> None:
        data = self._buffers.get(sock, b"") + bytes(sock.readAll().data())
        *lines, rest = data.split(b"\n")
        if len(rest) > _MAX_LINE:
            log.warning("dropping an oversized message on the app socket")
            rest = b""
        self._buffers[sock] = rest
        for line in lines:
            self._emit(line)

    def _on_socket_disconnected(self, sock: QLocalSocket) -> None:
        if sock.bytesAvailable():
            self._on_socket_ready(sock)
        rest = self._buffers.pop(sock, b"")
        if rest.strip():
            self._emit(rest)
        sock.deleteLater()

    def _emit(self, line: bytes) -> None:
        if not line.strip():
            return
        try:
            message = json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            log.warning("ignoring a malformed message on the app socket")
            return
        if isinstance(message, dict) and isinstance(message.get("cmd"), str):
            self.sig_message.emit(message)
