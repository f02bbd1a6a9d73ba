"""``GET /events``: the event log as Server-Sent Events on one HTTP response.

The response is a push producer: when the client's TCP buffer is full Twisted pauses it, and
events wait in the subscription's bounded queue (the oldest dropped and counted) instead of
piling up in memory or holding up the modems.  Once the client reads again, what waited is
written, preceded by an ``event: dropped`` message when some were lost.
"""

from __future__ import annotations

import json

from twisted.internet.interfaces import IPushProducer
from zope.interface import implementer

from simulator.control.events import Event, EventFilter, EventLog, Subscription

#: The first bytes of the stream: the client sees the response start at once.
OPENING = b": atsim events\n\n"


def sse_message(event: Event) -> bytes:
    data = json.dumps(event.to_json(), separators=(",", ":"))
    return f"id: {event.seq}\ndata: {data}\n\n".encode()


def dropped_message(total: int) -> bytes:
    return f'event: dropped\ndata: {{"dropped":{total}}}\n\n'.encode()


@implementer(IPushProducer)
class EventStream:
    def __init__(self, request, log: EventLog, wanted: EventFilter, limit: int) -> None:
        self.request = request
        self._paused = False
        self._dropped_shown = 0
        self.subscription: Subscription | None = log.subscribe(wanted, wake=self._flush,
                                                               limit=limit)
        request.registerProducer(self, True)
        request.notifyFinish().addBoth(self._finished)
        request.write(OPENING)

    def _flush(self) -> None:
        if self._paused or self.subscription is None:
            return
        events = self.subscription.take()
        chunks = []
        if self.subscription.dropped != self._dropped_shown:
            self._dropped_shown = self.subscription.dropped
            chunks.append(dropped_message(self._dropped_shown))
        chunks.extend(sse_message(event) for event in events)
        if chunks:
            self.request.write(b"".join(chunks))

    # -- IPushProducer ----------------------------------------------------------------------

    def pauseProducing(self) -> None:
        self._paused = True

    def resumeProducing(self) -> None:
        self._paused = False
        self._flush()

    def stopProducing(self) -> None:
        self._close()

    def _finished(self, _result) -> None:
        self._close()

    def _close(self) -> None:
        if self.subscription is not None:
            self.subscription.close()
            self.subscription = None
