"""The serial-link bearers (001 §4.2.3 bids 1-2, 11-14, 21-24): +WIPBR on the second port
starts PPP on the first, whose host end is a PPP peer of ``simulator.ppp`` with a small IP
stack; the modem's WIP sockets reach the host's listeners over the line, on task.Clock."""

import random

from twisted.internet import protocol

from simulator.network.seriallink_bearer import SerialLinkBearer
from simulator.ppp import IpcpOpened, IpPacketReceived, LinkTerminated, PeerConfig, PppPeer
from simulator.ppp.link import PppLink
from tests.dialects.wip.bench import OK, WipBench, cme, info, urc
from tests.dialects.wip.test_wipbr import LAB

HOST, MODEM = "192.168.1.1", "192.168.1.2"


class _Line:
    """The host's side of the port: what its PPP writes goes to the modem a turn later."""

    def __init__(self, host):
        self.host = host

    def write(self, data):
        self.host.clock.callLater(0, self.host.channel.receive, data)

    def loseConnection(self):
        self.host.closed = True


class PppHost:
    """The machine at the other end of the port: pppd's part and an IP stack."""

    def __init__(self, bench, port, config):
        self.clock = bench.clock
        self.channel = port.channel
        self.channel.detach_host()
        self.channel.attach_host(self)
        self.events = []
        self.stack = None
        self.closed = False
        self.link = PppLink(PppPeer(config, random.Random(7)), self.clock, self._event,
                            name="host")
        self.listening = []

    def start(self):
        self.link.makeConnection(_Line(self))

    # the channel's HostEnd
    def deliver(self, data):
        if self.link.transport is not None:
            self.link.dataReceived(data)

    def modem_signals_changed(self, signals):
        pass

    def _event(self, event):
        self.events.append(event)
        if isinstance(event, IpcpOpened):
            self.stack = SerialLinkBearer(event.local_address, event.peer_address,
                                          self.link.send_ip, self.clock, random.Random(8))
            for port, accept in self.listening:
                self.stack.listen_tcp(port, accept)
        elif isinstance(event, IpPacketReceived) and self.stack is not None:
            self.stack.packet_received(event.packet)
        elif isinstance(event, LinkTerminated) and self.stack is not None:
            self.stack.release(by_network=True)


class Recorder(protocol.Protocol):
    def __init__(self):
        self.data = bytearray()

    def dataReceived(self, data):
        self.data += data


def bench_with_host(config):
    bench = WipBench(ip=LAB, ports=2)
    at = bench.ports[1]
    assert at.at("+WIPCFG=1") == OK
    host = PppHost(bench, bench.ports[0], config)
    return bench, at, host


def settle(bench, seconds):
    for _ in range(int(seconds * 20)):
        bench.clock.advance(0.05)


def test_client_bearer_on_uart1_carries_a_tcp_socket_to_the_host():
    bench, at, host = bench_with_host(PeerConfig.server(HOST, MODEM, dns=(HOST,)))
    accepted = []
    host.listening.append((7000, lambda peer: accepted.append(Recorder()) or accepted[-1]))
    assert at.at("+WIPBR=1,1") == OK
    assert at.at("+WIPBR?") == info("1,0")
    assert at.at("+WIPBR=4,1,0") == ""  # OK once IPCP is up
    host.start()
    settle(bench, 5)
    assert at.take() == OK
    assert at.at("+WIPBR?") == info("1,1")
    assert at.at("+WIPBR=3,1,15") == info(f'+WIPBR: 1,15,"{MODEM}"')
    assert at.at("+WIPBR=3,1,16") == info(f'+WIPBR: 1,16,"{HOST}"')
    assert at.at(f'+WIPCREATE=2,1,"{HOST}",7000') == OK
    settle(bench, 2)
    assert at.take() == urc("+WIPREADY: 2,1")
    (server,) = accepted
    server.transport.write(b"hello modem")
    settle(bench, 2)
    assert at.take() == urc("+WIPDATA: 2,1,11")
    assert at.at("+WIPDATA=2,1,1") == "\r\nCONNECT\r\nhello modem"
    at.send(b"hello host")
    settle(bench, 2)
    assert bytes(server.data) == b"hello host"


def test_the_port_leaves_at_mode_and_comes_back_when_ppp_ends():
    bench, at, host = bench_with_host(PeerConfig.server(HOST, MODEM))
    at.at("+WIPBR=1,1")
    at.at("+WIPBR=4,1,0")
    host.start()
    settle(bench, 5)
    at.take()
    assert bench.ports[0].interpreter.mode.name == "DATA"
    assert at.at("+WIPBR=5,1") == OK
    settle(bench, 5)
    assert host.link.terminated is not None
    assert bench.ports[0].interpreter.mode.name == "COMMAND"
    assert at.at("+WIPBR?") == info("1,0")


