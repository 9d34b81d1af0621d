#!/usr/bin/env bash
# html-dom-check.sh - load a driftscope HTML report in headless Chromium and check the rendered DOM.
#
#   scripts/html-dom-check.sh
#       Renders Fixtures/umoci-layout vs Fixtures/drift-b with the built driftscope ($DRIFTSCOPE, else
#       .build/debug/driftscope, built with `swift build` if missing) and checks the drift report.
#   scripts/html-dom-check.sh [--verdict VERDICT] REPORT.html [DRIFTED_PATH...]
#       Checks an existing report.
#
# Checks, in the DOM after the page's script ran (chromium --headless --dump-dom):
#   - the script ran (<html class="js">) and revealed the filter box;
#   - the verdict card shows VERDICT (default drift);
#   - each DRIFTED_PATH is a drift item in the drift section;
#   - with two or more paths: opened as REPORT.html#q=<first path>, the filter keeps the first
#     path's item and hides the second's.
# Exits 0 when every check passes, 1 when one fails, 2 on a usage or setup error (no chromium).
set -euo pipefail
export LC_ALL=C

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
verdict=drift
report=""
paths=()
while [ $# -gt 0 ]; do
  case "$1" in
    --verdict) verdict="$2"; shift 2 ;;
    -h|--help) sed -n '2,18p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) if [ -z "$report" ]; then report="$1"; else paths+=("$1"); fi; shift ;;
  esac
done

CHROMIUM="${CHROMIUM:-}"
if [ -z "$CHROMIUM" ]; then
  for c in chromium chromium-browser google-chrome; do
    if command -v "$c" >/dev/null 2>&1; then CHROMIUM="$(command -v "$c")"; break; fi
  done
fi
[ -n "$CHROMIUM" ] || { echo "html-dom-check: chromium not found (apt-get install -y chromium)" >&2; exit 2; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/driftscope-dom.XXXXXX")"
trap 'rm -rf -- "$WORK"' EXIT

if [ -z "$report" ]; then
  BIN="${DRIFTSCOPE:-$ROOT/.build/debug/driftscope}"
  if [ ! -x "$BIN" ]; then
    (cd "$ROOT" && swift build >&2)
  fi
  [ -d "$ROOT/Fixtures/drift-b" ] || { echo "html-dom-check: Fixtures/drift-b is missing (Fixtures/make-drift-fixture.sh)" >&2; exit 2; }
  report="$WORK/drift.html"
  set +e
  (cd "$ROOT" && "$BIN" compare Fixtures/umoci-layout Fixtures/drift-b --no-cache --quiet --format json --html "$report" >"$WORK/drift.json")
  rc=$?
  set -e
  [ "$rc" = 1 ] || { echo "html-dom-check: driftscope compare exited $rc, expected 1 (drift)" >&2; exit 1; }
  paths=(/etc/fixture.conf /usr/bin/hello /usr/lib/python3/dist-packages/idna-3.7.dist-info/METADATA
         /usr/lib/python3/dist-packages/idna/__pycache__/__init__.cpython-311.pyc /var/lib/dpkg/status)
fi
[ -f "$report" ] || { echo "html-dom-check: no such report: $report" >&2; exit 2; }
abs="$(cd "$(dirname "$report")" && pwd -P)/$(basename "$report")"

dom="$WORK/dom.html"
if ! timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run --disable-extensions \
      --user-data-dir="$WORK/profile" --virtual-time-budget=2000 --dump-dom "file://$abs" >"$dom" 2>"$WORK/chromium.log"; then
  echo "html-dom-check: chromium failed:" >&2; tail -n 20 "$WORK/chromium.log" >&2; exit 2
fi
[ -s "$dom" ] || { echo "html-dom-check: chromium printed no DOM:" >&2; tail -n 20 "$WORK/chromium.log" >&2; exit 2; }

failures=0
check() {  # check DESCRIPTION COMMAND...
  local what="$1"; shift
  if "$@"; then echo "ok   $what"; else echo "FAIL $what"; failures=$((failures + 1)); fi
}
attr() {  # the form Chromium serialises an attribute value in (& " < > escaped, ' not)
  printf '%s' "$1" | sed -e 's/&/\&amp;/g' -e 's/"/\&quot;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g'
}
sed -n '/<section id="drift"/,/<\/section>/p' "$dom" >"$WORK/drift-section.html"

check "the page script ran" grep -Eq '<html[^>]* class="[^"]*\bjs\b' "$dom"
check "the filter box is shown" grep -Eq '<span id="tools" class="tools">' "$dom"
check "the verdict card says $verdict" grep -Fq "id=\"verdict\" data-verdict=\"$(attr "$verdict")\">$verdict</h1>" "$dom"
for p in "${paths[@]}"; do
  check "drift item $p" grep -Fq -- "data-path=\"$(attr "$p")\"" "$WORK/drift-section.html"
done
# The filter box (progressive enhancement): open the page with #q=<first path>; that item stays,
# an item whose path does not contain it is hidden.
if [ "${#paths[@]}" -ge 2 ] && [[ "${paths[1]}" != *"${paths[0]}"* ]]; then
  query="$(printf '%s' "${paths[0]}" | od -An -tx1 | tr -d ' \n' | sed 's/../%&/g')"
  if timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run --disable-extensions \
        --user-data-dir="$WORK/profile" --virtual-time-budget=2000 --dump-dom "file://$abs#q=$query" >"$WORK/filtered-dom.html" 2>>"$WORK/chromium.log"; then
    sed -n '/<section id="drift"/,/<\/section>/p' "$WORK/filtered-dom.html" >"$WORK/filtered.html"
    check "the filter keeps ${paths[0]}" grep -Eq -- "data-path=\"$(attr "${paths[0]}" | sed 's/[].[^$*+?(){}|\\/]/\\&/g')\"( open=\"\")?>" "$WORK/filtered.html"
    check "the filter hides ${paths[1]}" grep -Eq -- "data-path=\"$(attr "${paths[1]}" | sed 's/[].[^$*+?(){}|\\/]/\\&/g')\"[^>]* hidden=\"\"" "$WORK/filtered.html"
  else
    check "chromium loads the page with a filter" false
  fi
fi

if [ "$failures" -gt 0 ]; then
  echo "html-dom-check: $failures check(s) failed for $report (set KEEP_DOM=FILE to keep the DOM)" >&2
  if [ -n "${KEEP_DOM:-}" ]; then cp "$dom" "$KEEP_DOM"; fi
  exit 1
fi
echo "html-dom-check: all checks passed ($report)"
