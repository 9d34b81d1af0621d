#!/usr/bin/env bash
# make-fixtures.sh - build driftscope's container-image fixtures with real tools.
#
# Produces, next to this script (and nowhere else in the repo):
#   umoci-layout/        OCI layout, 2 gzip layers + config, built by umoci from scratch   (tag v1)
#   skopeo-oci.tar       the same image, skopeo copy -> oci-archive:                        (tag v1)
#   skopeo-docker.tar    the same image, skopeo copy -> docker-archive: (legacy docker save) (fixture:v1)
#   skopeo-docker.manifest.json   exact bytes of `skopeo inspect --raw docker-archive:skopeo-docker.tar`
#   skopeo-zstd-layout/  the same image, skopeo copy -> oci: with zstd layers               (tag v1)
#   rebuild-a/ rebuild-b/  the same buildah recipe run twice, >= 2 s apart                (tag v1)
#   expected-digests.txt / expected-configs.txt / TOOLS.txt
#
# Scratch work (staging trees, umoci bundle, buildah vfs storage) lives in a
# mktemp dir under ${TMPDIR:-/tmp} and is removed on exit.
#
# Needs root (chown to 1000, setuid bit, umoci unpack without --rootless) and:
#   umoci, skopeo, buildah, python3, bsdtar (only for TOOLS.txt), coreutils.
# Idempotent: every output is deleted and rebuilt on each run. The umoci image
# and everything derived from it are byte-for-byte reproducible (fixed mtimes,
# fixed created dates); the outer tar headers of skopeo-oci.tar and
# skopeo-docker.tar and the whole rebuild pair are not (by design / by tool).
set -euo pipefail
export LC_ALL=C TZ=UTC
unset SOURCE_DATE_EPOCH PYTHONPYCACHEPREFIX PYTHONDONTWRITEBYTECODE || true
umask 022

FIX="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
[ "$(basename "$FIX")" = "Fixtures" ] || { echo "refusing: script dir is not Fixtures/: $FIX" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "must run as root (chown, setuid, umoci unpack)" >&2; exit 1; }
for t in umoci skopeo buildah python3 md5sum sha256sum; do
  command -v "$t" >/dev/null || { echo "missing tool: $t" >&2; exit 1; }
done

# Fixed times. Layer 1 files: 2024-01-01T00:00:00Z, layer 2 files: 2024-01-02T00:00:00Z.
EPOCH1=1704067200
EPOCH2=1704153600
CREATED1=2024-01-01T00:00:00Z
CREATED2=2024-01-02T00:00:00Z
CREATED3=2024-01-03T00:00:00Z
TAG=v1
DOCKER_REF=fixture:v1

WORK="$(mktemp -d "${TMPDIR:-/tmp}/driftscope-fixtures.XXXXXX")"
BUILDAH=(buildah --root "$WORK/buildah/root" --runroot "$WORK/buildah/run" --storage-driver vfs)
cleanup() {
  # remove any buildah working containers we left behind, then the scratch dir
  "${BUILDAH[@]}" rm --all >/dev/null 2>&1 || true
  rm -rf -- "$WORK"
}
trap cleanup EXIT

cd "$FIX"
rm -rf -- umoci-layout skopeo-zstd-layout rebuild-a rebuild-b
rm -f -- skopeo-oci.tar skopeo-docker.tar skopeo-docker.manifest.json \
         expected-digests.txt expected-configs.txt TOOLS.txt

log() { printf '== %s\n' "$*" >&2; }

# ---------------------------------------------------------------------------
# Root filesystem content
# ---------------------------------------------------------------------------

# put PATH MODE [OWNER] < content   (PATH relative to $ROOT)
put() {
  local p="$ROOT/$1"
  mkdir -p -- "$(dirname "$p")"
  cat >"$p"
  chown "${3:-0:0}" "$p"    # chown before chmod: chown clears the setuid bit
  chmod "$2" "$p"
}

