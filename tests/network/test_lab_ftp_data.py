"""The lab FTP server's data connections: ready for a transfer the moment they connect, one
transfer each, and nothing logged as an error when the network takes them away."""

import re

from twisted.internet import error, task
from twisted.internet.address import IPv4Address
from twisted.internet.testing import StringTransport
from twisted.protocols import ftp
from twisted.python.failure import Failure

from simulator.ipstack.sockets import TcpSocket
from simulator.network.lab.ftp import LabDTP
from tests.ipstack.helpers import Events
from tests.logged import watch_errors
from tests.network import test_lab
from tests.network.test_lab import LabTestCase, until


class _Consumer:
    def __init__(self):
        self.data = b""
        self.producer = None

    def registerProducer(self, producer, streaming):  # noqa: N802
        self.producer = producer

    def unregisterProducer(self):  # noqa: N802
        self.producer = None

    def write(self, data):
        self.data += data


class _Pi:
    dtpInstance = None


def connect_registering():
    """A data connection whose factory's Deferred registers a consumer at once, as a STOR
    that came before the connection does; the data, then the client's close."""
    factory = ftp.DTPFactory(pi=_Pi(), reactor=task.Clock())
    consumer = _Consumer()
    outcome = []

    def register(_):
        factory.pi.dtpInstance.registerConsumer(consumer).addBoth(outcome.append)

    factory.deferred.addCallback(register)
    dtp = factory.buildProtocol(IPv4Address("TCP", "192.0.2.1", 20))
    dtp.makeConnection(StringTransport())
    dtp.dataReceived(b"uploaded ")
    dtp.dataReceived(b"bytes")
    dtp.connectionLost(Failure(error.ConnectionDone()))
    return dtp, consumer, outcome


def test_a_consumer_registered_as_the_data_connection_opens_gets_everything():
    dtp, consumer, outcome = connect_registering()
    assert isinstance(dtp, LabDTP)
    assert consumer.data == b"uploaded bytes"
    assert outcome == [None]  # the transfer ended with the client's close
    assert consumer.producer is None


class DataConnectionTests(LabTestCase):
    modem_control = test_lab.FtpTests.modem_control

    def setUp(self):
        super().setUp()
        self.logged = watch_errors(self)

    async def passive(self, bearer, command):
        reply = await command(b"PASV", b"227")
        numbers = [int(n) for n in
                   re.search(rb"\((\d+(?:,\d+){5})\)", reply).group(1).split(b",")]
        data_events = Events(read_all=True)
        data = TcpSocket(bearer, data_events)
        self.addCleanup(data.abort)
        return data, data_events, (".".join(map(str, numbers[:4])), numbers[4] << 8 | numbers[5])

    async def test_stor_sent_before_the_data_connection_is_made(self):
        bearer, command = await self.modem_control()
        control = self.control
        data, _, address = await self.passive(bearer, command)
        # STOR leaves first: it waits at the server (reading is paused until the data
        # connection is there), then the data connection's SYN follows it on the same link.
        control.send(b"STOR up.bin\r\n")
        await until(lambda: control.unsent == 0)
        await data.connect(*address)
        data.send(b"uploaded bytes")
        data.close()
        await command(b"", b"226")
        self.assertEqual((self.dir / "ftp" / "up.bin").read_bytes(), b"uploaded bytes")
        self.assertEqual(self.logged, [])

    async def test_one_transfer_per_data_connection(self):
        bearer, command = await self.modem_control()
        data, data_events, address = await self.passive(bearer, command)
        await data.connect(*address)
        await command(b"RETR readme.txt", b"226")
        await until(lambda: "peer_closed" in data_events.names())
        # The same data connection again: refused, nothing registered on it.
        await command(b"STOR again.bin", b"425")
        await command(b"RETR readme.txt", b"425")
        self.assertFalse((self.dir / "ftp" / "again.bin").exists())
        self.assertEqual(self.logged, [])

    async def test_a_data_connection_the_network_broke_is_not_used(self):
        bearer, command = await self.modem_control()
        data, _, address = await self.passive(bearer, command)
        await data.connect(*address)
        data.abort()  # a reset, as when the modem's bearer goes
        await until(lambda: data.transport is None or data.transport.disconnected)
        await command(b"STOR cut.bin", b"426")
        self.assertFalse((self.dir / "ftp" / "cut.bin").exists())
        await command(b"NOOP", b"200")  # the session goes on
        self.assertEqual(self.logged, [])
