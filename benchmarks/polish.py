"""Benchmark: polish a generated 1,000-paragraph document through the fake server.

    python benchmarks/polish.py [--paragraphs 1000] [--latency 0.1] [--concurrency 8] [--runs 5]

The fake server runs in a child process (so its CPU is not counted as ours) with a fixed
latency per request and a word-swapping "model" (every paragraph changes: the worst case for
diff, tracked changes and write). Printed, for each run (a fresh process each) and as medians:

* wall ÷ ideal, ideal = requests ÷ concurrency × latency (issue 17's goal ≤ 1.3), for the whole
  run and for the model phase alone (first request to last reply);
* app-side CPU time of the polishing process (read, chunk, request building, the HTTP client, diff,
  tracked changes, write; goal ≤ 0.5 s) and the main thread's share (everything but the requests).

By default a reply arrives in one SSE chunk; ``--chunk-size 1`` streams it word by word like a
real server, which shows the openai SDK's per-chunk parsing cost (~1 ms a chunk) separately.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def make_document(path: Path, n: int) -> None:
    import docx

    d = docx.Document()
    for i in range(n):
        if i % 3 == 0:
            p = d.add_paragraph(f"第 {i} 段：本季度的推广预算为 ¥{1000 + i},000，")
            p.add_run("比上季度增长 15%").bold = True
            p.add_run("，请各部门在周五前提交计划。")
        else:
            p = d.add_paragraph(f"Paragraph {i}: the team has finished the ")
            p.add_run("draft plan").italic = True
            p.add_run(f" for item {i} and will send the numbers by Friday, see https://example.com/p/{i}.")
    d.save(str(path))


def _serve(port_q: mp.Queue, stop: mp.Event, latency: float, chunk_size: int) -> None:  # type: ignore[type-arg]
    from tests.fake_openai_server import FakeOpenAIServer
    from tests.test_polish_fakes import model, polish_words

    with FakeOpenAIServer(models=["fake-model"], latency=latency, chunk_size=chunk_size) as server:
        server.set_default(model(polish_words))
        port_q.put((server.base_url, 0))
        stop.wait()
        port_q.put((server.base_url, server.request_count))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--paragraphs", type=int, default=1000)
    ap.add_argument("--latency", type=float, default=0.1)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--chunk-size", type=int, default=100000,
                    help="word-sized pieces per SSE chunk (default: the whole reply in one; 1 = token by token)")
    ap.add_argument("--runs", type=int, default=1, help="fresh processes to run; medians printed (default 1)")
    args = ap.parse_args()
    if args.runs > 1:
        return _median_of_runs(args)

    home = Path(tempfile.mkdtemp(prefix="polish-bench-"))
    os.environ["DESK_COPILOT_HOME"] = str(home)
    ctx = mp.get_context("fork")
    port_q: mp.Queue = ctx.Queue()  # type: ignore[type-arg]
    stop = ctx.Event()
    child = ctx.Process(target=_serve, args=(port_q, stop, args.latency, args.chunk_size), daemon=True)
    child.start()
    base_url, _ = port_q.get(timeout=30)

    import dataclasses

    from copilot.events import Done, Progress
    from copilot.models import get_provider
    from copilot.models.profiles import Profile, add_profile
    from copilot.tasks.polish_docx import PolishOptions, PolishResult, polish_docx

    add_profile(dataclasses.replace(Profile("bench", base_url=base_url, model="fake-model", timeout=30.0,
                                            concurrency=args.concurrency, retries=0, context_window=8192)),
                replace=True)
    src = home / "long.docx"
    make_document(src, args.paragraphs)
    provider = get_provider("bench")
    out = home / "long.polished.docx"
    from copilot.prompts import get_template

    get_template("polish.polish")  # the prompt library is loaded once per app session, not per job

    cpu0, wall0, thread0 = time.process_time(), time.perf_counter(), time.thread_time()
    first_progress = last_progress = 0.0
    result: PolishResult | None = None
    for event in polish_docx(provider, src, out, PolishOptions(use_cache=False)):
        now = time.perf_counter()
        if isinstance(event, Progress):
            if not first_progress:
                first_progress = now
            last_progress = now
        elif isinstance(event, Done):
            result = event.result  # type: ignore[assignment]
    wall = time.perf_counter() - wall0
    cpu = time.process_time() - cpu0
    main_thread_cpu = time.thread_time() - thread0
    stop.set()
    _, requests = port_q.get(timeout=30)
    child.join(timeout=10)
    assert result is not None
    ideal = requests / args.concurrency * args.latency
    model_wall = last_progress - first_progress
    lines = [
        f"paragraphs: {args.paragraphs}  sent: {result.paragraphs}  changed: {result.changed}  "
        f"rejected: {len(result.rejected)}",
        f"requests: {requests}  latency: {args.latency * 1000:.0f} ms  concurrency: {args.concurrency}  "
        f"SSE chunk size: {args.chunk_size}",
        f"ideal (requests / concurrency x latency): {ideal:.3f} s",
        f"wall, whole run: {wall:.3f} s  -> wall / ideal = {wall / ideal:.2f}",
        f"wall, model phase: {model_wall:.3f} s  -> {model_wall / ideal:.2f}",
        f"app-side CPU (this process, all threads): {cpu:.3f} s",
        f"  of which main thread (read, chunk, diff, tracked changes, write): {main_thread_cpu:.3f} s",
        f"load average: {os.getloadavg()[0]:.1f}  cpus: {os.cpu_count()}",
    ]
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


def _median_of_runs(args: argparse.Namespace) -> int:
    """Run this script ``runs`` times, each in a fresh process (imports and first-call costs
    included, as a user's run has them), and print each run's figures and their medians."""
    import re
    import statistics
    import subprocess

    runs = args.runs
    argv = [f"--paragraphs={args.paragraphs}", f"--latency={args.latency}", f"--concurrency={args.concurrency}",
            f"--chunk-size={args.chunk_size}"]
    figures: dict[str, list[float]] = {"whole": [], "model": [], "cpu": [], "main": []}
    patterns = {"whole": r"whole run: [\d.]+ s  -> wall / ideal = ([\d.]+)", "model": r"model phase: [\d.]+ s  -> ([\d.]+)",
                "cpu": r"all threads\): ([\d.]+) s", "main": r"main thread .*: ([\d.]+) s"}
    # Our modules from compiled bytecode, as installed (see benchmarks/sheets.py), warmed first.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(Path(tempfile.gettempdir()) / "desk-copilot-bench-pycache")
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "copilot")], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    for n in range(runs):
        out = subprocess.run([sys.executable, __file__, *argv], capture_output=True, text=True, check=True,
                             env=env).stdout
        for key, pattern in patterns.items():
            figures[key].append(float(re.search(pattern, out).group(1)))  # type: ignore[union-attr]
        sys.stdout.write(f"run {n + 1}: whole/ideal {figures['whole'][-1]:.2f}, model/ideal {figures['model'][-1]:.2f}, "
                         f"CPU {figures['cpu'][-1]:.3f} s (main thread {figures['main'][-1]:.3f} s)\n")
    med = {k: statistics.median(v) for k, v in figures.items()}
    sys.stdout.write(f"median of {runs}: whole run / ideal {med['whole']:.2f} (goal <= 1.3), model phase / ideal "
                     f"{med['model']:.2f}, app-side CPU {med['cpu']:.3f} s (goal <= 0.5), main thread {med['main']:.3f} s\n"
                     f"load average: {os.getloadavg()[0]:.1f}  cpus: {os.cpu_count()}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