# dpkg_list PKG PATH...  -> var/lib/dpkg/info/PKG.list and PKG.md5sums
# (dpkg lists "/." first, then every directory and file of the package)
dpkg_list() {
  local pkg="$1"; shift
  local info="$ROOT/var/lib/dpkg/info"
  mkdir -p "$info"
  { echo "/."; for f in "$@"; do echo "$f"; done; } >"$info/$pkg.list"
  : >"$info/$pkg.md5sums"
  for f in "$@"; do
    if [ -f "$ROOT$f" ] && [ ! -L "$ROOT$f" ]; then
      (cd "$ROOT" && md5sum "${f#/}") >>"$info/$pkg.md5sums"
    fi
  done
  chmod 0644 "$info/$pkg.list" "$info/$pkg.md5sums"
}

STANZA_BASE_FILES() { cat <<EOF
Package: base-files
Essential: yes
Status: install ok installed
Priority: required
Section: admin
Installed-Size: 24
Maintainer: Driftscope Fixtures <fixtures@driftscope.invalid>
Architecture: amd64
Multi-Arch: foreign
Version: 12.4+deb12u5
Conffiles:
 /etc/fixture.conf $(md5sum <"$ROOT/etc/fixture.conf" | cut -d' ' -f1)
Description: Debian base system miscellaneous files (driftscope fixture, fake)
 This is a hand-written stanza for a test fixture. It is not a real package.

EOF
}
STANZA_FIXTURE_TOOLS() { cat <<'EOF'
Package: fixture-tools
Status: install ok installed
Priority: optional
Section: utils
Installed-Size: 8
Maintainer: Driftscope Fixtures <fixtures@driftscope.invalid>
Architecture: all
Version: 1.0-1
Depends: base-files (>= 12)
Description: tiny scripts for the driftscope fixtures (fake)
 Contains a hello script, a symlink to it, a setuid script and a hardlinked
 data file.

EOF
}
STANZA_PYTHON3_IDNA() { cat <<'EOF'
Package: python3-idna
Status: install ok installed
Priority: optional
Section: python
Installed-Size: 16
Maintainer: Driftscope Fixtures <fixtures@driftscope.invalid>
Architecture: all
Source: python-idna
Version: 3.6-1
Depends: python3:any
Description: Python IDNA library (driftscope fixture, fake)
 Hand-written stanza; the files are a stub of idna 3.6, not the real module.

EOF
}

# populate_base ROOT : layer 1 (base-files + fixture-tools), all times = EPOCH1
populate_base() {
  ROOT="$1"
  mkdir -p "$ROOT"
  chmod 0755 "$ROOT"
  for d in etc home usr usr/bin usr/lib usr/share usr/share/fixture var var/lib var/lib/dpkg var/lib/dpkg/info; do
    mkdir -p "$ROOT/$d"; chmod 0755 "$ROOT/$d"
  done
  mkdir -p "$ROOT/tmp"; chmod 1777 "$ROOT/tmp"
  mkdir -p "$ROOT/home/app"; chmod 0750 "$ROOT/home/app"; chown 1000:1000 "$ROOT/home/app"

  ln -s usr/bin "$ROOT/bin"                               # merged-/usr style dir symlink
  put usr/lib/os-release 0644 <<'EOF'
PRETTY_NAME="Driftscope Fixture Linux 1"
NAME="Driftscope Fixture Linux"
VERSION_ID="1"
ID=driftscope-fixture
EOF
  ln -s ../usr/lib/os-release "$ROOT/etc/os-release"      # relative file symlink
  put etc/passwd 0644 <<'EOF'
root:x:0:0:root:/root:/bin/sh
app:x:1000:1000:app:/home/app:/bin/sh
EOF
  put etc/group 0644 <<'EOF'
root:x:0:
app:x:1000:
EOF
  put etc/fixture.conf 0644 <<'EOF'
# driftscope fixture configuration (a dpkg conffile of base-files)
greeting=hello
EOF
  put etc/fixture-remove-me 0644 <<'EOF'
This file exists in layer 1 and is deleted (whiteout) in layer 2.
EOF
  put home/app/.profile 0644 1000:1000 <<'EOF'
export PS1='app$ '
EOF
  put usr/bin/hello 0755 <<'EOF'
#!/bin/sh
# driftscope fixture: prints a greeting
echo "hello from the driftscope fixture"
EOF
  ln -s hello "$ROOT/usr/bin/hi"
  put usr/bin/fake-su 4755 <<'EOF'
#!/bin/sh
# driftscope fixture: a harmless script that carries the setuid bit (mode 4755)
echo "not really su"
EOF
  put usr/share/fixture/data.txt 0644 <<'EOF'
line 1 of the hardlinked data file
line 2 of the hardlinked data file
EOF
  ln "$ROOT/usr/share/fixture/data.txt" "$ROOT/usr/share/fixture/data-hardlink.txt"

  dpkg_list base-files /etc /etc/fixture.conf /etc/os-release /usr /usr/lib /usr/lib/os-release
  dpkg_list fixture-tools /usr /usr/bin /usr/bin/fake-su /usr/bin/hello /usr/bin/hi \
    /usr/share /usr/share/fixture /usr/share/fixture/data-hardlink.txt /usr/share/fixture/data.txt
  { STANZA_BASE_FILES; STANZA_FIXTURE_TOOLS; } | put var/lib/dpkg/status 0644

  find "$ROOT" -exec touch -h -d "@$EPOCH1" {} +
}

