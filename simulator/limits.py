"""What the machine allows, checked against what a scenario asks for before anything starts:
PTYs (``kernel.pty.max``), open files (``RLIMIT_NOFILE``) and fixed TCP ports already taken
by another program.  A scenario too big for the machine then stops with one message saying
what, how many and how to raise the limit, instead of failing after thousands of modems had
started.

The checks are a snapshot: another program can still take a port or PTYs between the check
and the listen, and the port's own error then says so.
"""

from __future__ import annotations

import dataclasses
import errno
import re
import resource
import socket
from collections.abc import Iterable
from pathlib import Path

from simulator.logs import Logger
from simulator.modem.spec import ModemSpec
from simulator.transport.serverendpoint import server_endpoint
from simulator.transport.spec import PortSpec

log = Logger(namespace="atsim.limits")

#: Files atsim holds besides its ports: the reactor's epoll and waker, the log, standard
#: streams, the PTY watcher, flash files being written, lab services, a DNS lookup.
FILES_FOR_ATSIM = 64

#: How many taken ports one message lists before it only counts the rest.
LISTED_PORTS = 5

PROC_PTY = Path("/proc/sys/kernel/pty")


class LimitError(Exception):
    """The scenario asks for more than the machine allows; the message says what to change."""


@dataclasses.dataclass(frozen=True)
class SystemLimits:
    #: ``kernel.pty.max`` and how many PTYs exist now (``kernel.pty.nr``, every process's);
    #: None where /proc does not say (not Linux).
    pty_max: int | None
    ptys_in_use: int | None
    #: The ``max=`` option of the ``/dev/pts`` mount, if it has one.
    devpts_max: int | None
    #: RLIMIT_NOFILE (``resource.RLIM_INFINITY`` for no limit).
    open_files: int
    open_files_hard: int


@dataclasses.dataclass(frozen=True)
class Demand:
    """What a scenario's ports take from the machine."""

    ptys: int = 0
    listening: int = 0  # tcp and rfc2217 ports: a listening socket, and a host when one comes
    serial: int = 0
    exposed: int = 0  # fixed host endpoints a modem's listener may be published on

    @property
    def files_to_start(self) -> int:
        """Open files the ports take with no host on them: what must fit for atsim to start."""
        return self.ptys + self.listening + self.serial + self.exposed + FILES_FOR_ATSIM

    @property
    def connections(self) -> int:
        """Files taken beyond that when every TCP/RFC 2217 port has its host and every
        exposed endpoint a peer."""
        return self.listening + self.exposed

    @property
    def files(self) -> int:
        """Open files with every port's host connected."""
        return self.files_to_start + self.connections

    def describe_files(self, with_hosts: bool = False) -> str:
        parts = []
        if self.ptys:
            parts.append(f"{self.ptys:,} PTY port(s)")
        if self.listening:
            parts.append(f"{self.listening:,} TCP/RFC 2217 port(s)"
                         + (f" with a host each ({2 * self.listening:,})" if with_hosts else ""))
        if self.serial:
            parts.append(f"{self.serial:,} serial port(s)")
        if self.exposed:
            parts.append(f"{self.exposed:,} exposed listener(s)"
                         + (f" with a peer each ({2 * self.exposed:,})" if with_hosts else ""))
        parts.append(f"{FILES_FOR_ATSIM} for atsim itself")
        return ", ".join(parts)


def demand_of(modems: Iterable[ModemSpec]) -> Demand:
    kinds = {"pty": 0, "tcp": 0, "rfc2217": 0, "serial": 0}
    exposed = 0
    for modem in modems:
        for port in modem.ports:
            kinds[port.kind] = kinds.get(port.kind, 0) + 1
        exposed += len(modem.expose)
    return Demand(ptys=kinds["pty"], listening=kinds["tcp"] + kinds["rfc2217"],
                  serial=kinds["serial"], exposed=exposed)


def _read_int(path: Path) -> int | None:
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return None


