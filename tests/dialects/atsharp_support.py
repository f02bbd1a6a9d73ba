"""What the tests of the two AT# dialects (eDsoft, GenPro) share: both run on the one AT#
engine (``simulator/dialects/atsharp``) and differ only in their tables, so one bench, one
set of legal and illegal values per parameter kind, and one host program for the twistd
walk-throughs serve both.  Each dialect's ``bench.py`` names its dialect and service."""

from __future__ import annotations

import random

from twisted.internet.task import Clock

import simulator.dialects
from simulator.dialects.atsharp.values import AddressList, Ipv4, Letter, Number, Text
from simulator.modem.modem import Modem
from simulator.modem.storage import NVStore
from simulator.network import Network
from simulator.network.spec import IpNetworkSpec
from simulator.scenario.model import ModemSpec, NetworkSpec, SimSpec
from tests.integration.harness import AtLink
from tests.modem.bench import Port


def cme_error(code: int) -> str:
    """The AT# application's error: ``CR LF #CME ERROR: <code> CR LF``."""
    return f"\r\n#CME ERROR: {code}\r\n"


class AtSharpBench:
    """One AT# modem on a task.Clock with a recorded AT port, registered unless
    ``registered=False``.

    With ``ip`` it is attached to a simulated IP network wired as ``twistd atsim`` wires it;
    with ``reactor`` that is the clock too and time passes for real (the caller waits); with
    ``shared`` it joins that bench's network and clock (two modems calling each other)."""

    dialect: str  # the name ``simulator.dialects.get`` knows
    default_name: str

    def __init__(self, *, store: NVStore | None = None, registered: bool = True,
                 sim: SimSpec | None = None, network: NetworkSpec | None = None,
                 ip: IpNetworkSpec | None = None, reactor=None, expose=(),
                 name: str | None = None, n: int = 1, msisdn: str | None = None,
                 shared: AtSharpBench | None = None) -> None:
        if shared is not None:  # a second modem on the first one's network and clock
            self.clock, self.real = shared.clock, shared.real
        else:
            self.clock = reactor if reactor is not None else Clock()
            self.real = reactor is not None
        self.store = store if store is not None else NVStore(None)
        self.network_spec = network or NetworkSpec()
        spec = ModemSpec(name=name or self.default_name, n=n, dialect=self.dialect,
                         sim=sim or SimSpec(), msisdn=msisdn, expose=tuple(expose))
        self.network = None
        if shared is not None:
            self.network = shared.network
            self.network.attach(spec, random.Random(n + 1))
        elif ip is not None:
            self.network = Network(ip, clock=self.clock, reactor=reactor, lab_listen=False)
            self.network.startService()
            self.network.attach(spec, random.Random(2))
        self.modem = Modem(spec, simulator.dialects.get(self.dialect), self.network_spec,
                           self.clock, random.Random(1), self.store, ip_network=self.network)
        self.port = Port(self.modem, "uart1")
        self.port.send(b"ATE0\r")
        self.modem.power_on()
        self.powered_on()
        if registered and not self.real:
            self.clock.advance(self.network_spec.registration.delay + 2)
            self.registered()
        self.port.take()

    def registered(self) -> None:
        """What the dialect's bench does once the modem registered (nothing by default)."""

    def powered_on(self) -> None:
        """What the dialect's host does right after power-on, before registration."""

    def at(self, line: str) -> str:
        """``AT<line>``: everything the modem answered (zero-delay timers included)."""
        answer = self.port.at(line)
        self._run_due()
        return answer + self.port.take()

    def send(self, data: bytes) -> str:
        answer = self.port.send(data)
        self._run_due()
        return answer + self.port.take()

    def _run_due(self) -> None:
        """Run what is due now (a task.Clock; the real reactor runs it by itself)."""
        if not self.real:
            self.clock.advance(0)

    def restart(self, **kw):
        """The same modem's flash in a new modem (atsim restarted on its state directory)."""
        return type(self)(store=self.store, **kw)


