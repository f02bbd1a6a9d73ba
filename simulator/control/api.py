"""The HTTP/JSON resources of the control API (Twisted Web), over the simulator's modems, the
fault book, the event log and the metrics.  Every answer is JSON (but ``/metrics`` and the
event stream); every refusal is a 4xx with ``{"error": message}``; an unexpected failure is
logged and answered 500 with a message, never a traceback."""

from __future__ import annotations

import hmac
import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

from twisted.internet import defer
from twisted.web import http, server
from twisted.web.resource import Resource

from simulator.control import lab, openapi, state, world
from simulator.control.events import QUEUE_LIMIT, EventFilter, EventLog
from simulator.control.faults import FaultBook, StartFailed
from simulator.control.metrics import CONTENT_TYPE, Metrics
from simulator.control.requests import (
    Refused,
    one_selector,
    read_broadcast_request,
    read_fault_request,
    read_json,
    read_sms_request,
    read_urc_request,
    selector_patterns,
)
from simulator.control.stream import EventStream
from simulator.faults import REGISTRY
from simulator.logs import Logger
from simulator.modem.modem import Modem
from simulator.network.messagefile import DEFAULT_SENDER, MessageFile, MessageFileError

log = Logger(namespace="atsim.control")

#: The largest request body read.
MAX_BODY = 1 << 20

JSON_TYPE = b"application/json"

#: The routes that also take the token as ``?token=``, for GET only: a browser cannot give
#: an ``EventSource`` a header, and the lab page is opened by typing or following a link.
#: Every other route, and every method that changes something, needs the header.
TOKEN_IN_QUERY = frozenset({("lab",), ("events",)})

#: The fault kinds each injection route starts, the first one this atsim has.
INJECTIONS = {
    "call": ("incoming_call",),
    "signal": ("signal",),
}
#: ``POST /modems/{name}/registration`` states.
REGISTRATION_STATES = ("searching", "denied", "roaming", "registered")
#: The faults ``{"state": "registered"}`` ends.
OFF_NETWORK_KINDS = ("deregister", "roaming")


