#!/usr/bin/env bash
# `make bench`: driftscope's throughput targets, each measured side by side with its reference in
# the same run (the machine is shared and noisy; only ratios taken together mean anything).
#
#   1. Two images whose layers all differ (gzip pair, zstd pair): wall time against the floor, the
#      work nothing can avoid: decompress and SHA-256 every layer, each image's layers in turn, both
#      images side by side (`pigz -dc L | openssl dgst -sha256`; `gzip -dc` is timed too and the
#      faster one is the floor; `zstd -dc` for zstd). Target <= 1.3x. Peak RSS <= 150 MiB.
#   2. diffoscope on the gzip pair (once, under a time limit). Target driftscope <= 0.05x.
#   3. The same manifest (A against a byte copy of A): blob hashes only, about size / 1.7 GB/s.
#   4. A cached re-run: A vs B2 (B with a new top layer) with the cache filled by A vs B.
#   5. `driftscope bench-diff`: the 50,000-line text diff.
#
# Data: scripts/bench-generate.py writes the pair into bench-data/ (git-ignored) once; it is reused
# while the generator and its settings are unchanged.
#
# Environment:
#   BENCH_REPEAT=3                 runs per timed figure (the median is reported)
#   BENCH_SKIP_DIFFOSCOPE=1        skip diffoscope (it is the long part)
#   BENCH_DIFFOSCOPE_TIMEOUT=900   diffoscope's time limit in seconds ("> N s" when it hits it)
#   BENCH_SCALE=1                  a smaller pair for quick checks (e.g. 0.05); the targets need 1
#   DRIFTSCOPE_BIN=path            use this binary instead of building .build-bench
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DATA=$ROOT/bench-data
REPEAT=${BENCH_REPEAT:-3}
SCALE=${BENCH_SCALE:-1}
SKIP_DIFFOSCOPE=${BENCH_SKIP_DIFFOSCOPE:-0}
DIFFOSCOPE_TIMEOUT=${BENCH_DIFFOSCOPE_TIMEOUT:-900}
# EVP SHA-256 bytes/s on one core of this machine (1.7e9 on the EPYC of MACHINE-NOTES.md, about
# 1.4e9 on the Xeons seen since): measured, since the same-manifest case is bound by it.
SHA_RATE=$(openssl speed -evp sha256 -bytes 1048576 -seconds 1 2>/dev/null \
    | awk '/^sha256 / {v = $NF; sub(/k$/, "", v); printf "%.3e", v * 1000}')
[ -n "$SHA_RATE" ] || SHA_RATE=1.7e9
log() { echo "bench: $*" >&2; }
die() { echo "bench: $*" >&2; exit 1; }

# --- tools -------------------------------------------------------------------------------------
for tool in /usr/bin/time pigz gzip zstd openssl python3 skopeo timeout; do
    command -v "$tool" >/dev/null || die "$tool is missing (make bench installs time and pigz; make deps the rest)"
done
if [ "$SKIP_DIFFOSCOPE" != 1 ] && ! command -v diffoscope >/dev/null; then
    log "installing diffoscope-minimal"
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
    $SUDO apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends diffoscope-minimal >/dev/null
fi

# --- driftscope, release build in its own scratch path -------------------------------------------
if [ -n "${DRIFTSCOPE_BIN:-}" ]; then
    BIN=$DRIFTSCOPE_BIN
else
    log "building driftscope (release, .build-bench)"
    swift build -c release --scratch-path .build-bench >&2 || die "release build failed"
    BIN="$(swift build -c release --scratch-path .build-bench --show-bin-path)/driftscope"
fi
[ -x "$BIN" ] || die "no driftscope binary at $BIN"