def test_server_bearer_checks_the_hosts_login_and_reports():
    bench, at, host = bench_with_host(PeerConfig.client("user", "secret"))
    at.at("+WIPBR=1,1")
    assert at.at('+WIPBR=4,1,1,"user","secret"') == OK
    host.start()
    settle(bench, 5)
    assert at.take() == urc("+WIPBR: 1,0,192.168.0.1,192.168.0.2,0.0.0.0,0.0.0.0")
    assert host.stack is not None and host.stack.address == "192.168.0.2"


def test_no_such_port_or_a_busy_port_answers_805():
    bench = WipBench(ip=LAB, ports=1)
    assert bench.at("+WIPCFG=1") == OK
    assert bench.at("+WIPBR=1,2") == OK  # opening only associates the stack (001 §4.2.7.1)
    assert bench.at("+WIPBR=4,2,0") == cme(805)  # no UART2
    assert bench.at("+WIPBR=1,11") == OK
    assert bench.at("+WIPBR=4,11,0") == cme(805)  # no multiplexer on UART1
    assert bench.at("+WIPBR=1,3") == cme(805)  # N/A


class DlcHost(PppHost):
    """The host's PPP on one DLC of its 27.010 multiplexer (MuxBench's DTE)."""

    def __init__(self, mux, dlci, clock, config=None, listening=()):
        self.mux, self.dlci, self.clock = mux, dlci, clock
        self.events, self.listening = [], list(listening)
        self.stack, self.closed = None, False
        config = config or PeerConfig.server(HOST, MODEM)
        self.link = PppLink(PppPeer(config, random.Random(3)), clock, self._event, name="host")
        self.link.makeConnection(self)

    def write(self, data):
        self.clock.callLater(0, self.mux.write, self.dlci, data)

    def loseConnection(self):
        self.closed = True

    def run(self, seconds):
        for _ in range(int(seconds * 20)):
            self.clock.advance(0.05)
            for frame in self.mux.data_frames(self.dlci):
                self.link.dataReceived(frame.info)


def test_dlc_bearer_runs_ppp_on_one_dlc_while_another_answers_at():
    from tests.cmux import dte
    from tests.cmux.bench import MuxBench

    wip = WipBench(ip=LAB)  # UART1 is the bench's port; the multiplexer runs on UART2
    mux = MuxBench.on_port(wip.modem, wip.clock, "uart2")
    mux.start(dte.BASIC)
    mux.open_dlc(1)
    mux.open_dlc(2)
    for dlci in (1, 2):
        mux.at_dlc(dlci, "ATE0")

    def at(line):
        answer = mux.at_dlc(2, "AT" + line)
        return answer.decode("latin-1")

    assert at("+CMEE=1") == OK
    assert at("+WIPCFG=1") == OK
    assert at("+WIPBR=1,21") == OK  # CMUX port 1 over UART2
    assert at("+WIPBR=4,21,0") == ""
    host = DlcHost(mux, 1, wip.clock)
    accepted = []
    host.listening.append((80, lambda peer: accepted.append(Recorder()) or accepted[-1]))
    host.run(5)
    assert host.stack is not None and host.stack.address == HOST
    assert mux.read(2) == OK.encode()  # the start's OK, on the AT DLC
    assert at("+WIPBR?") == info("21,1")
    assert at(f'+WIPCREATE=2,1,"{HOST}",80') == OK
    host.run(2)
    assert mux.read(2) == urc("+WIPREADY: 2,1").encode()
    accepted[0].transport.write(b"over DLC 1")
    host.run(2)
    assert mux.read(2) == urc("+WIPDATA: 2,1,10").encode()
    assert at("+WIPDATA=2,1,1") == "\r\nCONNECT\r\nover DLC 1"
    mux.write(2, b"and back")
    host.run(2)
    assert bytes(accepted[0].data) == b"and back"


def test_server_bearer_refuses_a_wrong_login_with_814():
    bench, at, host = bench_with_host(PeerConfig.client("user", "wrong"))
    at.at("+WIPBR=1,1")
    assert at.at('+WIPBR=4,1,1,"user","secret"') == OK
    host.start()
    settle(bench, 10)
    assert at.take() == urc("+WIPBR: 1,814,0.0.0.0,0.0.0.0,0.0.0.0,0.0.0.0")
    assert at.at("+WIPBR?") == info("1,0")
    assert bench.ports[0].interpreter.mode.name == "COMMAND"


