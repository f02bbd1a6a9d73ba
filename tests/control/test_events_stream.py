"""``GET /events`` on a real loopback port: what a host does on a modem's port arrives as
events, filtered by modem and kind, and a client that reads nothing loses events (counted)
without holding up the modems or the clients that keep up."""

from __future__ import annotations

from pathlib import Path

from twisted.internet import reactor
from twisted.internet.task import deferLater
from twisted.trial import unittest

from tests.control.client import Client, build, open_host, turns_until
from tests.control.test_api import lab_scenario
from tests.integration.harness import free_tcp_ports

#: A long URC line, so that a few hundred events fill a socket's buffers.
BIG_URC = "+XTEST: " + "7" * 900


class EventStreamTests(unittest.TestCase):
    timeout = 60

    def start(self, text: str) -> Client:
        self.top = build(Path(self.mktemp()), text)
        self.top.startService()
        self.addCleanup(self.top.stopService)
        control = self.top.getServiceNamed("control")
        self.api = control.api
        client = Client(control.address.port)
        self.addCleanup(client.close)
        return client

    def modem(self, name: str):
        return next(m for m in self.top.modems if m.name == name)

    async def test_commands_results_and_faults_arrive_filtered_by_modem_and_kind(self):
        ports = free_tcp_ports(2)
        client = self.start(lab_scenario(ports))
        reader = await client.events("?modem=lab-%7B1..1%7D&kind=command,result,fault")
        self.addCleanup(reader.close)
        await turns_until(lambda: self.api.events.subscribers == 1)
        hosts = [await open_host(port) for port in ports]
        for host in hosts:
            self.addCleanup(host.close)
        hosts[1].transport.write(b"ATI\r")
        await hosts[1].until(b"OK\r\n")
        hosts[0].transport.write(b"AT+CPIN=\"1234\"\rAT+CREG?\r")
        await hosts[0].until(b"+CREG:")
        await hosts[0].until(b"OK\r\n")
        await client.post("/faults", {"modems": "lab-*", "fault": "link_down"})
        await reader.until(lambda r: any(e["kind"] == "fault" for e in r.events()))
        events = reader.events()
        self.assertEqual({e["modem"] for e in events}, {"lab-1"})
        shown = [(e["kind"], e["data"].get("line") or e["data"].get("text")
                  or e["data"].get("fault")) for e in events]
        self.assertEqual(shown[:4], [("command", "AT+CPIN=<redacted>"),
                                     ("result", shown[1][1]),
                                     ("command", "AT+CREG?"), ("result", "OK")])
        self.assertIn("ERROR", shown[1][1])  # the SIM has no PIN to enter
        self.assertTrue(events[1]["data"]["error"])
        self.assertEqual(shown[4], ("fault", "link_down"))
        self.assertEqual(events[4]["data"]["edge"], "start")
        self.assertEqual(events[0]["port"], f"tcp tcp:{ports[0]}:interface=127.0.0.1")
        self.assertEqual(events[0]["v"], 1)
        self.assertEqual([e["seq"] for e in events], sorted(e["seq"] for e in events))

    async def test_the_log_watches_the_modems_only_while_somebody_listens(self):
        client = self.start(lab_scenario([]))
        modem = self.modem("lab-1")
        watchers = len(modem.observers)  # none: the metrics are a meter (Modem.meters)
        reader = await client.events()
        await turns_until(lambda: len(modem.observers) == watchers + 1)
        await reader.close()
        await turns_until(lambda: self.api.events.subscribers == 0)
        self.assertEqual(len(modem.observers), watchers)

    async def test_a_client_that_reads_nothing_loses_events_but_holds_up_nobody(self):
        client = self.start(lab_scenario(free_tcp_ports(1)))
        modem = self.modem("lab-1")
        slow = await client.events("?kind=urc")
        slow.transport.pauseProducing()  # stops reading its socket
        self.addCleanup(slow.close)
        fast = await client.events("?kind=urc")
        self.addCleanup(fast.close)
        await turns_until(lambda: self.api.events.subscribers == 2)
        streams = list(self.api.streams)
        sent = 0
        # Batches the fast client reads in full before the next; the slow one's socket
        # buffers fill, then its queue, then it drops.
        while self.api.events.dropped == 0:
            for _ in range(200):
                modem.emit_urc(lambda session: BIG_URC)
            sent += 200
            await fast.until(lambda r, n=sent: len(r.events()) == n)
            self.assertLess(sent, 200_000, "the slow client never fell behind")
        dropped_by = {id(s): s.subscription.dropped for s in streams}
        self.assertEqual(sorted(dropped_by.values())[0], 0)  # the fast client lost nothing
        self.assertGreater(sorted(dropped_by.values())[1], 0)
        for stream in streams:
            self.assertLessEqual(len(stream.subscription.queue), stream.subscription.limit)
        self.assertEqual(len(fast.events()), sent)
        metrics = (await client.get("/metrics")).body.decode().splitlines()
        self.assertIn(f"atsim_events_dropped_total {float(self.api.events.dropped)}", metrics)
        # Reading again, the slow client is told how many it lost, then gets the rest.
        slow.transport.resumeProducing()
        await slow.until(lambda r: any(kind == "dropped" for kind, _ in r.messages))
        lost = next(data for kind, data in slow.messages if kind == "dropped")["dropped"]
        self.assertGreater(lost, 0)
        await deferLater(reactor, 0, lambda: None)
