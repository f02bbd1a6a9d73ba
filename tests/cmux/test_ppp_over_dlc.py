"""PPP on one DLC while AT commands run on another, as oFono and ModemManager use a
multiplexed modem: the packet dial on DLC 1, +CGACT?/+CGPADDR and the +CGEV reports on
DLC 2, and the host's IP through the PPP link."""

import ipaddress

from simulator.network.spec import LinksSpec, ServiceSpec
from simulator.scenario.model import ApnSpec, HostSpec, NetworkSpec
from tests.cmux import dte
from tests.modem.bench import OK, Bench
from tests.modem.ppphost import PppHost

#: The basic option's default N1 (27.010 §5.7.2): the longest information field.
N1 = 31


class Multiplexer:
    def __init__(self, bench: Bench) -> None:
        self.bench = bench
        self.parser = dte.Parser(dte.BASIC)
        self.dlcs: dict[int, DlcPort] = {}
        assert bench.port.at("+CMUX=0") == OK

    def open(self, dlci: int) -> "DlcPort":
        self.bench.port.channel.receive(dte.frame(dte.BASIC, dlci, dte.SABM | dte.PF))
        self.pump()
        port = self.dlcs[dlci] = DlcPort(self, dlci)
        return port

    def pump(self) -> None:
        for frame in self.parser.feed(self.bench.port.host.take().encode("latin-1")):
            if frame.kind == dte.UIH and frame.dlci in self.dlcs:
                self.dlcs[frame.dlci].buffer += frame.info


class DlcPort:
    """What PppHost needs of a port (``at``, ``channel.receive``, ``host.received``), on
    one DLC."""

    def __init__(self, mux: Multiplexer, dlci: int) -> None:
        self.mux = mux
        self.dlci = dlci
        self.buffer = bytearray()
        self.channel = self
        self.host = self

    @property
    def received(self) -> bytearray:
        self.mux.pump()
        return self.buffer

    def receive(self, data: bytes) -> None:
        for i in range(0, len(data), N1):
            self.mux.bench.port.channel.receive(
                dte.frame(dte.BASIC, self.dlci, dte.UIH, data[i:i + N1]))

    def at(self, line: str) -> str:
        self.receive(b"AT" + line.encode() + b"\r")
        text = bytes(self.received).decode("latin-1")
        self.buffer.clear()
        return text


def test_ppp_on_one_dlc_and_at_on_another():
    network = NetworkSpec(
        apns=(ApnSpec("internet", ipaddress.IPv4Network("10.70.0.0/24"),
                      (ipaddress.IPv4Address("10.70.0.53"),)),),
        hosts=(HostSpec("lab", ipaddress.IPv4Address("198.18.0.10"),
                        services=(ServiceSpec("echo"),)),),
        links=LinksSpec(default="ideal"))
    bench = Bench(network=network, registered=True, ip_network=True)
    mux = Multiplexer(bench)
    mux.open(0)
    data_port, at_port = mux.open(1), mux.open(2)
    assert at_port.at("E0").endswith(OK)
    assert at_port.at('+CGDCONT=1,"IP","internet";+CGEREP=1') == OK
    host = PppHost(data_port, bench.clock)
    assert host.dial("D*99***1#").endswith("\r\nCONNECT\r\n")
    host.run_until(lambda: host.address is not None, 30)
    assert at_port.received.decode() == "\r\n+CGEV: ME PDN ACT 1\r\n"
    at_port.buffer.clear()
    assert at_port.at("+CGACT?") == "\r\n+CGACT: 1,1\r\n" + OK
    assert at_port.at("+CGPADDR=1") == '\r\n+CGPADDR: 1,"10.70.0.1"\r\n' + OK
    flow = host.connect("198.18.0.10", 7)
    host.run_until(lambda: flow.connected, 10)
    flow.send(b"through a DLC" * 100)
    host.run_until(lambda: bytes(flow.received) == b"through a DLC" * 100, 30)
    assert at_port.at("+CSQ").endswith(OK)  # AT keeps working while the data flows
    host.terminate()
    host.run(4)
    assert "NO CARRIER" in host.text.decode()
    assert at_port.received.decode() == "\r\n+CGEV: ME PDN DEACT 1\r\n"