def bad_values(parameter) -> list[str]:
    """Values a parameter's kind excludes, as typed on the command line."""
    kind = parameter.kind
    if isinstance(kind, Number):
        values = [str(kind.hi + 1), "abc", "-1", "1.5", '"x"', "99999999999999999999"]
        if kind.lo > 0 and kind.lo - 1 not in kind.extra:
            values.append(str(kind.lo - 1))
        if kind.step > 1:
            values.append(str(kind.step + kind.step // 2))
        values += [str(v) for v in sorted(kind.excluded)]
        return values
    if isinstance(kind, Letter):
        return ["B", '"AI"', '""', "1"]
    if isinstance(kind, Ipv4):
        return ['"1.2.3"', '"256.1.1.1"', '"a.b.c.d"', '"1.2.3.4.5"', '""']
    if isinstance(kind, AddressList):
        return ['"' + "a" * 121 + '"', '"' + ",".join(["a@b"] * 11) + '"']
    assert isinstance(kind, Text)
    values = ['"' + "1" * (kind.maxlen + 1) + '"']
    if kind.chars is not None:
        values.append('"12a"')
    return values


def good_value(parameter) -> tuple[str, str]:
    """A legal value at a limit of the parameter's kind: (as typed, as the read shows it)."""
    kind = parameter.kind
    if isinstance(kind, Number):
        value = kind.hi if kind.hi != parameter.default else kind.lo
        return str(value), str(value)
    if isinstance(kind, Letter):
        return "A", "A"
    if isinstance(kind, Ipv4):
        return '"192.0.2.1"', '"192.0.2.1"'
    if kind.chars is not None:
        return '"+33612345678"', '"+33612345678"'
    text = "x" * kind.maxlen
    return f'"{text}"', f'"{text}"'


class LabHost:
    """A host program on a ``twistd atsim`` AT port: types a line, reads exactly what the
    manual says comes back."""

    def __init__(self, link: AtLink) -> None:
        self.link = link

    def expect(self, expected: bytes, timeout: float = 60.0) -> bytes:
        got = self.link.read_until(
            lambda b: len(b) >= len(expected) or not expected.startswith(b), timeout)
        got = self.link.keep_after(got, len(expected))
        assert got == expected
        return got

    def at(self, command: str, expected: bytes, timeout: float = 60.0) -> None:
        self.link.send(command.encode("latin-1") + b"\r")
        self.expect(expected, timeout)

    def data(self, payload: bytes, expected: bytes, timeout: float = 60.0) -> None:
        self.link.send(payload)
        self.expect(expected, timeout)


# What a parameter test checks the same way in both dialects; a dialect's test supplies its
# codes (bad value, syntax error) and its own illegal values.


def read_line(parameter, shown: str) -> str:
    """A global parameter's read: ``#NAME = X`` for a letter, ``#NAME: value`` otherwise."""
    if isinstance(parameter.kind, Letter):
        return f"#{parameter.name} = {shown}"
    return f"#{parameter.name}: {shown}"


def set_and_read_at_the_limit(bench: AtSharpBench, parameter, info) -> str:
    """Sets a global parameter to a limit of its kind and reads it back; returns the
    expected read answer."""
    typed, shown = good_value(parameter)
    assert bench.at(f"#{parameter.name}={typed}") == "\r\nOK\r\n"
    expected = info(read_line(parameter, shown))
    assert bench.at(f"#{parameter.name}?") == expected
    return expected


def bad_values_leave_the_value_alone(bench: AtSharpBench, parameter, values,
                                     bad_value: str) -> None:
    before = bench.at(f"#{parameter.name}?")
    for value in values:
        assert bench.at(f"#{parameter.name}={value}") == bad_value, value
    assert bench.at(f"#{parameter.name}?") == before


def socket_parameter(bench: AtSharpBench, parameter, info, values, *, bad_value: str,
                     syntax: str, bad_sockets: dict[str, tuple[str, ...]]) -> None:
    """A per-socket parameter: set and read on socket 2 leaves socket 1 alone; ``values``
    answer ``bad_value`` and change nothing; a socket not 1 or 2 answers one of
    ``bad_sockets``' answers; every other shape answers ``syntax``."""
    name = parameter.name
    typed, shown = good_value(parameter)
    assert bench.at(f"#{name}=2,{typed}") == "\r\nOK\r\n"
    assert bench.at(f"#{name}=2") == info(f"#{name}: 2,{shown}")
    default = parameter.kind.show(parameter.default)
    assert bench.at(f"#{name}=1") == info(f"#{name}: 1,{default}")  # the other socket
    for value in values:
        assert bench.at(f"#{name}=1,{value}") == bad_value, value
    for socket, answers in bad_sockets.items():
        assert bench.at(f"#{name}={socket}") in answers, socket
    assert bench.at(f"#{name}=3,1") == bad_value
    for text in (f"#{name}?", f"#{name}", f"#{name}=?", f"#{name}=1,2,3", f"#{name}=",
                 f"#{name}=,1"):
        assert bench.at(text) == syntax, text
    assert bench.at(f"#{name}=1") == info(f"#{name}: 1,{default}")
