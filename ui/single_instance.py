"""One running app per user and home: a second launch hands its request over a local socket.

Protocol: JSON objects, one per line (UTF-8), e.g. ``{"cmd": "open", "files": ["/a.docx"]}`` or
``{"cmd": "quick", "template": "polish.formal"}``. The server answers nothing; a client that
connected and wrote its lines is done.

The server is a QLocalServer; on POSIX its name is a socket path and a launch probes it with a
plain Python socket, so QtNetwork (~20 ms with its enum types) loads only when the app listens,
which it does right after its window has painted.
"""

from __future__ import annotations

import logging
import os
import zlib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

if TYPE_CHECKING:
    from PySide6.QtNetwork import QLocalServer, QLocalSocket

__all__ = ["SingleInstance", "send_to_running", "server_name"]

log = logging.getLogger(__name__)
_MAX_LINE = 1 << 20


def _user() -> str:
    # getpass.getuser() without its termios/pwd imports (start-up time): the same variables first.
    for var in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        if os.environ.get(var):
            return os.environ[var]
    return str(os.getuid()) if hasattr(os, "getuid") else "user"


def server_name() -> str:
    """Unique per user and per DESK_COPILOT_HOME, so test runs and separate homes never collide.

    On POSIX a full socket path (QLocalServer accepts one), so a launch can probe it with a plain
    socket before the window shows, without loading QtNetwork; on Windows a pipe name."""
    user = _user()
    home = os.environ.get("DESK_COPILOT_HOME", "")
    digest = f"{zlib.crc32((user + chr(0) + home).encode()):08x}"
    base = f"desk-copilot-{user}-{digest}"
    if os.name == "nt":
        return base
    directory = os.environ.get("XDG_RUNTIME_DIR") or os.environ.get("TMPDIR") or "/tmp"
    path = os.path.join(directory, f"{base}.sock")
    return path if len(path.encode()) < 100 else os.path.join("/tmp", f"{base}.sock")  # sun_path limit


def _payload(messages: Iterable[dict[str, Any]]) -> bytes:
    import json

    return b"".join(json.dumps(m, ensure_ascii=False).encode("utf-8") + b"\n" for m in messages)


def send_to_running(messages: Iterable[dict[str, Any]], name: str | None = None, timeout_ms: int = 800) -> bool:
    """Deliver ``messages`` to a running instance. False when there is none."""
    name = name or server_name()
    if os.path.isabs(name) and os.name != "nt":
        return _send_unix(name, messages, timeout_ms)
    return _send_qt(name, messages, timeout_ms)


def _send_unix(path: str, messages: Iterable[dict[str, Any]], timeout_ms: int) -> bool:
    # The C module: the ``socket`` wrapper imports selectors and builds IntEnum classes, a few
    # ms of start-up for a probe that usually finds nobody.
    import _socket

    sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    sock.settimeout(timeout_ms / 1000)
    try:
        try:
            sock.connect(path)
        except OSError:
            return False  # no socket file, or one a crashed instance left behind
        try:
            sock.sendall(_payload(messages))
            sock.shutdown(_socket.SHUT_WR)
        except OSError as exc:
            log.warning("could not hand the request to the running app: %s", exc)
            return False
        return True
    finally:
        sock.close()


def _send_qt(name: str, messages: Iterable[dict[str, Any]], timeout_ms: int) -> bool:
    from PySide6.QtNetwork import QLocalSocket

    client = QLocalSocket()
    client.connectToServer(name)
    if not client.waitForConnected(timeout_ms):
        return False
    client.write(_payload(messages))
    ok = client.waitForBytesWritten(timeout_ms) or client.bytesToWrite() == 0
    client.disconnectFromServer()
    if client.state() != QLocalSocket.LocalSocketState.UnconnectedState:
        client.waitForDisconnected(timeout_ms)
    return ok


class SingleInstance(QObject):
    """The listening side. ``sig_message(dict)`` fires on the GUI thread for every line received."""

    sig_message = Signal(dict)

    def __init__(self, name: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name or server_name()
        self._server: QLocalServer | None = None  # created by listen(): QtNetwork loads then
        self._buffers: dict[QLocalSocket, bytes] = {}

    def listen(self) -> bool:
        from PySide6.QtNetwork import QLocalServer

        if self._server is None:
            self._server = QLocalServer(self)
            self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
            self._server.newConnection.connect(self._on_server_new_connection)
        if self._server.listen(self.name):
            return True
        # A crashed instance leaves its socket file behind; nobody answered, so take it over.
        QLocalServer.removeServer(self.name)
        return self._server.listen(self.name)

    @property
    def is_listening(self) -> bool:
        return self._server is not None and self._server.isListening()

    def close(self) -> None:
        if self._server is not None:
            self._server.close()
        for sock in list(self._buffers):
            sock.abort()
        self._buffers.clear()

    def _on_server_new_connection(self) -> None:
        assert self._server is not None
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
        import json

        try:
            message = json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            log.warning("ignoring a malformed message on the app socket")
            return
        if isinstance(message, dict) and isinstance(message.get("cmd"), str):
            self.sig_message.emit(message)
