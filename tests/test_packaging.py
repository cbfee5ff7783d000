"""Packaging files: desktop entry, AppStream metadata, icons, install/uninstall under a temporary HOME.

Fast checks only. The PyInstaller bundle itself is built and exercised by packaging/smoke.sh (CI runs it
after the test suite), not here.
"""

from __future__ import annotations

import configparser
import os
import shutil
import stat
import struct
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "packaging"
LINUX = PKG / "linux"
DESKTOP = LINUX / "desk-copilot.desktop"
METAINFO = LINUX / "io.github.deskcopilot.DeskCopilot.metainfo.xml"
HICOLOR = LINUX / "icons" / "hicolor"
PNG_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
MIME_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",  # .docx
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",  # .xlsx
    "application/vnd.ms-excel.sheet.macroEnabled.12",  # .xlsm
    "application/vnd.ms-excel",  # .xls
    "text/csv",  # .csv
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",  # .pptx
}


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (Debian package: "
                    f"{'desktop-file-utils' if name.startswith('desktop') else 'appstream'})")
    return path


def _desktop_entry(path: Path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(path, encoding="utf-8")
    return parser["Desktop Entry"]


def test_desktop_file_validates() -> None:
    result = subprocess.run([_tool("desktop-file-validate"), str(DESKTOP)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def test_desktop_file_declares_office_types_and_passes_files() -> None:
    entry = _desktop_entry(DESKTOP)
    assert "Office" in entry["Categories"].split(";")
    assert set(filter(None, entry["MimeType"].split(";"))) == MIME_TYPES
    assert entry["Exec"].split()[0] == "desk-copilot" and entry["Exec"].endswith("%F")
    assert entry["Icon"] == "desk-copilot"
    assert "Name[zh_CN]" in entry and "Comment[zh_CN]" in entry


def test_metainfo_validates() -> None:
    result = subprocess.run([_tool("appstreamcli"), "validate", "--no-net", str(METAINFO)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "<launchable type=\"desktop-id\">desk-copilot.desktop</launchable>" in METAINFO.read_text("utf-8")


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.parametrize("size", PNG_SIZES)
def test_png_icon_exists_at_size(size: int) -> None:
    png = HICOLOR / f"{size}x{size}" / "apps" / "desk-copilot.png"
    assert png.is_file(), f"missing {png.relative_to(ROOT)} — run packaging/linux/icons/render.sh"
    assert _png_size(png) == (size, size)


def test_scalable_and_windows_icons_exist() -> None:
    svg = HICOLOR / "scalable" / "apps" / "desk-copilot.svg"
    assert svg.read_text("utf-8").lstrip().startswith("<svg")
    assert (PKG / "windows" / "desk-copilot.ico").read_bytes()[:4] == b"\x00\x00\x01\x00"


def _fake_bundle(tmp_path: Path) -> Path:
    """A stand-in for dist/desk-copilot: install.sh only copies it."""
    bundle = tmp_path / "dist" / "desk-copilot"
    (bundle / "_internal").mkdir(parents=True)
    (bundle / "_internal" / "marker.txt").write_text("bundle data\n")
    exe = bundle / "desk-copilot"
    exe.write_text("#!/bin/sh\necho 'desk-copilot 0.0-fake'\n")
    exe.chmod(exe.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return bundle


def _run(script: str, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PREFIX"}
    env["HOME"] = str(home)
    return subprocess.run(["bash", str(LINUX / script), *args], env=env, capture_output=True,
                          text=True, timeout=120)


def test_install_then_uninstall_in_temporary_home(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    bundle = _fake_bundle(tmp_path)
    local = home / ".local"

    result = _run("install.sh", home, str(bundle))
    assert result.returncode == 0, result.stderr

    app_dir = local / "opt" / "desk-copilot"
    assert (app_dir / "_internal" / "marker.txt").read_text() == "bundle data\n"
    link = local / "bin" / "desk-copilot"
    assert link.is_symlink() and link.resolve() == (app_dir / "desk-copilot").resolve()
    assert subprocess.run([str(link)], capture_output=True, text=True, timeout=30).stdout.startswith(
        "desk-copilot")
    installed_desktop = local / "share" / "applications" / "desk-copilot.desktop"
    entry = _desktop_entry(installed_desktop)
    assert entry["Exec"] == f"{app_dir / 'desk-copilot'} app %F"
    if shutil.which("desktop-file-validate"):
        check = subprocess.run(["desktop-file-validate", str(installed_desktop)], capture_output=True,
                               text=True, timeout=60)
        assert check.returncode == 0, check.stdout
    if shutil.which("update-desktop-database"):
        cache = (local / "share" / "applications" / "mimeinfo.cache").read_text()
        assert "text/csv=desk-copilot.desktop;" in cache
    icons = local / "share" / "icons" / "hicolor"
    for size in PNG_SIZES:
        assert (icons / f"{size}x{size}" / "apps" / "desk-copilot.png").is_file()
    assert (icons / "scalable" / "apps" / "desk-copilot.svg").is_file()
    assert (local / "share" / "metainfo" / METAINFO.name).is_file()

    # Installing again over an existing install replaces it cleanly.
    (bundle / "_internal" / "marker.txt").write_text("v2\n")
    assert _run("install.sh", home, str(bundle)).returncode == 0
    assert (app_dir / "_internal" / "marker.txt").read_text() == "v2\n"
    assert not list((local / "opt").glob(".desk-copilot.*")), "staging dir left behind"

    result = _run("uninstall.sh", home)
    assert result.returncode == 0, result.stderr
    left = sorted(str(p.relative_to(home)) for p in home.rglob("*")
                  if (p.is_file() or p.is_symlink()) and "desk-copilot" in p.name)
    assert left == []
    assert not app_dir.exists() and not link.is_symlink()
    assert (bundle / "desk-copilot").is_file(), "uninstall must not touch the source bundle"


def test_install_honours_prefix(tmp_path: Path) -> None:
    bundle = _fake_bundle(tmp_path)
    prefix = tmp_path / "prefix"
    env = {**os.environ, "HOME": str(tmp_path / "nohome"), "PREFIX": str(prefix)}
    for script, args in (("install.sh", [str(bundle)]), ("uninstall.sh", [])):
        result = subprocess.run(["bash", str(LINUX / script), *args], env=env, capture_output=True,
                                text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        if script == "install.sh":
            assert (prefix / "opt" / "desk-copilot" / "desk-copilot").is_file()
            assert (prefix / "bin" / "desk-copilot").is_symlink()
    assert not (prefix / "opt" / "desk-copilot").exists()
    assert not (tmp_path / "nohome").exists()


def test_install_without_a_bundle_fails_with_one_line(tmp_path: Path) -> None:
    result = _run("install.sh", tmp_path, str(tmp_path / "missing"))
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0 and "packaging/build.sh" in result.stderr
    assert not (tmp_path / ".local" / "opt" / "desk-copilot").exists()


def test_uninstall_leaves_a_foreign_symlink_alone(tmp_path: Path) -> None:
    bin_dir = tmp_path / ".local" / "bin"
    bin_dir.mkdir(parents=True)
    other = tmp_path / "pip-desk-copilot"
    other.write_text("#!/bin/sh\n")
    (bin_dir / "desk-copilot").symlink_to(other)
    assert _run("uninstall.sh", tmp_path).returncode == 0
    assert (bin_dir / "desk-copilot").is_symlink()


EXTENSIONS = ("docx", "xlsx", "xlsm", "xls", "csv", "pptx")


def test_windows_and_macos_recipes_associate_the_same_file_types() -> None:
    # The recipes are untested here (no Windows/macOS), so at least keep their type lists in step.
    iss = (PKG / "windows" / "desk-copilot.iss").read_text("utf-8")
    spec = (PKG / "desk-copilot.spec").read_text("utf-8")
    for ext in EXTENSIONS:
        assert f'Subkey: "Software\\Classes\\.{ext}\\OpenWithProgids"' in iss, ext
        assert f'"{ext}"' in spec, ext
    assert 'ChangesAssociations=yes' in iss