def test_the_host_ending_ppp_stops_the_bearer_and_its_sockets():
    bench, at, host = bench_with_host(PeerConfig.server(HOST, MODEM))
    host.listening.append((7000, lambda peer: Recorder()))
    at.at("+WIPBR=1,1")
    at.at("+WIPBR=4,1,0")
    host.start()
    settle(bench, 5)
    at.take()
    assert at.at(f'+WIPCREATE=2,1,"{HOST}",7000') == OK
    settle(bench, 2)
    at.take()
    host.link.close()
    settle(bench, 5)
    assert at.at("+WIPBR?") == info("1,0")
    assert bench.ports[0].interpreter.mode.name == "COMMAND"
    assert at.at(f'+WIPCREATE=2,2,"{HOST}",7000') == cme(803)


def test_udp_and_ping_reach_the_host():
    bench, at, host = bench_with_host(PeerConfig.server(HOST, MODEM))
    at.at("+WIPBR=1,1")
    at.at("+WIPBR=4,1,0")
    host.start()
    settle(bench, 5)
    at.take()
    got = []

    class Udp(protocol.DatagramProtocol):
        def datagramReceived(self, data, addr):
            got.append((data, addr))
            self.transport.write(b"pong", addr)

    host.stack.open_udp(9000, Udp())
    assert at.at(f'+WIPCREATE=1,1,5000,"{HOST}",9000') == OK + urc("+WIPREADY: 1,1")
    assert at.at("+WIPDATA=1,1,1") == "\r\nCONNECT\r\n"
    at.send(b"ping\x03")  # ETX ends the datagram (001 §6.2.2.3)
    settle(bench, 2)
    assert got == [(b"ping", (MODEM, 5000))]
    assert at.take() == "pong\x03"  # one datagram, ended by ETX
    settle(bench, 2)
    at.send(b"+++")
    settle(bench, 2)
    assert at.take() == OK
    assert at.at(f'+WIPPING="{HOST}"') == OK  # the host's stack answers the echo request
    bench.clock.advance(0)
    assert at.take() == urc("+WIPPING: 0,0,0")


def test_the_modem_answers_the_hosts_ping():
    bench, at, host = bench_with_host(PeerConfig.server(HOST, MODEM))
    at.at("+WIPBR=1,1")
    at.at("+WIPBR=4,1,0")
    host.start()
    settle(bench, 5)
    rtts, failures = [], []
    host.stack.ping(MODEM).addCallbacks(rtts.append, failures.append)
    host.stack.ping("192.168.1.99", timeout=1).addCallbacks(rtts.append, failures.append)
    settle(bench, 2)
    assert len(rtts) == 1 and len(failures) == 1  # nobody is 192.168.1.99 on the line


class RawPppHost(PppHost):
    """A PppHost that also keeps every byte the port sent (result codes among the frames)."""

    def __init__(self, *args):
        super().__init__(*args)
        self.raw = bytearray()

    def deliver(self, data):
        self.raw += data
        super().deliver(data)

    def type(self, data):
        self.clock.callLater(0, self.channel.receive, data)


def test_plus_plus_plus_keeps_the_ppp_link_and_ato_resumes_it():
    """D64: as the host PPP data path (docs/ppp.md) — ``+++`` gives OK in online command
    state with PPP and the bearer kept; ``ATO`` gives CONNECT and the link carries on, with
    what the modem sent meanwhile held, not lost."""
    bench = WipBench(ip=LAB, ports=2)
    at = bench.ports[1]
    assert at.at("+WIPCFG=1") == OK
    host = RawPppHost(bench, bench.ports[0], PeerConfig.server(HOST, MODEM))
    accepted = []
    host.listening.append((7000, lambda peer: accepted.append(Recorder()) or accepted[-1]))
    at.at("+WIPBR=1,1")
    at.at("+WIPBR=4,1,0")
    host.start()
    settle(bench, 5)
    assert at.take() == OK
    assert at.at(f'+WIPCREATE=2,1,"{HOST}",7000') == OK
    settle(bench, 2)
    assert at.take() == urc("+WIPREADY: 2,1")
    (server,) = accepted
    port = bench.ports[0].interpreter

    settle(bench, 1.5)  # guard time before
    before = len(host.raw)
    host.type(b"+++")
    settle(bench, 1.5)  # and after
    # OK, then what the port held back while in data mode (the URC that came meanwhile)
    assert host.raw[before:] == b"\r\nOK\r\n\r\n+WIPREADY: 2,1\r\n"
    assert port.mode.name == "COMMAND" and port.online
    assert host.link.terminated is None
    assert at.at("+WIPBR?") == info("1,1")  # the bearer stays up

    at.at("+WIPDATA=2,1,1")  # the socket writes while the port is in command mode
    at.send(b"held")
    settle(bench, 1)
    assert bytes(server.data) == b""  # its packets wait for the port to go back online

    before = len(host.raw)
    host.type(b"ATO\r")
    settle(bench, 3)
    assert host.raw[before:].startswith(b"\r\nCONNECT\r\n")
    assert port.mode.name == "DATA"
    assert bytes(server.data) == b"held"
    assert host.link.terminated is None