# --- data: generated once, deterministically -----------------------------------------------------
STAMP="$(sha256sum scripts/bench-generate.py | cut -c1-64) scale=$SCALE"
GEN_NOTE="reused"
if [ "$(cat "$DATA/.complete" 2>/dev/null)" != "$STAMP" ]; then
    rm -f "$DATA/.complete"
    if [ "$(cat "$DATA/.generated" 2>/dev/null)" != "$STAMP" ]; then
        log "generating the image pair into bench-data/ (a few minutes, once)"
        mkdir -p "$DATA"
        python3 scripts/bench-generate.py "$DATA" --scale "$SCALE" --stamp "$STAMP" >&2
    fi
    log "checking the generated images with skopeo and driftscope inspect"
    for dir in "$DATA"/images/*/; do
        dir=${dir%/}
        want=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["manifests"][0]["digest"])' "$dir/index.json")
        got=$(skopeo inspect --raw "oci:$dir" | sha256sum | cut -c1-64)
        [ "sha256:$got" = "$want" ] || die "skopeo reads $dir differently ($got, want $want)"
        skopeo inspect "oci:$dir" >/dev/null || die "skopeo inspect oci:$dir failed"
    done
    for image in a-gzip a-zstd b2-gzip; do
        "$BIN" inspect --format json "$DATA/images/$image" > "$DATA/inspect-$image.json" \
            || die "driftscope inspect $image failed"
    done
    echo "$STAMP" > "$DATA/.complete"
    GEN_NOTE="generated now"
fi
summary() { python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); print(eval(sys.argv[2], {"s": s}))' "$DATA/summary.json" "$1"; }
GEN_SECONDS=$(summary 's["seconds"]')

# --- helpers -----------------------------------------------------------------------------------
now() { date +%s.%N; }
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
maxof() { printf '%s\n' "$@" | sort -g | tail -1; }
fmt() { awk -v x="$1" 'BEGIN {printf (x < 10 ? "%.2f" : "%.1f"), x}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
ratio3() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", a / b}'; }
check() { awk -v v="$1" -v t="$2" 'BEGIN {print (v <= t) ? "met" : "MISSED"}'; }
pairs() { awk -v a="$1" -v b="$2" 'BEGIN {n = split(a, x, " "); split(b, y, " "); for (i = 1; i <= n; i++) printf "%s%.2fx", (i > 1 ? " " : ""), x[i] / y[i]}'; }
mib() { awk -v k="$1" 'BEGIN {printf "%.0f", k / 1024}'; }

# run_driftscope ARGS...: one timed run; sets T (wall seconds) and RSS_KB. Exit 0/1 are verdicts.
run_driftscope() {
    local tf t0 t1 rc=0
    tf=$(mktemp)
    t0=$(now)
    /usr/bin/time -v -o "$tf" "$BIN" "$@" >/dev/null 2>"$DATA/last-stderr.txt" || rc=$?
    t1=$(now)
    if [ "$rc" -gt 1 ]; then
        cat "$DATA/last-stderr.txt" >&2
        die "driftscope $* exited $rc"
    fi
    T=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", b - a}')
    RSS_KB=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tf")
    rm -f "$tf"
}

# floor DECOMPRESSOR LIST...: each list's blobs decompressed and hashed in turn, the lists side by
# side; sets T.
floor_side() {
    local blob
    while read -r blob; do
        $1 "$blob" | openssl dgst -sha256 >/dev/null
    done < "$2"
}
floor() {
    local dec=$1 t0 t1 list pid
    local -a pids=()
    shift
    t0=$(now)
    for list in "$@"; do floor_side "$dec" "$list" & pids+=($!); done
    for pid in "${pids[@]}"; do wait "$pid" || die "floor ($dec) failed"; done
    t1=$(now)
    T=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", b - a}')
}
# hash_floor LIST...: the blobs only (no decompression), lists side by side.
hash_floor() {
    local t0 t1 list pid
    local -a pids=()
    t0=$(now)
    for list in "$@"; do xargs openssl dgst -sha256 < "$list" >/dev/null & pids+=($!); done
    for pid in "${pids[@]}"; do wait "$pid" || die "openssl dgst failed"; done
    t1=$(now)
    T=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", b - a}')
}

IMG=$DATA/images
L=$DATA/layers
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
# The page cache warm, as the floors' throughput figures assume: read again (untimed) right before
# each timed run, since the kernel may reclaim cold pages meanwhile (kdamond runs here).
warm() { local d; for d in "$@"; do cat "$IMG/$d"/blobs/sha256/* > /dev/null; done; }

# --- 1. all layers differ: driftscope against the floor, interleaved ------------------------------
declare -a DG DZ RG RZ FP FG FZ
for ((i = 0; i < REPEAT; i++)); do
    log "pair run $((i + 1))/$REPEAT"
    warm a-gzip b-gzip; floor "pigz -dc" "$L/a-gzip.txt" "$L/b-gzip.txt"; FP+=("$T")
    warm a-gzip b-gzip; floor "gzip -dc" "$L/a-gzip.txt" "$L/b-gzip.txt"; FG+=("$T")
    warm a-gzip b-gzip; run_driftscope compare "$IMG/a-gzip" "$IMG/b-gzip" --no-cache --quiet; DG+=("$T"); RG+=("$RSS_KB")
    warm a-zstd b-zstd; floor "zstd -dcq" "$L/a-zstd.txt" "$L/b-zstd.txt"; FZ+=("$T")
    warm a-zstd b-zstd; run_driftscope compare "$IMG/a-zstd" "$IMG/b-zstd" --no-cache --quiet; DZ+=("$T"); RZ+=("$RSS_KB")
done
dg=$(median "${DG[@]}"); dz=$(median "${DZ[@]}")
rg=$(maxof "${RG[@]}"); rz=$(maxof "${RZ[@]}")
fp=$(median "${FP[@]}"); fgz=$(median "${FG[@]}"); fz=$(median "${FZ[@]}")
if awk -v a="$fp" -v b="$fgz" 'BEGIN {exit !(a <= b)}'; then fg=$fp; fgname="pigz -dc"; FGB=("${FP[@]}"); else fg=$fgz; fgname="gzip -dc"; FGB=("${FG[@]}"); fi

# The verdict and counts, once, untimed: the pair must read as intended.
"$BIN" compare "$IMG/a-gzip" "$IMG/b-gzip" --no-cache --quiet --format json > "$DATA/compare-gzip.json" || true
SANITY=$(python3 - "$DATA/compare-gzip.json" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))
s = c["summary"]
print(f'verdict {c["verdict"]}; files {s["filesA"]}/{s["filesB"]}; {s["noise"]} noise, {s["drift"]} drift differences; '
      f'{s["packageChanges"]} package change(s)')
EOF
)

# --- 2. diffoscope -------------------------------------------------------------------------------
DIFFO="skipped (BENCH_SKIP_DIFFOSCOPE=1)"; DIFFO_RATIO="-"; DIFFO_CHECK="-"
if [ "$SKIP_DIFFOSCOPE" != 1 ]; then
    log "diffoscope on the gzip pair (limit ${DIFFOSCOPE_TIMEOUT} s)"
    rm -rf "$DATA/tmp-diffoscope"; mkdir -p "$DATA/tmp-diffoscope"
    rc=0
    warm a-gzip b-gzip
    t0=$(now)
    TMPDIR=$DATA/tmp-diffoscope timeout -k 30 "$DIFFOSCOPE_TIMEOUT" \
        diffoscope --text "$DATA/diffoscope-report.txt" "$DATA/diffoscope/a" "$DATA/diffoscope/b" \
        > "$DATA/diffoscope-stdout.txt" 2>&1 || rc=$?
    t1=$(now)
    rm -rf "$DATA/tmp-diffoscope"
    td=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}')
    if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
        DIFFO="> ${DIFFOSCOPE_TIMEOUT} s (time limit)"
        DIFFO_RATIO="< $(ratio3 "$dg" "$DIFFOSCOPE_TIMEOUT")x"
        DIFFO_CHECK=$(check "$(ratio3 "$dg" "$DIFFOSCOPE_TIMEOUT")" 0.05)
    elif [ "$rc" -le 1 ]; then
        DIFFO="$td s"
        DIFFO_RATIO="$(ratio3 "$dg" "$td")x"
        DIFFO_CHECK=$(check "$(ratio3 "$dg" "$td")" 0.05)
    else
        DIFFO="failed (exit $rc after $td s, see bench-data/diffoscope-stdout.txt)"
    fi
fi

# --- 3. same manifest: blob hashes only ------------------------------------------------------------
declare -a DS FS
for ((i = 0; i < REPEAT; i++)); do
    warm a-gzip a-gzip-copy; run_driftscope compare "$IMG/a-gzip" "$IMG/a-gzip-copy" --no-cache --quiet; DS+=("$T")
    warm a-gzip a-gzip-copy; hash_floor "$L/a-gzip.txt" "$L/a-gzip-copy.txt"; FS+=("$T")
done
ds=$(median "${DS[@]}"); fs=$(median "${FS[@]}")
blob_bytes=$(summary 's["images"]["a-gzip"]["blob_bytes"]')
sref=$(awk -v b="$blob_bytes" -v r="$SHA_RATE" 'BEGIN {printf "%.3f", b / r}')

# --- 4. cached re-run ------------------------------------------------------------------------------
rm -rf "$DATA/cache-base" "$DATA/cache-run"
warm a-gzip b-gzip b2-gzip
run_driftscope compare "$IMG/a-gzip" "$IMG/b-gzip" --cache "$DATA/cache-base" --quiet; fill=$T
declare -a DC DN DW
for ((i = 0; i < REPEAT; i++)); do
    rm -rf "$DATA/cache-run"; cp -a "$DATA/cache-base" "$DATA/cache-run"
    warm a-gzip b2-gzip; run_driftscope compare "$IMG/a-gzip" "$IMG/b2-gzip" --cache "$DATA/cache-run" --quiet; DC+=("$T")
    warm a-gzip b2-gzip; run_driftscope compare "$IMG/a-gzip" "$IMG/b2-gzip" --no-cache --quiet; DN+=("$T")
    warm a-gzip b-gzip; run_driftscope compare "$IMG/a-gzip" "$IMG/b-gzip" --cache "$DATA/cache-base" --quiet; DW+=("$T")
done
rm -rf "$DATA/cache-run"
dc=$(median "${DC[@]}"); dn=$(median "${DN[@]}"); dw=$(median "${DW[@]}")

# --- 5. text diff ----------------------------------------------------------------------------------
BENCH_DIFF=$("$BIN" bench-diff)

# --- the table -------------------------------------------------------------------------------------
a_files=$(summary 's["images"]["a-gzip"]["files"]')
a_payload=$(summary '"%.2f" % (s["images"]["a-gzip"]["payload_bytes"] / 2**30)')
a_tar=$(summary '"%.2f" % (s["images"]["a-gzip"]["tar_bytes"] / 2**30)')
a_gz=$(summary '"%.0f MiB (%.2fx)" % (s["images"]["a-gzip"]["blob_bytes"] / 2**20, s["images"]["a-gzip"]["tar_bytes"] / s["images"]["a-gzip"]["blob_bytes"])')
a_zst=$(summary '"%.0f MiB (%.2fx)" % (s["images"]["a-zstd"]["blob_bytes"] / 2**20, s["images"]["a-zstd"]["tar_bytes"] / s["images"]["a-zstd"]["blob_bytes"])')
b2_top=$(summary '"%.0f MiB" % (s["images"]["b2-gzip"]["layers"][-1]["size"] / 2**20)')
rev=$(git rev-parse --short HEAD 2>/dev/null || echo "?")
dirty=$(git status --porcelain -- Sources Package.swift 2>/dev/null | head -1)
[ -n "$dirty" ] && rev="$rev + uncommitted Sources changes"

cat <<EOF

driftscope bench  (median of $REPEAT runs per figure; each ratio from figures taken in the same run)
machine: nproc $(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(awk '/MemTotal/ {printf "%.0f GiB RAM", $2 / 1048576}' /proc/meminfo); load average at the start: $LOAD_START, at the end: $(cut -d' ' -f1-3 /proc/loadavg)
driftscope: $rev, release build ($BIN)
data: bench-data/ ($(du -sh "$DATA" | cut -f1) on disk; $GEN_NOTE; generation took $GEN_SECONDS s): per image 5 layers, $a_files regular files, $a_payload GiB of file data ($a_tar GiB of tar)
      gzip -6: $a_gz, zstd -3: $a_zst; A and B differ in every mtime, 8 contents (2 of them only in embedded dates), 1 package version; B2 = B with a new top layer ($b2_top)
check: $SANITY

| case | driftscope | peak RSS | reference | ratio | target |
|---|---|---|---|---|---|
| gzip pair, all layers differ | $(fmt "$dg") s | $(mib "$rg") MiB | floor ($fgname → openssl dgst -sha256, A and B side by side) $(fmt "$fg") s | $(ratio "$dg" "$fg")x | <= 1.3x: $(check "$(ratio "$dg" "$fg")" 1.3); RSS <= 150 MiB: $(check "$(mib "$rg")" 150) |
| zstd pair, all layers differ | $(fmt "$dz") s | $(mib "$rz") MiB | floor (zstd -dc → openssl dgst -sha256, side by side) $(fmt "$fz") s | $(ratio "$dz" "$fz")x | <= 1.3x: $(check "$(ratio "$dz" "$fz")" 1.3); RSS <= 150 MiB: $(check "$(mib "$rz")" 150) |
| gzip pair vs diffoscope 240 | $(fmt "$dg") s | | diffoscope (layers paired by position) $DIFFO | $DIFFO_RATIO | <= 0.05x: $DIFFO_CHECK |
| same manifest (A vs a byte copy of A) | $(fmt "$ds") s | | openssl dgst side by side $(fmt "$fs") s; size / $(awk -v r="$SHA_RATE" 'BEGIN {printf "%.2f", r / 1e9}') GB/s (openssl speed here) = $(fmt "$sref") s (2 x $(awk -v b="$blob_bytes" 'BEGIN {printf "%.0f", b / 1048576}') MiB on 2 cores) | $(ratio "$ds" "$fs")x ($(ratio "$ds" "$sref")x of size / rate) | about 1x |
| A vs B2, cache filled by A vs B | $(fmt "$dc") s | | the same without cache $(fmt "$dn") s | $(ratio "$dc" "$dn")x | |
| A vs B again, every layer cached | $(fmt "$dw") s | | filling the cache (A vs B, one run) $(fmt "$fill") s | $(ratio "$dw" "$fill")x | |

floor candidates (gzip pair): pigz -dc $(fmt "$fp") s, gzip -dc $(fmt "$fgz") s; the faster is the floor
runs (s): driftscope gzip ${DG[*]} | floor pigz ${FP[*]} | floor gzip ${FG[*]} | driftscope zstd ${DZ[*]} | floor zstd ${FZ[*]}
per-run ratios (driftscope / floor of the same repetition): gzip $(pairs "${DG[*]}" "${FGB[*]}"), zstd $(pairs "${DZ[*]}" "${FZ[*]}")
$(echo "$BENCH_DIFF" | sed 's/^/bench-diff: /')
EOF