class ControlApi(Resource):
    isLeaf = True

    def __init__(self, modems: Mapping[str, Modem], book: FaultBook, events: EventLog,
                 metrics: Metrics, token: str | None = None,
                 queue_limit: int = QUEUE_LIMIT, simulator=None,
                 network_events=None) -> None:
        super().__init__()
        self.modems = dict(modems)
        self.book = book
        self.events = events
        self.metrics = metrics
        self.token = token
        self.queue_limit = queue_limit
        #: The ``SimulatorService`` (its network and timeline), None in tests without one.
        self.simulator = simulator
        #: The run's ``NetworkEvents`` (the modems' open connections), if any.
        self.network_events = network_events
        #: The event streams open now.
        self.streams: set[EventStream] = set()
        self._routes = {
            ("modems",): {"GET": self.list_modems},
            ("modems", None): {"GET": self.show_modem},
            ("modems", None, "urc"): {"POST": self.inject_urc},
            ("modems", None, "sms"): {"POST": self.deliver_sms},
            ("modems", None, "call"): {"POST": self.inject_call},
            ("modems", None, "signal"): {"POST": self.inject_signal},
            ("modems", None, "registration"): {"POST": self.inject_registration},
            ("modems", None, "pause"): {"POST": self.pause},
            ("modems", None, "resume"): {"POST": self.resume},
            ("network",): {"GET": self.show_network},
            ("network", "broadcast"): {"POST": self.broadcast},
            ("timeline",): {"GET": self.show_timeline},
            ("lab",): {"GET": self.show_lab},
            ("faults",): {"GET": self.list_faults, "POST": self.apply_fault},
            ("faults", None): {"GET": self.show_fault, "DELETE": self.remove_fault},
            ("events",): {"GET": self.stream_events},
            ("metrics",): {"GET": self.show_metrics},
            ("openapi.json",): {"GET": self.show_openapi},
            (): {"GET": self.show_index},
        }

    def render(self, request):
        try:
            segments = [unquote(s.decode("utf-8")) for s in request.postpath if s]
            self._authorise(request, segments)
            handlers, argument = self._route(segments)
            method = request.method.decode("ascii", "replace")
            handler = handlers.get(method)
            if handler is None:
                request.setHeader(b"allow", ", ".join(sorted(handlers)).encode())
                raise Refused(f"{method} is not allowed on /{'/'.join(segments)}; "
                                 f"allowed: {', '.join(sorted(handlers))}", 405)
            args = (request,) if argument is None else (request, argument)
            return handler(*args)
        except Refused as error:
            return _answer(request, {"error": error.message}, error.status)
        except UnicodeDecodeError:
            return _answer(request, {"error": "the path is not UTF-8"}, 400)
        except Exception:
            log.failure("control API: {method} {uri} failed", method=request.method,
                        uri=redacted_uri(request.uri))
            return _answer(request, {"error": "internal error; the simulator's log says more"},
                           500)

    def _authorise(self, request, segments: list[str]) -> None:
        if self.token is None:
            return
        given = request.getHeader(b"authorization") or b""
        if hmac.compare_digest(given, f"Bearer {self.token}".encode()):
            return
        in_query = request.args.get(b"token", [])
        if (request.method == b"GET" and tuple(segments) in TOKEN_IN_QUERY
                and len(in_query) == 1
                and hmac.compare_digest(in_query[0], self.token.encode())):
            return
        request.setHeader(b"www-authenticate", b'Bearer realm="atsim"')
        raise Refused("this control endpoint needs its bearer token "
                      "(Authorization: Bearer <token>; GET /lab and /events also take "
                      "?token=<token>)", 401)

    def _route(self, segments: list[str]):
        """The handlers of the route ``segments`` match, and the one segment its ``None``
        stands for (a modem's name, a fault's id), if it has one."""
        if tuple(segments) in self._routes:
            return self._routes[tuple(segments)], None
        if len(segments) >= 2:
            key = (segments[0], None, *segments[2:])
            if key in self._routes:
                return self._routes[key], segments[1]
        raise Refused(f"no resource /{'/'.join(segments)}; see /openapi.json", 404)

    # -- modems ------------------------------------------------------------------------------

    def list_modems(self, request):
        names = list(self.modems)
        pattern = _query(request, "name")
        if pattern is not None:
            names = one_selector(pattern, names)
        return _answer(request, {"modems": [state.summary(self.modems[n]) for n in names]})

    def show_modem(self, request, name: str):
        modem = self._modem(name)
        faults = [r.to_json() for r in self.book.running(modem.name)]
        sockets = (self.network_events.sockets_of(modem.name)
                   if self.network_events is not None else None)
        return _answer(request, state.details(modem, faults, sockets))

    def inject_urc(self, request, name: str):
        modem = self._modem(name)
        fault = read_urc_request(read_json(_body(request)))
        try:
            record = self.book.inject(fault, modem.name)
        except StartFailed as error:
            raise Refused(str(error), 409) from None
        return _answer(request, record.to_json(), 201)

    def deliver_sms(self, request, name: str):
        """A message from the network's SMS centre to the modem, as an inbox file is."""
        modem = self._modem(name)
        text, sender = read_sms_request(read_json(_body(request)))
        if modem.ip_network is None:
            raise Refused(f"{name} is not on a network", 409)
        message = MessageFile(modem.name, sender or DEFAULT_SENDER, text)
        try:
            parts = modem.ip_network.sms.inject(message)
        except MessageFileError as error:
            raise Refused(str(error), 400) from None
        return _answer(request, {"modem": modem.name, "parts": parts}, 201)

    # -- injections through fault kinds -------------------------------------------------------

    def inject_call(self, request, name: str):
        return self._inject(request, name, INJECTIONS["call"])

    def inject_signal(self, request, name: str):
        return self._inject(request, name, INJECTIONS["signal"])

    def inject_registration(self, request, name: str):
        modem = self._modem(name)
        body = read_json(_body(request))
        if not isinstance(body, dict) or not isinstance(body.get("state"), str):
            raise Refused('expected a JSON object like {"state": "searching", "for": "20s"}; '
                          f"states: {', '.join(REGISTRATION_STATES)}")
        state = body.pop("state")
        if state not in REGISTRATION_STATES:
            raise Refused(f"state: {state!r} is not one of {', '.join(REGISTRATION_STATES)}")
        if state == "registered":
            if body:
                raise Refused("registered: takes no other key (it ends the faults that keep "
                              "the modem off the network)")
            ended = [self.book.remove(r.id).to_json() for r in self.book.running(modem.name)
                     if r.active.fault.kind in OFF_NETWORK_KINDS]
            return _answer(request, {"ids": [f["id"] for f in ended], "faults": ended})
        if state == "roaming":
            return self._start(request, modem.name, "roaming", body)
        return self._start(request, modem.name, "deregister", {"stat": state, **body})

    def _inject(self, request, name: str, kinds: tuple[str, ...]):
        modem = self._modem(name)
        body = read_json(_body(request))
        if body is None:
            body = {}
        if not isinstance(body, dict):
            raise Refused("expected a JSON object: the fault's arguments, and \"for\"")
        kind = next((k for k in kinds if k in REGISTRY), None)
        if kind is None:
            raise Refused(f"this atsim cannot inject that: it has no {' or '.join(kinds)} "
                          "fault (see GET /openapi.json and docs/faults.md)", 501)
        return self._start(request, modem.name, kind, body)

    def _start(self, request, name: str, kind: str, body: dict):
        if kind not in REGISTRY:
            raise Refused(f"this atsim has no {kind} fault", 501)
        arguments = {k: v for k, v in body.items() if k != "for"}
        document = {"modems": name, "fault": {kind: arguments} if arguments else kind}
        if "for" in body:
            document["for"] = body["for"]
        fault_request = read_fault_request(document, list(self.modems))
        try:
            records = self.book.apply(fault_request)
        except StartFailed as error:
            raise Refused(str(error), 409) from None
        return _answer(request, {"ids": [r.id for r in records],
                                 "faults": [r.to_json() for r in records]}, 201)

    # -- pause ---------------------------------------------------------------------------------

    def pause(self, request, name: str):
        modem = self._modem(name)
        for channel in state.host_channels(modem):
            channel.pause()
        modem.notify("paused")
        return _answer(request, {"name": modem.name, "paused": True})

    def resume(self, request, name: str):
        modem = self._modem(name)
        was = state.paused(modem)
        for channel in state.host_channels(modem):
            channel.resume()
        if was:
            modem.notify("resumed")
        return _answer(request, {"name": modem.name, "paused": False})

    # -- the world -----------------------------------------------------------------------------

    def show_network(self, request):
        if self.simulator is None:
            raise Refused("no simulated network in this run", 404)
        return _answer(request, world.network(self.simulator))

    def broadcast(self, request):
        """A cell broadcast from the network to every modem that is on; each modem shows it
        as ``+CBM`` on the channels whose ``+CSCB`` accepts its message identifier."""
        text, message_id = read_broadcast_request(read_json(_body(request)))
        if self.simulator is None:
            raise Refused("no simulated network in this run", 404)
        try:
            pages = self.simulator.network.sms.broadcast(text, message_id)
        except MessageFileError as error:
            raise Refused(str(error), 400) from None
        return _answer(request, {"id": message_id, "pages": pages}, 201)

    def show_timeline(self, request):
        player = None
        if self.simulator is not None:
            try:
                player = self.simulator.getServiceNamed("timeline")
            except KeyError:
                player = None
        return _answer(request, world.timeline(player, self.book.now()))

    def show_lab(self, request):
        request.setHeader(b"content-type", b"text/html; charset=utf-8")
        request.setHeader(b"cache-control", b"no-cache")
        modems = [state.summary(modem) for modem in self.modems.values()]
        return lab.page(modems, read_only=_query(request, "view") == "read-only")

    def _modem(self, name: str) -> Modem:
        try:
            return self.modems[name]
        except KeyError:
            raise Refused(f"no modem {name!r}", 404) from None

    # -- faults ------------------------------------------------------------------------------

    def list_faults(self, request):
        modem = _query(request, "modem")
        if modem is not None:
            self._modem(modem)
        return _answer(request, {"faults": [r.to_json() for r in self.book.running(modem)]})

    def apply_fault(self, request):
        body = _body(request)
        fault_request = read_fault_request(read_json(body), list(self.modems))
        try:
            records = self.book.apply(fault_request)
        except StartFailed as error:
            raise Refused(str(error), 409) from None
        return _answer(request, {"ids": [r.id for r in records],
                                 "faults": [r.to_json() for r in records]}, 201)

    def show_fault(self, request, fault_id: str):
        record = self._record(fault_id)
        return _answer(request, record.to_json())

    def remove_fault(self, request, fault_id: str):
        record = self._record(fault_id)
        self.book.remove(record.id)
        return _answer(request, record.to_json())

    def _record(self, fault_id: str):
        try:
            number = int(fault_id)
        except ValueError:
            raise Refused(f"a fault id is a whole number, got {fault_id!r}") from None
        for record in self.book.running():
            if record.id == number:
                return record
        raise Refused(f"no running fault {number} (ended, or never started)", 404)

    # -- events, metrics, description ---------------------------------------------------------

    def stream_events(self, request):
        patterns = tuple(pattern for text in _query_all(request, "modem")
                         for pattern in selector_patterns(text, "modem"))
        kinds = frozenset(k for text in _query_all(request, "kind")
                          for k in text.split(",") if k)
        request.setHeader(b"content-type", b"text/event-stream; charset=utf-8")
        request.setHeader(b"cache-control", b"no-cache")
        stream = EventStream(request, self.events, EventFilter(patterns, kinds),
                             self.queue_limit)
        self.streams.add(stream)
        request.notifyFinish().addBoth(lambda _: self.streams.discard(stream))
        return server.NOT_DONE_YET

    def close_streams(self) -> defer.Deferred:
        """Close every open event stream; fires once their connections are gone."""
        closed = []
        for stream in list(self.streams):
            closed.append(stream.request.notifyFinish())
            stream.request.channel.loseConnection()
        return defer.gatherResults(closed, consumeErrors=True).addBoth(lambda _: None)

    def show_metrics(self, request):
        request.setHeader(b"content-type", CONTENT_TYPE.encode())
        return self.metrics.render().encode()

    def show_openapi(self, request):
        return _answer(request, openapi.DESCRIPTION)

    def show_index(self, request):
        return _answer(request, {"service": "atsim control API",
                                 "description": "/openapi.json",
                                 "paths": sorted(openapi.DESCRIPTION["paths"])})