# apply_layer2 ROOT : layer 2 (python3-idna + removal), changed paths get EPOCH2
apply_layer2() {
  ROOT="$1"
  local stamp="$WORK/stamp.$$"
  touch -d "@$((EPOCH1 + 1))" "$stamp"   # anything we touch below ends up newer than this

  local dp=usr/lib/python3/dist-packages
  for d in usr/lib/python3 $dp $dp/idna $dp/idna/__pycache__ $dp/idna-3.6.dist-info; do
    mkdir -p "$ROOT/$d"; chmod 0755 "$ROOT/$d"
  done
  put $dp/idna/__init__.py 0644 <<'EOF'
"""Stub of the idna package for driftscope fixtures (not the real module)."""
__version__ = "3.6"


def encode(s):
    return s.encode("ascii")
EOF
  touch -d "@$EPOCH2" "$ROOT/$dp/idna/__init__.py"      # the .pyc header records this mtime
  # real CPython bytecode, timestamp-based like Debian's py3compile writes
  # (dfile: record the in-image path as co_filename, not our scratch path)
  python3 - "$ROOT/$dp/idna/__init__.py" "/$dp/idna/__init__.py" <<'EOF'
import importlib.util, os, py_compile, sys
src, shown = sys.argv[1], sys.argv[2]
dst = importlib.util.cache_from_source(src)
py_compile.compile(src, cfile=dst, dfile=shown, doraise=True,
                   invalidation_mode=py_compile.PycInvalidationMode.TIMESTAMP)
os.chmod(dst, 0o644)
EOF
  put $dp/idna-3.6.dist-info/METADATA 0644 <<'EOF'
Metadata-Version: 2.1
Name: idna
Version: 3.6
Summary: Internationalized Domain Names in Applications (IDNA)
Author-email: Kim Davies <kim+pypi@gumleaf.org>
Requires-Python: >=3.5
License-Expression: BSD-3-Clause
EOF
  put $dp/idna-3.6.dist-info/top_level.txt 0644 <<'EOF'
idna
EOF
  put $dp/idna-3.6.dist-info/INSTALLER 0644 <<'EOF'
debian
EOF
  rm -f "$ROOT/etc/fixture-remove-me"

  # Debian does not list byte-compiled files in .list/.md5sums; neither do we.
  dpkg_list python3-idna /usr /usr/lib /usr/lib/python3 /$dp /$dp/idna /$dp/idna/__init__.py \
    /$dp/idna-3.6.dist-info /$dp/idna-3.6.dist-info/INSTALLER /$dp/idna-3.6.dist-info/METADATA \
    /$dp/idna-3.6.dist-info/top_level.txt
  { STANZA_BASE_FILES; STANZA_FIXTURE_TOOLS; STANZA_PYTHON3_IDNA; } | put var/lib/dpkg/status 0644

  find "$ROOT" -newer "$stamp" -exec touch -h -d "@$EPOCH2" {} +
  touch -h -d "@$EPOCH2" "$ROOT/etc"                     # directory whose entry was removed
  rm -f "$stamp"
}

