"""The HTTP lab service: a directory served with ``twisted.web.static``, that also keeps what
clients send.

* GET/HEAD serve files (directories: ``index.html`` or a listing);
* PUT writes the body to that path under the root (parents created): 201 Created, or 204
  when it replaced a file;
* POST keeps the body as ``<root>/_posted/<NNNN>-<path>.body`` (a counter, then the request
  path with ``/`` as ``_``) and answers 200 with where it went; the form-field parsing of a
  real application is beyond a lab server;
* DELETE removes a file: 204, or 404.

Every request is also kept in ``Http.requests`` (method, path, headers, body) for tests.
"""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path

from twisted.internet import protocol
from twisted.python.filepath import FilePath, InsecurePath
from twisted.web import http, pages, resource, server, static

from simulator.logs import Logger

log = Logger(namespace="atsim.network.lab.http")

#: Where POST bodies go, under the root.
POSTED_DIR = "_posted"


@dataclasses.dataclass(frozen=True)
class ReceivedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class LabWebRoot(resource.Resource):
    isLeaf = True

    def __init__(self, root: Path, service: Http) -> None:
        super().__init__()
        self.root = FilePath(str(root))
        self.service = service

    def render(self, request):
        body = b""
        if request.content is not None:
            body = request.content.read()
            request.content.seek(0)
        self.service.requests.append(ReceivedRequest(
            request.method.decode("ascii", "replace"),
            request.path.decode("utf-8", "replace"),
            {k.decode("latin-1").lower(): v[-1].decode("latin-1")
             for k, v in request.requestHeaders.getAllRawHeaders()},
            body))
        return super().render(request)

    def _target(self, request) -> FilePath | None:
        segments = [s.decode("utf-8", "replace") for s in request.postpath if s]
        try:
            return self.root.descendant(segments) if segments else self.root
        except InsecurePath:
            return None

    def render_GET(self, request):
        target = self._target(request)
        if target is None or not target.exists():
            return pages.notFound().render(request)
        if target.isdir():
            if not request.path.endswith(b"/"):
                request.redirect(request.path + b"/")
                return b""
            index = target.child("index.html")
            if index.isfile():
                return _file_body(index, request)
            return static.DirectoryLister(target.path).render(request)
        return _file_body(target, request)

    render_HEAD = render_GET

    def render_PUT(self, request):
        target = self._target(request)
        if target is None or target == self.root or (target.exists() and target.isdir()):
            request.setResponseCode(http.CONFLICT)
            return b"cannot write there\n"
        existed = target.exists()
        target.parent().makedirs(ignoreExistingDirectory=True)
        target.setContent(request.content.read())
        request.setResponseCode(http.NO_CONTENT if existed else http.CREATED)
        log.info("lab http: PUT {path} ({size} bytes)", path=target.path,
                 size=target.getsize())
        return b""

    def render_POST(self, request):
        self.service.posts += 1
        name = request.path.decode("utf-8", "replace").strip("/").replace("/", "_") or "root"
        posted = self.root.child(POSTED_DIR)
        posted.makedirs(ignoreExistingDirectory=True)
        target = posted.child(f"{self.service.posts:04d}-{name}.body")
        target.setContent(request.content.read())
        where = f"/{POSTED_DIR}/{target.basename()}"
        log.info("lab http: POST {path} kept as {where}", path=request.path, where=target.path)
        request.setHeader(b"content-type", b"text/plain")
        return f"received {target.getsize()} bytes, kept as {where}\n".encode()

    def render_DELETE(self, request):
        target = self._target(request)
        if target is None or not target.isfile():
            return pages.notFound().render(request)
        target.remove()
        request.setResponseCode(http.NO_CONTENT)
        return b""


def _file_body(target: FilePath, request) -> bytes:
    """The whole file as the response body.  Not ``static.File``: its streaming goes through
    the global cooperator, which would tie modem sessions to the global reactor instead of
    the injected clock; lab files are small enough to be sent in one piece."""
    content_type, encoding = static.getTypeAndEncoding(
        target.basename(), static.File.contentTypes, static.File.contentEncodings,
        "application/octet-stream")
    request.setHeader(b"content-type", content_type.encode("ascii"))
    if encoding:
        request.setHeader(b"content-encoding", encoding.encode("ascii"))
    request.setLastModified(target.getModificationTime())
    return target.getContent()


class Http:
    """One host's web server: a ``Site`` over the root directory."""

    def __init__(self, spec, context) -> None:
        root = spec.root
        if root is None:
            root = Path(tempfile.mkdtemp(prefix="atsim-http-"))
            log.info("lab http on {host}: no root given, serving {root}",
                     host=context.host.label, root=str(root))
        root.mkdir(parents=True, exist_ok=True)
        self.root = root
        self.requests: list[ReceivedRequest] = []
        self.posts = _last_post_number(root / POSTED_DIR)  # numbering goes on across runs
        self.site = server.Site(LabWebRoot(root, self), reactor=context.clock)
        self.site.noisy = False

    def tcp_factory(self, port: int) -> protocol.Factory:
        return self.site


def _last_post_number(posted: Path) -> int:
    numbers = [int(p.name[:4]) for p in posted.glob("[0-9][0-9][0-9][0-9]-*")]
    return max(numbers, default=0)
