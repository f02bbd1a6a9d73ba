"""The control API's injections, pause/resume, the network and timeline resources and the
lab page, against a simulator on the real reactor (waits on what the modems answer)."""

from __future__ import annotations

from twisted.trial import unittest

from simulator.control import api
from tests.control import test_api
from tests.control.client import open_host, turns_until
from tests.control.test_api import lab_scenario
from tests.integration.harness import free_tcp_ports


class InjectionTests(unittest.TestCase):
    timeout = 60
    start = test_api.ApiTests.start
    modem = test_api.ApiTests.modem
    registered = test_api.ApiTests.registered
    api_state = test_api.ApiTests.api_state

    async def test_a_paused_modem_answers_nothing_until_resumed(self):
        ports = free_tcp_ports(1)
        client = self.start(lab_scenario(ports))
        host = await open_host(ports[0])
        self.addCleanup(host.close)
        paused = await client.post("/modems/lab-1/pause", {})
        self.assertEqual((paused.status, paused.json()), (200, {"name": "lab-1",
                                                                "paused": True}))
        self.assertTrue((await client.get("/modems/lab-1")).json()["paused"])
        host.transport.write(b"ATI\r")
        # The channel holds what the host sent: the modem has not seen it.
        await turns_until(lambda: self.modem("lab-1").interpreters[0].channel._paused)
        self.assertEqual(host.received, b"")
        resumed = await client.post("/modems/lab-1/resume", {})
        self.assertEqual(resumed.json()["paused"], False)
        await host.until(b"OK\r\n")
        self.assertTrue(host.received.startswith(b"ATI\r"))
        self.assertFalse((await client.get("/modems/lab-1")).json()["paused"])
        missing = await client.post("/modems/lab-9/pause", {})
        self.assertEqual(missing.status, 404)

    async def test_registration_is_lost_and_comes_back(self):
        client = self.start(lab_scenario([]))
        await self.registered("lab-1")
        lost = await client.post("/modems/lab-1/registration",
                                 {"state": "denied", "for": "5m"})
        self.assertEqual(lost.status, 201, lost.body)
        fault = lost.json()["faults"][0]
        self.assertEqual((fault["fault"], fault["args"]), ("deregister", {"stat": "denied"}))
        shown = (await client.get("/modems/lab-1")).json()
        self.assertEqual(shown["registration"]["+CREG"]["state"], "denied")
        back = await client.post("/modems/lab-1/registration", {"state": "registered"})
        self.assertEqual((back.status, back.json()["ids"]), (200, [fault["id"]]))
        await self.registered("lab-1")
        for body, words in (({"state": "flying"}, "not one of"), ([], "expected a JSON"),
                            ({"state": "registered", "for": 3}, "takes no other key"),
                            ({"state": "searching", "for": "soon"}, "for")):
            refused = await client.post("/modems/lab-1/registration", body)
            self.assertEqual(refused.status, 400, body)
            self.assertIn(words, refused.json()["error"])

    async def test_injections_without_their_fault_kind_answer_501(self):
        # An atsim built without a route's fault kind: the route names what it lacks.
        self.patch(api, "INJECTIONS", {"call": ("no_call_kind",), "signal": ("no_signal_kind",)})
        client = self.start(lab_scenario([]))
        for route, kind in (("call", "no_call_kind"), ("signal", "no_signal_kind")):
            answer = await client.post(f"/modems/lab-1/{route}", {"from": "+33600000000"})
            self.assertEqual(answer.status, 501, route)
            self.assertIn(kind, answer.json()["error"])
        unknown = await client.post("/modems/lab-9/call", {})
        self.assertEqual(unknown.status, 404)

    async def test_the_network_shows_operators_hosts_and_links(self):
        text = lab_scenario([]).replace(
            "network:\n", "network:\n  hosts:\n    www.lab:\n      services: {echo: {}}\n")
        client = self.start(text)
        shown = (await client.get("/network")).json()
        self.assertEqual(shown["operators"][0]["numeric"], "00101")
        self.assertIn("www.lab", [h["name"] for h in shown["hosts"]])
        self.assertEqual([link["modem"] for link in shown["links"]], ["lab-1", "lab-2", "gw-1"])
        self.assertTrue(shown["links"][0]["up"])
        await client.post("/faults", {"modems": "gw-1", "fault": "link_down"})
        shown = (await client.get("/network")).json()
        self.assertFalse(shown["links"][2]["up"])

    async def test_the_timeline_shows_entries_and_next_firings(self):
        text = lab_scenario([]) + ("timeline:\n  - at: 60m\n    modems: lab-*\n"
                                   "    do: deregister\n    for: 20s\n")
        client = self.start(text)
        shown = (await client.get("/timeline")).json()
        self.assertTrue(shown["running"])
        self.assertEqual(len(shown["entries"]), 1)
        entry = shown["entries"][0]
        self.assertEqual((entry["fault"], entry["modems"], entry["for"]),
                         ("deregister(stat='searching')", ["lab-*"], 20.0))
        self.assertEqual(entry["trigger"], {"kind": "at", "time": 3600.0})
        self.assertEqual([(n["at"], n["edge"], n["modem"]) for n in shown["next"]],
                         [(3600.0, "start", "lab-1"), (3600.0, "start", "lab-2")])
        self.assertLessEqual(shown["next"][0]["in"], 3600.0)
        without = self.start(lab_scenario([]))
        self.assertEqual((await without.get("/timeline")).json()["entries"], [])

    async def test_the_lab_page_lists_the_modems_with_buttons_unless_read_only(self):
        client = self.start(lab_scenario([]))
        await self.registered("lab-1")
        page = await client.get("/lab")
        self.assertEqual(page.status, 200)
        self.assertEqual(page.header("content-type"), "text/html; charset=utf-8")
        text = page.body.decode()
        for name in ("lab-1", "lab-2", "gw-1"):
            self.assertIn(f'<tr data-modem="{name}">', text)
        self.assertIn('data-field="registration">home</td>', text)
        self.assertIn('data-read-only="false"', text)
        self.assertIn("<th>faults</th>", text)
        self.assertIn('<table id="faults">', text)
        # Every route the script calls exists.
        for path in ('get("modems")', 'get("faults")', '"faults/"', '"modems/"', '"/urc"',
                     '"/"', 'EventSource(root + "events?'):
            self.assertIn(path, text)
        read_only = (await client.get("/lab?view=read-only")).body.decode()
        self.assertIn('data-read-only="true"', read_only)
        self.assertNotIn("<th>faults</th>", read_only)

    async def test_every_button_of_the_lab_page_is_a_fault_the_api_takes(self):
        from simulator.control.lab import BUTTONS

        client = self.start(lab_scenario([]))
        await self.registered("lab-1")
        for label, fault, duration in BUTTONS:
            if fault == "reboot":
                continue  # takes the modem away for its boot time; the same route as the rest
            # The body the page's script posts for a button.
            body = {"modems": "lab-1", "fault": fault, **({"for": duration} if duration else {})}
            answer = await client.post("/faults", body)
            self.assertEqual(answer.status, 201, (label, answer.body))
            for record in answer.json()["faults"]:
                if record["active"]:
                    await client.delete(f"/faults/{record['id']}")
        applied = await client.post("/faults", {"modems": "lab-1", "fault": BUTTONS[0][1],
                                                "for": BUTTONS[0][2]})
        self.assertEqual(applied.status, 201)
        page = (await client.get("/lab")).body.decode()
        self.assertIn('<tr data-modem="lab-1"><td>lab-1</td><td>generic</td>'
                      '<td class="no" data-field="registration">searching</td>', page)


def test_the_lab_page_script_parses():
    """No browser here: the script is at least valid JavaScript (node --check)."""
    import re
    import shutil
    import subprocess

    import pytest

    from simulator.control import lab

    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    page = lab.page([{"name": "lab-1", "dialect": "generic", "powered": True,
                      "registered": True, "registration": "home", "rssi": 20,
                      "bearers": [], "hosts_attached": 0, "paused": False}]).decode()
    script = re.search(r"<script>(.*)</script>", page, re.S)[1]
    checked = subprocess.run([node, "--check", "-"], input=script, capture_output=True,
                             text=True, timeout=60)
    assert checked.returncode == 0, checked.stderr