# ---------------------------------------------------------------------------
# 1. umoci-layout
# ---------------------------------------------------------------------------
log "umoci: building umoci-layout:$TAG"
umoci init --layout umoci-layout
umoci new --image "umoci-layout:$TAG"
umoci unpack --image "umoci-layout:$TAG" "$WORK/bundle"
populate_base "$WORK/stage-base"
cp -a "$WORK/stage-base/." "$WORK/bundle/rootfs/"
touch -h -d "@$EPOCH1" "$WORK/bundle/rootfs"
umoci repack --refresh-bundle --image "umoci-layout:$TAG" \
  --history.created "$CREATED1" --history.author "driftscope fixtures" \
  --history.created_by "make-fixtures.sh: layer 1 (base-files, fixture-tools)" \
  "$WORK/bundle"
apply_layer2 "$WORK/bundle/rootfs"
umoci repack --image "umoci-layout:$TAG" \
  --history.created "$CREATED2" --history.author "driftscope fixtures" \
  --history.created_by "make-fixtures.sh: layer 2 (python3-idna, rm /etc/fixture-remove-me)" \
  "$WORK/bundle"
umoci config --image "umoci-layout:$TAG" \
  --created "$CREATED3" --author "driftscope fixtures" --os linux --architecture amd64 \
  --config.env PATH=/usr/local/bin:/usr/bin:/bin --config.env LANG=C.UTF-8 \
  --config.cmd /usr/bin/hello \
  --config.workingdir /home/app --config.user 1000:1000 \
  --config.label org.opencontainers.image.title=driftscope-fixture \
  --config.label org.opencontainers.image.version=1.0 \
  --config.label io.driftscope.fixture=umoci \
  --history.created "$CREATED3" --history.author "driftscope fixtures" \
  --history.created_by "make-fixtures.sh: umoci config (env, cmd, labels)"
umoci gc --layout umoci-layout

# ---------------------------------------------------------------------------
# 2-4. skopeo copies of the same image
# ---------------------------------------------------------------------------
log "skopeo: oci-archive, docker-archive, zstd oci layout"
skopeo copy --quiet "oci:umoci-layout:$TAG" "oci-archive:skopeo-oci.tar:$TAG"
skopeo copy --quiet "oci:umoci-layout:$TAG" "docker-archive:skopeo-docker.tar:$DOCKER_REF"
ZSTD_NOTE=""
if skopeo copy --help | grep -q -- '--dest-compress-format'; then
  skopeo copy --quiet --dest-compress-format zstd "oci:umoci-layout:$TAG" "oci:skopeo-zstd-layout:$TAG"
else
  ZSTD_NOTE="skopeo has no --dest-compress-format: skopeo-zstd-layout not built"
  echo "$ZSTD_NOTE" >&2
fi
skopeo inspect --raw "docker-archive:skopeo-docker.tar" >skopeo-docker.manifest.json

# ---------------------------------------------------------------------------
# 5. rebuild pair: the same buildah recipe twice, >= 2 s apart
# ---------------------------------------------------------------------------
STAGE_FINAL="$WORK/stage-final"
cp -a "$WORK/stage-base" "$STAGE_FINAL"
apply_layer2 "$STAGE_FINAL"