def test_ath_in_online_command_state_ends_the_link_and_the_bearer():
    bench = WipBench(ip=LAB, ports=2)
    at = bench.ports[1]
    assert at.at("+WIPCFG=1") == OK
    host = RawPppHost(bench, bench.ports[0], PeerConfig.server(HOST, MODEM))
    at.at("+WIPBR=1,1")
    at.at("+WIPBR=4,1,0")
    host.start()
    settle(bench, 5)
    assert at.take() == OK
    settle(bench, 1.5)
    host.type(b"+++")
    settle(bench, 1.5)
    before = len(host.raw)
    host.type(b"ATH\r")
    settle(bench, 3)
    assert host.raw[before:] == b"\r\nOK\r\n"
    port = bench.ports[0].interpreter
    assert port.mode.name == "COMMAND" and not port.online
    assert at.at("+WIPBR?") == info("1,0")


def _fragmented_udp(host, payload):
    """The host's datagram to the modem's port 5000, cut in three, not sent yet."""
    from tests.network.test_seriallink_bearer import fragment

    sent = []
    real, host.stack._send_ip = host.stack._send_ip, sent.append
    port = host.stack.open_udp(9000, protocol.DatagramProtocol())
    port.write(payload, (MODEM, 5000))
    port.close()
    host.stack._send_ip = real
    (packet,) = sent
    return fragment(packet, 512)


def test_fragment_reassembly_waits_as_long_as_wipcfg_option_2_says():
    """001 §4.1.3 option 2, WIP_NET_OPT_IP_FRAG_TIMEO: "Time to live in seconds of
    incomplete fragments", range 1-65535, default 60; set to 10, a datagram whose last piece
    comes 9.9 s after its first is delivered, one whose last piece comes 10.1 s after is not."""
    bench, at, host = bench_with_host(PeerConfig.server(HOST, MODEM))
    at.at("+WIPBR=1,1")
    at.at("+WIPBR=4,1,0")
    host.start()
    settle(bench, 5)
    assert at.take() == OK
    assert at.at("+WIPCFG=2,2,10") == OK
    assert at.at(f'+WIPCREATE=1,1,5000,"{HOST}",9000') == OK + urc("+WIPREADY: 1,1")
    for late, delivered in ((9.9, True), (10.1, False)):
        first, second, third = _fragmented_udp(host, b"d" * 1200)
        host.link.send_ip(first)
        host.link.send_ip(second)
        bench.clock.advance(0.01)
        bench.clock.advance(late - 0.01)
        host.link.send_ip(third)
        settle(bench, 1)
        shown = at.take()
        if delivered:
            assert shown == urc(f"+WIPDATA: 1,1,1200,\"{HOST}\",9000")
            assert at.at("+WIPDATA=1,1,1").startswith("\r\nCONNECT\r\n" + "d" * 1200)
            settle(bench, 1.5)
            at.send(b"+++")
            settle(bench, 1.5)
            assert at.take() == OK
        else:
            assert shown == ""


def test_fragment_reassembly_waits_60_s_by_default():
    bench, at, host = bench_with_host(PeerConfig.server(HOST, MODEM))
    at.at("+WIPBR=1,1")
    at.at("+WIPBR=4,1,0")
    host.start()
    settle(bench, 5)
    assert at.take() == OK
    assert at.at(f'+WIPCREATE=1,1,5000,"{HOST}",9000') == OK + urc("+WIPREADY: 1,1")
    first, second, third = _fragmented_udp(host, b"e" * 1200)
    host.link.send_ip(first)
    host.link.send_ip(second)
    bench.clock.advance(59.5)
    host.link.send_ip(third)
    settle(bench, 1)
    assert at.take() == urc(f"+WIPDATA: 1,1,1200,\"{HOST}\",9000")


