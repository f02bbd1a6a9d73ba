"""Faults of the IP network beyond the modem's link: what a remote host, a service or the
path to it does to the modem's connections (``simulator.network.netfaults``).

Each is narrowed with ``host`` (a name of the hosts table or an address) and ``port`` to the
connections whose far end they name; neither given: every connection of the modem.  Started
by a ``when:`` entry whose event was a connection's (``bytes``, ``socket``), a fault acts on
that very connection.
"""

from __future__ import annotations

from simulator.faults.model import REGISTRY, Arg, FaultError, FaultKind, Target, Undo
from simulator.network import netfaults
from simulator.network.netfaults import ConnectionFaults, Scope

HOST = Arg("text", "the far host (a name of the hosts table or an address); every host if "
                   "not given", default=None)
PORT = Arg("integer", "the far port; every port if not given", default=None, minimum=1,
           maximum=65535)
NARROW = frozenset({"host", "port"})


def connection_faults(target: Target) -> ConnectionFaults:
    network = target.modem.ip_network
    if network is None:
        raise FaultError(f"{target.modem.name} is not attached to an IP network")
    return network.router.connection_faults(target.modem.name)


def scope(target: Target, args) -> Scope:
    return Scope(args.get("host") or target.host, args.get("port") or target.port)


def the_connection(target: Target):
    """The connection whose event started the fault (``when: {bytes: ...}``), if any."""
    event = target.event or {}
    return event.get("connection")


def _kind(name: str, summary: str, start, *, args=None, scalar=None, event=False) -> FaultKind:
    return REGISTRY.add(FaultKind(name=name, summary=summary, start=start,
                                  args={"host": HOST, "port": PORT, **(args or {})},
                                  scalar=scalar, event=event, narrowing=NARROW))


def _each_connection(action):
    def start(target: Target, args) -> None:
        faults = connection_faults(target)
        for end in faults.open_ends(scope(target, args), the_connection(target)):
            action(end)
    return start


PEER_CLOSE = _kind("peer_close", "the server closes the connection in order (FIN)",
                   _each_connection(netfaults.peer_close), event=True)
RESET_PEER = _kind("reset_peer", "the server resets the connection (RST)",
                   _each_connection(netfaults.reset_peer), event=True)


def _lasting(make):
    def start(target: Target, args) -> Undo:
        faults = connection_faults(target)
        return faults.lasting(scope(target, args), make(args), the_connection(target))
    return start


TIMEOUT = _kind("timeout", "data stops both ways and nothing closes; undone, the waiting "
                "bytes move", _lasting(lambda args: netfaults.hold))
HALF_OPEN = _kind("half_open", "the server is gone without a word: the modem sees nothing, "
                  "its bytes go unanswered; undone, they reach the server's side and are "
                  "answered with a reset", _lasting(lambda args: netfaults.vanish))
LIMIT_DATA = _kind("limit_data", "after this many bytes (both ways) the server closes the "
                   "connection", _lasting(lambda args: netfaults.limit_data(args["bytes"])),
                   args={"bytes": Arg("size", "bytes moved before the server closes")},
                   scalar="bytes")
SLICER = _kind("slicer", "the server's writes arrive cut into small segments, spaced "
               "apart", _lasting(lambda args: netfaults.slicer(args["size"], args["delay"])),
               args={"size": Arg("size", "bytes per segment", default=16),
                     "delay": Arg("duration", "time between segments", default=0.1)})
SLOW_CLOSE = _kind("slow_close", "the server's FIN comes this long after its last byte",
                   _lasting(lambda args: netfaults.slow_close(args["delay"])),
                   args={"delay": Arg("duration", "how late the FIN is")}, scalar="delay")


def _refuse(hold_open: bool):
    def start(target: Target, args) -> Undo:
        faults = connection_faults(target)
        where = scope(target, args)
        undo_refusal = faults.refuse(where, args["how"])
        if hold_open:  # a host that went away: its open connections fall silent
            undo_open = faults.lasting(where, netfaults.hold)
        else:  # a service that stopped: its connections are reset
            for end in faults.open_ends(where):
                netfaults.reset_peer(end)
            undo_open = None

        def undo() -> None:
            undo_refusal()
            if undo_open is not None:
                undo_open()
        return undo
    return start


HOW = ("ignore", "refuse")
HOST_DOWN = _kind("host_down", "the host is gone: new connections to it go unanswered (or "
                  "are refused), open ones fall silent", _refuse(True),
                  args={"how": Arg("choice", "ignore: connects time out; refuse: RST",
                                   default="ignore", choices=HOW)}, scalar="host")
SERVICE_DOWN = _kind("service_down", "the service stopped: connects to it are refused (or "
                     "ignored), open connections are reset", _refuse(False),
                     args={"how": Arg("choice", "refuse: RST; ignore: connects time out",
                                      default="refuse", choices=HOW)}, scalar="port")


def _dns_fail(target: Target, args) -> Undo:
    return connection_faults(target).fail_dns(args["names"], args["how"])


DNS_FAIL = REGISTRY.add(FaultKind(
    name="dns_fail",
    summary="the network's DNS servers answer queries for these names with SERVFAIL, or not "
            "at all",
    start=_dns_fail,
    args={"names": Arg("text", "a glob of the names that fail", default="*"),
          "how": Arg("choice", "servfail: an error answer; timeout: no answer",
                     default="servfail", choices=("servfail", "timeout"))},
    scalar="names",
))