rebuild() {   # rebuild NAME  -> $FIX/NAME (OCI layout, tag v1)
  local name="$1" ctx="$WORK/ctx-$1" ctr
  # Fresh copy of the build context: same bytes, modes, owners and hardlinks,
  # but mtimes are "now" -- the way a fresh git checkout would look.
  mkdir -p "$ctx"
  cp -R --preserve=mode,ownership,links "$STAGE_FINAL/." "$ctx/rootfs/"
  ctr="$("${BUILDAH[@]}" from --name "$name" scratch)"
  "${BUILDAH[@]}" copy --quiet "$ctr" "$ctx/rootfs/" / >/dev/null
  # like COPY --chown: buildah copy makes everything 0:0 unless told otherwise;
  # copying the *contents* of home/ re-creates app/ (and .profile) as 1000:1000
  "${BUILDAH[@]}" copy --quiet --chown 1000:1000 "$ctr" "$ctx/rootfs/home/" /home/ >/dev/null
  "${BUILDAH[@]}" config \
    --os linux --arch amd64 --author "driftscope fixtures" \
    --env PATH=/usr/local/bin:/usr/bin:/bin --env LANG=C.UTF-8 \
    --cmd /usr/bin/hello --workingdir /home/app --user 1000:1000 \
    --label org.opencontainers.image.title=driftscope-fixture \
    --label org.opencontainers.image.version=1.0 \
    --label io.driftscope.fixture=buildah \
    --created-by "make-fixtures.sh: buildah copy rootfs + config" \
    "$ctr"
  # buildah wants lowercase oci: paths, and Fixtures/ has a capital F:
  # commit to a relative lowercase path in the scratch dir, then move it.
  (cd "$WORK" && "${BUILDAH[@]}" commit --quiet --rm --format oci "$ctr" "oci:$name:$TAG" >/dev/null)
  mv "$WORK/$name" "$FIX/$name"
}
log "buildah: rebuild-a"
rebuild rebuild-a
sleep 2
log "buildah: rebuild-b"
rebuild rebuild-b

# ---------------------------------------------------------------------------
# 6. expected digests (paths relative to Fixtures/)
# ---------------------------------------------------------------------------
log "digests"
FIXTURES=(
  "umoci-layout oci umoci-layout:$TAG"
  "skopeo-oci.tar oci-archive skopeo-oci.tar:$TAG"
  "skopeo-docker.tar docker-archive skopeo-docker.tar"
  "rebuild-a oci rebuild-a:$TAG"
  "rebuild-b oci rebuild-b:$TAG"
)
[ -d skopeo-zstd-layout ] && FIXTURES+=("skopeo-zstd-layout oci skopeo-zstd-layout:$TAG")
: >expected-digests.txt
: >expected-configs.txt
for row in "${FIXTURES[@]}"; do
  read -r path transport ref <<<"$row"
  m="$(skopeo inspect --raw "$transport:$ref" | sha256sum | cut -d' ' -f1)"
  c="$(skopeo inspect --raw --config "$transport:$ref" | sha256sum | cut -d' ' -f1)"
  echo "$path $transport sha256:$m" >>expected-digests.txt
  echo "$path $transport sha256:$c" >>expected-configs.txt
done

# ---------------------------------------------------------------------------
# 7. tool versions
# ---------------------------------------------------------------------------
{
  echo "# generated by make-fixtures.sh; tool versions used for the fixtures in this directory"
  echo "umoci:    $(umoci --version)"
  echo "skopeo:   $(skopeo --version)"
  echo "buildah:  $(buildah --version)"
  echo "python3:  $(python3 --version 2>&1) (pyc cache tag $(python3 -c 'import sys; print(sys.implementation.cache_tag)'))"
  echo "bsdtar:   $(bsdtar --version 2>/dev/null || echo n/a)"
  echo "coreutils: $(cp --version | head -n1)"
  echo "bash:     ${BASH_VERSION}"
  if command -v dpkg-query >/dev/null; then
    echo "# Debian packages"
    for p in umoci skopeo buildah containers-common golang-github-containers-image libarchive-tools; do
      v="$(dpkg-query -W -f='${Version}' "$p" 2>/dev/null || true)"
      [ -n "$v" ] && echo "deb $p $v"
    done
  fi
  [ -n "$ZSTD_NOTE" ] && echo "note: $ZSTD_NOTE"
  true
} >TOOLS.txt

log "done"
cat expected-digests.txt >&2
du -sh "$FIX" >&2