def _devpts_max(mounts: Path = Path("/proc/mounts")) -> int | None:
    try:
        lines = mounts.read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        fields = line.split()
        if len(fields) >= 4 and fields[1] == "/dev/pts" and fields[2] == "devpts":
            found = re.search(r"(?:^|,)max=(\d+)(?:,|$)", fields[3])
            if found:
                return int(found.group(1))
    return None


def read_system_limits() -> SystemLimits:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    return SystemLimits(
        pty_max=_read_int(PROC_PTY / "max"),
        ptys_in_use=_read_int(PROC_PTY / "nr"),
        devpts_max=_devpts_max(),
        open_files=soft,
        open_files_hard=hard,
    )


def _within(needed: int, limit: int) -> bool:
    return limit == resource.RLIM_INFINITY or needed <= limit


def pty_problem(demand: Demand, limits: SystemLimits) -> str | None:
    if not demand.ptys:
        return None
    if limits.pty_max is not None:
        in_use = limits.ptys_in_use or 0
        if demand.ptys > limits.pty_max - in_use:
            return (
                f"the scenario needs {demand.ptys:,} PTYs but the kernel allows "
                f"{limits.pty_max:,} (kernel.pty.max) and {in_use:,} are in use "
                f"(kernel.pty.nr), leaving {max(0, limits.pty_max - in_use):,}: raise it with "
                f"`sysctl -w kernel.pty.max={demand.ptys + in_use + 1024}` as root (in a "
                "container, the host's kernel.pty.max less kernel.pty.reserve is what "
                "counts), or give fewer modems a PTY"
            )
    if limits.devpts_max is not None and demand.ptys > limits.devpts_max:
        return (
            f"the scenario needs {demand.ptys:,} PTYs but /dev/pts is mounted with "
            f"max={limits.devpts_max:,}: remount it with a larger max= "
            f"(`mount -o remount,max={demand.ptys + 1024} /dev/pts`), or give fewer modems a PTY"
        )
    return None


def _how_to_raise(needed: int) -> str:
    return (f"raise it with `ulimit -Hn {needed} && ulimit -n {needed}` as root in the shell "
            f"that starts atsim, `LimitNOFILE={needed}` in its systemd unit, or `nofile` in "
            "/etc/security/limits.conf")


def open_files_problem(demand: Demand, limits: SystemLimits) -> str | None:
    """None when the ports fit under the soft limit, or under the hard one it can be raised
    to (``raise_open_files`` does that); else what to do."""
    needed = demand.files_to_start
    if _within(needed, limits.open_files) or _within(needed, limits.open_files_hard):
        return None
    return (
        f"the scenario's ports need about {needed:,} open files "
        f"({demand.describe_files()}) but this process may open only "
        f"{limits.open_files_hard:,} (RLIMIT_NOFILE hard limit): "
        f"{_how_to_raise(demand.files)}; or run fewer modems"
    )


def open_files_warning(demand: Demand, limits: SystemLimits) -> str | None:
    """The ports fit, but not with a host on every TCP/RFC 2217 port (and a peer on every
    exposed endpoint) at once: how many can be, said before anything starts.  A host
    beyond them is accepted and closed at once (Twisted's ``EMFILE`` recovery)."""
    hard = limits.open_files_hard
    if not demand.connections or _within(demand.files, hard):
        return None
    room = max(0, min(demand.connections, hard - demand.files_to_start))
    return (
        f"the open-file limit ({hard:,}, RLIMIT_NOFILE hard limit) leaves room for about "
        f"{room:,} of the {demand.connections:,} hosts the scenario's TCP/RFC 2217 ports and "
        f"exposed listeners may have at once ({demand.files:,} open files with all of them: "
        f"{demand.describe_files(with_hosts=True)}); a host beyond that is accepted and "
        f"closed at once: {_how_to_raise(demand.files)}"
    )


