#!/usr/bin/env python3
"""Generates the `make bench` image pair into bench-data/ (git-ignored), deterministically.

Everything comes from one seed: no wall clock, no host state. The same script and seed give the
same blobs, byte for byte (checked by comparing the manifest digests of two runs), so numbers from
different runs and machines are about the same bytes.

What is written (OCI image layout directories, readable by `driftscope` and `skopeo inspect oci:`):

  images/a-gzip  images/b-gzip  images/b2-gzip  images/a-gzip-copy  images/a-zstd  images/b-zstd
  diffoscope/a   diffoscope/b   the gzip layers of A and B as layer-N.tar.gz (hard links) beside the
                                manifest and config, so that diffoscope pairs the layers by position
                                (named by digest, no blob of A has a partner in B)
  layers/<image>.txt            the layer blob paths of each image, in manifest order (for the floor)
  summary.json                  sizes, counts, digests
  .generated                    written last: the stamp of a complete generation

A and B are two builds of one image, five layers (Debian-like base, Python runtime, site-packages,
node_modules, the app), about 1.1 GiB and 52,000 regular files each:
  - every entry's mtime differs (B was built two days later), so every layer blob differs;
  - a handful of contents differ: /etc/build-info and a .so's build ID (layer 1), the generated
    sysconfig module (layer 2), a _version.py and its .pyc (layer 3), node's lock file (layer 4),
    the server binary's embedded build stamp and build-manifest.json (layer 5);
  - one package version: the `libexample3` stanza of /var/lib/dpkg/status.
B2 is B with only its top layer rebuilt (for the cached re-run): layers 1-4 are B's blobs.

Contents are realistic for compression: source-like text (Zipf-distributed tokens), machine-code-like
bytes (skewed byte distribution), already-compressed files (random bytes: .gz, .png), zero padding;
gzip -6 makes about 2.5x of it overall. Layers are gzip -6 -n (GNU gzip) and zstd -3.
"""

import argparse
import hashlib
import json
import os
import random
import shutil
import subprocess
import tarfile
import time
from multiprocessing import Pool

GENERATOR_VERSION = "driftscope-bench-data-v1"
SEED = 0x5EED_B0CC

# Build times (seconds since the epoch): fixed, never the wall clock.
EPOCH = {"a": 1_700_000_000, "b": 1_700_000_000 + 2 * 86_400 + 1_234}
EPOCH_B2_TOP = EPOCH["b"] + 7_200

MIB = 1 << 20

# ---------------------------------------------------------------------------------------------
# Content pools. Files are slices of these at seeded offsets: fast to produce in Python, and far
# apart enough (tens of MiB) that gzip's 32 KiB and zstd -3's 2 MiB windows do not see repeats.


def make_pools(seed):
    rng = random.Random(seed)
    random_pool = rng.randbytes(int(48 * MIB))

    # Machine code: a skewed byte distribution (0x00 and a few opcodes common), no long repeats;
    # about 4 bits of entropy per byte, like x86-64 text sections (gzip: ~1.9x).
    common = (0x48, 0x89, 0x8B, 0xE8, 0xFF, 0x24, 0x0F, 0x83)
    table = bytearray()
    table += bytes([0x00]) * 80
    for b in common:
        table += bytes([b]) * 16
    rest = [b for b in range(256) if b != 0x00 and b not in common]
    rng.shuffle(rest)
    table += bytes(rest[:48])
    assert len(table) == 256
    code_pool = rng.randbytes(int(32 * MIB)).translate(bytes(table))

    # Source-like text: lines of Zipf-distributed identifiers and punctuation.
    syllables = ["ka", "lo", "mi", "ne", "ru", "ta", "shi", "po", "de", "va", "qu", "ix", "or", "el",
                 "an", "st", "tr", "pl", "get", "set", "buf", "len", "ptr", "cfg", "err", "ctx"]
    vocab = set()
    while len(vocab) < 8000:
        n = rng.randint(1, 4)
        word = "".join(rng.choice(syllables) for _ in range(n))
        if rng.random() < 0.3:
            word += "_" + "".join(rng.choice(syllables) for _ in range(rng.randint(1, 2)))
        vocab.add(word)
    vocab = sorted(vocab)
    rng.shuffle(vocab)
    keywords = ["def", "return", "if", "else", "for", "in", "import", "from", "self", "None", "True",
                "const", "let", "function", "=>", "{", "}", "(", ")", "=", "==", "+", "-", ",", ":",
                "the", "a", "of", "to", "is", "and", "#", "//", "\"\"\"", "0", "1"]
    words = keywords + vocab
    weights = [1.0 / (r + 1) ** 1.05 for r in range(len(words))]
    cum = []
    total = 0.0
    for w in weights:
        total += w
        cum.append(total)
    target = int(32 * MIB)
    out = []
    size = 0
    lengths = [rng.randint(3, 12) for _ in range(200_000)]
    indents = [rng.choice((0, 0, 4, 4, 8, 8, 12, 16)) for _ in range(200_000)]
    k = 0
    while size < target:
        tokens = rng.choices(words, cum_weights=cum, k=4096)
        t = 0
        while t + 12 < len(tokens):
            n = lengths[k % len(lengths)]
            line = " " * indents[k % len(indents)] + " ".join(tokens[t:t + n]) + "\n"
            t += n
            k += 1
            out.append(line)
            size += len(line)
    text_pool = "".join(out).encode()[:target]
    return {"random": random_pool, "code": code_pool, "text": text_pool}


