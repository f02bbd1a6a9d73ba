"""The ``stall`` fault on a real RFC 2217 port, seen by pyserial's client: CTS goes off and
nothing comes back; undone, CTS is on again and the command that waited is answered."""

from __future__ import annotations

import serial
from twisted.internet import defer, reactor, threads
from twisted.trial import unittest

from simulator.faults import Injector, make_fault
from simulator.line import Channel
from simulator.ports import port_service
from simulator.transport.spec import PortSpec
from tests.modem.bench import Bench

from .test_rfc2217_pyserial import call_in_reactor, eventually


class StallTestCase(unittest.TestCase):
    timeout = 30

    def setUp(self):
        self.bench = Bench()
        self.channel = Channel("stall")
        self.bench.modem.attach(self.channel, "rfc2217:tcp")
        spec = PortSpec(kind="rfc2217", target="tcp:0:interface=127.0.0.1")
        self.service = port_service(spec, self.channel, reactor, "m1 rfc2217")
        self.service.startService()
        self.addCleanup(lambda: self.service.running and self.service.stopService())
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
