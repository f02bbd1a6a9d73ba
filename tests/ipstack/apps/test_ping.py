"""Ping through a modem's bearer: lab hosts answer after the link's round trip, a host with
``ping: false`` and an unreachable address do not."""

from simulator.ipstack.apps import (
    AppError,
    AppFailure,
    EchoReply,
    EchoTimeout,
    Failed,
    Ping,
    PingFinished,
)
from tests.ipstack.apps.helpers import LabTestCase, silent_host, web_host


class PingTests(LabTestCase):
    async def endpoints(self, link="ideal"):
        return await self.start(web_host(self.folder("www")), silent_host(), link=link)

    async def test_replies_with_the_link_round_trip(self):
        endpoints = await self.endpoints(link="umts")
        events = []
        summary = await Ping(endpoints, "www.lab", count=3, interval=0.05,
                             listener=events.append).start().when_done()
        replies = [e for e in events if isinstance(e, EchoReply)]
        self.assertEqual([e.sequence for e in replies], [0, 1, 2])
        self.assertIsInstance(events[-1], PingFinished)
        self.assertEqual((summary.sent, summary.received), (3, 3))
        address = self.network.resolve("www.lab")
        self.assertEqual({e.address for e in replies}, {address})
        for reply in replies:
            self.assertGreaterEqual(reply.rtt, 0.18)  # UMTS: 2 x 90 ms, plus jitter
            self.assertLess(reply.rtt, 0.3)
        self.assertLessEqual(summary.min_rtt, summary.avg_rtt)
        self.assertLessEqual(summary.avg_rtt, summary.max_rtt)

    async def test_ping_false_and_unreachable_time_out(self):
        endpoints = await self.endpoints()
        for host in ("quiet.lab", "192.0.2.7"):
            events = []
            summary = await Ping(endpoints, host, count=2, timeout=0.2, interval=0.05,
                                 listener=events.append).start().when_done()
            self.assertEqual([type(e) for e in events], [EchoTimeout, EchoTimeout, PingFinished])
            self.assertEqual((summary.sent, summary.received, summary.avg_rtt), (2, 0, None))

    async def test_an_unknown_name_fails_before_any_request(self):
        endpoints = await self.endpoints()
        events = []
        run = Ping(endpoints, "nowhere.lab", listener=events.append).start()
        with self.assertRaises(AppError) as caught:
            await run.when_done()
        self.assertIs(caught.exception.reason, AppFailure.NAME_NOT_FOUND)
        self.assertEqual([type(e) for e in events], [Failed])
        self.assertEqual(run.sent, 0)
