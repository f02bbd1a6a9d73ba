"""+MIP sockets on the real reactor: the lab's TCP echo, and a host-side TCP server reached
through ``allow:`` receiving 64 KiB sent in basic mode and answering it back.  Nothing
leaves 127.0.0.1."""

from __future__ import annotations

import ipaddress
import random
import socket

from twisted.internet import defer, protocol, reactor, threads
from twisted.trial import unittest

from simulator.network.spec import ExposeSpec, IpNetworkSpec, LinksSpec
from simulator.scenario.model import NetworkSpec, OperatorSpec, RegistrationSpec
from tests.dialects.mip.bench import LAB, OK, MipBench

FAST_LTE = NetworkSpec(operators=(OperatorSpec(mcc="001", mnc="01", name="CHN-CT",
                                               tech="lte"),),
                       registration=RegistrationSpec(delay=0.0))


def wait(seconds: float) -> defer.Deferred:
    d = defer.Deferred()
    reactor.callLater(seconds, d.callback, None)
    return d


#: How long a host program's socket waits, a guard against a hung thread only (real
#: sockets: no bound shorter than the test's own timeout, a busy machine is slow).
GUARD = 100


async def until(condition) -> None:
    """Poll ``condition()`` as real I/O happens; only the test's timeout bounds it."""
    while not condition():
        await wait(0.01)


class Echo(protocol.Protocol):
    def __init__(self) -> None:
        self.data = bytearray()

    def dataReceived(self, data: bytes) -> None:
        self.data += data
        self.transport.write(data)


