"""The ``stall`` fault on a real RFC 2217 port, seen by pyserial's client: CTS goes off and
nothing comes back; undone, CTS is on again and the command that waited is answered."""

from __future__ import annotations

import serial
from twisted.internet import defer, endpoints, reactor, threads
from twisted.trial import unittest

from simulator.faults import Injector, make_fault
from tests.realtime import Collector, until

from .test_rfc2217_codec import COM_PORT, DO, IAC, WILL, sb
from .test_rfc2217_flow import CTS_OFF, CTS_ON, RESUME, SUSPEND, bench_on_rfc2217
from .test_rfc2217_pyserial import call_in_reactor, eventually


class StallTestCase(unittest.TestCase):
    timeout = 30

    def setUp(self):
        self.bench, self.channel, self.service = bench_on_rfc2217(self, "stall")
        self.url = f"rfc2217://127.0.0.1:{self.service.address.port}"

    def tearDown(self):
        self.flushWarnings()  # pyserial 3.5's client uses deprecated Thread methods

    @defer.inlineCallbacks
    def test_cts_drops_and_the_answer_waits_for_the_end_of_the_stall(self):
        injector = Injector()
        stalls = []

        def session():
            s = serial.serial_for_url(self.url, timeout=1)
            try:
                seen = {}
                s.write(b"ATE0\r")
                seen["before"] = s.read(11)
                stalls.append(call_in_reactor(injector.apply, make_fault("stall"),
                                              self.bench.modem))
                seen["cts_off"] = eventually(lambda: not s.cts)
                s.write(b"AT\r")
                seen["during"] = s.read(6)  # the read times out: nothing comes
                call_in_reactor(stalls[0].undo)
                seen["after"] = s.read(6)
                seen["cts_on"] = eventually(lambda: s.cts)
                return seen
            finally:
                s.close()

        seen = yield threads.deferToThread(session)
        self.assertEqual(seen["before"], b"ATE0\r\r\nOK\r\n")
        self.assertTrue(seen["cts_off"], "the client did not see CTS drop")
        self.assertEqual(seen["during"], b"")
        self.assertEqual(seen["after"], b"\r\nOK\r\n")
        self.assertTrue(seen["cts_on"], "the client did not see CTS come back")


class StallFlowControlTestCase(unittest.TestCase):
    """A raw RFC 2217 host sees the stall as the input hold: FLOWCONTROL-SUSPEND (108) with
    CTS off, FLOWCONTROL-RESUME (109) with CTS on once undone; the modem's own hold and the
    stall's are counted apart."""

    timeout = 30

    def setUp(self):
        self.bench, self.channel, self.service = bench_on_rfc2217(self, "stall")

    async def host(self) -> Collector:
        host = Collector()
        endpoint = endpoints.TCP4ClientEndpoint(reactor, "127.0.0.1", self.service.address.port)
        client = await endpoints.connectProtocol(endpoint, host)
        self.addCleanup(client.transport.loseConnection)
        client.transport.write(bytes([IAC, WILL, COM_PORT, IAC, DO, COM_PORT]))
        await until(lambda: sb(107, 0x10 | 0x20) in host.data)  # the first modem state
        self.client = client
        return host

    async def test_stall_suspends_the_host_and_its_end_resumes_it(self):
        host = await self.host()
        stall = Injector().apply(make_fault("stall"), self.bench.modem)
        await until(lambda: SUSPEND in host.data and CTS_OFF in host.data)
        self.client.transport.write(b"AT\r")  # waits: the port does not read it
        self.assertNotIn(RESUME, host.data)
        stall.undo()
        await until(lambda: RESUME in host.data and CTS_ON in host.data
                    and host.data.endswith(b"\r\nOK\r\n"))
        self.assertLess(host.data.index(SUSPEND), host.data.index(RESUME))
        self.assertEqual(host.data.count(SUSPEND), 1)

    async def test_the_end_of_a_stall_does_not_resume_a_host_the_full_fifo_holds(self):
        host = await self.host()
        self.channel.hold_input(True)  # as the interpreter does when its FIFO is full
        await until(lambda: SUSPEND in host.data)
        stall = Injector().apply(make_fault("stall"), self.bench.modem)
        stall.undo()
        self.assertTrue(self.channel.input_held)
        self.channel.set_modem_signals(dcd=True)  # a mark behind what the undo sent
        await until(lambda: sb(107, 0x80 | 0x08 | 0x20 | 0x10) in host.data)
        self.assertNotIn(RESUME, host.data)
        self.channel.hold_input(False)
        await until(lambda: RESUME in host.data)
        self.assertEqual((host.data.count(SUSPEND), host.data.count(RESUME)), (1, 1))
