"""When the modem holds its input (its FIFO is full), an RFC 2217 host is asked to stop
sending with FLOWCONTROL-SUSPEND (the access server's code 108) and to go on with
FLOWCONTROL-RESUME (109), besides CTS off: on the sans-IO server, and over loopback with a
modem whose command keeps it busy (on task.Clock) while the host floods it."""

from __future__ import annotations

import logging

import serial
from twisted.internet import endpoints, reactor, threads
from twisted.trial import unittest

from simulator.at.interpreter import INPUT_HOLD
from simulator.faults import Injector, make_fault
from simulator.line import Channel
from simulator.ports import port_service
from simulator.transport.rfc2217.server import ComPortServer
from simulator.transport.spec import PortSpec
from tests.modem.bench import Bench
from tests.realtime import Collector, until

from .test_rfc2217_codec import COM_PORT, DO, IAC, WILL, feed, negotiated, sb
from .test_rfc2217_pyserial import call_in_reactor, eventually

SUSPEND, RESUME = sb(108), sb(109)
CTS_OFF, CTS_ON = sb(107, 0x01 | 0x20), sb(107, 0x01 | 0x10 | 0x20)


def test_suspend_and_resume_once_per_change():
    conn = negotiated()
    conn.data_to_send()
    conn.hold_host(True)
    assert conn.data_to_send() == SUSPEND
    conn.hold_host(True)
    assert conn.data_to_send() == b""
    conn.hold_host(False)
    assert conn.data_to_send() == RESUME
    conn.hold_host(False)
    assert conn.data_to_send() == b""


def test_a_host_without_com_port_option_is_not_sent_them_until_it_agrees():
    conn = ComPortServer()
    conn.data_to_send()
    conn.hold_host(True)
    assert conn.data_to_send() == b""  # plain telnet: a subnegotiation it never asked for
    _, out = feed(conn, bytes([IAC, WILL, COM_PORT]))
    assert out.endswith(SUSPEND)  # agreeing while held, it learns it at once
    conn.hold_host(False)
    assert conn.data_to_send() == RESUME


def test_while_the_host_suspended_us_the_request_waits_behind_it():
    conn = negotiated()
    conn.data_to_send()
    feed(conn, sb(8))  # the host suspends our output
    conn.hold_host(True)
    assert conn.data_to_send() == b""
    _, out = feed(conn, sb(9))
    assert out == SUSPEND


def bench_on_rfc2217(test, name: str):
    """The bench modem served on a real RFC 2217 port on loopback, stopped when ``test`` (a
    trial TestCase) cleans up: (bench, its channel, the port service)."""
    bench = Bench()
    channel = Channel(name)
    bench.modem.attach(channel, "rfc2217:tcp")
    spec = PortSpec(kind="rfc2217", target="tcp:0:interface=127.0.0.1")
    service = port_service(spec, channel, reactor, "m1 rfc2217")
    service.startService()
    test.addCleanup(lambda: service.running and service.stopService())
    return bench, channel, service


class FloodTestCase(unittest.TestCase):
    """A host floods a modem whose first command waits (a ``delay_reply`` on the bench's
    Clock): past the FIFO the port stops reading, the host is sent SUSPEND and CTS off; once
    the command answers and the backlog is worked off, RESUME and CTS on."""

    timeout = 60

    def setUp(self):
        self.bench, self.channel, self.service = bench_on_rfc2217(self, "flood")

    async def test_a_full_fifo_suspends_the_host_and_room_resumes_it(self):
        host = Collector()
        endpoint = endpoints.TCP4ClientEndpoint(reactor, "127.0.0.1", self.service.address.port)
        client = await endpoints.connectProtocol(endpoint, host)
        self.addCleanup(client.transport.loseConnection)
        client.transport.write(bytes([IAC, WILL, COM_PORT, IAC, DO, COM_PORT]))
        await until(lambda: sb(107, 0x10 | 0x20) in host.data)  # the first modem state
        Injector().apply(make_fault("delay_reply", {"delay": 10.0, "match": "AT+CSQ"}),
                         self.bench.modem)
        client.transport.write(b"ATE0\rAT+CSQ\r" + b"AT\r" * (INPUT_HOLD // 3 + 10))
        await until(lambda: SUSPEND in host.data and CTS_OFF in host.data)
        assert RESUME not in host.data
        self.bench.clock.advance(10.0)  # the command answers; the backlog is worked off
        for _ in range(100):
            self.bench.clock.advance(0)
        await until(lambda: RESUME in host.data and CTS_ON in host.data)
        assert host.data.index(SUSPEND) < host.data.index(RESUME)



    def _work_off(self):
        self.bench.clock.advance(10.0)
        for _ in range(100):
            self.bench.clock.advance(0)

    async def test_pyserial_ignores_the_request_and_its_session_goes_on(self):
        """pyserial 3.5's client looks for 8/9 from the server, so it logs 108/109 as an
        unknown COM-PORT-OPTION and goes on (its write never waits for a RESUME anyway); it
        is held back by TCP, sees CTS drop and come back, and gets every answer."""
        seen = []
        handler = logging.Handler()
        handler.emit = lambda record: seen.append(record.getMessage())
        logger = logging.getLogger("pySerial.rfc2217")
        logger.addHandler(handler)
        self.addCleanup(logger.removeHandler, handler)
        url = f"rfc2217://127.0.0.1:{self.service.address.port}?logging=warning"
        lines = INPUT_HOLD // 3 + 10
        injector = Injector()

        def session():
            s = serial.serial_for_url(url, timeout=1)
            try:
                result = {"echo": s.read(s.write(b"ATE0\r") + 6)}
                call_in_reactor(injector.apply, make_fault(
                    "delay_reply", {"delay": 10.0, "match": "AT+CSQ"}), self.bench.modem)
                s.write(b"AT+CSQ\r" + b"AT\r" * lines)
                result["cts_off"] = eventually(lambda: not s.cts)
                call_in_reactor(self._work_off)
                answers = bytearray()
                for _ in range(200):
                    answers += s.read(4096)
                    if answers.count(b"OK") == lines + 1:
                        break
                result["answers"] = bytes(answers)
                result["cts_on"] = eventually(lambda: s.cts)
                return result
            finally:
                s.close()

        result = await threads.deferToThread(session)
        self.flushWarnings()  # pyserial 3.5's client uses deprecated Thread methods
        assert result["echo"] == b"ATE0\r\r\nOK\r\n"
        assert result["cts_off"] and result["cts_on"]
        assert result["answers"].count(b"\r\nOK\r\n") == lines + 1
        assert result["answers"].startswith(b"\r\n+CSQ: ")
        ignored = [m for m in seen if "ignoring COM_PORT_OPTION" in m]
        assert any(",l'" in m for m in ignored) and any(",m'" in m for m in ignored), seen
