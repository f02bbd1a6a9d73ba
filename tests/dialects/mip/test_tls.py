"""SSL sockets (``<Protocol>`` 2) over the real reactor: a real TLS handshake with a
host-side TLS echo server reached through ``allow:``, its close_notify, and a peer that is
not a TLS server.  Nothing leaves 127.0.0.1."""

from __future__ import annotations

import ipaddress

from twisted.internet import protocol, reactor, ssl
from twisted.trial import unittest

from simulator.network.spec import IpNetworkSpec, LinksSpec
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

    async def start(self) -> MipBench:
        bench = MipBench(ip=ALLOW_LOOPBACK, network=FAST_LTE, reactor=reactor)
        self.addCleanup(bench.network.stopService)
        self.addCleanup(bench.modem.power_off)
        await until(lambda: "+CEREG: 0,1" in bench.at("+CEREG?"))
        bench.port.channel.receive(b'AT+MIPCALL=1,"CTNET"\r')
        await until(lambda: "+MIPCALL: 10." in bench.port.host.received.decode("latin-1"))
        bench.port.take()
        return bench

    def serve(self, factory, tls: bool) -> int:
        if tls:
            key = ssl.KeyPair.generate(size=2048)
            certificate = key.selfSignedCert(1, commonName="tls.lab")
            options = ssl.PrivateCertificate.fromCertificateAndKeyPair(certificate, key).options()
            listening = reactor.listenSSL(0, factory, options, interface="127.0.0.1")
        else:
            listening = reactor.listenTCP(0, factory, interface="127.0.0.1")
        self.addCleanup(listening.stopListening)
        return listening.getHost().port

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

    async def test_a_peer_that_is_not_a_tls_server_fails_the_open(self):
        port = self.serve(protocol.Factory.forProtocol(Silent), tls=False)
        bench = await self.start()
        bench.port.channel.receive(f'AT+MIPOPEN=1,,"127.0.0.1",{port},2\r'.encode())
        self.assertEqual(await self.shown(bench, "+MIPSTAT"), OK + "\r\n+MIPSTAT: 1,1\r\n")
