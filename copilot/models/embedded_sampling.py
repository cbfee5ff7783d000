"""Making the embedded model fast on a small CPU: lazy grammar sampling, threads, batch sizes.

Grammar-constrained JSON (every polish chunk) was the embedded model's bottleneck:
llama-cpp-python puts the grammar in the sampler chain, so every generated token runs the
grammar over all ~49k vocabulary entries (and a ``maxLength`` string expands into hundreds of
grammar states). We sample as if unconstrained, check the one chosen token against the grammar,
and constrain the whole vocabulary only when that token is rejected — what llama.cpp's own
``common_sampler`` does. The output is still exactly grammar-conforming: every token is accepted
by the grammar before it is emitted. With temperature 0 the tokens are exactly those of
full-vocabulary constraining (tested); above 0, a token that is valid as first sampled is kept, so
the distribution is close to, not identical with, sampling from the constrained distribution.

The KV cache of the shared prompt prefix: llama-cpp-python's ``generate`` keeps the previous
call's tokens and evaluates only what differs, and one embedded model serves one job's chunks in
order (``concurrency`` 1, one lock), so the system prompt and instructions common to all chunks of
a polish are evaluated once per job. ``benchmarks/embedded.py`` counts evaluated tokens to show it.

``TUNED = False`` restores the previous behaviour (grammar on the whole vocabulary, threads =
logical CPUs, library batch sizes) so the benchmark can measure both in one run.
"""

from __future__ import annotations

import contextlib
import ctypes
import math
import os
import sys
from functools import cache
from typing import Any

__all__ = ["TUNED", "apply_threads", "llama_class", "physical_cores", "runtime_options", "threads_now"]

TUNED = True
_BATCH = 512


@cache
def physical_cores() -> int:
    """Physical cores: llama.cpp's matrix kernels gain nothing from hyper-threads' siblings."""
    logical = os.cpu_count() or 1
    if sys.platform.startswith("linux"):
        try:
            with open("/proc/cpuinfo", encoding="ascii", errors="replace") as f:
                pairs: set[tuple[str, str]] = set()
                physical = core = ""
                for line in f:
                    key, _, value = line.partition(":")
                    key = key.strip()
                    if key == "physical id":
                        physical = value.strip()
                    elif key == "core id":
                        core = value.strip()
                        pairs.add((physical, core))
            if pairs:
                return max(1, min(len(pairs), logical))
        except OSError:
            pass
    elif sys.platform == "darwin":  # pragma: no cover - verified by reading
        import subprocess

        try:
            out = subprocess.run(["sysctl", "-n", "hw.physicalcpu"], capture_output=True, text=True, timeout=2)
            return max(1, int(out.stdout.strip()))
        except (OSError, ValueError, subprocess.SubprocessError):
            pass
    return logical


