"""Reaching servers: names by DNS over the bearer, refusals and unreachable addresses as
reasons, the link's shaping on every client."""

from simulator.ipstack.apps import AppError, AppFailure, FtpSession, HttpSession, resolve
from tests.ipstack.apps.helpers import AWKWARD, LabTestCase, Reader, ftp_host, web_host


class ReachTests(LabTestCase):
    async def test_dns_lookups_over_the_bearer(self):
        await self.start(web_host(self.folder("www")))
        self.assertEqual(await resolve(self.bearer, "www.lab"), self.network.resolve("www.lab"))
        self.assertEqual(await resolve(self.bearer, "192.0.2.1"), "192.0.2.1")
        with self.assertRaises(AppError) as caught:
            await resolve(self.bearer, "nowhere.lab")
        self.assertIs(caught.exception.reason, AppFailure.NAME_NOT_FOUND)
        with self.assertRaises(AppError) as caught:
            await resolve(self.bearer, "www.lab", servers=["203.0.113.53"], timeout=0.2)
        self.assertIs(caught.exception.reason, AppFailure.DNS_TIMEOUT)

    async def test_unreachable_refused_and_unknown(self):
        endpoints = await self.start(ftp_host(self.folder("ftp")))
        cases = [("192.0.2.1", 21, AppFailure.UNREACHABLE),  # not a host, not allowed
                 ("ftp.lab", 2121, AppFailure.REFUSED),      # a host, no service there
                 ("nowhere.lab", 21, AppFailure.NAME_NOT_FOUND)]
        for host, port, reason in cases:
            session = FtpSession(endpoints, host, port, user="user", password="secret")
            with self.assertRaises(AppError) as caught:
                await session.open()
            self.assertIs(caught.exception.reason, reason, host)
            self.assertTrue(session.ended)

    async def test_transfers_are_shaped_by_the_link(self):
        root = self.folder("www")
        (root / "data.bin").write_bytes(AWKWARD)  # 2560 bytes
        endpoints = await self.start(web_host(root), link="edge")
        started = self.clock.seconds()
        transfer = HttpSession(endpoints).request("GET", "http://www.lab/data.bin")
        reader = Reader(transfer)
        await transfer.when_done()
        elapsed = self.clock.seconds() - started
        self.assertEqual(bytes(reader.data), AWKWARD)
        # DNS, SYN and the request each take an EDGE round trip (2 x 140 ms at least); the
        # body alone takes 2560 x 8 / 160 kbit/s = 0.128 s on the downlink.
        self.assertGreater(elapsed, 3 * 0.28 + 0.128)
        self.assertLess(elapsed, 2.5)