class RealSocketTests(unittest.TestCase):
    timeout = 120

    async def start(self, ip: IpNetworkSpec, expose=()) -> MipBench:
        bench = MipBench(ip=ip, network=FAST_LTE, reactor=reactor, expose=expose)
        self.addCleanup(bench.network.stopService)
        self.addCleanup(bench.modem.power_off)
        await until(lambda: "+CEREG: 0,1" in bench.at("+CEREG?"))
        bench.port.channel.receive(b'AT+MIPCALL=1,"CTNET"\r')
        await until(lambda: "+MIPCALL: 10." in bench.port.host.received.decode("latin-1"))
        bench.port.take()
        return bench

    async def opened(self, bench: MipBench, line: str) -> str:
        bench.port.channel.receive(f"AT+MIPOPEN={line}\r".encode())
        await until(lambda: "+MIPOPEN: 1,1" in bench.port.host.received.decode("latin-1"))
        return bench.port.take()

    async def exchange(self, bench: MipBench, payload: bytes) -> bytes:
        """Send ``payload`` in 1 KiB +MIPSEND chunks and push; what came back in
        +MIPRTCP lines."""
        shown = bytearray()
        for start in range(0, len(payload), 1024):
            chunk = payload[start:start + 1024].hex()
            answer = bench.at(f'+MIPSEND=1,"{chunk}"')
            self.assertIn("+MIPSEND: 1,0,", answer)
            shown += answer.encode("latin-1")
        shown += bench.at("+MIPPUSH=1").encode("latin-1")

        def received() -> bytes:
            text = (bytes(shown) + bench.port.host.received).decode("latin-1")
            return b"".join(bytes.fromhex(line.rsplit(",", 1)[1])
                            for line in text.split("\r\n") if line.startswith("+MIPRTCP: 1,"))

        await until(lambda: len(received()) >= len(payload))
        echoed = received()
        bench.port.take()
        return echoed

    async def test_the_lab_echo_answers_over_the_real_reactor(self):
        bench = await self.start(LAB)
        await self.opened(bench, '1,,"111.231.250.105",3000,0')
        self.assertEqual(await self.exchange(bench, b"123456"), b"123456")
        self.assertEqual(bench.at("+MIPCLOSE=1"), OK + "\r\n+MIPCLOSE: 1,0\r\n")

    async def test_a_host_side_server_gets_64_kib_and_sends_them_back(self):
        peers: list[Echo] = []

        class Factory(protocol.Factory):
            def buildProtocol(self, addr):
                peers.append(Echo())
                return peers[-1]

        listening = reactor.listenTCP(0, Factory(), interface="127.0.0.1")
        self.addCleanup(listening.stopListening)
        ip = IpNetworkSpec(apns=LAB.apns, allow=(ipaddress.IPv4Network("127.0.0.0/8"),),
                           links=LinksSpec(default="ideal"))
        bench = await self.start(ip)
        await self.opened(bench, f'1,,"127.0.0.1",{listening.getHost().port},0')
        payload = random.Random(7).randbytes(64 * 1024)
        self.assertEqual(await self.exchange(bench, payload), payload)
        self.assertEqual(bytes(peers[0].data), payload)
        bench.at("+MIPCLOSE=1")
        for peer in peers:
            peer.transport.loseConnection()

    async def exposed_port(self, bench: MipBench) -> int:
        await until(lambda: bench.network.exposures("nl668")
                    and bench.network.exposures("nl668")[0].port)
        return bench.network.exposures("nl668")[0].port

    async def test_a_listening_tcp_socket_takes_the_peer_that_connects(self):
        bench = await self.start(LAB, expose=[ExposeSpec("tcp", 4000,
                                                         "tcp:0:interface=127.0.0.1")])
        self.assertEqual(bench.at('+MIPOPEN=1,4000,"0.0.0.0",0,0'), OK)
        port = await self.exposed_port(bench)

        def host_program():
            with socket.create_connection(("127.0.0.1", port), timeout=GUARD) as s:
                s.sendall(b"hello modem")
                return s.recv(100)

        reply = threads.deferToThread(host_program)
        shown = ""
        while "+MIPRTCP: 1,0," not in shown:
            await wait(0.01)
            shown += bench.port.take()
        self.assertRegex(shown, r"^\r\n\+MIPOPEN: 1,1,[0-9.]+,[0-9]+\r\n")
        self.assertIn("+MIPRTCP: 1,0,68656C6C6F206D6F64656D", shown)
        bench.at('+MIPSEND=1,"686F7374"')
        bench.at("+MIPPUSH=1")
        self.assertEqual(await reply, b"host")

    async def test_a_listening_udp_socket_answers_the_last_sender(self):
        bench = await self.start(LAB, expose=[ExposeSpec("udp", 5000,
                                                         "udp:0:interface=127.0.0.1")])
        self.assertEqual(bench.at('+MIPOPEN=2,5000,"",0,1'), OK + "\r\n+MIPOPEN: 2,1\r\n")
        port = await self.exposed_port(bench)
        host = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.addCleanup(host.close)
        host.bind(("127.0.0.1", 0))
        host.settimeout(GUARD)
        host.sendto(b"up", ("127.0.0.1", port))
        shown = ""
        while "+MIPRUDP: " not in shown:
            await wait(0.01)
            shown += bench.port.take()
        self.assertRegex(shown, r"\+MIPRUDP: [0-9.]+,[0-9]+,2,0,7570\r\n")
        bench.at('+MIPSEND=2,"646F776E"')
        bench.at("+MIPPUSH=2")
        data, _ = await threads.deferToThread(host.recvfrom, 100)
        self.assertEqual(data, b"down")

    async def test_online_data_mode_on_a_listening_socket(self):
        bench = await self.start(LAB, expose=[ExposeSpec("tcp", 4001,
                                                         "tcp:0:interface=127.0.0.1")])
        self.assertEqual(bench.at('+MIPODM=3,4001,"0.0.0.0",0,0'), "")  # OK waits for a peer
        port = await self.exposed_port(bench)

        def host_program():
            with socket.create_connection(("127.0.0.1", port), timeout=GUARD) as s:
                s.sendall(b"to modem")
                return s.recv(100)

        reply = threads.deferToThread(host_program)
        shown = ""
        while "to modem" not in shown:
            await wait(0.01)
            shown += bench.port.take()
        self.assertRegex(shown, r"^\r\nOK\r\n\r\n\+MIPODM: 3,1,[0-9.]+,[0-9]+\r\nto modem$")
        bench.port.channel.receive(b"to host")
        self.assertEqual(await reply, b"to host")
