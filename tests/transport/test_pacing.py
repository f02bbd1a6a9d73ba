"""A paced port hands its host the modem's output at the line rate, on task.Clock: bytes in
order, never ahead of the line, none late once the line time has passed, whatever the
reactor's timing; the rate follows the channel's line settings and AT+IPR."""

from __future__ import annotations

import bisect

from hypothesis import given, settings
from hypothesis import strategies as st
from twisted.internet.task import Clock

from simulator.line import Channel, LineSettings
from simulator.ports import port_service
from simulator.transport.pacing import (
    TICK,
    PacedHost,
    Pacer,
    bits_per_character,
    characters_per_second,
)
from simulator.transport.spec import PortSpec
from tests.modem.bench import OK, Bench, Host

CPS = 11520.0  # 115200 baud, 8N1


def pacer(cps: float = CPS, limit: int = 1 << 20):
    clock = Clock()
    got = bytearray()
    rate = [cps]
    return clock, got, rate, Pacer(clock, got.extend, lambda: rate[0], limit=limit)


def run(clock: Clock, until: float, step: float) -> None:
    while clock.seconds() + step <= until + 1e-9:
        clock.advance(step)


def test_ten_bits_a_byte_at_8n1_and_eleven_with_parity():
    assert bits_per_character(LineSettings()) == 10
    assert characters_per_second(LineSettings(baudrate=115200)) == 11520
    assert bits_per_character(LineSettings(parity="E")) == 11
    assert bits_per_character(LineSettings(bytesize=7, stopbits=2)) == 10


def test_a_busy_line_delivers_its_rate_and_never_more():
    clock, got, _, p = pacer()
    p.write(bytes(range(256)) * 100)  # 25,600 bytes: over two seconds of line
    for _ in range(200):
        clock.advance(0.01)
        line = clock.seconds() * CPS
        assert line - CPS * TICK - 1 <= len(got) <= line + 1e-6
    run(clock, 3.0, 0.01)
    assert bytes(got) == bytes(range(256)) * 100


def test_a_late_reactor_delivers_what_was_due_meanwhile():
    clock, got, _, p = pacer()
    p.write(b"x" * 30000)
    clock.advance(1.0)  # one late turn
    assert len(got) == 11520
    clock.advance(0.5)
    assert len(got) == 17280


def test_a_short_reply_arrives_whole_when_its_last_bit_is_due():
    clock, got, _, p = pacer(cps=960.0)  # 9600 baud
    p.write(b"\r\nOK\r\n")
    clock.advance(6 / 960 - 0.0001)
    assert got == b""
    clock.advance(0.0001)
    assert got == b"\r\nOK\r\n"


def test_an_idle_line_gathers_no_credit():
    clock, got, _, p = pacer(cps=960.0)
    p.write(b"a" * 96)
    clock.advance(10.0)
    assert len(got) == 96
    p.write(b"b" * 96)
    clock.advance(0.05)
    assert len(got) == 96  # not at once: the line is 0.1 s busy with them
    clock.advance(0.05)
    assert len(got) == 192


def test_bytes_keep_the_rate_they_were_written_at():
    clock, got, rate, p = pacer(cps=960.0)
    p.write(b"a" * 96)  # 0.1 s at 960
    rate[0] = 9600.0
    p.write(b"b" * 960)  # then 0.1 s at 9600
    clock.advance(0.1)
    assert bytes(got) == b"a" * 96
    clock.advance(0.1)
    assert bytes(got) == b"a" * 96 + b"b" * 960


def test_what_does_not_fit_is_dropped_and_counted():
    clock, got, _, p = pacer(limit=1000)
    p.write(b"x" * 1500)
    assert (p.waiting, p.dropped) == (1000, 500)
    p.clear()
    assert p.waiting == 0
    clock.advance(1.0)
    assert got == b""


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.binary(min_size=0, max_size=3000),
                          st.floats(0.0, 0.3)), max_size=12),
       st.sampled_from([300.0, 960.0, 11520.0]))
