"""The curated catalogue of local GGUF models a user can download with one command.

Each entry names, per source, the repository and file(s) as the hub publishes them (Hugging Face
and ModelScope use the same repo names for the official Qwen uploads), the quantisation, the
size, the RAM it needs to run at our context sizes, licence and languages. Sizes are the hubs'
listed sizes (decimal GB) and only guide the chooser and the free-disk check: the download trusts
the size and SHA-256 the hub publishes for the file at download time. ``sha256`` is filled only
where we pinned a hash; otherwise the hub's metadata (or ``--sha256``) is what the file is checked
against.
"""

from __future__ import annotations

import contextlib
import os
import sys
from dataclasses import dataclass, field
from typing import Any, Literal

from copilot.errors import UsageError

__all__ = ["CATALOGUE", "SOURCES", "CatalogueModel", "SourceFiles", "find_model", "recommended",
           "total_ram_bytes"]

SOURCES = ("huggingface", "modelscope")
Kind = Literal["chat", "embedding"]

GB = 1_000_000_000


@dataclass(frozen=True)
class SourceFiles:
    repo: str
    files: tuple[str, ...]
    """One file, or the parts of a split GGUF in order (llama.cpp loads the first part)."""
    revision: str = "main"


@dataclass(frozen=True)
class CatalogueModel:
    id: str
    title: str
    quant: str
    size_bytes: int
    ram_bytes: int
    """What the model needs in memory at the context we run it with (weights + KV cache)."""
    licence: str
    languages: tuple[str, ...]
    sources: dict[str, SourceFiles]
    kind: Kind = "chat"
    context_window: int = 8192
    sha256: dict[str, str] = field(default_factory=dict)
    """Pinned hashes by file name, where known; otherwise the hub's published hash is used."""
    note: str = ""

    def fits(self, total_ram: int | None = None) -> bool:
        """True when the machine's RAM leaves room for the OS and the app beside the model."""
        ram = total_ram if total_ram is not None else total_ram_bytes()
        if ram <= 0:
            return False
        return self.ram_bytes + 2 * GB <= ram

    @property
    def first_file(self) -> str:
        return next(iter(self.sources.values())).files[0]

    def to_json(self, total_ram: int | None = None) -> dict[str, Any]:
        return {
            "id": self.id, "title": self.title, "kind": self.kind, "quant": self.quant,
            "size_bytes": self.size_bytes, "ram_bytes": self.ram_bytes, "licence": self.licence,
            "languages": list(self.languages), "context_window": self.context_window,
            "fits": self.fits(total_ram),
            "sources": {name: {"repo": s.repo, "files": list(s.files), "revision": s.revision}
                        for name, s in self.sources.items()},
            "note": self.note,
        }


def _qwen(repo: str, *files: str) -> dict[str, SourceFiles]:
    # Qwen publishes its GGUF repos under the same names on both hubs; ModelScope's default
    # branch is "master".
    return {"huggingface": SourceFiles(repo, files, "main"),
            "modelscope": SourceFiles(repo, files, "master")}


_ZH_EN = ("zh", "en")
_MULTI = ("zh", "en", "fr", "es", "pt", "de", "it", "ru", "ja", "ko", "vi", "th", "ar")