POOLS = None


def pool_slice(pool, rng, n):
    data = POOLS[pool]
    if n <= 0:
        return b""
    if n >= len(data):
        reps = n // len(data) + 1
        return (data * reps)[:n]
    start = rng.randrange(0, len(data) - n)
    if pool == "text":
        # Start on a line boundary, like a real file.
        nl = data.find(b"\n", start, start + 200)
        if nl >= 0 and nl + 1 + n <= len(data):
            start = nl + 1
    return data[start:start + n]


def content(kind, size, seed):
    rng = random.Random(seed)
    if kind == "text":
        return pool_slice("text", rng, size)
    if kind == "random":
        return pool_slice("random", rng, size)
    if kind == "code":
        return pool_slice("code", rng, size)
    if kind == "pyc":
        header = bytes([0xA7, 0x0D, 0x0D, 0x0A, 0, 0, 0, 0]) + rng.randbytes(8)
        return (header + pool_slice("code", rng, size))[:size]
    if kind == "mo":  # gettext catalogs: a header table and strings
        head = pool_slice("code", rng, min(size, 512))
        return (head + pool_slice("text", rng, size))[:size]
    if kind == "elf":
        # ELF header, then sections: code, rodata strings, random (data, compressed debug), zeros.
        parts = [b"\x7fELF\x02\x01\x01\x00" + bytes(8) + rng.randbytes(48)]
        have = 64
        while have < size:
            r = rng.random()
            n = rng.randint(1024, 16384)
            if r < 0.45:
                parts.append(pool_slice("code", rng, n))
            elif r < 0.53:
                parts.append(pool_slice("random", rng, n))
            elif r < 0.66:
                parts.append(bytes(n))
            else:
                parts.append(pool_slice("text", rng, n))
            have += n
        return b"".join(parts)[:size]
    raise ValueError(kind)


# ---------------------------------------------------------------------------------------------
# The file system spec: one list of entries per layer, shared by A, B and B2.


class Entry:
    __slots__ = ("path", "type", "size", "kind", "seed", "mode", "link", "uid", "special")

    def __init__(self, path, type_, size=0, kind=None, seed=0, mode=0o644, link=None, uid=0, special=None):
        self.path = path
        self.type = type_
        self.size = size
        self.kind = kind
        self.seed = seed
        self.mode = mode
        self.link = link
        self.uid = uid
        self.special = special


def log_uniform(rng, lo, hi):
    import math
    return int(math.exp(rng.uniform(math.log(lo), math.log(hi))))


def name(rng, syl=("lib", "core", "net", "ssl", "xml", "z", "gpg", "sys", "db", "ut", "io", "pam",
                   "cap", "acl", "ext", "fs", "krb", "ldap", "ffi", "idn", "gmp", "tasn", "uni")):
    return "".join(rng.choice(syl) for _ in range(rng.randint(2, 3))) + str(rng.randint(0, 99))


def build_spec(seed, scale):
    rng = random.Random(seed ^ 0xF11E)
    layers = [[] for _ in range(5)]
    used = set()

    def count(n):
        return max(1, int(n * scale))

    def add(layer, e):
        if e.path in used:
            return False
        used.add(e.path)
        e.seed = rng.getrandbits(63)
        layers[layer].append(e)
        return True

    def files(layer, n, pattern, lo, hi, kind, mode=0o644, uid=0):
        made = 0
        while made < count(n):
            p = pattern(rng)
            if add(layer, Entry(p, "file", log_uniform(rng, lo, hi), kind, mode=mode, uid=uid)):
                made += 1

    packages = sorted({name(rng) for _ in range(count(450))})

    # Layer 1: a Debian-like base.
    files(0, 450, lambda r: f"usr/bin/{name(r)}", 16_000, 800_000, "elf", 0o755)
    files(0, 150, lambda r: f"usr/sbin/{name(r)}", 16_000, 400_000, "elf", 0o755)
    libdir = "usr/lib/x86_64-linux-gnu"
    for _ in range(count(700)):
        base = f"lib{name(rng)}"
        major = rng.randint(0, 9)
        real = f"{libdir}/{base}.so.{major}.{rng.randint(0, 20)}.{rng.randint(0, 9)}"
        if add(0, Entry(real, "file", log_uniform(rng, 20_000, 1_200_000), "elf", mode=0o644)):
            add(0, Entry(f"{libdir}/{base}.so.{major}", "symlink", link=os.path.basename(real)))
    for pkg in packages:
        add(0, Entry(f"usr/share/doc/{pkg}/copyright", "file", log_uniform(rng, 1_000, 30_000), "text"))
        add(0, Entry(f"usr/share/doc/{pkg}/changelog.Debian.gz", "file", log_uniform(rng, 600, 20_000), "random"))
        add(0, Entry(f"var/lib/dpkg/info/{pkg}.list", "file", log_uniform(rng, 200, 20_000), "text"))
        add(0, Entry(f"var/lib/dpkg/info/{pkg}.md5sums", "file", log_uniform(rng, 100, 12_000), "text"))
    files(0, 2500, lambda r: f"usr/share/man/man{r.choice('158')}/{name(r)}.{r.choice('158')}.gz", 800, 12_000, "random")
    files(0, 2500, lambda r: f"usr/share/locale/{r.choice(['de', 'fr', 'es', 'ja', 'pt_BR', 'ru', 'zh_CN', 'it', 'pl', 'nl'])}/LC_MESSAGES/{name(r)}.mo", 2_000, 80_000, "mo")
    files(0, 1800, lambda r: f"usr/share/zoneinfo/{r.choice(['Europe', 'America', 'Asia', 'Africa', 'Pacific'])}/{name(r).capitalize()}", 100, 3_000, "code")
    files(0, 2500, lambda r: f"usr/share/perl5/{r.choice(['Debian', 'Text', 'File', 'IO'])}/{name(r)}.pm", 1_000, 40_000, "text")
    files(0, 2500, lambda r: f"usr/include/{r.choice(['', 'linux/', 'sys/', 'x86_64-linux-gnu/bits/', 'net/'])}{name(r)}.h", 500, 60_000, "text")
    files(0, 700, lambda r: f"etc/{r.choice(['', 'default/', 'init.d/', 'security/', 'ssl/', 'apt/'])}{name(r)}.conf", 50, 8_000, "text")
    add(0, Entry("etc/build-info", "file", special="build-info"))
    add(0, Entry(f"{libdir}/libbuildinfo.so.1.0.0", "file", 400_000, "elf", special="build-id"))
    add(0, Entry("var/lib/dpkg/status", "file", special="dpkg-status"))
    bins = [e.path for e in layers[0] if e.path.startswith("usr/bin/")][:20]
    for i, target in enumerate(bins):
        add(0, Entry(f"usr/bin/alias{i}-{os.path.basename(target)}", "hardlink", link=target))

    # Layer 2: the Python runtime.
    for _ in range(count(7000)):
        pkg = rng.choice(["", "email/", "json/", "asyncio/", "encodings/", "urllib/", "xml/dom/", "concurrent/futures/", "unittest/", "idlelib/", "lib2to3/", "distutils/", "multiprocessing/", "tkinter/", "ctypes/", "sqlite3/"])
        mod = name(rng)
        if add(1, Entry(f"usr/lib/python3.11/{pkg}{mod}.py", "file", log_uniform(rng, 1_000, 80_000), "text")):
            add(1, Entry(f"usr/lib/python3.11/{pkg}__pycache__/{mod}.cpython-311.pyc", "file", log_uniform(rng, 500, 60_000), "pyc"))
    files(1, 80, lambda r: f"usr/lib/python3.11/lib-dynload/{name(r)}.cpython-311-x86_64-linux-gnu.so", 20_000, 600_000, "elf")
    files(1, 500, lambda r: f"usr/lib/python3.11/test/data/{name(r)}.bin", 1_000, 200_000, "random")
    add(1, Entry("usr/lib/python3.11/_sysconfigdata__x86_64-linux-gnu.py", "file", 30_000, "text", special="sysconfig"))

    # Layer 3: site-packages, with dist-info metadata.
    site = "usr/local/lib/python3.11/site-packages"
    dists = sorted({name(rng) for _ in range(count(110))})
    for d in dists:
        version = f"{rng.randint(0, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 9)}"
        info = f"{site}/{d}-{version}.dist-info"
        add(2, Entry(f"{info}/METADATA", "file", special=f"metadata:{d}:{version}"))
        add(2, Entry(f"{info}/RECORD", "file", log_uniform(rng, 500, 30_000), "text"))
        add(2, Entry(f"{info}/WHEEL", "file", 110, "text"))
        add(2, Entry(f"{info}/INSTALLER", "file", special="installer"))
        add(2, Entry(f"{info}/top_level.txt", "file", special=f"toplevel:{d}"))
    for _ in range(count(8000)):
        d = rng.choice(dists)
        sub = rng.choice(["", "core/", "utils/", "_internal/", "compat/", "io/", "tests/"])
        mod = name(rng)
        if add(2, Entry(f"{site}/{d}/{sub}{mod}.py", "file", log_uniform(rng, 500, 60_000), "text")) and rng.random() < 0.62:
            add(2, Entry(f"{site}/{d}/{sub}__pycache__/{mod}.cpython-311.pyc", "file", log_uniform(rng, 400, 50_000), "pyc"))
    files(2, 150, lambda r: f"{site}/{r.choice(dists)}/_{name(r)}.cpython-311-x86_64-linux-gnu.so", 100_000, 3_000_000, "elf", 0o755)
    files(2, 600, lambda r: f"{site}/{r.choice(dists)}/data/{name(r)}.{r.choice(['npz', 'gz', 'png', 'pkl'])}", 2_000, 400_000, "random")
    add(2, Entry(f"{site}/appdeps/_version.py", "file", special="version-py"))
    add(2, Entry(f"{site}/appdeps/__pycache__/_version.cpython-311.pyc", "file", special="version-pyc"))

    # Layer 4: node_modules.
    node = "app/node_modules"
    npkgs = sorted({name(rng) for _ in range(count(700))})
    for p in npkgs:
        add(3, Entry(f"{node}/{p}/package.json", "file", log_uniform(rng, 400, 4_000), "text", uid=1000))
        add(3, Entry(f"{node}/{p}/README.md", "file", log_uniform(rng, 500, 30_000), "text", uid=1000))
    files(3, 3300, lambda r: f"{node}/{r.choice(npkgs)}/{r.choice(['lib/', 'dist/', 'src/', ''])}{name(r)}.js", 300, 120_000, "text", uid=1000)
    files(3, 800, lambda r: f"{node}/{r.choice(npkgs)}/dist/{name(r)}.js.map", 1_000, 300_000, "text", uid=1000)
    files(3, 600, lambda r: f"{node}/{r.choice(npkgs)}/{name(r)}.d.ts", 200, 20_000, "text", uid=1000)
    files(3, 60, lambda r: f"{node}/{r.choice(npkgs)}/build/Release/{name(r)}.node", 50_000, 2_000_000, "elf", 0o755, uid=1000)
    add(3, Entry(f"{node}/.package-lock.json", "file", special="package-lock", uid=1000))
    add(3, Entry("usr/share/doc/.wh.stale-docs", "whiteout"))

    # Layer 5: the app.
    files(4, 800, lambda r: f"app/src/{r.choice(['', 'api/', 'ui/', 'lib/', 'jobs/'])}{name(r)}.ts", 300, 40_000, "text", uid=1000)
    files(4, 200, lambda r: f"app/templates/{name(r)}.html", 300, 20_000, "text", uid=1000)
    files(4, 300, lambda r: f"app/static/img/{name(r)}.{r.choice(['png', 'jpg', 'webp'])}", 5_000, 500_000, "random", uid=1000)
    add(4, Entry("app/bin/server", "file", int(60 * MIB * max(scale, 0.02)), "elf", mode=0o755, uid=1000, special="server"))
    add(4, Entry("app/static/build-manifest.json", "file", special="build-manifest", uid=1000))
    add(4, Entry("app/src/version.ts", "file", special="version-ts", uid=1000))
    add(4, Entry(f"{node}/.cache/.wh..wh..opq", "whiteout"))

    # Directories: every ancestor, in each layer that has something under it (as layer tars do).
    for layer in layers:
        dirs = set()
        for e in layer:
            parts = e.path.split("/")[:-1]
            for i in range(1, len(parts) + 1):
                dirs.add("/".join(parts[:i]))
        for d in dirs:
            layer.append(Entry(d, "dir", mode=0o755, uid=1000 if d.startswith("app/") and d != "app" else 0))
        # Hard links after everything else: a tar hard link names an earlier entry.
        layer.sort(key=lambda e: (e.type == "hardlink", e.path))
    return layers, packages