def raise_open_files(demand: Demand, limits: SystemLimits) -> None:
    """Lift the soft open-file limit to the hard one (distributions default to a soft limit
    of 1024 under a much higher hard one).  Not only to what the scenario needs: that is an
    estimate, and a host that reconnects while its old connection closes, clients of the
    control API or the lab's connections all take files beyond it.  Where the hard limit is
    unlimited (not on Linux, where the kernel caps it), or the system refuses it, as far as
    the scenario needs."""
    soft, hard = limits.open_files, limits.open_files_hard
    if soft == resource.RLIM_INFINITY or soft == hard:
        return
    needed = demand.files
    targets = [] if hard == resource.RLIM_INFINITY else [hard]
    if not _within(needed, soft):
        targets.append(needed)
    for target in targets:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        except (ValueError, OSError):
            continue
        log.info("open-file limit raised from {old} to {new}{hard}; the scenario needs about "
                 "{needed} ({demand})", old=soft, new=target,
                 hard=" (the hard limit)" if target == hard else "", needed=needed,
                 demand=demand.describe_files())
        return


def _tcp_address(port: PortSpec) -> tuple[socket.AddressFamily, str, int] | None:
    """(family, interface, port) a tcp/rfc2217 port listens on; None for port 0 (the system
    picks a free one) and for endpoints that are not TCP."""
    if port.kind not in ("tcp", "rfc2217"):
        return None
    try:
        endpoint = server_endpoint(object(), port.target)
    except Exception:  # noqa: BLE001 - the port itself reports a bad endpoint when it starts
        return None
    number = getattr(endpoint, "_port", None)
    if not isinstance(number, int) or number == 0:
        return None
    interface = getattr(endpoint, "_interface", "")
    family = socket.AF_INET6 if ":" in interface or type(endpoint).__name__.startswith(
        "TCP6") else socket.AF_INET
    return family, interface, number


def tcp_port_problem(label: str, address: tuple[socket.AddressFamily, str, int]) -> str | None:
    """Bind the port as the reactor will (``SO_REUSEADDR``) and let go at once."""
    family, interface, number = address
    probe = socket.socket(family, socket.SOCK_STREAM)
    try:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((interface, number))
    except OSError as e:
        where = f"{interface or 'every interface'} port {number}"
        if e.errno == errno.EADDRINUSE:
            return (f"{label}: {where} is already in use by another program: stop it, or "
                    "give the modem another port (tcp:0 lets the system pick a free one)")
        if e.errno == errno.EACCES:
            return (f"{label}: {where}: permission denied (ports below 1024 need root or "
                    "CAP_NET_BIND_SERVICE): use a port above 1023")
        return f"{label}: {where}: {e.strerror}"
    finally:
        probe.close()
    return None


def busy_port_problems(modems: Iterable[ModemSpec]) -> list[str]:
    problems = []
    for modem in modems:
        for port in modem.ports:
            address = _tcp_address(port)
            if address is None:
                continue
            problem = tcp_port_problem(f"{modem.name} {port.label}", address)
            if problem is not None:
                problems.append(problem)
    if len(problems) > LISTED_PORTS:
        rest = len(problems) - LISTED_PORTS
        problems = [*problems[:LISTED_PORTS], f"... and {rest} more port(s) in use"]
    return problems


def check_before_start(modems: Iterable[ModemSpec],
                       limits: SystemLimits | None = None) -> None:
    """Every limit the scenario would hit, as one ``LimitError`` (one problem a line);
    otherwise the soft open-file limit raised to the hard one, and a warning logged when it
    leaves no room for a host on every port at once."""
    modems = list(modems)
    limits = read_system_limits() if limits is None else limits
    demand = demand_of(modems)
    problems = [problem for problem in (pty_problem(demand, limits),
                                        open_files_problem(demand, limits))
                if problem is not None]
    problems += busy_port_problems(modems)
    if problems:
        raise LimitError("\n".join(problems))
    warning = open_files_warning(demand, limits)
    if warning is not None:
        log.warn("{warning}", warning=warning)
    raise_open_files(demand, limits)