CATALOGUE: tuple[CatalogueModel, ...] = (
    CatalogueModel(
        "qwen2.5-0.5b-instruct", "Qwen2.5-0.5B-Instruct", "Q4_K_M", int(0.49 * GB), 1 * GB,
        "apache-2.0", _MULTI, _qwen("Qwen/Qwen2.5-0.5B-Instruct-GGUF", "qwen2.5-0.5b-instruct-q4_k_m.gguf"),
        note="small and fast; better than the demo model, still weak at careful edits"),
    CatalogueModel(
        "qwen2.5-1.5b-instruct", "Qwen2.5-1.5B-Instruct", "Q4_K_M", int(1.12 * GB), 2 * GB,
        "apache-2.0", _MULTI, _qwen("Qwen/Qwen2.5-1.5B-Instruct-GGUF", "qwen2.5-1.5b-instruct-q4_k_m.gguf")),
    CatalogueModel(
        "qwen2.5-3b-instruct", "Qwen2.5-3B-Instruct", "Q4_K_M", int(2.1 * GB), 3 * GB,
        "qwen-research", _MULTI, _qwen("Qwen/Qwen2.5-3B-Instruct-GGUF", "qwen2.5-3b-instruct-q4_k_m.gguf"),
        note="the Qwen research licence: non-commercial use"),
    CatalogueModel(
        "qwen2.5-7b-instruct", "Qwen2.5-7B-Instruct", "Q4_K_M", int(4.68 * GB), 6 * GB,
        "apache-2.0", _MULTI,
        _qwen("Qwen/Qwen2.5-7B-Instruct-GGUF", "qwen2.5-7b-instruct-q4_k_m-00001-of-00002.gguf",
              "qwen2.5-7b-instruct-q4_k_m-00002-of-00002.gguf"),
        note="published as two parts; both are downloaded and llama.cpp loads them together"),
    CatalogueModel(
        "qwen3-0.6b", "Qwen3-0.6B", "Q8_0", int(0.64 * GB), 1 * GB,
        "apache-2.0", _MULTI, _qwen("Qwen/Qwen3-0.6B-GGUF", "Qwen3-0.6B-Q8_0.gguf"), context_window=8192),
    CatalogueModel(
        "qwen3-1.7b", "Qwen3-1.7B", "Q8_0", int(1.83 * GB), 3 * GB,
        "apache-2.0", _MULTI, _qwen("Qwen/Qwen3-1.7B-GGUF", "Qwen3-1.7B-Q8_0.gguf")),
    CatalogueModel(
        "qwen3-4b", "Qwen3-4B", "Q4_K_M", int(2.5 * GB), 4 * GB,
        "apache-2.0", _MULTI, _qwen("Qwen/Qwen3-4B-GGUF", "Qwen3-4B-Q4_K_M.gguf")),
    CatalogueModel(
        "llama3.2-1b-instruct", "Llama-3.2-1B-Instruct", "Q4_K_M", int(0.81 * GB), 2 * GB,
        "llama3.2", ("en", "de", "fr", "it", "pt", "hi", "es", "th"),
        {"huggingface": SourceFiles("bartowski/Llama-3.2-1B-Instruct-GGUF",
                                    ("Llama-3.2-1B-Instruct-Q4_K_M.gguf",))},
        note="no ModelScope copy in the catalogue: use a Hugging Face mirror"),
    CatalogueModel(
        "llama3.2-3b-instruct", "Llama-3.2-3B-Instruct", "Q4_K_M", int(2.02 * GB), 4 * GB,
        "llama3.2", ("en", "de", "fr", "it", "pt", "hi", "es", "th"),
        {"huggingface": SourceFiles("bartowski/Llama-3.2-3B-Instruct-GGUF",
                                    ("Llama-3.2-3B-Instruct-Q4_K_M.gguf",))},
        note="no ModelScope copy in the catalogue: use a Hugging Face mirror"),
    CatalogueModel(
        "qwen3-embedding-0.6b", "Qwen3-Embedding-0.6B", "Q8_0", int(0.64 * GB), 1 * GB,
        "apache-2.0", _MULTI, _qwen("Qwen/Qwen3-Embedding-0.6B-GGUF", "Qwen3-Embedding-0.6B-Q8_0.gguf"),
        kind="embedding", note="for the knowledge base: embeddings, not chat"),
)


def find_model(model_id: str) -> CatalogueModel:
    for model in CATALOGUE:
        if model.id == model_id.lower():
            return model
    known = ", ".join(m.id for m in CATALOGUE)
    raise UsageError(f'"{model_id}" is not in the catalogue — known: {known}; or download a file with --url URL')


def recommended(total_ram: int | None = None) -> CatalogueModel | None:
    """The largest chat model that fits this machine, preferring the bilingual Qwen models."""
    ram = total_ram if total_ram is not None else total_ram_bytes()
    fitting = [m for m in CATALOGUE if m.kind == "chat" and m.fits(ram) and "zh" in m.languages
               and m.licence == "apache-2.0"]
    # Beyond ~4 GB the 2-core machines we target answer too slowly for interactive work.
    quick = [m for m in fitting if m.size_bytes <= 3 * GB]
    pool = quick or fitting
    return max(pool, key=lambda m: m.size_bytes) if pool else None


def total_ram_bytes() -> int:
    """Physical memory of this machine, 0 when it cannot be told."""
    if sys.platform == "win32":
        return _windows_ram()
    with contextlib.suppress(ValueError, OSError, AttributeError):
        return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_PHYS_PAGES"))
    return 0


def _windows_ram() -> int:  # pragma: no cover - Windows only; verified by reading
    import ctypes

    class _MemoryStatus(ctypes.Structure):
        _fields_ = [("dwLength", ctypes.c_ulong), ("dwMemoryLoad", ctypes.c_ulong),
                    ("ullTotalPhys", ctypes.c_ulonglong), ("ullAvailPhys", ctypes.c_ulonglong),
                    ("ullTotalPageFile", ctypes.c_ulonglong), ("ullAvailPageFile", ctypes.c_ulonglong),
                    ("ullTotalVirtual", ctypes.c_ulonglong), ("ullAvailVirtual", ctypes.c_ulonglong),
                    ("sullAvailExtendedVirtual", ctypes.c_ulonglong)]

    status = _MemoryStatus()
    status.dwLength = ctypes.sizeof(_MemoryStatus)
    if not ctypes.windll.kernel32.GlobalMemoryStatusEx(ctypes.byref(status)):  # type: ignore[attr-defined]
        return 0
    return int(status.ullTotalPhys)
