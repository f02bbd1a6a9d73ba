"""FTP sessions against the lab FTP server, through a modem's bearer."""

from simulator.ipstack.apps import AppError, AppFailure, Closed, FtpSession
from tests.ipstack.apps.helpers import (
    AWKWARD,
    LabTestCase,
    Reader,
    ftp_host,
    until,
    write_all,
)


class FtpTests(LabTestCase):
    async def session(self, *, passive=True, password="secret", **kw) -> FtpSession:
        root = self.folder("ftp")
        self.root = root
        endpoints = await self.start(ftp_host(root), **kw)
        session = FtpSession(endpoints, "ftp.lab", user="user", password=password,
                             passive=passive)
        self.addCleanup(session.abort)
        return session

    async def round_trip(self, passive: bool) -> None:
        session = await self.session(passive=passive)
        (self.root / "down.bin").write_bytes(AWKWARD)
        await session.open()

        download = session.get("down.bin")
        reader = Reader(download)
        reply = await download.when_done()
        self.assertEqual(bytes(reader.data), AWKWARD)
        self.assertEqual(reply.code, 226)
        self.assertEqual(reader.kinds()[0], "Opened")
        self.assertEqual(reader.kinds()[-1], "Finished")

        upload = session.put("up.bin")
        await write_all(upload, AWKWARD[::-1])
        reply = await upload.when_done()
        self.assertEqual(reply.code, 226)
        self.assertEqual((self.root / "up.bin").read_bytes(), AWKWARD[::-1])

        self.assertEqual(await session.size("up.bin"), len(AWKWARD))
        await session.delete("up.bin")
        self.assertFalse((self.root / "up.bin").exists())
        closed = []
        session.listener = closed.append
        await session.close()
        self.assertEqual(closed, [Closed(None)])

    async def test_passive_get_put_size_delete(self):
        await self.round_trip(passive=True)

    async def test_active_get_put_size_delete(self):
        await self.round_trip(passive=False)

    async def test_bad_password_is_password_rejected(self):
        session = await self.session(password="wrong")
        with self.assertRaises(AppError) as caught:
            await session.open()
        self.assertIs(caught.exception.reason, AppFailure.PASSWORD_REJECTED)
        self.assertEqual(caught.exception.reply.code, 530)

    async def test_missing_file_is_not_found(self):
        session = await self.session()
        await session.open()
        download = session.get("nothing-here.bin")
        Reader(download)
        with self.assertRaises(AppError) as caught:
            await download.when_done()
        self.assertIs(caught.exception.reason, AppFailure.NOT_FOUND)
        self.assertEqual(caught.exception.reply.code, 550)
        with self.assertRaises(AppError) as caught:
            await session.size("nothing-here.bin")
        self.assertIs(caught.exception.reason, AppFailure.NOT_FOUND)
        with self.assertRaises(AppError) as caught:
            await session.delete("nothing-here.bin")
        self.assertIs(caught.exception.reason, AppFailure.NOT_FOUND)
        # The session is still usable after refusals.
        (self.root / "there.txt").write_bytes(b"here\n")
        self.assertEqual(await session.size("there.txt"), 5)

    async def test_a_closed_download_leaves_the_session_usable(self):
        session = await self.session()
        (self.root / "big.bin").write_bytes(bytes(1 << 20))
        await session.open()
        download = session.get("big.bin")
        Reader(download, paused=True)
        await until(lambda: download.available > 0)
        download.close()  # aborts the data connection, as a modem does
        self.assertEqual(download.available, 0)
        (self.root / "small.txt").write_bytes(b"small\n")
        again = session.get("small.txt")
        reader = Reader(again)
        await again.when_done()
        self.assertEqual(bytes(reader.data), b"small\n")

    async def test_the_network_ending_the_session_is_reported(self):
        session = await self.session()
        await session.open()
        closed = []
        session.listener = closed.append
        # Right after the last reply: the lab server may still be finishing that command
        # when its connection goes.
        self.network.link("lab-1").close_connections("reset")
        await until(lambda: closed)
        self.assertEqual(len(closed), 1)
        self.assertIs(closed[0].error.reason, AppFailure.RESET)
        self.assertTrue(session.ended)
