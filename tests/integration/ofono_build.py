"""oFono's ``gsmdial`` (and ``test-server``), built from Debian's oFono source for the tests
that dial atsim with oFono's PPP.

oFono does not use pppd: its gatchat library has a PPP of its own (``gatchat/gatppp.c`` with
LCP, PAP/CHAP, IPCP, and ``ppp_net.c`` moving the packets to a TUN interface).  ``gsmdial``
is the small program oFono ships around that library: it opens a modem port, registers,
defines the context, dials, runs gatppp and configures the interface it gets (with
``ifconfig``).  ``test-server`` is its counterpart: a small AT server on a PTY of its own
whose ``ATD*99...`` answers ``CONNECT`` and runs gatppp as PPP's server.  Only these programs
are compiled here (the sources of the ``gatchat_gsmdial`` and ``gatchat_test_server`` targets
of oFono's ``Makefile.am``), against glib, with no ``configure``: a build takes a few seconds
and needs gcc, pkg-config and glib's headers.

The source is the ``ofono_<version>.orig.tar.xz`` that ``apt-get source --download-only
ofono`` puts in the cache directory (``.ci/run`` does that); a program is built once into
``<cache>/build-<version>/<program>`` and reused.  Run as a script, this prints the path of
gsmdial (or of the program named, building it if needed), for a user who wants to dial
atsim with it by hand.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import shlex
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

#: ``$(gatchat_sources)`` in oFono 1.31's Makefile.am, headers left out: what
#: ``gatchat_gsmdial_SOURCES`` and ``gatchat_test_server_SOURCES`` add their main file to.
GATCHAT_SOURCES = (
    "gatchat.c", "gatresult.c", "gatsyntax.c", "ringbuffer.c", "gatio.c",
    "crc-ccitt.c", "gatmux.c", "gsm0710.c", "gattty.c", "gatutil.c", "gatserver.c",
    "gatrawip.c", "gathdlc.c", "gatppp.c", "ppp_cp.c", "ppp_lcp.c", "ppp_auth.c",
    "ppp_net.c", "ppp_ipcp.c", "ppp_ipv6cp.c",
)

#: A program of ours built on gatchat the same way: oFono's multiplexer setup and PPP on a
#: 27.010 channel (gsmdial has no multiplexer).
MUXDIAL = Path(__file__).with_name("ofono_muxdial.c")

#: Each program: its main file (in gatchat/, or a path of this checkout) and what it adds to
#: the compiler's command line (test-server uses libutil's openpty).
PROGRAMS: dict[str, tuple[str | Path, tuple[str, ...]]] = {
    "gsmdial": ("gsmdial.c", ()),
    "test-server": ("test-server.c", ("-lutil",)),
    "ofono-muxdial": (MUXDIAL, ()),
}

TARBALL = re.compile(r"ofono_(\d+(?:\.\d+)+)\.orig\.tar\.(?:xz|gz)$")


class Unavailable(Exception):
    """gsmdial cannot be built here; the message says what is missing."""


def cache_directory() -> Path:
    """``$ATSIM_OFONO_CACHE``, else ``$XDG_CACHE_HOME/atsim-ofono`` (``~/.cache/atsim-ofono``),
    where ``.ci/run`` downloads the source."""
    if os.environ.get("ATSIM_OFONO_CACHE"):
        return Path(os.environ["ATSIM_OFONO_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    return Path(base) / "atsim-ofono"


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def find_source(cache: Path) -> tuple[str, Path]:
    """The newest oFono source tarball in ``cache``: (version, path)."""
    found = [(m.group(1), path) for path in cache.glob("ofono_*.orig.tar.*")
             if (m := TARBALL.match(path.name))]
    if not found:
        raise Unavailable(
            f"no oFono source in {cache} (cd {cache} && apt-get source --download-only ofono,"
            " with a deb-src entry for Debian; .ci/run does this)")
    return max(found, key=lambda item: _version_key(item[0]))


def _glib_flags() -> list[str]:
    if shutil.which("pkg-config") is None:
        raise Unavailable("pkg-config is not installed (apt-get install pkg-config)")
    result = subprocess.run(["pkg-config", "--cflags", "--libs", "glib-2.0"],
                            capture_output=True, text=True)
    if result.returncode:
        raise Unavailable("glib's headers are not installed (apt-get install libglib2.0-dev): "
                          + result.stderr.strip())
    return shlex.split(result.stdout)


def build(name: str = "gsmdial", cache: Path | None = None) -> Path:
    """The path of a built program (a key of ``PROGRAMS``), compiling it first if this
    version has none yet.  Safe against parallel test workers: one builds under a lock, the
    others wait and reuse it."""
    cache = cache or cache_directory()
    version, tarball = find_source(cache)
    main_file, extra = PROGRAMS[name]
    if isinstance(main_file, Path):  # rebuilt whenever this checkout's source changes
        name += "-" + hashlib.sha256(main_file.read_bytes()).hexdigest()[:12]
    program = cache / f"build-{version}" / name
    if program.exists():
        return program
    compiler = shutil.which("gcc") or shutil.which("cc")
    if compiler is None:
        raise Unavailable("no C compiler (apt-get install gcc)")
    flags = _glib_flags()
    with open(cache / ".build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not program.exists():
            _compile(compiler, flags, version, tarball, program, main_file, extra)
    return program


def _compile(compiler: str, flags: list[str], version: str, tarball: Path,
             program: Path, main_file: str | Path, extra: tuple[str, ...]) -> None:
    with tempfile.TemporaryDirectory(dir=program.parent.parent) as scratch:
        prefix = f"ofono-{version}/gatchat/"
        with tarfile.open(tarball) as archive:
            members = [m for m in archive.getmembers()
                       if m.name.startswith(prefix) and m.isfile()]
            archive.extractall(scratch, members=members, filter="data")
        gatchat = Path(scratch) / prefix
        # gatchat's sources include <config.h> under HAVE_CONFIG_H; of configure's macros
        # only VERSION is used (by test-server), so a one-line file stands in for it.
        (gatchat / "config.h").write_text(f'#define VERSION "{version}"\n')
        target = Path(scratch) / program.name
        sources = (gatchat / main_file, *(gatchat / name for name in GATCHAT_SOURCES))
        command = [compiler, "-O2", "-DHAVE_CONFIG_H", f"-I{gatchat}", "-o", str(target),
                   *map(str, sources), *flags, *extra]
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode:
            raise Unavailable(f"{program.name} did not compile:\n{shlex.join(command)}\n"
                              f"{result.stderr[-4000:]}")
        program.parent.mkdir(parents=True, exist_ok=True)
        os.replace(target, program)  # whole or absent, never half-written


def main(argv: list[str]) -> int:
    if argv[1:] and argv[1] not in PROGRAMS:
        print(f"usage: {argv[0]} [{' | '.join(PROGRAMS)}]", file=sys.stderr)
        return 2
    try:
        print(build(*argv[1:2]))
    except Unavailable as missing:
        print(missing, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
