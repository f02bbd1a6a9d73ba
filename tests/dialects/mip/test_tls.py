"""SSL sockets (``<Protocol>`` 2) over the real reactor: a real TLS handshake with a
host-side TLS echo server reached through ``allow:``, its close_notify, and a peer that is
not a TLS server; a modem that verifies (``tls: {verify: true}``) accepts a server whose
certificate the lab CA (or the scenario's CA file) issued for the name it opened, and fails
the open otherwise.  Nothing leaves 127.0.0.1."""

from __future__ import annotations

import ipaddress
from pathlib import Path

from twisted.internet import protocol, reactor
from twisted.protocols.tls import TLSMemoryBIOFactory
from twisted.trial import unittest

from simulator.network.lab.ca import LabCa
from simulator.network.spec import IpNetworkSpec, LinksSpec, TlsSpec
from tests.dialects.mip.bench import LAB, OK, MipBench
from tests.dialects.mip.test_real_sockets import FAST_LTE, until

ALLOW_LOOPBACK = IpNetworkSpec(apns=LAB.apns, allow=(ipaddress.IPv4Network("127.0.0.0/8"),),
                               links=LinksSpec(default="ideal"))


class Echo(protocol.Protocol):
    def dataReceived(self, data: bytes) -> None:
        if data == b"bye":
            self.transport.loseConnection()  # close_notify, then FIN
        else:
            self.transport.write(data.upper())


class Silent(protocol.Protocol):
    def dataReceived(self, data: bytes) -> None:
        self.transport.write(b"this is not TLS\r\n")
        self.transport.loseConnection()


