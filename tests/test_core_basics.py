"""Atomic writes, settings, cancel tokens, logging redaction, the Qt-free core boundary."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest

from copilot.atomic import atomic_path, write_text
from copilot.cancel import CancelToken
from copilot.errors import Cancelled, ConfigError, OutputExists
from copilot.logsetup import configure_logging, register_secret
from copilot.settings import Settings, load_settings, save_settings, settings_path

ROOT = Path(__file__).resolve().parents[1]


def test_atomic_write_refuses_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    write_text(target, "first")
    with pytest.raises(OutputExists) as info:
        write_text(target, "second")
    assert str(target) in str(info.value) and "--force" in str(info.value)
    write_text(target, "second", force=True)
    assert target.read_text() == "second"


def test_atomic_write_leaves_nothing_on_failure(tmp_path: Path) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    with pytest.raises(RuntimeError), atomic_path(out_dir / "out.docx") as tmp:
        tmp.write_text("half")
        raise RuntimeError("writer crashed")
    assert list(out_dir.iterdir()) == []


def test_settings_cache_follows_the_file_and_survives_a_bad_copy(isolated_home: Path) -> None:
    import copilot.settings as settings_module

    save_settings(Settings(hotkey="Ctrl+Alt+A"))
    assert load_settings().hotkey == "Ctrl+Alt+A"
    cache = settings_module._cache_file()
    assert cache.is_file()  # written by the parse above; the next process starts from it
    # Same size, same second: only the content tells the two files apart.
    save_settings(Settings(hotkey="Ctrl+Alt+B"))
    assert load_settings().hotkey == "Ctrl+Alt+B"
    settings_module._memo = None  # as in a new process: the copy on disk is used
    first = load_settings()
    first.profiles["mutated"] = {"kind": "x"}
    assert "mutated" not in load_settings().profiles  # every caller gets its own objects
    cache.write_bytes(b"not marshal data")
    settings_module._memo = None
    assert load_settings().hotkey == "Ctrl+Alt+B"  # a broken copy falls back to the TOML
    settings_path().write_text("this is = = not toml")
    with pytest.raises(ConfigError):
        load_settings()


def test_settings_round_trip_and_bad_toml(isolated_home: Path) -> None:
    settings = Settings(default_profile="ollama", author="王小明", language="zh_CN")
    settings.profiles["box"] = {"kind": "openai-compatible", "base_url": "http://x/v1", "model": "m"}
    settings.extra["recent_files"] = ["/tmp/a.docx"]
    save_settings(settings)
    loaded = load_settings()
    assert loaded.author == "王小明" and loaded.profiles["box"]["model"] == "m"
    assert loaded.extra["recent_files"] == ["/tmp/a.docx"]
    assert settings_path().parent.parent == isolated_home
    settings_path().write_text("this is = = not toml")
    with pytest.raises(ConfigError) as info:
        load_settings()
    assert "settings.toml" in str(info.value)


def test_document_errors_survive_pickling(tmp_path: Path) -> None:
    import pickle

    from copilot.errors import BadDocument

    for error in (BadDocument(tmp_path / "a.docx", "not a Word document"), OutputExists(tmp_path / "b.docx")):
        copy = pickle.loads(pickle.dumps(error))
        assert type(copy) is type(error) and str(copy) == str(error)


def test_cancel_token_callbacks_and_wait() -> None:
    token = CancelToken()
    hits: list[str] = []
    remove = token.on_cancel(lambda: hits.append("a"))
    token.on_cancel(lambda: hits.append("b"))
    remove()
    assert token.wait(0.01) is False
    token.cancel()
    token.cancel()
    assert hits == ["b"] and token.wait(5) is True
    with pytest.raises(Cancelled):
        token.raise_if_cancelled()
    token.on_cancel(lambda: hits.append("late"))  # registered after cancel: runs at once
    assert hits == ["b", "late"]


def test_log_redacts_registered_secrets(isolated_home: Path) -> None:
    configure_logging()
    register_secret("sk-log-secret-987654")
    logging.getLogger("test").info("using key %s for %s", "sk-log-secret-987654", "profile")
    try:
        raise ValueError("bad key sk-log-secret-987654")
    except ValueError:
        logging.getLogger("test").exception("failure")
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = (isolated_home / "logs" / "desk-copilot.log").read_text()
    assert "using key *** for profile" in text and "bad key ***" in text
    assert "sk-log-secret" not in text


def test_import_linter_contract() -> None:
    script = Path(sys.executable).with_name("lint-imports")
    command = [str(script)] if script.exists() else ["lint-imports"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "KEPT" in result.stdout


def test_core_imports_without_qt() -> None:
    """Import every copilot module with PySide6 made unimportable."""
    code = (
        "import importlib, pkgutil, sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('PySide6', 'shiboken6', 'ui'):\n"
        "            raise ImportError('blocked ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "import copilot\n"
        "for m in pkgutil.walk_packages(copilot.__path__, 'copilot.'):\n"
        "    importlib.import_module(m.name)\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300,
                            check=False)
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr
