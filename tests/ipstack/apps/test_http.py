"""HTTP requests against the lab web server, through a modem's bearer, by host name."""

from simulator.ipstack.apps import AppError, AppFailure, HttpSession, ResponseReceived
from tests.ipstack.apps.helpers import AWKWARD, LabTestCase, Reader, web_host, write_all


class HttpTests(LabTestCase):
    async def session(self, **kw) -> HttpSession:
        self.root = self.folder("www")
        (self.root / "data.bin").write_bytes(AWKWARD)
        (self.root / "dir").mkdir()
        (self.root / "dir" / "index.html").write_bytes(b"<h1>dir</h1>\n")
        endpoints = await self.start(web_host(self.root))
        self.server = self.network.lab.server("www.lab", "http")
        return HttpSession(endpoints, **kw)

    async def fetch(self, transfer):
        reader = Reader(transfer)
        reply = await transfer.when_done()
        response = next(e for e in reader.events if isinstance(e, ResponseReceived))
        return response, bytes(reader.data), reply

    async def test_get_a_binary_file_byte_for_byte(self):
        session = await self.session()
        response, body, reply = await self.fetch(session.request("GET", "http://www.lab/data.bin"))
        self.assertEqual(response.status, 200)
        self.assertEqual(body, AWKWARD)
        self.assertEqual((reply.code, reply.text), (200, "HTTP/1.1 200 OK"))
        self.assertIn(("Content-Type", "application/octet-stream"), response.headers)

    async def test_put_post_delete_and_404(self):
        session = await self.session()
        put = session.request("PUT", "http://www.lab/up/new.bin", body=True)
        reader = Reader(put)
        await write_all(put, AWKWARD)
        reply = await put.when_done()
        self.assertEqual(reply.code, 201)
        self.assertEqual(reader.kinds(), ["Opened", "ResponseReceived", "Finished"])
        self.assertEqual((self.root / "up" / "new.bin").read_bytes(), AWKWARD)

        post = session.request("POST", "www.lab/form", body=True, length=7)
        await write_all(post, b"a=1&b=2")
        response, body, reply = await self.fetch(post)
        self.assertEqual(response.status, 200)
        self.assertIn(b"kept as /_posted/0001-form.body", body)
        self.assertEqual((self.root / "_posted" / "0001-form.body").read_bytes(), b"a=1&b=2")
        self.assertEqual(self.server.requests[-1].headers["content-length"], "7")

        response, _, _ = await self.fetch(session.request("DELETE", "http://www.lab/up/new.bin"))
        self.assertEqual(response.status, 204)
        self.assertFalse((self.root / "up" / "new.bin").exists())
        response, _, reply = await self.fetch(session.request("GET", "http://www.lab/up/new.bin"))
        self.assertEqual((response.status, reply.code), (404, 404))

    async def test_headers_credentials_and_redirects(self):
        session = await self.session(headers=[("User-Agent", "atsim-modem")],
                                     credentials=("user", "secret"))
        response, body, _ = await self.fetch(session.request(
            "GET", "http://www.lab/dir", headers=[("X-Modem", "lab-1")]))
        self.assertEqual((response.status, body), (200, b"<h1>dir</h1>\n"))
        first, second = self.server.requests[-2:]
        self.assertEqual(first.path, "/dir")
        self.assertEqual(second.path, "/dir/")
        self.assertEqual(first.headers["user-agent"], "atsim-modem")
        self.assertEqual(first.headers["x-modem"], "lab-1")
        self.assertEqual(first.headers["authorization"], "Basic dXNlcjpzZWNyZXQ=")

        no_redirects = HttpSession(session.endpoints, max_redirects=0)
        response, _, _ = await self.fetch(no_redirects.request("GET", "http://www.lab/dir"))
        self.assertEqual(response.status, 302)

    async def test_through_a_proxy(self):
        session = await self.session(proxy=("www.lab", 80), proxy_credentials=("p", "q"))
        await self.fetch(session.request("GET", "http://far.example/page"))
        request = self.server.requests[-1]
        self.assertEqual(request.path, "http://far.example/page")  # absolute form, to the proxy
        self.assertEqual(request.headers["host"], "far.example")
        self.assertEqual(request.headers["proxy-authorization"], "Basic cDpx")

    async def test_unknown_host_and_refused_port(self):
        session = await self.session()
        with self.assertRaises(AppError) as caught:
            await session.request("GET", "http://nowhere.lab/").when_done()
        self.assertIs(caught.exception.reason, AppFailure.NAME_NOT_FOUND)
        with self.assertRaises(AppError) as caught:
            await session.request("GET", "http://www.lab:8080/").when_done()
        self.assertIs(caught.exception.reason, AppFailure.REFUSED)
