"""Flow control: a reader that stops reading stops the server, a writer that outruns the
network is told to wait, and nothing is lost either way."""

import os

from twisted.internet import task
from twisted.internet.interfaces import IPushProducer
from zope.interface import implementer

from simulator.ipstack.apps import (
    AppError,
    AppFailure,
    DataAvailable,
    Failed,
    Finished,
    FtpSession,
    HttpSession,
    Reply,
    Transfer,
    Writable,
)
from simulator.ipstack.apps.transfer import INCOMING_LIMIT, OUTGOING_LIMIT, SEGMENT
from tests.ipstack.apps.helpers import LabTestCase, Reader, ftp_host, sleep, until, web_host

BIG = os.urandom(1 << 20)  # 1 MiB: far more than every buffer on the way together


@implementer(IPushProducer)
class Source:
    def __init__(self):
        self.paused = False

    def pauseProducing(self):
        self.paused = True

    def resumeProducing(self):
        self.paused = False

    def stopProducing(self):
        pass


class Consumer:
    def __init__(self):
        self.data = bytearray()

    def write(self, data):
        self.data += data


def test_the_source_pauses_at_the_limit_and_resumes_below_half():
    clock = task.Clock()
    transfer, source, events = Transfer(clock), Source(), []
    transfer.listener = events.append
    transfer.set_source(source)
    transfer.deliver(b"x" * (INCOMING_LIMIT - 1))
    assert not source.paused
    transfer.deliver(b"x" * 100)  # never refused: bytes already received are kept
    assert source.paused and transfer.available == INCOMING_LIMIT + 99
    transfer.read(100)
    clock.advance(0)
    assert source.paused  # still more than half full
    transfer.read(INCOMING_LIMIT // 2)
    assert source.paused  # resumed later, not from inside read()
    clock.advance(0)
    assert not source.paused
    assert events == [DataAvailable(INCOMING_LIMIT - 1), DataAvailable(INCOMING_LIMIT + 99)]


def test_the_end_comes_after_the_last_byte_is_read():
    clock = task.Clock()
    transfer, events = Transfer(clock), []
    transfer.listener = events.append
    transfer.deliver(b"abc")
    transfer.fail(AppError(AppFailure.RESET))
    assert events == [DataAvailable(3)] and transfer.outcome is not None
    assert transfer.read(2) == b"ab"
    clock.advance(0)
    assert events == [DataAvailable(3)]
    assert transfer.read() == b"c"
    clock.advance(0)
    assert isinstance(events[-1], Failed) and events[-1].error.reason is AppFailure.RESET
    assert transfer.ended


def test_writes_take_what_fits_and_writable_follows_the_drain():
    clock = task.Clock()
    transfer, consumer, events = Transfer(clock), Consumer(), []
    transfer.listener = events.append
    assert transfer.write(b"a" * (OUTGOING_LIMIT + 5)) == OUTGOING_LIMIT
    assert transfer.send_free == 0
    transfer.attach_consumer(consumer)  # the connection is there: the bytes go
    assert bytes(consumer.data) == b"a" * OUTGOING_LIMIT
    clock.advance(0)
    assert events == [Writable()]
    transfer.pauseProducing()  # the connection is full
    assert transfer.write(b"b" * 10) == 10
    assert transfer.unsent == 10 and consumer.data.endswith(b"a")
    transfer.resumeProducing()
    assert consumer.data.endswith(b"b" * 10)
    drained = []
    transfer.attach_consumer(consumer, on_drained=lambda: drained.append(True))
    transfer.write(b"tail")
    transfer.finish()
    assert drained == []  # later, not from inside finish()
    clock.advance(0)
    assert drained == [True] and consumer.data.endswith(b"tail")
    transfer.complete(Reply(226, "226 done"))
    assert events[-1] == Finished(Reply(226, "226 done"))


def test_closing_drops_everything_and_resumes_the_source():
    clock = task.Clock()
    transfer, source, events, abandoned = Transfer(clock), Source(), [], []
    transfer.listener = events.append
    transfer.abandon = lambda: abandoned.append(True)
    transfer.set_source(source)
    transfer.deliver(b"x" * INCOMING_LIMIT)
    done = transfer.when_done()
    transfer.close()
    assert abandoned == [True] and not source.paused and transfer.available == 0
    transfer.deliver(b"late")
    transfer.complete(None)
    assert events == [DataAvailable(INCOMING_LIMIT)]
    failures = []
    done.addErrback(failures.append)
    assert failures[0].value.reason is AppFailure.CLOSED


class BackpressureTests(LabTestCase):
    def server_side(self, port: int):
        """The server's end of the modem's connection from ``port``."""
        for pipe in self.network.link("lab-1").flows:
            if pipe.b.local[1] == port or (port == 0 and pipe.b.local[1] not in (21, 80)):
                return pipe.b
        raise AssertionError(f"no connection from port {port}")

    async def test_a_paused_ftp_download_stops_the_server_and_loses_nothing(self):
        root = self.folder("ftp")
        (root / "big.bin").write_bytes(BIG)
        endpoints = await self.start(ftp_host(root))
        session = FtpSession(endpoints, "ftp.lab", user="user", password="secret")
        self.addCleanup(session.abort)
        await session.open()
        download = session.get("big.bin")
        reader = Reader(download, paused=True)
        await until(lambda: download.available >= INCOMING_LIMIT)
        await sleep(0.2)
        data_connection = self.server_side(0)
        written = data_connection.bytes_sent + data_connection.unsent
        await sleep(0.2)
        # The server wrote no more: FileSender is paused by the full path.  What it wrote
        # is the receive window, its socket buffer, a file chunk and the reader's buffer.
        self.assertEqual(data_connection.bytes_sent + data_connection.unsent, written)
        self.assertLess(written, 256 * 1024)
        self.assertLessEqual(download.available, INCOMING_LIMIT + SEGMENT)
        reader.resume()
        reply = await download.when_done()
        self.assertEqual(reply.code, 226)
        self.assertEqual(bytes(reader.data), BIG)

    async def test_a_paused_http_body_holds_and_resumes_intact(self):
        root = self.folder("www")
        (root / "big.bin").write_bytes(BIG)
        endpoints = await self.start(web_host(root))
        get = HttpSession(endpoints).request("GET", "http://www.lab/big.bin")
        reader = Reader(get, paused=True)
        await until(lambda: get.available >= INCOMING_LIMIT)
        await sleep(0.2)
        self.assertLessEqual(get.available, INCOMING_LIMIT + SEGMENT)
        web = self.server_side(80)
        self.assertLessEqual(web.bytes_sent, len(BIG) // 4)  # the rest waits at the server
        reader.resume()
        await get.when_done()
        self.assertEqual(bytes(reader.data), BIG)

    async def test_an_upload_takes_what_its_buffer_holds(self):
        root = self.folder("ftp")
        endpoints = await self.start(ftp_host(root))
        session = FtpSession(endpoints, "ftp.lab", user="user", password="secret")
        self.addCleanup(session.abort)
        await session.open()
        upload = session.put("big.bin")
        reader = Reader(upload)
        self.assertEqual(upload.write(BIG), OUTGOING_LIMIT)  # before the server is ready
        sent = OUTGOING_LIMIT
        while sent < len(BIG):
            await until(lambda: upload.send_free > 0)
            sent += upload.write(BIG[sent:])
        upload.finish()
        await upload.when_done()
        self.assertIn("Writable", reader.kinds())
        self.assertEqual((root / "big.bin").read_bytes(), BIG)

    async def test_a_released_bearer_fails_the_transfer_after_what_arrived(self):
        root = self.folder("www")
        (root / "big.bin").write_bytes(BIG)
        endpoints = await self.start(web_host(root))
        get = HttpSession(endpoints).request("GET", "http://www.lab/big.bin")
        reader = Reader(get, paused=True)
        await until(lambda: get.available >= INCOMING_LIMIT)
        self.bearer.release(by_network=True)
        reader.resume()
        with self.assertRaises(AppError) as caught:
            await get.when_done()
        self.assertIs(caught.exception.reason, AppFailure.BEARER_RELEASED)
        self.assertGreaterEqual(len(reader.data), INCOMING_LIMIT)
        self.assertEqual(bytes(reader.data), BIG[:len(reader.data)])
