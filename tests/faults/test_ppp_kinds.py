"""Faults of PPP on task.Clock, as a host's own PPP client sees them through the modem's port
after ``ATD`` to an ``isp:`` number (the access server is the far peer the faults act on):
keepalives unanswered until the host's lcp-echo-failure ends the link, a Terminate-Request
from the far end, IPCP requests Naked; and PPP as before once a fault is undone."""

import random

import pytest
from twisted.internet.task import Clock

import simulator.dialects
from simulator.faults import FaultError, Injector, make_fault
from simulator.modem.modem import Modem
from simulator.modem.storage import NVStore
from simulator.network import Network
from simulator.network.calls import SETUP_DELAY
from simulator.ppp import IpcpOpened, LinkTerminated, PeerConfig, PppPeer, Termination
from simulator.ppp.framing import FrameDecoder
from simulator.ppp.packets import decode_packet
from simulator.ppp.protocols import Code, Protocol
from simulator.scenario.model import IspSpec, ModemSpec, NetworkSpec, NumberSpec
from tests.modem.bench import Port

ISP = "0800"
STEP = 0.025


class HostDialup:
    """A generic modem whose host dials the ISP and runs its own PPP client on the port."""

    def __init__(self, **client) -> None:
        self.clock = Clock()
        spec = NetworkSpec(numbers=(NumberSpec(ISP, isp=IspSpec("user", "secret")),))
        self.network = Network(spec, clock=self.clock, lab_listen=False)
        modem_spec = ModemSpec(name="m", n=1, msisdn="+33600000001")
        self.network.attach(modem_spec, random.Random(1))
        self.modem = Modem(modem_spec, simulator.dialects.get("generic"), spec, self.clock,
                           random.Random(1), NVStore(None), ip_network=self.network)
        self.port = Port(self.modem, "uart1")
        self.port.send(b"ATE0\r")
        self.modem.power_on()
        self.clock.advance(spec.registration.delay)
        self.port.host.take()
        self.host = PppPeer(PeerConfig.client("user", "secret", **client), random.Random(2))
        self.events = []
        self.line = bytearray()  # everything the modem sent the host in data mode
        self.injector = Injector()

    def dial(self) -> None:
        self.port.send(f"ATD{ISP}\r".encode())
        self.clock.advance(SETUP_DELAY)
        assert self.port.host.take() == "\r\nCONNECT 9600\r\n"
        now = self.clock.seconds()
        self.host.lower_up(now)
        self.host.open(now)

    def run(self, seconds: float) -> None:
        host, port = self.host, self.port
        for _ in range(round(seconds / STEP)):
            port.channel.receive(host.data_to_send())
            self.clock.advance(STEP)
            received, port.host.received = bytes(port.host.received), bytearray()
            self.line += received
            host.receive_data(received, self.clock.seconds())
            if (deadline := host.get_timer()) is not None and deadline <= self.clock.seconds():
                host.handle_timer(self.clock.seconds())
            while (event := host.next_event()) is not None:
                self.events.append(event)

    def start(self, name, args=None):
        return self.injector.apply(make_fault(name, args), self.modem)

    def of(self, kind):
        return [e for e in self.events if isinstance(e, kind)]

    def packets(self, protocol):
        """The packets of ``protocol`` the host received, as (code, data)."""
        frames = FrameDecoder(accm=0).feed(bytes(self.line))
        return [(p.code, p.data) for f in frames if f.protocol == protocol
                for p in [decode_packet(f.information)] if p is not None]

    @property
    def server(self):
        [link] = self.network.subscriber("m").ppp_links
        return link.peer


def opened(**client) -> HostDialup:
    lab = HostDialup(**client)
    lab.dial()
    lab.run(3.0)
    assert lab.of(IpcpOpened)
    return lab


def test_lcp_echo_loss_trips_the_hosts_echo_failure():
    lab = opened(echo_interval=1.0, echo_failures=3)
    lab.start("lcp_echo_loss")
    lab.run(6.0)
    [ended] = lab.of(LinkTerminated)
    assert ended.reason is Termination.ECHO_TIMEOUT
    lab.run(4.0)  # the ISP, having acknowledged the host's Terminate, hangs up
    assert lab.line.endswith(b"\r\nNO CARRIER\r\n")


def test_lcp_echo_loss_undone_before_the_limit_keeps_the_link():
    lab = opened(echo_interval=1.0, echo_failures=3)
    server = lab.server
    fault = lab.start("lcp_echo_loss")
    lab.run(2.0)
    assert server.stats.echo_requests_ignored == 2
    fault.undo()
    lab.run(10.0)
    assert lab.of(LinkTerminated) == []
    assert server.stats.echo_requests_ignored == 2
    assert [code for code, _ in lab.packets(Protocol.LCP)].count(Code.ECHO_REPLY) >= 9


def test_lcp_echo_loss_by_rate_drops_some():
    lab = opened(echo_interval=0.5, echo_failures=100)
    lab.start("lcp_echo_loss", {"rate": 0.5})
    lab.run(20.0)
    ignored = lab.server.stats.echo_requests_ignored
    assert 5 < ignored < 35  # of about 40, drawn from the modem's seeded generator


def test_lcp_terminate_ends_the_link_from_the_far_end():
    lab = opened()
    lab.start("lcp_terminate", {"message": "maintenance"})
    lab.run(4.0)  # the host acknowledges, and stops after its restart timer
    [ended] = lab.of(LinkTerminated)
    assert ended.reason is Termination.PEER_TERMINATED and ended.detail == "maintenance"
    assert (Code.TERMINATE_REQUEST, b"maintenance") in lab.packets(Protocol.LCP)
    assert lab.line.endswith(b"\r\nNO CARRIER\r\n")
    assert len(lab.network.subscriber("m").ppp_links) == 0  # the ended link left


def test_lcp_terminate_needs_a_link():
    lab = HostDialup()
    with pytest.raises(FaultError, match="no PPP link"):
        lab.start("lcp_terminate")


def test_ipcp_nak_a_count_then_the_address_is_given():
    lab = HostDialup()
    fault = lab.start("ipcp_nak", {"count": 2})  # started before the call: the new link takes it
    lab.dial()
    lab.run(5.0)
    codes = [code for code, _ in lab.packets(Protocol.IPCP)]
    # The server's own Configure-Request, the Naks of the host's requests, then the Ack.
    assert codes.count(Code.CONFIGURE_NAK) == 2 + 1  # the first Nak gives the address
    assert fault.ended and lab.injector.counts[("ipcp_nak", "end")] == 1
    assert lab.of(IpcpOpened)


def test_ipcp_nak_while_it_lasts_fails_ipcp_and_undone_a_new_call_opens():
    lab = HostDialup()
    fault = lab.start("ipcp_nak")
    lab.dial()
    lab.run(20.0)
    assert lab.of(IpcpOpened) == []
    [ended] = lab.of(LinkTerminated)
    assert ended.reason is Termination.IPCP_FAILED
    assert Code.CONFIGURE_REJECT in [code for code, _ in lab.packets(Protocol.IPCP)]
    fault.undo()
    lab.port.host.take()
    lab.host = PppPeer(PeerConfig.client("user", "secret"), random.Random(3))
    lab.events, lab.line = [], bytearray()
    lab.dial()
    lab.run(5.0)
    assert lab.of(IpcpOpened)