def own_port_host(config):
    """UART1's host types the commands and then runs PPP on the same port; UART2 watches."""
    bench = WipBench(ip=LAB, ports=2)
    watch = bench.ports[1]
    assert watch.at("+WIPCFG=1") == OK
    assert watch.at("+WIPBR=1,1") == OK
    host = RawPppHost(bench, bench.ports[0], config)
    return bench, watch, host


def test_a_server_bearer_started_on_its_own_port_answers_ok_and_the_port_runs_ppp():
    """D64: ``AT+WIPBR=4,1,1,...`` on UART1 itself answers ``OK`` and the port carries PPP
    at once; the +WIPBR URC waits on that port until PPP ended and AT is back."""
    bench, watch, host = own_port_host(PeerConfig.client("user", "secret"))
    host.type(b'AT+WIPBR=4,1,1,"user","secret"\r')
    bench.clock.advance(0.1)
    assert bytes(host.raw).startswith(b"\r\nOK\r\n~")  # and LCP's first frame at once
    port = bench.ports[0].interpreter
    assert port.mode.name == "DATA"
    host.start()
    settle(bench, 5)
    report = urc("+WIPBR: 1,0,192.168.0.1,192.168.0.2,0.0.0.0,0.0.0.0")
    assert watch.take() == report
    assert host.stack is not None and host.stack.address == "192.168.0.2"
    assert b"+WIPBR" not in host.raw  # PPP frames only while the link lasts
    assert watch.at("+WIPBR?") == info("1,1")
    host.link.close()
    settle(bench, 5)
    assert host.link.terminated is not None
    assert port.mode.name == "COMMAND" and not port.online
    assert host.raw.endswith(report.encode())  # held through PPP, shown when AT is back
    assert watch.at("+WIPBR?") == info("1,0")
    before = len(host.raw)
    host.type(b"AT+WIPBR?\r")
    bench.clock.advance(0.1)
    assert bytes(host.raw[before:]) == info("1,0").encode()


def test_a_client_bearer_started_on_its_own_port_answers_ok_at_once():
    bench, watch, host = own_port_host(PeerConfig.server(HOST, MODEM))
    host.type(b"AT+WIPBR=4,1,0\r")
    bench.clock.advance(0.1)
    assert bytes(host.raw).startswith(b"\r\nOK\r\n~")  # the port is PPP's from here
    host.start()
    settle(bench, 5)
    assert watch.at("+WIPBR?") == info("1,1")
    assert watch.at("+WIPBR=3,1,15") == info(f'+WIPBR: 1,15,"{MODEM}"')
    assert watch.at(f'+WIPPING="{HOST}"') == OK
    bench.clock.advance(0)
    assert watch.take() == urc("+WIPPING: 0,0,0")


def test_a_client_start_on_its_own_port_that_fails_leaves_the_port_in_at_mode():
    bench, watch, host = own_port_host(PeerConfig.server(HOST, MODEM))
    host.type(b"AT+WIPBR=4,1,0\r")
    bench.clock.advance(0.1)
    assert bytes(host.raw).startswith(b"\r\nOK\r\n~")
    settle(bench, 40)  # nobody answers LCP: Max-Configure requests, then the link gives up
    port = bench.ports[0].interpreter
    assert port.mode.name == "COMMAND" and not port.online
    assert watch.at("+WIPBR?") == info("1,0")
    before = len(host.raw)
    host.type(b"AT\r")
    bench.clock.advance(0.1)
    assert bytes(host.raw[before:]) == b"\r\nOK\r\n"


def test_own_port_start_in_online_command_state_of_a_call_answers_805():
    bench, watch, host = own_port_host(PeerConfig.server(HOST, MODEM))
    port = bench.ports[0].interpreter
    port._sink = object()  # a data call held in online command state
    host.type(b"AT+WIPBR=4,1,0\r")
    bench.clock.advance(0.1)
    port._sink = None
    assert bytes(host.raw) == cme(805).encode()