_TOKEN_QUERY = re.compile(rb"([?&]token=)[^&#]*")


def redacted_uri(uri: bytes) -> bytes:
    """``uri`` with the value of its ``token`` query parameter replaced: what is logged."""
    return _TOKEN_QUERY.sub(rb"\1<redacted>", uri)


def access_log_line(timestamp: str, request) -> str:
    """Twisted's combined access-log line, but for the token a URL may carry."""
    uri = request.uri
    request.uri = redacted_uri(uri)
    try:
        return http.combinedLogFormatter(timestamp, request)
    finally:
        request.uri = uri


def _answer(request, document: Any, status: int = 200) -> bytes:
    request.setResponseCode(status)
    request.setHeader(b"content-type", JSON_TYPE)
    return json.dumps(document, indent=1).encode() + b"\n"


def _body(request) -> bytes:
    content = request.content.read(MAX_BODY + 1)
    if len(content) > MAX_BODY:
        raise Refused(f"the body is larger than {MAX_BODY} bytes", 413)
    return content


def _query_all(request, name: str) -> list[str]:
    try:
        return [v.decode("utf-8") for v in request.args.get(name.encode(), [])]
    except UnicodeDecodeError:
        raise Refused(f"{name}: not UTF-8") from None


def _query(request, name: str) -> str | None:
    values = _query_all(request, name)
    if len(values) > 1:
        raise Refused(f"{name} is given more than once")
    return values[0] if values else None
