"""The modem's bearer going during FTP transfers: the sessions end, and the lab FTP server
neither fails (a reply to a connection that is gone, a consumer on a data connection that is
gone) nor keeps a timer for the session after it."""

from simulator.ipstack.apps import AppFailure, FtpSession
from tests.ipstack.apps.helpers import LabTestCase, Reader, ftp_host, until, write_all
from tests.logged import watch_errors


class BearerReleaseTests(LabTestCase):
    async def session(self) -> FtpSession:
        self.logged = watch_errors(self)
        self.root = self.folder("ftp")
        (self.root / "big.bin").write_bytes(bytes(1 << 20))
        endpoints = await self.start(ftp_host(self.root))
        session = FtpSession(endpoints, "ftp.lab", user="user", password="secret")
        self.addCleanup(session.abort)
        await session.open()
        return session

    async def test_release_during_a_download_after_an_upload(self):
        session = await self.session()
        closed = []
        session.listener = closed.append
        for name in ("one.bin", "two.bin"):  # uploads issued right after a command
            upload = session.put(name)
            await write_all(upload, b"x" * 4000)
            self.assertEqual((await upload.when_done()).code, 226)
        download = session.get("big.bin")
        Reader(download, paused=True)
        await until(lambda: download.available > 0)
        self.bearer.release()
        await until(lambda: closed)
        self.assertIs(closed[0].error.reason, AppFailure.BEARER_RELEASED)
        # The server's side of the connection goes after the network took it.
        factory = self.network.lab.server("ftp.lab", "ftp").factory
        await until(lambda: factory.connectionCount == 0)
        self.assertEqual([e.get("log_failure") for e in self.logged], [])
        # (trial fails the test if the server left its idle timer for the dead session)