def escaped_bearer():
    """Bearer 1 started from UART2 as PPP's client; UART1's host escaped with ``+++``."""
    bench = WipBench(ip=LAB, ports=2)
    at = bench.ports[1]
    assert at.at("+WIPCFG=1") == OK
    host = RawPppHost(bench, bench.ports[0], PeerConfig.server(HOST, MODEM))
    host.listening.append((7000, lambda peer: Recorder()))
    at.at("+WIPBR=1,1")
    at.at("+WIPBR=4,1,0")
    host.start()
    settle(bench, 5)
    assert at.take() == OK
    assert at.at(f'+WIPCREATE=2,1,"{HOST}",7000') == OK
    settle(bench, 2)
    assert at.take() == urc("+WIPREADY: 2,1")
    settle(bench, 1.5)
    host.type(b"+++")
    settle(bench, 1.5)
    port = bench.ports[0].interpreter
    assert port.mode.name == "COMMAND" and port.online
    host.raw.clear()
    return bench, at, host, port


def _terminate_requests(raw: bytes) -> int:
    from simulator.ppp.framing import FrameDecoder

    return sum(1 for frame in FrameDecoder().feed(raw)
               if frame.protocol == 0xC021 and frame.information[:1] == b"\x05")


def test_wipbr_5_on_another_port_in_online_command_state_terminates_lcp_toward_the_host():
    """D64: stopping the bearer while its port is in online command state sends the host
    LCP's Terminate-Request at once (not held for ``ATO``), ends the link (the host's
    Terminate-Ack could not come back through AT command mode) and leaves the port in plain
    AT command mode, with nothing shown there; ``OK`` on the port that stopped it."""
    bench, at, host, port = escaped_bearer()
    assert at.at("+WIPBR=5,1") == OK
    settle(bench, 4)  # the host acknowledges and stays in Stopping for its restart timer
    assert _terminate_requests(bytes(host.raw)) == 1
    assert b"\r\n" not in bytes(host.raw).replace(b"~", b"")  # no result code on UART1
    assert host.link.terminated is not None
    assert host.link.terminated.reason.name == "PEER_TERMINATED"
    assert port.mode.name == "COMMAND" and not port.online
    assert at.at("+WIPBR?") == info("1,0")
    assert at.at(f'+WIPCREATE=2,2,"{HOST}",7000') == cme(803)  # sockets went with it
    host.raw.clear()
    host.type(b"ATO\r")  # nothing to resume any more (001 §6.2.11.2)
    bench.clock.advance(0.1)
    assert bytes(host.raw) == cme(3).encode()


def test_wipbr_5_on_the_bearers_own_port_in_online_command_state():
    bench, at, host, port = escaped_bearer()
    host.type(b"AT+WIPBR=5,1\r")
    settle(bench, 4)
    raw = bytes(host.raw)
    assert raw.endswith(b"\r\nOK\r\n")  # the frame goes first, then the command's OK
    assert _terminate_requests(raw[:-len(b"\r\nOK\r\n")]) == 1
    assert host.link.terminated is not None
    assert port.mode.name == "COMMAND" and not port.online
    assert at.at("+WIPBR?") == info("1,0")
    host.raw.clear()
    host.type(b"AT\r")
    bench.clock.advance(0.1)
    assert bytes(host.raw) == b"\r\nOK\r\n"


def muxed_wip():
    """A WIP modem with the 27.010 multiplexer on UART2, DLCs 1 and 2 open, AT on DLC 2."""
    from tests.cmux import dte
    from tests.cmux.bench import MuxBench

    wip = WipBench(ip=LAB)
    mux = MuxBench.on_port(wip.modem, wip.clock, "uart2")
    mux.start(dte.BASIC)
    for dlci in (1, 2):
        mux.open_dlc(dlci)
        mux.at_dlc(dlci, "ATE0")

    def at(line, dlci=2):
        return mux.at_dlc(dlci, "AT" + line).decode("latin-1")

    assert at("+CMEE=1") == OK
    assert at("+WIPCFG=1") == OK
    assert at("+WIPBR=1,21") == OK
    return wip, mux, at


