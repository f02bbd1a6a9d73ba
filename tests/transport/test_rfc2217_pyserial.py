"""The RFC 2217 transport driven by pyserial's own client, with no URL options.

pyserial's client blocks, so it runs in a thread from the reactor's pool while the reactor
runs here; anything it needs done on the simulator side goes back through
``blockingCallFromThread``.
"""

from __future__ import annotations

import time

import serial
from twisted.internet import defer, reactor, threads
from twisted.trial import unittest

from simulator.line import HostSignals
from simulator.ports import port_service
from simulator.transport.spec import PortSpec

from .doubles import echo_channel, wait_until


def call_in_reactor(function, *args, **kwargs):
    return threads.blockingCallFromThread(reactor, function, *args, **kwargs)


def eventually(predicate, timeout: float = 3.0) -> bool:
    """In the client thread: poll ``predicate`` until true or ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()


class Rfc2217TestCase(unittest.TestCase):
    timeout = 30

    def setUp(self):
        self.channel, self.device = echo_channel()
        self.label = "lab-4 rfc2217:tcp:0:interface=127.0.0.1"
        spec = PortSpec(kind="rfc2217", target="tcp:0:interface=127.0.0.1")
        self.service = port_service(spec, self.channel, reactor, self.label)
        self.service.startService()
        self.addCleanup(lambda: self.service.running and self.service.stopService())
        self.url = f"rfc2217://127.0.0.1:{self.service.address.port}"

    def tearDown(self):
        # pyserial 3.5's client calls Thread.setDaemon/setName, which Python deprecates.
        self.flushWarnings()

    def open(self) -> serial.Serial:
        return serial.serial_for_url(self.url, timeout=2)

    @defer.inlineCallbacks
    def test_pyserial_session_data_settings_and_signals(self):
        channel = self.channel
        self.assertFalse(channel.host_signals.dtr, "no host: DTR off")

        def session():
            s = self.open()
            try:
                seen = {}
                payload = b"AT\r\xff\x00\r\n\x11\x13+++"
                s.write(payload)
                seen["echo"] = s.read(len(payload))

                s.baudrate = 9600
                seen["line"] = call_in_reactor(lambda: channel.line_settings)

                s.dtr = False  # pyserial waits for the SET-CONTROL answer
                seen["dtr_off"] = call_in_reactor(lambda: channel.host_signals)
                s.dtr = True
                seen["dtr_on"] = call_in_reactor(lambda: channel.host_signals)
                s.rts = False
                seen["rts_off"] = call_in_reactor(lambda: channel.host_signals)

                seen["lines_at_open"] = (s.cd, s.ri, s.dsr, s.cts)
                call_in_reactor(channel.set_modem_signals, dcd=True, ri=True)
                seen["carrier"] = eventually(lambda: s.cd and s.ri)
                call_in_reactor(channel.set_modem_signals, dcd=False, ri=False, dsr=False)
                seen["no_carrier"] = eventually(lambda: not s.cd and not s.ri and not s.dsr)
                return seen
            finally:
                s.close()

        seen = yield threads.deferToThread(session)
        self.assertEqual(seen["echo"], b"AT\r\xff\x00\r\n\x11\x13+++")
        self.assertEqual(bytes(self.device.received), b"AT\r\xff\x00\r\n\x11\x13+++")
        self.assertEqual(seen["line"].baudrate, 9600)
        self.assertEqual((seen["line"].bytesize, seen["line"].parity), (8, "N"))
        self.assertEqual(seen["dtr_off"], HostSignals(dtr=False, rts=True))
        self.assertEqual(seen["dtr_on"], HostSignals(dtr=True, rts=True))
        self.assertEqual(seen["rts_off"], HostSignals(dtr=True, rts=False))
        self.assertEqual(seen["lines_at_open"], (False, False, True, True))
        self.assertTrue(seen["carrier"], "s.cd / s.ri did not follow the modem")
        self.assertTrue(seen["no_carrier"], "s.cd / s.ri / s.dsr did not drop")
        yield wait_until(lambda: not self.channel.host_attached, what="close seen")
        self.assertEqual(self.device.events, ["opened", "closed"])
        self.assertEqual(
            [(new.dtr, new.rts) for _, new in self.device.signal_changes],
            [
                (False, False),  # listening, no host
                (True, True),  # host connected: like opening a serial port
                (False, True),  # s.dtr = False
                (True, True),  # s.dtr = True
                (True, False),  # s.rts = False
                (False, False),  # host closed: like closing a serial port
            ],
        )

    @defer.inlineCallbacks
    def test_a_second_host_replaces_the_first(self):
        def two_hosts():
            first = self.open()
            first.write(b"AT1\r")
            got_first = first.read(4)
            second = self.open()
            try:
                second.write(b"AT2\r")
                got_second = second.read(4)
                try:
                    after_kick = first.read(1)  # EOF or error: the server closed it
                except serial.SerialException:
                    after_kick = b""
            finally:
                second.close()
                first.close()
            return got_first, got_second, after_kick

        got_first, got_second, after_kick = yield threads.deferToThread(two_hosts)
        self.assertEqual((got_first, got_second, after_kick), (b"AT1\r", b"AT2\r", b""))
        self.assertEqual(self.service.gate.kicked, 1)
        yield wait_until(lambda: not self.channel.host_attached)
        self.assertEqual(self.device.events, ["opened", "closed", "opened", "closed"])
