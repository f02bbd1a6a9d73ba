"""SSL sockets to a real TLS server reached by name through a ``hosts:`` entry's
``forward:``: the modem opens ``secure.example``, the router carries the connection to a
TLS echo on 127.0.0.1 whose certificate a CA outside the lab issued for that name, and the
modem trusts that CA because its ``tls: {ca: ...}`` names the CA's PEM file.  With
verification on, a certificate for another name fails the open with ``+MIPSTAT: <id>,1``;
with verification off any certificate is taken.  Nothing leaves 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

from twisted.internet import protocol, reactor
from twisted.protocols.tls import TLSMemoryBIOFactory
from twisted.trial import unittest

from simulator.network.lab.ca import LabCa
from simulator.network.spec import ForwardSpec, HostSpec, IpNetworkSpec, LinksSpec, TlsSpec
from tests.dialects.mip.bench import LAB, OK, MipBench
from tests.dialects.mip.test_real_sockets import FAST_LTE, until
from tests.dialects.mip.test_tls import Echo

NAME = "secure.example"


class ForwardedTlsTests(unittest.TestCase):
    timeout = 60

    def setUp(self) -> None:
        self.outside = LabCa.create()  # the CA of the real server, not the lab's
        self.ca_file = Path(self.mktemp())
        self.ca_file.write_bytes(self.outside.pem)

    def serve(self, names: list[str]) -> int:
        """A TLS echo on 127.0.0.1 with the outside CA's certificate for ``names``."""
        factory = TLSMemoryBIOFactory(self.outside.server_options(names), False,
                                      protocol.Factory.forProtocol(Echo))
        listening = reactor.listenTCP(0, factory, interface="127.0.0.1")
        self.addCleanup(listening.stopListening)
        return listening.getHost().port

    async def start(self, port: int, tls: TlsSpec) -> MipBench:
        forwarded = HostSpec(NAME, forward=ForwardSpec(ports=((443, ("127.0.0.1", port)),)))
        ip = IpNetworkSpec(apns=LAB.apns, hosts=(forwarded,), links=LinksSpec(default="ideal"))
        bench = MipBench(ip=ip, network=FAST_LTE, reactor=reactor, tls=tls,
                         state_dir=Path(self.mktemp()))
        self.addCleanup(bench.network.stopService)
        self.addCleanup(bench.modem.power_off)
        await until(lambda: "+CEREG: 0,1" in bench.at("+CEREG?"))
        bench.port.channel.receive(b'AT+MIPCALL=1,"CTNET"\r')
        await until(lambda: "+MIPCALL: 10." in bench.port.host.received.decode("latin-1"))
        bench.port.take()
        return bench

    async def open(self, bench: MipBench) -> str:
        bench.port.channel.receive(f'AT+MIPOPEN=2,,"{NAME}",443,2\r'.encode())
        await until(lambda: "+MIPOPEN: 2" in bench.port.host.received.decode("latin-1")
                    or "+MIPSTAT: 2" in bench.port.host.received.decode("latin-1"))
        return bench.port.take()

    async def exchange(self, bench: MipBench) -> None:
        self.assertEqual(bench.at('+MIPSEND=2,"7365637265740A"'), "\r\n+MIPSEND: 2,0,2041\r\n" + OK)
        self.assertEqual(bench.at("+MIPPUSH=2"), "\r\n+MIPPUSH: 2,0,7\r\n" + OK)
        await until(lambda: "+MIPRTCP" in bench.port.host.received.decode("latin-1"))
        self.assertEqual(bench.port.take(), "\r\n+MIPRTCP: 2,0,5345435245540A\r\n")

    async def test_a_verifying_modem_trusts_the_scenario_ca_for_the_forwarded_name(self):
        bench = await self.start(self.serve([NAME]), TlsSpec(verify=True, ca=self.ca_file))
        self.assertEqual(await self.open(bench), OK + "\r\n+MIPOPEN: 2,1\r\n")
        await self.exchange(bench)

    async def test_a_verifying_modem_fails_a_certificate_for_another_name(self):
        bench = await self.start(self.serve(["other.example"]),
                                 TlsSpec(verify=True, ca=self.ca_file))
        self.assertEqual(await self.open(bench), OK + "\r\n+MIPSTAT: 2,1\r\n")
        self.assertEqual(bench.at("+MIPOPEN?"), "\r\n+MIPOPEN: 1 2 3 4 5 6\r\n" + OK)

    async def test_a_verifying_modem_without_the_ca_fails_the_forwarded_server(self):
        bench = await self.start(self.serve([NAME]), TlsSpec(verify=True))
        self.assertEqual(await self.open(bench), OK + "\r\n+MIPSTAT: 2,1\r\n")

    async def test_a_modem_that_does_not_verify_takes_the_other_name_too(self):
        bench = await self.start(self.serve(["other.example"]), TlsSpec(verify=False))
        self.assertEqual(await self.open(bench), OK + "\r\n+MIPOPEN: 2,1\r\n")
        await self.exchange(bench)
