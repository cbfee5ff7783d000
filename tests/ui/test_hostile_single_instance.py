"""The single-instance socket: a private 0700 directory of this user, a squatted or foreign path is
never used or talked to, and a request may only open existing regular files."""

from __future__ import annotations

import os
import socket
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX socket paths (Windows: a named pipe)")


@pytest.fixture
def shared_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A world-writable /tmp of our own: no XDG_RUNTIME_DIR, as on many servers and old desktops."""
    shared = tmp_path / "tmp"
    shared.mkdir()
    shared.chmod(0o1777)
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    monkeypatch.setenv("TMPDIR", str(shared))
    return shared


class _Squatter:
    """Another user's listener at the path we would use: records what it is sent."""

    def __init__(self, path: Path) -> None:
        self.received = b""
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(str(path))
        self.sock.listen(4)
        self.sock.settimeout(0.2)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(1)
                try:
                    while chunk := conn.recv(65536):
                        self.received += chunk
                except OSError:
                    pass

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()


@pytest.fixture
def squat(shared_tmp: Path) -> Iterator[tuple[Path, list[_Squatter]]]:
    squatters: list[_Squatter] = []
    yield shared_tmp / f"desk-copilot-{os.getuid()}", squatters
    for s in squatters:
        s.close()


def test_socket_lives_in_a_private_directory(shared_tmp: Path) -> None:
    from ui.single_instance import server_name

    path = Path(server_name())
    assert path.parent == shared_tmp / f"desk-copilot-{os.getuid()}"
    st = path.parent.lstat()
    assert stat.S_IMODE(st.st_mode) == 0o700 and st.st_uid == os.getuid()


@pytest.mark.parametrize("how", ["world-writable", "symlink", "other-owner"])
def test_squatted_directory_is_neither_used_nor_talked_to(squat: tuple[Path, list[_Squatter]], tmp_path: Path,
                                                          how: str) -> None:
    from ui.single_instance import send_to_running, server_name

    directory, squatters = squat
    if how == "symlink":
        elsewhere = tmp_path / "attacker"
        elsewhere.mkdir(mode=0o700)
        directory.symlink_to(elsewhere)
        target = elsewhere
    else:
        directory.mkdir()
        directory.chmod(0o777 if how == "world-writable" else 0o700)
        target = directory
    if how == "other-owner":
        if os.getuid() != 0:
            pytest.skip("making a directory another user's needs root")
        os.chown(directory, 65534, 65534)
    # The squatter waits where we would put our socket, under the name we would use.
    name = Path(server_name()).name
    assert Path(server_name()).parent != directory  # our own instance goes elsewhere
    squatters.append(_Squatter(target / name))
    secret_file = tmp_path / "salary.xlsx"
    secret_file.write_bytes(b"x")
    assert send_to_running([{"cmd": "open", "files": [str(secret_file)]}], name=str(directory / name)) is False
    assert squatters[0].received == b""


def test_a_socket_we_do_not_own_is_not_talked_to(shared_tmp: Path) -> None:
    from ui.single_instance import send_to_running, server_name

    path = Path(server_name())
    squatter = _Squatter(path)
    try:
        if os.getuid() == 0:
            os.chown(path, 65534, 65534)  # (a non-root run checks the private directory only)
            assert send_to_running([{"cmd": "show"}]) is False
            assert squatter.received == b""
        else:
            assert send_to_running([{"cmd": "show"}]) is True  # ours: talked to
    finally:
        squatter.close()


def test_only_existing_regular_files_are_opened(shared_tmp: Path, qapp: object, qtbot: object,
                                                tmp_path: Path) -> None:
    from ui.single_instance import SingleInstance, send_to_running

    server = SingleInstance()
    assert server.listen()
    got: list[dict[str, object]] = []
    server.sig_message.connect(got.append)
    real = tmp_path / "memo.docx"
    real.write_bytes(b"x")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    try:
        assert send_to_running([
            {"cmd": "open", "files": ["/dev/zero", str(tmp_path), str(fifo), "relative.docx",
                                      str(tmp_path / "missing.docx"), 42, str(real)]},
            {"cmd": "open", "files": ["/dev/zero"]},
            {"cmd": "run", "argv": ["rm", "-rf", "/"]},
            {"cmd": "show"},
        ])
        qtbot.waitUntil(lambda: len(got) == 2, timeout=5000)  # type: ignore[attr-defined]
        qtbot.wait(100)  # type: ignore[attr-defined]
        assert got == [{"cmd": "open", "files": [str(real)]}, {"cmd": "show"}]
    finally:
        server.close()
