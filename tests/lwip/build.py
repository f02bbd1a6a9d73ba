"""Build ``lwip-ppp-host`` (``tests/lwip/ppphost/``): the PPP host harness on lwIP's PPPoS
stack, compiled with gcc against lwIP's own sources.

lwIP's sources are not part of atsim.  They are looked for, in this order:

- ``$ATSIM_LWIP_SRC``: an lwIP source tree (the directory holding ``src/``) or its tarball;
- the cache directory (``$ATSIM_LWIP_CACHE``, default ``~/.cache/atsim-lwip``): an unpacked
  tree or a ``lwip_*.orig.tar.*`` there, which is what ``apt-get source --download-only lwip``
  leaves in the directory it runs in (Debian's binary package has no PPP).

The binary goes into the cache directory under a name keyed by a hash of the harness's files
and the source's path, so each change rebuilds once and parallel test workers share it.

    python -m tests.lwip.build          # prints the path of the binary, building it if needed
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

HARNESS = Path(__file__).resolve().parent / "ppphost"
HARNESS_FILES = ("main.c", "serial.c", "serial.h", "lwipopts.h", "arch/cc.h")
#: lwIP's files the harness needs: the core (IPv4, TCP, UDP, DNS, timers) and PPP with its
#: bundled MD5.  Each file compiles to nothing where lwipopts.h turns its feature off.
LWIP_SOURCES = ("core/*.c", "core/ipv4/*.c", "netif/ppp/*.c", "netif/ppp/polarssl/*.c",
                "api/err.c")

HOW_TO_GET = ("lwIP's sources are missing: set ATSIM_LWIP_SRC to an lwIP 2.1 tree or tarball, "
              "or run `apt-get source --download-only lwip` (it needs a deb-src entry) in "
              "{cache}")


class SourceMissing(Exception):
    """No lwIP source tree could be found; the message says how to get one."""


def cache_dir() -> Path:
    default = Path.home() / ".cache" / "atsim-lwip"
    return Path(os.environ.get("ATSIM_LWIP_CACHE") or default)


def _is_tree(path: Path) -> bool:
    return (path / "src" / "include" / "lwip" / "opt.h").is_file()


def _unpack(tarball: Path, cache: Path) -> Path:
    """The tree inside ``tarball``, unpacked once into the cache."""
    digest = hashlib.sha256(f"{tarball.resolve()}:{tarball.stat().st_size}".encode())
    target = cache / f"src-{digest.hexdigest()[:16]}"
    if not target.exists():
        cache.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(dir=cache, prefix="unpack-"))
        with tarfile.open(tarball) as archive:
            if hasattr(tarfile, "data_filter"):
                archive.extractall(scratch, filter="data")
            else:  # before 3.11.4: the tarball is Debian's, trusted as the compiler is
                archive.extractall(scratch)
        try:
            scratch.rename(target)
        except OSError:  # another worker unpacked it first
            shutil.rmtree(scratch, ignore_errors=True)
    trees = [p for p in [target, *target.iterdir()] if _is_tree(p)]
    if not trees:
        raise SourceMissing(f"{tarball} holds no lwIP tree (no src/include/lwip/opt.h)")
    return trees[0]


def find_source() -> Path:
    """The lwIP tree to build against, or SourceMissing."""
    cache = cache_dir()
    given = os.environ.get("ATSIM_LWIP_SRC")
    if given:
        path = Path(given)
        if _is_tree(path):
            return path
        if path.is_file():
            return _unpack(path, cache)
        raise SourceMissing(f"ATSIM_LWIP_SRC={given} is neither an lwIP tree nor a tarball")
    if cache.is_dir():
        for tree in sorted(cache.glob("lwip-*")):
            if _is_tree(tree):
                return tree
        for tarball in sorted(cache.glob("lwip_*.orig.tar.*")):
            return _unpack(tarball, cache)
    raise SourceMissing(HOW_TO_GET.format(cache=cache))


def build() -> Path:
    """The path of the harness binary, compiled if this version of it is not built yet."""
    source = find_source()
    compiler = shutil.which(os.environ.get("CC", "gcc"))
    if compiler is None:
        raise SourceMissing("no C compiler (gcc) to build the lwIP harness with")
    digest = hashlib.sha256(str(source.resolve()).encode())
    for name in HARNESS_FILES:
        digest.update(name.encode() + b"\0" + (HARNESS / name).read_bytes())
    cache = cache_dir()
    binary = cache / f"lwip-ppp-host-{digest.hexdigest()[:16]}"
    if binary.exists():
        return binary
    cache.mkdir(parents=True, exist_ok=True)
    lwip_files = sorted(str(f) for pattern in LWIP_SOURCES for f in (source / "src").glob(pattern))
    ours = [str(HARNESS / "main.c"), str(HARNESS / "serial.c")]
    scratch = binary.with_name(f"{binary.name}.{os.getpid()}.tmp")
    command = [compiler, "-O2", "-std=gnu99", "-w", f"-I{HARNESS}", f"-I{source}/src/include",
               *ours, *lwip_files, "-o", str(scratch)]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        scratch.unlink(missing_ok=True)
        raise RuntimeError(f"building the lwIP harness failed:\n{' '.join(command)}\n"
                           f"{result.stderr[-4000:]}")
    os.replace(scratch, binary)  # atomic: a parallel build of the same version is the same
    return binary


if __name__ == "__main__":
    try:
        print(build())
    except SourceMissing as missing:
        sys.exit(str(missing))