def test_the_modem_serves_ppp_on_a_dlc_while_another_dlc_answers_at():
    """Bid 21 (CMUX port 1 over UART2) started as PPP's server from DLC 2: the host's PPP
    client logs in on DLC 1 and gets 192.168.0.2; AT keeps running on DLC 2 meanwhile, the
    modem's sockets reach the host over DLC 1, and when the host ends PPP, DLC 1 takes AT
    commands again."""
    wip, mux, at = muxed_wip()
    assert at('+WIPBR=4,21,1,"user","secret"') == OK
    accepted = []
    host = DlcHost(mux, 1, wip.clock, PeerConfig.client("user", "secret"),
                   listening=[(7000, lambda peer: accepted.append(Recorder()) or accepted[-1])])
    host.run(5)
    assert mux.read(2) == urc("+WIPBR: 21,0,192.168.0.1,192.168.0.2,0.0.0.0,0.0.0.0").encode()
    assert host.stack is not None and host.stack.address == "192.168.0.2"
    assert host.stack.peer_address == "192.168.0.1"
    assert at("+WIPBR?") == info("21,1")
    assert at("+WIPBR=3,21,15") == info('+WIPBR: 21,15,"192.168.0.1"')
    assert at("+CSQ").endswith(OK)  # the rest of the modem answers on DLC 2 meanwhile
    assert at('+WIPCREATE=2,1,"192.168.0.2",7000') == OK
    host.run(2)
    assert mux.read(2) == urc("+WIPREADY: 2,1").encode()
    accepted[0].transport.write(b"served over DLC 1")
    host.run(2)
    assert mux.read(2) == urc("+WIPDATA: 2,1,17").encode()
    assert at("+WIPDATA=2,1,1") == "\r\nCONNECT\r\nserved over DLC 1"
    mux.write(2, b"and back over DLC 1")
    host.run(2)
    assert bytes(accepted[0].data) == b"and back over DLC 1"
    rtts = []
    host.stack.ping("192.168.0.1").addCallback(rtts.append)  # the modem's stack answers
    host.run(1)
    assert len(rtts) == 1

    wip.clock.advance(1.5)
    mux.write(2, b"+++")
    wip.clock.advance(1.5)
    assert mux.read(2) == OK.encode()
    host.link.close()
    host.run(5)
    assert host.link.terminated is not None
    assert at("+WIPBR?") == info("21,0")
    assert mux.at_dlc(1, "AT") == OK.encode()  # DLC 1 is an AT channel again


def test_a_server_bearer_started_on_its_own_dlc():
    """D64 on a DLC: ``AT+WIPBR=4,21,1,...`` typed on DLC 1 itself answers OK there and
    DLC 1 carries PPP from then on; DLC 2 sees the +WIPBR URC."""
    wip, mux, at = muxed_wip()
    assert at("+CMEE=1", dlci=1) == OK
    mux.write(1, b'AT+WIPBR=4,21,1,"user","secret"\r')
    first = mux.read(1)
    assert first.startswith(OK.encode() + b"~")  # OK, then the modem's first LCP frame
    host = DlcHost(mux, 1, wip.clock, PeerConfig.client("user", "secret"))
    host.link.dataReceived(first[len(OK):])
    host.run(5)
    assert mux.read(2) == urc("+WIPBR: 21,0,192.168.0.1,192.168.0.2,0.0.0.0,0.0.0.0").encode()
    assert host.stack is not None and host.stack.address == "192.168.0.2"
    assert at("+WIPBR?") == info("21,1")


def paced_bearer(ipr=None):
    """Bearer 1 on UART1 paced at its line rate (``paced: true``), started from UART2, a
    TCP socket of the modem connected to the host's listener; ``ipr``: AT+IPR first."""
    from simulator.transport.pacing import PacedHost

    bench = WipBench(ip=LAB, ports=2)
    at = bench.ports[1]
    assert at.at("+WIPCFG=1") == OK
    channel = bench.ports[0].channel
    channel.host_wrapper = lambda host: PacedHost(host, channel, bench.clock)
    if ipr is not None:
        assert bench.ports[0].at(f"+IPR={ipr}") == OK
        bench.clock.advance(1)
    host = PppHost(bench, bench.ports[0], PeerConfig.server(HOST, MODEM))
    accepted = []
    host.listening.append((7000, lambda peer: accepted.append(Recorder()) or accepted[-1]))
    at.at("+WIPBR=1,1")
    at.at("+WIPBR=4,1,0")
    host.start()
    settle(bench, 5)
    assert at.take() == OK
    assert at.at(f'+WIPCREATE=2,1,"{HOST}",7000') == OK
    settle(bench, 2)
    assert at.take() == urc("+WIPREADY: 2,1")
    assert at.at("+WIPDATA=2,1,1") == "\r\nCONNECT\r\n"
    return bench, at, accepted[0], channel


def _seconds_until(bench, done, step=0.01, limit=600):
    start = bench.clock.seconds()
    for _ in range(int(limit / step)):
        bench.clock.advance(step)
        if done():
            return bench.clock.seconds() - start
    raise AssertionError("not done")


SIZE = 100_000