class TlsTests(unittest.TestCase):
    timeout = 60

    async def start(self, tls: TlsSpec | None = None) -> MipBench:
        self.state_dir = Path(self.mktemp())
        bench = MipBench(ip=ALLOW_LOOPBACK, network=FAST_LTE, reactor=reactor, tls=tls,
                         state_dir=self.state_dir)
        self.addCleanup(bench.network.stopService)
        self.addCleanup(bench.modem.power_off)
        await until(lambda: "+CEREG: 0,1" in bench.at("+CEREG?"))
        bench.port.channel.receive(b'AT+MIPCALL=1,"CTNET"\r')
        await until(lambda: "+MIPCALL: 10." in bench.port.host.received.decode("latin-1"))
        bench.port.take()
        return bench

    def serve(self, factory, tls: bool) -> int:
        if tls:  # a certificate of some CA the modem does not know
            options = LabCa.create().server_options(["tls.lab"])
            listening = reactor.listenSSL(0, factory, options, interface="127.0.0.1")
        else:
            listening = reactor.listenTCP(0, factory, interface="127.0.0.1")
        self.addCleanup(listening.stopListening)
        return listening.getHost().port

    def serve_with(self, options) -> int:
        """A host-side TLS echo with these server options (a certificate of some CA)."""
        factory = TLSMemoryBIOFactory(options, False, protocol.Factory.forProtocol(Echo))
        listening = reactor.listenTCP(0, factory, interface="127.0.0.1")
        self.addCleanup(listening.stopListening)
        return listening.getHost().port

    async def verified_open(self, bench: MipBench, options, host="127.0.0.1") -> str:
        port = self.serve_with(options)
        bench.port.channel.receive(f'AT+MIPOPEN=1,,"{host}",{port},2\r'.encode())
        await until(lambda: "+MIPOPEN: 1" in bench.port.host.received.decode("latin-1")
                    or "+MIPSTAT: 1" in bench.port.host.received.decode("latin-1"))
        return bench.port.take()

    async def test_a_verifying_modem_accepts_a_lab_ca_certificate_for_the_address(self):
        bench = await self.start(TlsSpec(verify=True))
        options = bench.network.lab_ca.server_options([], ["127.0.0.1"])
        self.assertEqual(await self.verified_open(bench, options), OK + "\r\n+MIPOPEN: 1,1\r\n")
        bench.at('+MIPSEND=1,"6F6B"')
        bench.at("+MIPPUSH=1")
        self.assertIn("+MIPRTCP: 1,0,4F4B", await self.shown(bench, "+MIPRTCP"))

    async def test_a_certificate_for_another_name_fails_the_open(self):
        bench = await self.start(TlsSpec(verify=True))
        options = bench.network.lab_ca.server_options(["tls.lab"])
        self.assertEqual(await self.verified_open(bench, options), OK + "\r\n+MIPSTAT: 1,1\r\n")
        self.assertEqual(bench.at("+MIPOPEN?"), "\r\n+MIPOPEN: 1 2 3 4 5 6\r\n" + OK)

    async def test_a_certificate_of_an_unknown_ca_fails_the_open(self):
        bench = await self.start(TlsSpec(verify=True))
        options = LabCa.create().server_options([], ["127.0.0.1"])
        self.assertEqual(await self.verified_open(bench, options), OK + "\r\n+MIPSTAT: 1,1\r\n")

    async def test_a_modem_that_does_not_verify_takes_any_certificate(self):
        bench = await self.start(TlsSpec(verify=False))
        options = LabCa.create().server_options(["elsewhere.example"])
        self.assertEqual(await self.verified_open(bench, options), OK + "\r\n+MIPOPEN: 1,1\r\n")

    async def test_the_scenario_ca_file_is_trusted_besides_the_lab_ca(self):
        outside = LabCa.create()  # the CA of a real server reached through allow:
        ca_file = Path(self.mktemp())
        ca_file.write_bytes(outside.pem)
        bench = await self.start(TlsSpec(verify=True, ca=ca_file))
        options = outside.server_options([], ["127.0.0.1"])
        self.assertEqual(await self.verified_open(bench, options), OK + "\r\n+MIPOPEN: 1,1\r\n")

    async def shown(self, bench: MipBench, text: str) -> str:
        await until(lambda: text in bench.port.host.received.decode("latin-1"))
        return bench.port.take()

    async def test_an_ssl_socket_handshakes_exchanges_and_sees_the_close_alert(self):
        port = self.serve(protocol.Factory.forProtocol(Echo), tls=True)
        bench = await self.start()
        bench.port.channel.receive(f'AT+MIPOPEN=3,,"127.0.0.1",{port},2\r'.encode())
        self.assertEqual(await self.shown(bench, "+MIPOPEN: 3,1"), OK + "\r\n+MIPOPEN: 3,1\r\n")
        bench.at('+MIPSEND=3,"68656C6C6F"')
        bench.at("+MIPPUSH=3")
        self.assertIn("+MIPRTCP: 3,0,48454C4C4F", await self.shown(bench, "+MIPRTCP"))
        bench.at('+MIPSEND=3,"627965"')
        bench.at("+MIPPUSH=3")
        self.assertIn("+MIPSTAT: 3,2", await self.shown(bench, "+MIPSTAT"))
        self.assertEqual(bench.at("+MIPOPEN?"), "\r\n+MIPOPEN: 1 2 3 4 5 6\r\n" + OK)

    async def test_an_ssl_socket_shows_no_acknowledged_count_even_when_asked(self):
        """M30: +MIPCONF's ACK indication gives TCP sockets a count; below TLS the peer
        acknowledges records, not the host's bytes, so an SSL socket's lines stay short."""
        port = self.serve(protocol.Factory.forProtocol(Echo), tls=True)
        bench = await self.start()
        self.assertEqual(bench.at("+MIPCONF=3,,,,,2"), OK)
        bench.port.channel.receive(f'AT+MIPOPEN=3,,"127.0.0.1",{port},2\r'.encode())
        await self.shown(bench, "+MIPOPEN: 3,1")
        bench.at('+MIPSEND=3,"627965"')
        bench.at("+MIPPUSH=3")
        shown = await self.shown(bench, "+MIPSTAT")
        self.assertIn("\r\n+MIPSTAT: 3,2\r\n", shown)

    async def test_a_peer_that_is_not_a_tls_server_fails_the_open(self):
        port = self.serve(protocol.Factory.forProtocol(Silent), tls=False)
        bench = await self.start()
        bench.port.channel.receive(f'AT+MIPOPEN=1,,"127.0.0.1",{port},2\r'.encode())
        self.assertEqual(await self.shown(bench, "+MIPSTAT"), OK + "\r\n+MIPSTAT: 1,1\r\n")