def threads_now() -> int:
    """Generation threads for the next request: physical cores, or half of them while the machine
    is oversubscribed (1-minute load above its CPUs + 1: more runnable threads than CPUs besides
    ours). llama.cpp's threads meet at a barrier after every layer; when one of them waits for a
    CPU the others spin, and on a busy 2-core machine a token took 0.2-1.4 s on 2 threads against
    20-40 ms on 1 (measured; see benchmarks/RESULTS.md)."""
    cores = physical_cores()
    if not TUNED:
        return max(1, os.cpu_count() or 1)
    try:
        load = os.getloadavg()[0]
    except (OSError, AttributeError):  # Windows has no load average
        return cores
    logical = os.cpu_count() or cores
    return max(1, cores // 2) if load > logical + 1 else cores


def apply_threads(llm: Any) -> None:
    """Set this request's thread count on a loaded model (cheap; llama.cpp reads it per decode)."""
    if not TUNED:
        return
    import llama_cpp

    # Prompt batches keep every CPU: their work per barrier is large, so a descheduled thread
    # costs less than the lost parallelism (12 s on 2 threads vs 16-18 s on 1 for 380 tokens at load 8).
    llama_cpp.llama_set_n_threads(llm.ctx, threads_now(), max(1, os.cpu_count() or 1))


def runtime_options() -> dict[str, Any]:
    """Keyword arguments for ``Llama(...)``."""
    if not TUNED:
        return {"n_threads": max(1, os.cpu_count() or 1)}
    # Generation is bandwidth-bound (physical cores); prompt evaluation is compute-bound and may
    # use every logical CPU.
    return {"n_threads": physical_cores(), "n_threads_batch": max(1, os.cpu_count() or 1),
            "n_batch": _BATCH, "n_ubatch": _BATCH}


class _LazyGrammarSampler:
    """Stands in for llama-cpp-python's ``LlamaSampler`` while a grammar is in force."""

    def __init__(self, llm: Any, chain: Any, grammar: Any) -> None:
        import llama_cpp
        from llama_cpp._internals import LlamaTokenDataArray

        self._lib = llama_cpp
        self._chain = chain
        self._grammar = llama_cpp.llama_sampler_init_grammar(
            llm._model.vocab, grammar._grammar.encode("utf-8"), grammar._root.encode("utf-8"))
        if not self._grammar:
            raise ValueError("llama.cpp could not build the grammar")
        self._n_vocab = int(llm._n_vocab)
        self._full = LlamaTokenDataArray(n_vocab=self._n_vocab)
        self._one_data = (llama_cpp.llama_token_data * 1)()
        self._one = llama_cpp.llama_token_data_array(
            data=ctypes.cast(self._one_data, llama_cpp.llama_token_data_p), size=1, selected=-1, sorted=False)
        self.sampler = chain.sampler  # read by llama-cpp-python's cleanup code

    def _logits(self, ctx: Any, idx: int) -> Any:
        import numpy as np

        pointer = self._lib.llama_get_logits_ith(ctx.ctx, idx)
        return np.ctypeslib.as_array(pointer, shape=(self._n_vocab,))

    def _chosen(self) -> int:
        return int(self._full.candidates_data.id[self._full.candidates.selected])

    def sample(self, ctx: Any, idx: int = -1) -> int:
        lib = self._lib
        logits = self._logits(ctx, idx)
        self._full.copy_logits(logits)
        candidates = ctypes.byref(self._full.candidates)
        lib.llama_sampler_apply(self._chain.sampler, candidates)
        token = self._chosen()
        self._one_data[0].id = token  # type: ignore[assignment]
        self._one_data[0].logit = 0.0
        self._one_data[0].p = 0.0
        self._one.size = 1
        self._one.selected = -1
        self._one.sorted = False
        lib.llama_sampler_apply(self._grammar, ctypes.byref(self._one))
        if math.isinf(self._one_data[0].logit):
            # Rejected: constrain every candidate, then sample again with the same chain.
            self._full.copy_logits(logits)
            lib.llama_sampler_apply(self._grammar, candidates)
            lib.llama_sampler_apply(self._chain.sampler, candidates)
            token = self._chosen()
        lib.llama_sampler_accept(self._grammar, token)
        lib.llama_sampler_accept(self._chain.sampler, token)
        return token

    def accept(self, token: int) -> None:
        self._lib.llama_sampler_accept(self._grammar, token)
        self._lib.llama_sampler_accept(self._chain.sampler, token)

    def reset(self) -> None:
        self._lib.llama_sampler_reset(self._grammar)
        self._chain.reset()

    def close(self) -> None:
        if self._grammar:
            self._lib.llama_sampler_free(self._grammar)
            self._grammar = None
        self._chain.close()

    def __del__(self) -> None:
        # At interpreter shutdown the bindings may already be gone.
        with contextlib.suppress(Exception):
            self.close()


@cache
def llama_class(base: type) -> type:
    """``Llama`` with lazy grammar sampling (when ``TUNED``)."""

    class FastLlama(base):  # type: ignore[misc]
        def _init_sampler(self, *args: Any, grammar: Any = None, **kwargs: Any) -> Any:
            if grammar is None or not TUNED or kwargs.get("logits_processor") is not None \
                    or kwargs.get("mirostat_mode", 0):
                return super()._init_sampler(*args, grammar=grammar, **kwargs)
            chain = super()._init_sampler(*args, grammar=None, **kwargs)
            return _LazyGrammarSampler(self, chain, grammar)

    return FastLlama