def dpkg_status(packages, image):
    rng = random.Random(SEED ^ 0xD9C6)
    stanzas = []
    names = sorted(set(packages) | {"libexample3"})
    for p in names:
        version = f"{rng.randint(0, 9)}.{rng.randint(0, 40)}.{rng.randint(0, 9)}-{rng.randint(1, 5)}"
        if p == "libexample3":
            version = "2.4.1-1" if image == "a" else "2.4.1-1+b1"
        deps = ", ".join(sorted(rng.sample(names, 3)))
        desc = pool_slice("text", rng, rng.randint(200, 1200)).decode().replace("\n", "\n ")
        stanzas.append(
            f"Package: {p}\nStatus: install ok installed\nPriority: optional\nSection: libs\n"
            f"Installed-Size: {rng.randint(20, 20000)}\nMaintainer: Debian Developers <debian-devel@lists.debian.org>\n"
            f"Architecture: amd64\nMulti-Arch: same\nSource: {p}\nVersion: {version}\nDepends: {deps}\n"
            f"Description: {p} library\n {desc.strip()}\n")
    return "\n".join(stanzas).encode()


def special_content(e, image, packages):
    s = e.special
    later = image != "a"
    if s == "build-info":
        stamp = EPOCH[image if image != "b2" else "b"]
        return f"BUILD_ID=ci-{stamp}\nBUILD_HOST=runner-{7 if later else 3}\nSOURCE_COMMIT=4a68d10\n".encode()
    if s == "build-id":
        data = bytearray(content(e.kind, e.size, e.seed))
        data[0x380:0x394] = hashlib.sha1(b"build-id-" + (b"b" if later else b"a")).digest()
        return bytes(data)
    if s == "dpkg-status":
        return dpkg_status(packages, "a" if image == "a" else "b")
    if s == "sysconfig":
        base = content("text", e.size, e.seed)
        date = "Nov 14 2023" if image == "a" else "Nov 16 2023"
        return f"# system configuration generated on {date}\nbuild_time_vars = {{'BUILD_DATE': '{date}'}}\n".encode() + base
    if s.startswith("metadata:"):
        _, d, v = s.split(":")
        rng = random.Random(d)
        body = pool_slice("text", rng, 1500).decode()
        return (f"Metadata-Version: 2.1\nName: {d}\nVersion: {v}\nSummary: the {d} package\n"
                f"License: MIT\nRequires-Python: >=3.8\n\n{body}").encode()
    if s == "installer":
        return b"pip\n"
    if s.startswith("toplevel:"):
        return (s.split(":")[1] + "\n").encode()
    if s == "version-py":
        v = "1.8.2.dev3+g4a68d10" if image == "a" else "1.8.2.dev3+g4a68d10.d20231116"
        return f"# file generated by setuptools_scm\n__version__ = version = '{v}'\n".encode()
    if s == "version-pyc":
        rng = random.Random(77 if image == "a" else 78)
        return bytes([0xA7, 0x0D, 0x0D, 0x0A, 0, 0, 0, 0]) + rng.randbytes(8) + pool_slice("code", random.Random(79), 600) + rng.randbytes(32)
    if s == "package-lock":
        rng = random.Random(4242)
        lines = ['{', '  "name": "app",', '  "lockfileVersion": 3,',
                 f'  "generated": "{"2023-11-14T22:13:20Z" if image == "a" else "2023-11-16T22:33:54Z"}",', '  "packages": {']
        pkgs = sorted({name(rng) for _ in range(3000)})
        lines.append(",\n".join(f'    "node_modules/{p}": {{"version": "{rng.randint(0, 9)}.{rng.randint(0, 20)}.{rng.randint(0, 9)}", "integrity": "sha512-{rng.randbytes(24).hex()}"}}' for p in pkgs))
        lines.append('  }\n}\n')
        return "\n".join(lines).encode()
    if s == "server":
        data = bytearray(content("elf", e.size, e.seed))
        stamp = {"a": b"2023-11-14T22:13:20Z", "b": b"2023-11-16T22:33:54Z", "b2": b"2023-11-17T00:33:54Z"}[image]
        for off in (0x1000, e.size // 3, e.size // 2):
            data[off:off + len(stamp)] = stamp
        return bytes(data)
    if s == "build-manifest":
        stamp = {"a": "a1b2c3", "b": "d4e5f6", "b2": "0718293"}[image]
        rng = random.Random(99)
        pages = ",\n".join(f'    "/{name(rng)}": ["static/chunks/{name(rng)}-{stamp}.js"]' for _ in range(400))
        return ('{\n  "buildId": "' + stamp + '",\n  "pages": {\n' + pages + "\n  }\n}\n").encode()
    if s == "version-ts":
        v = "1.8.2" if image != "b2" else "1.8.3"
        return f"export const VERSION = '{v}';\n".encode()
    raise ValueError(s)


# ---------------------------------------------------------------------------------------------
# Writing one layer: tar bytes are hashed (the diff_id) and fed to gzip and zstd at once.


class Sink:
    def __init__(self, procs):
        self.procs = procs
        self.hash = hashlib.sha256()
        self.buf = bytearray()
        self.size = 0

    def write(self, b):
        self.buf += b
        if len(self.buf) >= 4 * MIB:
            self.flush()

    def flush(self):
        if not self.buf:
            return
        data = bytes(self.buf)
        self.hash.update(data)
        for p in self.procs:
            p.stdin.write(data)
        self.size += len(data)
        self.buf = bytearray()


def write_layer(job):
    image, index, out_dir = job
    layers, packages = SPEC
    entries = layers[index]
    epoch = EPOCH_B2_TOP if (image == "b2" and index == 4) else EPOCH["a" if image == "a" else "b"]
    gz_path = os.path.join(out_dir, f"{image}-{index}.tar.gz")
    zst_path = os.path.join(out_dir, f"{image}-{index}.tar.zst")
    procs = []
    with open(gz_path, "wb") as gz_out:
        procs.append(subprocess.Popen(["gzip", "-6", "-n", "-c"], stdin=subprocess.PIPE, stdout=gz_out))
    if image != "b2":
        with open(zst_path, "wb") as zst_out:
            procs.append(subprocess.Popen(["zstd", "-3", "-q", "-c", "-T1", "--no-progress"], stdin=subprocess.PIPE, stdout=zst_out))
    sink = Sink(procs)
    files = 0
    payload = 0
    for i, e in enumerate(entries):
        info = tarfile.TarInfo(e.path)
        # Every entry of a layer gets that build's time, a few seconds apart, as a build does.
        info.mtime = epoch + (i * 7) % 600
        info.mode = e.mode
        info.uid = info.gid = e.uid
        info.uname = info.gname = "root" if e.uid == 0 else "app"
        data = b""
        if e.type == "dir":
            info.type = tarfile.DIRTYPE
        elif e.type == "symlink":
            info.type = tarfile.SYMTYPE
            info.linkname = e.link
        elif e.type == "hardlink":
            info.type = tarfile.LNKTYPE
            info.linkname = e.link
        elif e.type == "whiteout":
            info.type = tarfile.REGTYPE
            info.mode = 0o600
        else:
            data = special_content(e, image, packages) if e.special else content(e.kind, e.size, e.seed)
            info.size = len(data)
            files += 1
            payload += len(data)
        sink.write(info.tobuf(tarfile.PAX_FORMAT, "utf-8", "surrogateescape"))
        if data:
            sink.write(data)
            pad = (-len(data)) % 512
            if pad:
                sink.write(bytes(pad))
    sink.write(bytes(1024))
    pad = (-(sink.size + len(sink.buf))) % tarfile.RECORDSIZE
    sink.write(bytes(pad))
    sink.flush()
    for p in procs:
        p.stdin.close()
    for p in procs:
        if p.wait() != 0:
            raise RuntimeError(f"{p.args[0]} failed for {image} layer {index}")
    result = {"image": image, "index": index, "diff_id": "sha256:" + sink.hash.hexdigest(),
              "tar_size": sink.size, "files": files, "payload": payload, "entries": len(entries)}
    result["gzip"] = blob_info(gz_path)
    if image != "b2":
        result["zstd"] = blob_info(zst_path)
    return result


def blob_info(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(4 * MIB):
            h.update(chunk)
    return {"path": path, "digest": "sha256:" + h.hexdigest(), "size": os.path.getsize(path)}


SPEC = None


# ---------------------------------------------------------------------------------------------
# OCI layout.

MT_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
MT_INDEX = "application/vnd.oci.image.index.v1+json"
MT_CONFIG = "application/vnd.oci.image.config.v1+json"
MT_LAYER = {"gzip": "application/vnd.oci.image.layer.v1.tar+gzip", "zstd": "application/vnd.oci.image.layer.v1.tar+zstd"}
HISTORY = ["ADD rootfs.tar.xz / # debian bookworm", "RUN apt-get install -y python3.11 # runtime",
           "RUN pip install -r requirements.txt", "RUN npm ci", "COPY . /app"]


def canonical(obj):
    return json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()


def put_blob(layout, data):
    digest = hashlib.sha256(data).hexdigest()
    path = os.path.join(layout, "blobs", "sha256", digest)
    with open(path, "wb") as f:
        f.write(data)
    return {"digest": "sha256:" + digest, "size": len(data)}


def iso(ts):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


def write_layout(layout, image, layer_results, compression, link_from):
    os.makedirs(os.path.join(layout, "blobs", "sha256"))
    with open(os.path.join(layout, "oci-layout"), "w") as f:
        f.write('{"imageLayoutVersion":"1.0.0"}')
    layers = []
    for r in layer_results:
        blob = r[compression]
        hexd = blob["digest"].split(":")[1]
        dest = os.path.join(layout, "blobs", "sha256", hexd)
        if link_from and os.path.exists(os.path.join(link_from, "blobs", "sha256", hexd)):
            os.link(os.path.join(link_from, "blobs", "sha256", hexd), dest)
        else:
            os.replace(blob["path"], dest)
        layers.append({"mediaType": MT_LAYER[compression], "digest": blob["digest"], "size": blob["size"]})
    epoch = EPOCH["a" if image == "a" else "b"]
    created = [epoch + 600 * i for i in range(len(layer_results))]
    if image == "b2":
        created[-1] = EPOCH_B2_TOP
    config = {
        "architecture": "amd64", "os": "linux", "created": iso(created[-1] + 60),
        "config": {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8"],
                   "Cmd": ["/app/bin/server"], "WorkingDir": "/app", "User": "1000:1000",
                   "Labels": {"org.opencontainers.image.created": iso(created[-1] + 60)}},
        "rootfs": {"type": "layers", "diff_ids": [r["diff_id"] for r in layer_results]},
        "history": [{"created": iso(c), "created_by": h} for c, h in zip(created, HISTORY)],
    }
    cfg = put_blob(layout, canonical(config))
    manifest = {"schemaVersion": 2, "mediaType": MT_MANIFEST,
                "config": {"mediaType": MT_CONFIG, **cfg}, "layers": layers}
    man = put_blob(layout, canonical(manifest))
    index = {"schemaVersion": 2, "mediaType": MT_INDEX,
             "manifests": [{"mediaType": MT_MANIFEST, **man,
                            "platform": {"architecture": "amd64", "os": "linux"},
                            "annotations": {"org.opencontainers.image.ref.name": "latest"}}]}
    with open(os.path.join(layout, "index.json"), "wb") as f:
        f.write(canonical(index))
    return man["digest"], [os.path.join(layout, "blobs", "sha256", l["digest"].split(":")[1]) for l in layers], cfg["digest"]


def main():
    global POOLS, SPEC
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out", help="output folder (bench-data)")
    ap.add_argument("--scale", type=float, default=1.0, help="file counts and big-file sizes times this (1 = the full pair)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--stamp", default="", help="text recorded in .generated (the caller's key)")
    args = ap.parse_args()

    out = os.path.abspath(args.out)
    for sub in ("images", "diffoscope", "layers", "tmp"):
        shutil.rmtree(os.path.join(out, sub), ignore_errors=True)
    for f in (".generated", "summary.json"):
        if os.path.exists(os.path.join(out, f)):
            os.remove(os.path.join(out, f))
    tmp = os.path.join(out, "tmp")
    os.makedirs(tmp)

    t0 = time.monotonic()
    POOLS = make_pools(SEED)
    SPEC = build_spec(SEED, args.scale)
    print(f"bench-generate: pools and spec in {time.monotonic() - t0:.1f} s", flush=True)

    jobs = [(img, i, tmp) for img in ("a", "b") for i in range(5)] + [("b2", 4, tmp)]
    sizes = [sum(e.size for e in SPEC[0][i]) for i in range(5)]
    jobs.sort(key=lambda j: -sizes[j[1]])  # largest first balances the workers
    with Pool(args.jobs) as pool:  # fork: workers inherit POOLS and SPEC
        results = pool.map(write_layer, jobs, chunksize=1)
    print(f"bench-generate: layers written in {time.monotonic() - t0:.1f} s", flush=True)

    by = {(r["image"], r["index"]): r for r in results}
    layer_sets = {"a": [by[("a", i)] for i in range(5)], "b": [by[("b", i)] for i in range(5)]}
    layer_sets["b2"] = layer_sets["b"][:4] + [by[("b2", 4)]]
    images = os.path.join(out, "images")
    os.makedirs(os.path.join(out, "layers"))
    summary = {"generator": GENERATOR_VERSION, "seed": SEED, "scale": args.scale, "images": {}}
    # B's blobs first, so B2 hard-links the shared ones.
    for image, comp in (("a", "gzip"), ("b", "gzip"), ("b2", "gzip"), ("a", "zstd"), ("b", "zstd")):
        name_ = f"{image}-{comp}"
        layout = os.path.join(images, name_)
        link_from = os.path.join(images, f"b-{comp}") if image == "b2" else None
        digest, blobs, cfg = write_layout(layout, image, layer_sets[image], comp, link_from)
        with open(os.path.join(out, "layers", f"{name_}.txt"), "w") as f:
            f.write("".join(b + "\n" for b in blobs))
        ls = layer_sets[image]
        summary["images"][name_] = {
            "manifest": digest, "config": cfg,
            "files": sum(r["files"] for r in ls), "entries": sum(r["entries"] for r in ls),
            "payload_bytes": sum(r["payload"] for r in ls), "tar_bytes": sum(r["tar_size"] for r in ls),
            "blob_bytes": sum(r[comp]["size"] for r in ls),
            "layers": [{"diff_id": r["diff_id"], "digest": r[comp]["digest"], "size": r[comp]["size"],
                        "tar_size": r["tar_size"], "files": r["files"]} for r in ls]}
    # A byte-for-byte copy of A (same manifest digest, different files).
    shutil.copytree(os.path.join(images, "a-gzip"), os.path.join(images, "a-gzip-copy"))
    with open(os.path.join(out, "layers", "a-gzip-copy.txt"), "w") as f:
        f.write(open(os.path.join(out, "layers", "a-gzip.txt")).read().replace("/images/a-gzip/", "/images/a-gzip-copy/"))
    # diffoscope's view: the same gzip blobs, paired by position.
    for image in ("a", "b"):
        view = os.path.join(out, "diffoscope", image)
        os.makedirs(view)
        src = os.path.join(images, f"{image}-gzip")
        idx = json.load(open(os.path.join(src, "index.json")))
        man_hex = idx["manifests"][0]["digest"].split(":")[1]
        man = json.load(open(os.path.join(src, "blobs", "sha256", man_hex)))
        os.link(os.path.join(src, "blobs", "sha256", man_hex), os.path.join(view, "manifest.json"))
        os.link(os.path.join(src, "blobs", "sha256", man["config"]["digest"].split(":")[1]), os.path.join(view, "config.json"))
        for i, l in enumerate(man["layers"], 1):
            os.link(os.path.join(src, "blobs", "sha256", l["digest"].split(":")[1]), os.path.join(view, f"layer-{i}.tar.gz"))
    shutil.rmtree(tmp)
    summary["seconds"] = round(time.monotonic() - t0, 1)
    with open(os.path.join(out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1, sort_keys=True)
    with open(os.path.join(out, ".generated"), "w") as f:
        f.write(args.stamp + "\n")
    a = summary["images"]["a-gzip"]
    print(f"bench-generate: done in {summary['seconds']} s; A: {a['files']} files, {a['payload_bytes'] / 2**30:.2f} GiB of file data, "
          f"gzip {a['blob_bytes'] / 2**20:.0f} MiB ({a['tar_bytes'] / a['blob_bytes']:.2f}x), "
          f"zstd {summary['images']['a-zstd']['blob_bytes'] / 2**20:.0f} MiB", flush=True)


if __name__ == "__main__":
    main()