def test_any_writes_come_out_in_order_and_never_ahead_of_the_line(writes, cps):
    clock, got, _, p = pacer(cps=cps)
    sent = bytearray()
    line_end = 0.0  # when the line has sent everything written so far
    finished: list[float] = []  # when each byte's last bit is on the wire
    for data, pause in writes:
        start = max(clock.seconds(), line_end)
        finished += [start + (i + 1) / cps for i in range(len(data))]
        line_end = start + len(data) / cps
        p.write(data)
        sent += data
        clock.advance(pause)
        on_the_wire = bisect.bisect_right(finished, clock.seconds() + 1e-9)
        assert len(got) <= on_the_wire
        assert bytes(got) == bytes(sent[:len(got)])
    clock.advance(len(sent) / cps + 1)
    assert bytes(got) == bytes(sent)


def test_a_paced_port_paces_what_its_channel_writes_and_drops_it_when_the_host_leaves():
    clock = Clock()
    channel = Channel("m/tcp")
    spec = PortSpec(kind="tcp", target="tcp:0:interface=127.0.0.1", paced=True)
    port_service(spec, channel, clock, "m tcp")
    host = Host()
    channel.set_line_settings(baudrate=9600)
    channel.attach_host(host)
    channel.write(b"y" * 960)
    clock.advance(0.5)
    assert len(host.received) == 480
    channel.detach_host()
    nxt = Host()
    channel.attach_host(nxt)
    clock.advance(1.0)
    assert len(host.received) == 480 and nxt.received == b""


def test_an_unpaced_port_delivers_at_once():
    clock = Clock()
    channel = Channel("m/tcp")
    port_service(PortSpec(kind="tcp", target="tcp:0"), channel, clock, "m tcp")
    host = Host()
    channel.attach_host(host)
    channel.write(b"z" * 5000)
    assert len(host.received) == 5000


def test_ipr_answers_at_the_old_rate_and_paces_at_the_new_one_after():
    bench = Bench()
    port = bench.port
    port.channel.host_wrapper = lambda host: PacedHost(host, port.channel, bench.clock)
    port.channel.detach_host()
    port.channel.attach_host(port.host)
    port.channel.receive(b"AT+IPR=9600\r")
    bench.advance(len(OK) / CPS)  # 115200 baud
    assert port.take() == OK
    assert port.channel.line_settings.baudrate == 9600
    port.channel.receive(b"AT\r")
    bench.advance(len(OK) / CPS)
    assert port.take() == ""  # 9600 baud now: 6.25 ms for six bytes
    bench.advance(len(OK) / 960)
    assert port.take() == OK
    port.channel.receive(b"AT+IPR=0\r")  # autobaud: the rate in use stays
    bench.advance(1.0)
    assert port.channel.line_settings.baudrate == 9600


class _TcpHostEnd:
    """A transport's host end with the optional methods a TCP host end has."""

    def __init__(self):
        self.delivered = []
        self.now = []
        self.disconnected = False

    def deliver(self, data):
        self.delivered.append(data)

    def deliver_now(self, data):
        self.now.append(data)

    def modem_signals_changed(self, signals):
        pass

    def disconnect(self):
        self.disconnected = True


def test_a_paced_host_passes_port_close_through_but_never_sends_unpaced():
    clock = Clock()
    channel = Channel("m1")
    channel.line_settings = LineSettings(baudrate=9600)
    end = _TcpHostEnd()
    paced = PacedHost(end, channel, clock)
    channel.attach_host(paced)
    channel.write(b"\r\nOK\r\n")  # what the channel gives at once goes through the pacer
    assert not hasattr(paced, "deliver_now")
    assert end.delivered == [] and end.now == []
    clock.advance(0.005)  # 6 characters at 960 a second take 6.25 ms
    assert end.delivered == [] and end.now == []
    clock.advance(1.0)
    # Due, the bytes go to the socket at once (nothing waits before them on the line).
    assert end.delivered == [] and b"".join(end.now) == b"\r\nOK\r\n"
    channel.hang_up()  # the port_close fault on a paced TCP port
    assert end.disconnected
