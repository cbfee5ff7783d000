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

    On POSIX a full socket path (QLocalServer accepts one) inside a directory only this user can
    enter (see ``_private_dir``), so a launch can probe it with a plain socket before the window
    shows, without loading QtNetwork; on Windows a pipe name."""
    user = _user()
    home = os.environ.get("DESK_COPILOT_HOME", "")
    digest = f"{zlib.crc32((user + chr(0) + home).encode()):08x}"
    if os.name == "nt":
        return f"desk-copilot-{user}-{digest}"
    return os.path.join(_private_dir(), f"{digest}.sock")


def _is_private_dir(path: str) -> bool:
    """A real directory (not a symlink), ours, that nobody else may enter or list."""
    import stat

    try:
        st = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISDIR(st.st_mode) and st.st_uid == os.getuid() and not st.st_mode & 0o077


def _private_dir() -> str:
    """``desk-copilot-<uid>`` (mode 0700) in XDG_RUNTIME_DIR, TMPDIR or /tmp. In a shared /tmp
    another user could create that name first (a squatter waiting for the files we hand over):
    a directory that is not ours and private is never used; we fall back to a fresh private one
    (single instance is lost for that session, nothing is handed to a stranger)."""
    uid = os.getuid()
    for base in (os.environ.get("XDG_RUNTIME_DIR"), os.environ.get("TMPDIR"), "/tmp"):
        if not base or not os.path.isabs(base):
            continue
        path = os.path.join(base, f"desk-copilot-{uid}")
        if len(path.encode()) > 90:  # sun_path holds ~107 bytes, the socket's name included
            continue
        try:
            os.mkdir(path, 0o700)
        except FileExistsError:
            pass
        except OSError:
            continue
        if _is_private_dir(path):
            return path
        log.warning("%s is not a private directory of this user; not used for the app socket", path)
    import tempfile

    return tempfile.mkdtemp(prefix=f"desk-copilot-{uid}-")


def _owned_socket(path: str) -> bool:
    """The socket and its directory belong to this user: never hand files to someone else's."""
    import stat

    try:
        st = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISSOCK(st.st_mode) and st.st_uid == os.getuid() and _is_private_dir(os.path.dirname(path))


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

    if not _owned_socket(path):
        return False  # none there, or not ours: this launch becomes the app
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

        if os.name != "nt" and os.path.isabs(self.name) and not _is_private_dir(os.path.dirname(self.name)):
            log.warning("not listening on %s: its directory is not private to this user", self.name)
            return False

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
        message = _accepted(message)
        if message is not None:
            self.sig_message.emit(message)


def _accepted(message: object) -> dict[str, Any] | None:
    """What a launch may ask: show the window, a quick action by template id, or open files that
    exist and are regular files (no devices, FIFOs or directories; nothing relative)."""
    if not isinstance(message, dict) or not isinstance(message.get("cmd"), str):
        return None
    cmd = message["cmd"]
    if cmd in ("show", "settings-changed"):  # the latter only re-reads settings.toml
        return {"cmd": cmd}
    if cmd == "quick":
        template = message.get("template")
        if template is not None and not (isinstance(template, str) and len(template) < 200):
            return None
        return {"cmd": "quick", "template": template}
    if cmd == "open":
        import stat

        files = message.get("files")
        kept: list[str] = []
        for name in files if isinstance(files, list) else []:
            if not isinstance(name, str) or not os.path.isabs(name) or "\0" in name:
                continue
            try:
                if stat.S_ISREG(os.stat(name).st_mode):
                    kept.append(name)
            except (OSError, ValueError):
                continue
        if not kept:
            log.warning("ignoring an open request with no existing regular file")
            return None
        return {"cmd": "open", "files": kept}
    log.warning("ignoring an unknown request on the app socket")
    return None
