#!/usr/bin/env bash
# make-drift-fixture.sh - build Fixtures/drift-b/, a *drifted rebuild* of Fixtures/umoci-layout.
#
# drift-b is umoci-layout:v1 plus one umoci layer and a config edit, made the way make-fixtures.sh
# makes umoci-layout (umoci unpack, edit the rootfs, umoci repack, umoci config, umoci gc):
#   /etc/fixture.conf                  text edited (a line changed, two added): a line diff
#   idna 3.6 -> 3.7                    dist-info dir renamed (whiteout + new dir), METADATA Version bumped,
#                                      __init__.py __version__ bumped, the .pyc patched in place
#                                      (same length, so still valid bytecode): a binary diff
#   /var/lib/dpkg/status               python3-idna 3.6-1 -> 3.7-1 (and the conffile md5 of fixture.conf)
#   /var/lib/dpkg/info/python3-idna.*  list and md5sums follow the rename
#   /usr/bin/hello                     0755 -> 4755 (setuid added): security-relevant drift
#   config Env                         LANG=C.UTF-8 -> LANG=en_US.UTF-8, DEBUG=1 added
#   config created                     2024-01-03 -> 2024-01-04 (noise)
# Layers 1 and 2 are reused unchanged, so their digests equal umoci-layout's.
#
# Deterministic: every touched path gets mtime 2024-01-04T00:00:00Z and the created dates are
# fixed, so the output is byte-for-byte the same on every run (the .pyc is patched, not recompiled,
# so the Python version does not matter). Needs root (umoci unpack keeps owners and the setuid bit)
# and umoci; reads Fixtures/umoci-layout, writes only Fixtures/drift-b and a mktemp scratch dir.
set -euo pipefail
export LC_ALL=C TZ=UTC
umask 022

FIX="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
[ "$(basename "$FIX")" = "Fixtures" ] || { echo "refusing: script dir is not Fixtures/: $FIX" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "must run as root (umoci unpack keeps owners and setuid bits)" >&2; exit 1; }
for t in umoci md5sum sed; do
  command -v "$t" >/dev/null || { echo "missing tool: $t" >&2; exit 1; }
done
[ -f "$FIX/umoci-layout/index.json" ] || { echo "missing $FIX/umoci-layout (run make-fixtures.sh first)" >&2; exit 1; }

EPOCH3=1704326400                 # 2024-01-04T00:00:00Z
CREATED4=2024-01-04T00:00:00Z
TAG=v1

WORK="$(mktemp -d "${TMPDIR:-/tmp}/driftscope-drift.XXXXXX")"
trap 'rm -rf -- "$WORK"' EXIT
log() { printf '== %s\n' "$*" >&2; }

log "copy umoci-layout, unpack"
cp -a "$FIX/umoci-layout" "$WORK/layout"
umoci unpack --image "$WORK/layout:$TAG" "$WORK/bundle" >/dev/null
R="$WORK/bundle/rootfs"
DP=usr/lib/python3/dist-packages

log "edit the rootfs"
# 1. a config file: one line changed, two added (a text diff with context)
cat >"$R/etc/fixture.conf" <<'EOF'
# driftscope fixture configuration (a dpkg conffile of base-files)
greeting=hello, rebuilt
log_level=debug
telemetry=on
EOF

# 2. idna 3.6 -> 3.7: rename the dist-info dir, bump METADATA and __version__, patch the .pyc
mv "$R/$DP/idna-3.6.dist-info" "$R/$DP/idna-3.7.dist-info"
sed -i 's/^Version: 3\.6$/Version: 3.7/' "$R/$DP/idna-3.7.dist-info/METADATA"
sed -i 's/^__version__ = "3\.6"$/__version__ = "3.7"/' "$R/$DP/idna/__init__.py"
PYC="$(ls "$R/$DP/idna/__pycache__/"*.pyc)"
# the constant "3.6" is stored as a 3-byte short ASCII string; "3.7" has the same length
LC_ALL=C sed -i 's/3\.6/3.7/g' "$PYC"
grep -q 'Version: 3.7' "$R/$DP/idna-3.7.dist-info/METADATA"
grep -q '__version__ = "3.7"' "$R/$DP/idna/__init__.py"

# 3. dpkg: python3-idna 3.6-1 -> 3.7-1, the conffile md5 follows fixture.conf, .list/.md5sums follow the rename
conf_md5="$(md5sum <"$R/etc/fixture.conf" | cut -d' ' -f1)"
sed -i -e '/^Package: python3-idna$/,/^$/ s/^Version: 3\.6-1$/Version: 3.7-1/' \
       -e '/^Package: python3-idna$/,/^$/ s/stub of idna 3\.6/stub of idna 3.7/' \
       -e "s|^ /etc/fixture.conf [0-9a-f]*\$| /etc/fixture.conf $conf_md5|" "$R/var/lib/dpkg/status"
grep -q '^Version: 3.7-1$' "$R/var/lib/dpkg/status"
sed -i 's/idna-3\.6\.dist-info/idna-3.7.dist-info/' "$R/var/lib/dpkg/info/python3-idna.list"
(cd "$R" && for f in $(cut -d' ' -f3 var/lib/dpkg/info/python3-idna.md5sums | sed 's/idna-3\.6\./idna-3.7./'); do
   md5sum "$f"; done) >"$WORK/md5sums"
cat "$WORK/md5sums" >"$R/var/lib/dpkg/info/python3-idna.md5sums"

# 4. the setuid bit on a binary
chmod 4755 "$R/usr/bin/hello"

# every path we touched (and the directories holding them) gets one fixed mtime
for p in etc etc/fixture.conf $DP $DP/idna $DP/idna/__init__.py $DP/idna/__pycache__ "${PYC#"$R/"}" \
         $DP/idna-3.7.dist-info $DP/idna-3.7.dist-info/METADATA $DP/idna-3.7.dist-info/INSTALLER \
         $DP/idna-3.7.dist-info/top_level.txt var/lib/dpkg var/lib/dpkg/status var/lib/dpkg/info \
         var/lib/dpkg/info/python3-idna.list var/lib/dpkg/info/python3-idna.md5sums usr/bin/hello; do
  touch -h -d "@$EPOCH3" "$R/$p"
done

log "repack (layer 3), config"
umoci repack --image "$WORK/layout:$TAG" \
  --history.created "$CREATED4" --history.author "driftscope fixtures" \
  --history.created_by "make-drift-fixture.sh: layer 3 (idna 3.7, fixture.conf, setuid hello)" \
  "$WORK/bundle"
umoci config --image "$WORK/layout:$TAG" \
  --created "$CREATED4" \
  --config.env LANG=en_US.UTF-8 --config.env DEBUG=1 \
  --history.created "$CREATED4" --history.author "driftscope fixtures" \
  --history.created_by "make-drift-fixture.sh: umoci config (LANG, DEBUG)"
umoci gc --layout "$WORK/layout"

rm -rf -- "$FIX/drift-b"
cp -a "$WORK/layout" "$FIX/drift-b"
log "done: Fixtures/drift-b"
printf 'manifest sha256:%s\n' "$(grep -o '"digest":"sha256:[0-9a-f]*"' "$FIX/drift-b/index.json" | cut -d: -f3 | tr -d '"')" >&2
du -sh "$FIX/drift-b" >&2