def test_ppp_on_a_paced_uart_runs_at_its_line_rate_both_ways():
    """115200 baud at 8N1 carries 11,520 octets a second: 100 kB through the modem's TCP
    socket take at least that long each way, and the octets PPP, IP and TCP add on top
    (about 3 % for full segments) and the round trips keep it within 10 % of it."""
    bench, at, server, channel = paced_bearer()
    at.send(b"m" * SIZE)  # the modem's socket sends to the host
    seconds = _seconds_until(bench, lambda: len(server.data) >= SIZE)
    assert bytes(server.data) == b"m" * SIZE
    assert SIZE / 11520 <= seconds <= 1.1 * SIZE / 11520
    assert channel.output_waiting() == 0

    got = bytearray()

    def taken():
        got.extend(at.take().encode("latin-1"))
        return len(got) >= SIZE

    server.transport.write(b"h" * SIZE)  # the host's stack sends to the modem's socket
    seconds = _seconds_until(bench, taken)
    assert bytes(got) == b"h" * SIZE
    assert SIZE / 11520 <= seconds <= 1.1 * SIZE / 11520


def test_the_line_rate_follows_ipr():
    """``AT+IPR=57600`` on the port: 5,760 octets a second.  TCP's first flight, timed by a
    handshake on an idle line, costs a retransmission or two; the second half of the
    transfer runs at the line's rate."""
    bench, at, server, channel = paced_bearer(ipr=57600)
    at.send(b"m" * SIZE)
    first = _seconds_until(bench, lambda: len(server.data) >= SIZE // 2)
    second = _seconds_until(bench, lambda: len(server.data) >= SIZE)
    assert bytes(server.data) == b"m" * SIZE
    assert first + second >= SIZE / 5760
    assert SIZE / 2 / 5760 <= second <= 1.1 * SIZE / 2 / 5760


def test_an_unpaced_port_carries_ppp_at_once():
    """Without ``paced`` the host's end of the port takes the octets as they come (a PTY's
    host reads what the modem wrote): 100 kB take the round trips of TCP only."""
    bench = WipBench(ip=LAB, ports=2)
    at = bench.ports[1]
    assert at.at("+WIPCFG=1") == OK
    host = PppHost(bench, bench.ports[0], PeerConfig.server(HOST, MODEM))
    accepted = []
    host.listening.append((7000, lambda peer: accepted.append(Recorder()) or accepted[-1]))
    at.at("+WIPBR=1,1")
    at.at("+WIPBR=4,1,0")
    host.start()
    settle(bench, 5)
    at.take()
    at.at(f'+WIPCREATE=2,1,"{HOST}",7000')
    settle(bench, 2)
    at.take()
    at.at("+WIPDATA=2,1,1")
    at.send(b"m" * SIZE)
    seconds = _seconds_until(bench, lambda: len(accepted[0].data) >= SIZE)
    assert seconds < SIZE / 11520 / 4


def test_a_host_sending_faster_than_the_line_is_held():
    """The host's octets reach PPP at the line rate; while more than 4 KiB wait the port
    holds its host (flow control), and lets it go once the line caught up."""
    from simulator.modem.portrate import HOLD_CAUSE

    bench, at, server, channel = paced_bearer()
    holds = []
    real = channel.hold_input

    def hold_input(held, cause="fifo"):
        if cause == HOLD_CAUSE:
            holds.append(held)
        real(held, cause)

    channel.hold_input = hold_input
    server.transport.write(b"h" * SIZE)
    bench.clock.advance(0.2)
    assert channel.input_held and holds == [True]
    _seconds_until(bench, lambda: not channel.input_held)
    assert holds == [True, False]


def test_a_port_bearers_ppp_phases_are_ppp_events_of_the_modem():
    bench, at, host = bench_with_host(PeerConfig.server(HOST, MODEM))
    seen = []
    bench.modem.add_hook("observers",
        lambda modem, kind, port, fields: seen.append((port, dict(fields)))
        if kind == "ppp" else None)
    at.at("+WIPBR=1,1")
    at.at("+WIPBR=4,1,0")
    host.start()
    settle(bench, 5)
    assert at.take() == OK
    assert [f["phase"] for _, f in seen] == ["started", "lcp up", "authenticated", "ipcp up"]
    assert all(port == "uart1" and f["role"] == "client" and f["bearer"] == "serial"
               and f["bid"] == 1 for port, f in seen)
    assert (seen[3][1]["local"], seen[3][1]["peer"]) == (MODEM, HOST)
    assert at.at("+WIPBR=5,1") == OK
    settle(bench, 5)
    assert seen[-1][1]["phase"] == "terminated" and seen[-1][1]["cause"] == "local_close"
