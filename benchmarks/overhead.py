"""Provider-layer overhead, measured in one run.

1. Against the same fake server on loopback, N interleaved requests each: time to first token and
   total time through Desk Copilot's provider layer vs the raw ``openai`` SDK. Goal: median added
   latency <= 5 ms.
2. Embedded model: tokens/s through the provider vs llama-cpp-python called directly with the same
   prompt and settings. Goal: ratio >= 0.95.

Usage: python benchmarks/overhead.py [--requests 200] [--embedded-runs 5] [--skip-embedded]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

REPLY = " ".join(f"word{i}" for i in range(60))
PROMPT = [{"role": "user", "content": "Write sixty words."}]


def _raw_sdk(client: object) -> tuple[float, float]:
    start = time.perf_counter()
    first = None
    stream = client.chat.completions.create(  # type: ignore[attr-defined]
        model="fake-model", messages=PROMPT, stream=True, stream_options={"include_usage": True})
    with stream:
        for chunk in stream:
            if first is None and chunk.choices and chunk.choices[0].delta.content:
                first = time.perf_counter() - start
    return first or 0.0, time.perf_counter() - start


def _ours(provider: object) -> tuple[float, float]:
    from copilot.models import complete

    result = complete(provider, PROMPT)  # type: ignore[arg-type]
    return result.first_token_seconds or 0.0, result.seconds


def server_overhead(n: int) -> dict[str, float]:
    import openai

    from copilot.models import get_provider
    from copilot.models.profiles import Profile, add_profile
    from tests.fake_openai_server import FakeOpenAIServer

    with FakeOpenAIServer(models=["fake-model"]) as server:
        server.set_default(REPLY)
        server.chunk_size = 1
        add_profile(Profile("bench", base_url=server.base_url, model="fake-model", timeout=30.0), replace=True)
        provider = get_provider("bench")
        client = openai.OpenAI(base_url=server.base_url, api_key="not-needed", max_retries=0,
                               timeout=openai.Timeout(30.0, connect=5.0))
        for _ in range(10):  # warm both connection pools
            _raw_sdk(client)
            _ours(provider)
        raw_first, raw_total, our_first, our_total = [], [], [], []
        for i in range(n):
            order = (0, 1) if i % 2 == 0 else (1, 0)
            for which in order:
                if which == 0:
                    f, t = _raw_sdk(client)
                    raw_first.append(f)
                    raw_total.append(t)
                else:
                    f, t = _ours(provider)
                    our_first.append(f)
                    our_total.append(t)
    med = statistics.median
    return {
        "raw_ttft_ms": med(raw_first) * 1000, "ours_ttft_ms": med(our_first) * 1000,
        "raw_total_ms": med(raw_total) * 1000, "ours_total_ms": med(our_total) * 1000,
        "added_ttft_ms": (med(our_first) - med(raw_first)) * 1000,
        "added_total_ms": (med(our_total) - med(raw_total)) * 1000,
        "paired_added_total_ms": med([o - r for o, r in zip(our_total, raw_total, strict=True)]) * 1000,
    }


def embedded_ratio(runs: int, max_tokens: int) -> dict[str, float]:
    from llama_cpp import Llama

    from copilot.models import ChatOptions, complete, get_provider
    from copilot.models.embedded import default_gguf_path

    provider = get_provider("embedded")
    options = ChatOptions(max_tokens=max_tokens, temperature=0.0)
    path = default_gguf_path()
    direct = Llama(model_path=str(path), n_ctx=provider.context_window, n_threads=max(1, os.cpu_count() or 1),
                   verbose=False)
    prompt = [{"role": "user", "content": "Describe a busy office on a Monday morning."}]

    def run_direct() -> float:
        start = time.perf_counter()
        n = 0
        for chunk in direct.create_chat_completion(messages=prompt, stream=True, temperature=0.0,
                                                   max_tokens=max_tokens, repeat_penalty=1.3):
            if chunk["choices"][0].get("delta", {}).get("content"):
                n += 1
        return n / (time.perf_counter() - start)

    def run_ours() -> float:
        result = complete(provider, prompt, options)  # type: ignore[arg-type]
        return result.usage.tokens_out / result.seconds

    run_direct()
    run_ours()
    direct_rates, our_rates = [], []
    for i in range(runs):
        for which in ((0, 1) if i % 2 == 0 else (1, 0)):
            (direct_rates if which == 0 else our_rates).append(run_direct() if which == 0 else run_ours())
    d, o = statistics.median(direct_rates), statistics.median(our_rates)
    direct.close()
    return {"direct_tok_s": d, "ours_tok_s": o, "ratio": o / d}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--embedded-runs", type=int, default=5)
    parser.add_argument("--embedded-tokens", type=int, default=64)
    parser.add_argument("--skip-embedded", action="store_true")
    args = parser.parse_args()
    os.environ["DESK_COPILOT_HOME"] = tempfile.mkdtemp(prefix="dc-bench-")
    s = server_overhead(args.requests)
    print(f"fake server, {args.requests} interleaved requests each (median):")
    print(f"  time to first token: raw SDK {s['raw_ttft_ms']:.2f} ms, provider {s['ours_ttft_ms']:.2f} ms, "
          f"added {s['added_ttft_ms']:+.2f} ms")
    print(f"  total:               raw SDK {s['raw_total_ms']:.2f} ms, provider {s['ours_total_ms']:.2f} ms, "
          f"added {s['added_total_ms']:+.2f} ms (paired median {s['paired_added_total_ms']:+.2f} ms); "
          f"goal <= 5 ms: {'met' if s['added_total_ms'] <= 5 else 'NOT met'}")
    if not args.skip_embedded:
        e = embedded_ratio(args.embedded_runs, args.embedded_tokens)
        print(f"embedded SmolLM2, {args.embedded_runs} interleaved runs of {args.embedded_tokens} tokens (median):")
        print(f"  llama-cpp direct {e['direct_tok_s']:.1f} tok/s, provider {e['ours_tok_s']:.1f} tok/s, "
              f"ratio {e['ratio']:.3f}; goal >= 0.95: {'met' if e['ratio'] >= 0.95 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
