"""+MIPXOFF/+MIPXON against a real peer that reads slowly (003 §1.1.19, §1.1.20, M10): a
host-side TCP server reached through ``allow:`` stops reading; the host keeps sending in basic
mode until the modem shows ``+MIPXOFF: 1`` and refuses more; once the peer reads again the
modem shows ``+MIPXON: 1`` and takes data again, and the peer has every accepted byte, in order,
unchanged.  Nothing leaves 127.0.0.1."""

from __future__ import annotations

import ipaddress
import random
import socket

from twisted.internet import protocol, reactor
from twisted.trial import unittest

from simulator.network.spec import IpNetworkSpec, LinksSpec
from tests.dialects.mip import test_real_sockets as real
from tests.dialects.mip.bench import LAB
from tests.dialects.mip.test_real_sockets import until, wait

#: A send loop that never sees +MIPXOFF fails here rather than running on.
CAP = 64 * 1024 * 1024


class SlowReader(protocol.Protocol):
    """Reads nothing until told to; then keeps everything."""

    def __init__(self) -> None:
        self.data = bytearray()

    def connectionMade(self) -> None:
        self.transport.pauseProducing()

    def dataReceived(self, data: bytes) -> None:
        self.data += data


class FlowControlTests(unittest.TestCase):
    timeout = 300

    start = real.RealSocketTests.start
    opened = real.RealSocketTests.opened

    async def test_a_slow_peer_turns_flow_off_and_reading_turns_it_back_on(self):
        peers: list[SlowReader] = []

        class Factory(protocol.Factory):
            def buildProtocol(self, addr):
                peers.append(SlowReader())
                return peers[-1]

        listening = reactor.listenTCP(0, Factory(), interface="127.0.0.1")
        self.addCleanup(listening.stopListening)
        # a small receive window (inherited by the accepted socket) fills sooner
        listening.socket.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        ip = IpNetworkSpec(apns=LAB.apns, allow=(ipaddress.IPv4Network("127.0.0.0/8"),),
                           links=LinksSpec(default="ideal"))
        bench = await self.start(ip)
        await self.opened(bench, f'1,,"127.0.0.1",{listening.getHost().port},0')
        await until(lambda: peers)
        rng = random.Random(11)
        accepted = bytearray()
        shown = ""
        while "+MIPXOFF: 1" not in shown:
            self.assertLess(len(accepted), CAP, "the modem never turned flow off")
            chunk = rng.randbytes(1024)
            answer = bench.at(f'+MIPSEND=1,"{chunk.hex().upper()}"')
            shown += answer
            if "+MIPSEND: 1,0," in answer:
                accepted += chunk
            shown += bench.at("+MIPPUSH=1")
            await wait(0)  # let the reactor move what the stack sent
            shown += bench.port.take()
        self.assertNotIn("+MIPXON: 1", shown)
        # flowed off: a new line is refused, status 1, and nothing of it is kept
        refused = bench.at('+MIPSEND=1,"00"')
        self.assertIn("\r\n+MIPSEND: 1,1,", refused)

        peers[0].transport.resumeProducing()
        await until(lambda: "+MIPXON: 1" in bench.port.host.received.decode("latin-1"))
        tail = rng.randbytes(1024)
        self.assertIn("\r\n+MIPSEND: 1,0,", bench.at(f'+MIPSEND=1,"{tail.hex().upper()}"'))
        accepted += tail
        bench.at("+MIPPUSH=1")
        await until(lambda: len(peers[0].data) >= len(accepted))
        self.assertEqual(bytes(peers[0].data), bytes(accepted))
        bench.at("+MIPCLOSE=1")
        peers[0].transport.loseConnection()
