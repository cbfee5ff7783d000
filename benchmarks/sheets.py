"""Spreadsheet benchmark (issue 4).

1. A generated 200,000 × 20 mixed-type .xlsx: our ``analyse`` (calamine -> DuckDB -> profile) vs
   ``pandas.read_excel(engine="openpyxl")`` + ``describe(include="all")``, each in a fresh
   subprocess (imports included) so peak memory (ru_maxrss) is comparable. Goal: ≥ 8× faster.
2. Prompt tokens sent for a question on a 10-row sheet and on a 1,000,000-row sheet (≤ 3,000),
   through the fake OpenAI server, plus the time and peak memory of loading the 1M-row sheet.

Workbooks are generated once into a cache directory (slow the first time: xlsxwriter writes about
2,500 rows/s × 20 columns on a busy machine).

    python benchmarks/sheets.py [--cache DIR] [--rows 200000] [--big-rows 1000000] [--skip-pandas]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.sheets_data import generate, generate_narrow  # noqa: E402

OURS = """
import json, resource, sys, time
t = time.perf_counter()
from copilot.documents.sheets.query import open_database
from copilot.documents.sheets.profile import profile_database
db = open_database(sys.argv[1])
loaded = time.perf_counter() - t
profile = profile_database(db)
db.close()
ru = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": time.perf_counter() - t, "load_seconds": loaded, "cpu": ru.ru_utime + ru.ru_stime,
                  "rows": sum(s["rows"] for s in profile["sheets"]),
                  "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

PANDAS = """
import json, resource, sys, time
t = time.perf_counter()
import pandas as pd
df = pd.read_excel(sys.argv[1], engine="openpyxl")
d = df.describe(include="all")
ru = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": time.perf_counter() - t, "rows": len(df), "cpu": ru.ru_utime + ru.ru_stime,
                  "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

PROMPT = """
import json, resource, sys, time
t = time.perf_counter()
from copilot.documents.sheets.profile import profile_database
from copilot.documents.sheets.query import open_database
from copilot.prompts import estimate_messages_tokens
from copilot.tasks.ask_sheet import answer_question
from copilot.events import Done
from tests.fake_openai_server import FakeOpenAIServer
from copilot.models.openai_compatible import OpenAICompatibleProvider
from copilot.models.profiles import Profile

db = open_database(sys.argv[1])
profile = profile_database(db)
loaded = time.perf_counter() - t
with FakeOpenAIServer(models=["fake-model"]) as server:
    def respond(req):
        if "DuckDB" in req["messages"][0]["content"]:
            return {"sql": 'SELECT "region", round(avg("amount"), 2) AS avg FROM "Orders" GROUP BY 1 ORDER BY 2 DESC'}
        return "See the table."
    server.reply(respond)
    provider = OpenAICompatibleProvider(Profile("bench", base_url=server.base_url, model="fake-model",
                                                timeout=60.0), "sk-bench")
    for event in answer_question(provider, db, profile, "Which region has the highest average amount?"):
        if isinstance(event, Done):
            result = event.result
    sql_request = server.requests[0]
db.close()
print(json.dumps({"rows": profile["sheets"][0]["rows"], "estimated_prompt_tokens": result.prompt_tokens,
                  "sent_prompt_tokens": estimate_messages_tokens(sql_request["messages"]),
                  "sent_chars": sum(len(m["content"]) for m in sql_request["messages"]),
                  "load_and_profile_seconds": loaded,
                  "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _run(script: str, path: Path) -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), DESK_COPILOT_HOME=tempfile.mkdtemp(prefix="bench-home-"))
    proc = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True, env=env,
                          cwd=ROOT, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"benchmark subprocess failed:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _cached(cache: Path, name: str, make: object, rows: int) -> Path:
    path = cache / name
    if not path.exists():
        print(f"generating {path} ({rows:,} rows) …", flush=True)
        started = time.perf_counter()
        make(path, rows)  # type: ignore[operator]
        print(f"  {time.perf_counter() - started:.0f} s", flush=True)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache", type=Path, default=Path(os.environ.get(
        "DESK_COPILOT_BENCH_CACHE", Path(tempfile.gettempdir()) / "desk-copilot-bench")))
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--big-rows", type=int, default=1_000_000)
    parser.add_argument("--skip-pandas", action="store_true")
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)

    wide = _cached(args.cache, f"bench_{args.rows}.xlsx", generate, args.rows)
    print(f"\n1. analyse {wide.name} ({args.rows:,} × 20, {wide.stat().st_size / 1e6:.1f} MB)")
    ours = _run(OURS, wide)
    print(f"  ours  : {ours['seconds']:7.1f} s wall, {ours['cpu']:6.1f} s CPU (read+load {ours['load_seconds']:.1f} s), "
          f"peak RSS {ours['maxrss_mb']:7.0f} MB, {int(ours['rows']):,} rows")
    if not args.skip_pandas:
        theirs = _run(PANDAS, wide)
        print(f"  pandas: {theirs['seconds']:7.1f} s wall, {theirs['cpu']:6.1f} s CPU, peak RSS {theirs['maxrss_mb']:7.0f} MB, "
              f"{int(theirs['rows']):,} rows")
        print(f"  speed-up: {theirs['seconds'] / ours['seconds']:.1f}× wall, {theirs['cpu'] / ours['cpu']:.1f}× CPU "
              f"(goal ≥ 8×); "
              f"memory ratio pandas/ours: {theirs['maxrss_mb'] / ours['maxrss_mb']:.2f}")

    print("\n2. prompt tokens for one question (fake server)")
    small = _cached(args.cache, "narrow_10.xlsx", generate_narrow, 10)
    big = _cached(args.cache, f"narrow_{args.big_rows}.xlsx", generate_narrow, args.big_rows)
    for path in (small, big):
        r = _run(PROMPT, path)
        print(f"  {int(r['rows']):>9,} rows: {int(r['sent_prompt_tokens']):5d} tokens sent "
              f"({int(r['sent_chars']):,} chars; budget 3,000), load+profile {r['load_and_profile_seconds']:.1f} s, "
              f"peak RSS {r['maxrss_mb']:.0f} MB")


if __name__ == "__main__":
    main()
