#!/usr/bin/env bash
# demo.sh - build driftscope and write sample reports for three fixture pairs into Reports/:
#
#   byte-equal             Fixtures/umoci-layout  vs Fixtures/skopeo-zstd-layout  (only the compression differs)
#   dependency-equivalent  Fixtures/rebuild-a     vs Fixtures/rebuild-b           (only build noise differs)
#   drift                  Fixtures/umoci-layout  vs Fixtures/drift-b             (a drifted rebuild)
#
# For each pair: Reports/<pair>.txt, .html, .json and .md, then Reports/drift.png, a screenshot of the
# drift HTML report taken with headless Chromium (skipped with a message when chromium is missing).
# Environment: SWIFT (default swift), SCRATCH_PATH (a --scratch-path for swift build), CHROMIUM.
# The reports are deterministic: the fixtures are committed and the reports hold no times.
set -euo pipefail
export LC_ALL=C.UTF-8 TZ=UTC

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$ROOT"
SWIFT="${SWIFT:-swift}"
BUILD_ARGS=()
[ -n "${SCRATCH_PATH:-}" ] && BUILD_ARGS+=(--scratch-path "$SCRATCH_PATH")

echo "== building driftscope" >&2
"$SWIFT" build "${BUILD_ARGS[@]}" >&2
BIN="$("$SWIFT" build "${BUILD_ARGS[@]}" --show-bin-path)/driftscope"

if [ ! -d Fixtures/drift-b ]; then
  echo "== Fixtures/drift-b is missing: building it (needs root)" >&2
  if [ "$(id -u)" = 0 ]; then Fixtures/make-drift-fixture.sh; else sudo Fixtures/make-drift-fixture.sh; fi
fi

mkdir -p Reports
PAIRS=(
  "byte-equal Fixtures/umoci-layout Fixtures/skopeo-zstd-layout"
  "dependency-equivalent Fixtures/rebuild-a Fixtures/rebuild-b"
  "drift Fixtures/umoci-layout Fixtures/drift-b"
)
for row in "${PAIRS[@]}"; do
  read -r name a b <<<"$row"
  echo "== $name: $a vs $b" >&2
  set +e
  "$BIN" compare "$a" "$b" --no-cache --quiet --format json \
    --text "Reports/$name.txt" --html "Reports/$name.html" --markdown "Reports/$name.md" >"Reports/$name.json"
  rc=$?
  set -e
  # exit 0: byte-equal or dependency-equivalent; 1: drift; anything else is a failure
  [ "$rc" = 0 ] || [ "$rc" = 1 ] || { echo "demo: driftscope compare failed ($rc) for $name" >&2; exit 1; }
  verdict="$(sed -n 's/^  "verdict" : "\(.*\)",\{0,1\}$/\1/p' "Reports/$name.json" | head -n1)"
  if [ "$verdict" != "$name" ]; then
    echo "demo: warning: $name pair gave verdict '$verdict'" >&2
  fi
  printf '   %-22s %s  (%s)\n' "$name" "$verdict" "$(wc -c <"Reports/$name.html" | tr -d ' ') bytes of HTML" >&2
done

CHROMIUM="${CHROMIUM:-}"
if [ -z "$CHROMIUM" ]; then
  for c in chromium chromium-browser google-chrome; do
    if command -v "$c" >/dev/null 2>&1; then CHROMIUM="$(command -v "$c")"; break; fi
  done
fi
if [ -z "$CHROMIUM" ]; then
  echo "demo: chromium not found (apt-get install -y chromium): no screenshot" >&2
else
  echo "== screenshot: Reports/drift.png" >&2
  profile="$(mktemp -d "${TMPDIR:-/tmp}/driftscope-shot.XXXXXX")"
  trap 'rm -rf -- "$profile"' EXIT
  timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run --hide-scrollbars \
    --user-data-dir="$profile" --force-device-scale-factor=1 --window-size=1280,2000 \
    --screenshot="$ROOT/Reports/drift.png" "file://$ROOT/Reports/drift.html" >/dev/null 2>"$profile/log" \
    || { echo "demo: chromium screenshot failed:" >&2; tail -n 20 "$profile/log" >&2; exit 1; }
fi
ls -l Reports >&2
