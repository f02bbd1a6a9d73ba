"""The control API in-process on a real loopback port, against a simulator built with
``make_service`` on the real reactor: the modems, faults applied all or none, refusals as
4xx JSON, the bearer token, the metrics, and the description."""

from __future__ import annotations

import json
from pathlib import Path

from twisted.trial import unittest

from simulator.control import openapi
from tests.control.client import Client, build, open_host, turns_until
from tests.integration.harness import free_tcp_ports

REPO = Path(__file__).resolve().parents[2]


def lab_scenario(ports: list[int], count: int = 2) -> str:
    """lab-1 ... lab-<count>, the first ones on the TCP ``ports``, and gw-1."""
    modems = "".join(
        f"  - name: lab-{i + 1}\n" + (f'    ports:\n      - tcp: "tcp:{ports[i]}:'
                                      'interface=127.0.0.1"\n' if i < len(ports) else "")
        for i in range(count))
    return ("network:\n  registration:\n    delay: 0s\n"
            "modems:\n" + modems + "  - name: gw-1\n")


class ApiTests(unittest.TestCase):
    timeout = 240  # a guard against a hang only: 500 modems on a busy machine take long

    def start(self, text: str, token: str | None = None) -> Client:
        self.top = build(Path(self.mktemp()), text, token=token)
        self.top.startService()
        self.addCleanup(self.top.stopService)
        control = self.top.getServiceNamed("control")
        self.port = control.address.port
        client = Client(self.port, token)
        self.addCleanup(client.close)
        self.api = control.api
        return client

    def modem(self, name: str):
        return next(m for m in self.top.modems if m.name == name)

    async def registered(self, *names: str) -> None:
        await turns_until(lambda: all(self.api_state(n) for n in names))

    def api_state(self, name: str) -> bool:
        from simulator.control.state import summary

        return summary(self.modem(name))["registered"]

    # -- modems ----------------------------------------------------------------------------

    async def test_the_modems_are_listed_and_filtered_by_a_selector(self):
        self.ports = free_tcp_ports(2)
        client = self.start(lab_scenario(self.ports))
        everything = await client.get("/modems")
        self.assertEqual(everything.status, 200)
        self.assertEqual(everything.header("content-type"), "application/json")
        self.assertEqual([m["name"] for m in everything.json()["modems"]],
                         ["lab-1", "lab-2", "gw-1"])
        labs = await client.get("/modems?name=lab-*")
        self.assertEqual([m["name"] for m in labs.json()["modems"]], ["lab-1", "lab-2"])
        ranged = await client.get("/modems?name=lab-%7B2..3%7D")
        self.assertEqual([m["name"] for m in ranged.json()["modems"]], ["lab-2"])
        none = await client.get("/modems?name=nothing-*")
        self.assertEqual(none.json(), {"modems": []})

    async def test_one_modem_shows_its_registration_ports_and_host(self):
        ports = free_tcp_ports(1)
        client = self.start(lab_scenario(ports))
        await self.registered("lab-1")
        host = await open_host(ports[0])
        self.addCleanup(host.close)
        host.transport.write(b"AT+CGDCONT=1,\"IP\",\"internet\"\r")
        await host.until(b"OK\r\n")
        shown = (await client.get("/modems/lab-1")).json()
        self.assertEqual(shown["name"], "lab-1")
        self.assertTrue(shown["powered"])
        self.assertTrue(shown["registered"])
        self.assertEqual(shown["registration"]["+CREG"]["stat"], 1)
        self.assertEqual(shown["sim"]["state"], "READY")
        self.assertEqual(shown["signal"], {"rssi": 20, "ber": 99})
        self.assertEqual(shown["hosts_attached"], 1)
        self.assertEqual([(p["port"], p["host_attached"], p["mode"]) for p in shown["ports"]],
                         [(f"tcp tcp:{ports[0]}:interface=127.0.0.1", True, "command")])
        self.assertEqual([(c["cid"], c["apn"], c["active"]) for c in shown["pdp_contexts"]],
                         [(1, "internet", False)])
        self.assertEqual(shown["faults"], [])
        unknown = await client.get("/modems/lab-9")
        self.assertEqual((unknown.status, unknown.json()), (404, {"error": "no modem 'lab-9'"}))

    async def test_a_modems_udp_ports_and_listeners_are_in_its_state_while_open(self):
        ports = free_tcp_ports(1)
        client = self.start("network:\n  registration:\n    delay: 0s\nmodems:\n"
                            "  - name: lab-1\n    dialect: wip\n    ports:\n"
                            f'      - tcp: "tcp:{ports[0]}:interface=127.0.0.1"\n')
        await self.registered("lab-1")
        host = await open_host(ports[0])
        self.addCleanup(host.close)
        for line, answer in (("AT+WIPCFG=1", b"OK\r\n"), ("AT+WIPBR=1,6", b"OK\r\n"),
                             ("AT+WIPBR=4,6,0", b"OK\r\n"),
                             ("AT+WIPCREATE=1,2,5000", b"+WIPREADY: 1,2"),
                             ("AT+WIPCREATE=3,1,8080,1,4", b"OK\r\n")):
            host.received = b""
            host.transport.write(line.encode() + b"\r")
            await host.until(answer)
        shown = (await client.get("/modems/lab-1")).json()
        address = shown["bearers"][0]["address"]
        self.assertEqual(shown["sockets"], [
            {"protocol": "udp", "local": f"{address}:5000", "datagrams_sent": 0,
             "bytes_sent": 0, "datagrams_received": 0, "bytes_received": 0},
            {"protocol": "tcp", "local": f"{address}:8080", "listening": True}])
        self.assertEqual(shown["dialect_sockets"], [
            {"id": "1,2", "protocol": "udp", "local": f"{address}:5000", "remote": None,
             "state": "open"},
            {"id": "3,1", "protocol": "tcp-server", "local": f"{address}:8080",
             "remote": None, "state": "listening"}])
        host.received = b""
        host.transport.write(b"AT+WIPCLOSE=1,2\r")
        await host.until(b"OK\r\n")
        shown = (await client.get("/modems/lab-1")).json()
        self.assertEqual(shown["sockets"],
                         [{"protocol": "tcp", "local": f"{address}:8080", "listening": True}])
        self.assertEqual([s["id"] for s in shown["dialect_sockets"]], ["3,1"])

    # -- faults ----------------------------------------------------------------------------

    async def test_a_fault_applied_listed_and_removed(self):
        client = self.start(lab_scenario(free_tcp_ports(2)))
        await self.registered("lab-1", "lab-2")
        applied = await client.post("/faults", {"modems": "lab-*", "fault": "deregister",
                                                "for": "1m"})
        self.assertEqual(applied.status, 201, applied.body)
        ids = applied.json()["ids"]
        self.assertEqual(len(ids), 2)
        self.assertEqual([f["modem"] for f in applied.json()["faults"]], ["lab-1", "lab-2"])
        shown = (await client.get("/modems/lab-1")).json()
        self.assertFalse(shown["registered"])
        self.assertEqual(shown["registration"]["+CREG"]["stat"], 2)
        self.assertEqual([(f["id"], f["fault"], f["cause"]) for f in shown["faults"]],
                         [(ids[0], "deregister", "control API")])
        self.assertTrue(self.api_state("gw-1"))
        listed = (await client.get("/faults")).json()["faults"]
        self.assertEqual(sorted(f["id"] for f in listed), sorted(ids))
        self.assertEqual(listed[0]["ends"] - listed[0]["started"], 60.0)
        removed = await client.delete(f"/faults/{ids[0]}")
        self.assertEqual((removed.status, removed.json()["active"]), (200, False))
        await self.registered("lab-1")
        self.assertFalse(self.api_state("lab-2"))
        self.assertEqual([f["id"] for f in (await client.get("/faults")).json()["faults"]],
                         [ids[1]])
        again = await client.delete(f"/faults/{ids[0]}")
        self.assertEqual(again.status, 404)
        self.assertIn("no running fault", again.json()["error"])

    async def test_a_reply_used_up_by_the_host_ends_by_itself(self):
        ports = free_tcp_ports(1)
        client = self.start(lab_scenario(ports))
        await self.registered("lab-1")
        applied = await client.post("/faults", {
            "modems": "lab-1", "fault": {"reply": {"text": "+CME ERROR: 148", "times": 1}}})
        self.assertEqual(applied.status, 201, applied.body)
        self.assertEqual(len((await client.get("/faults")).json()["faults"]), 1)
        host = await open_host(ports[0])
        self.addCleanup(host.close)
        host.transport.write(b"AT+CGATT=1\r")
        await host.until(b"+CME ERROR: 148\r\n")
        self.assertEqual((await client.get("/faults")).json()["faults"], [])
        host.transport.write(b"AT\r")
        await host.until(b"AT\r\r\nOK\r\n")

    async def test_faults_of_the_timeline_are_listed_too_and_can_be_ended(self):
        text = lab_scenario([]) + ("timeline:\n  - at: 0s\n    modems: gw-1\n"
                                   "    do: link_down\n")
        client = self.start(text)
        await turns_until(lambda: self.api.book.running())
        listed = (await client.get("/faults?modem=gw-1")).json()["faults"]
        self.assertEqual([(f["modem"], f["fault"]) for f in listed], [("gw-1", "link_down")])
        self.assertTrue(listed[0]["cause"].startswith("timeline[0]"))
        self.assertEqual((await client.delete(f"/faults/{listed[0]['id']}")).status, 200)
        self.assertEqual(self.top.injector.counts["link_down", "end"], 1)

    async def test_a_request_naming_500_modems_applies_to_all_or_none(self):
        client = self.start("network:\n  registration:\n    delay: 0s\n"
                            "modems:\n  - name: m-{n}\n    count: 500\n")
        names = [m.name for m in self.top.modems]
        await self.registered(*names)
        injector = self.top.injector
        real_apply = injector.apply
        calls = []

        def failing_at_the_250th(fault, target, **kwargs):
            calls.append(target)
            if len(calls) == 250:
                raise RuntimeError("the radio is on fire")
            return real_apply(fault, target, **kwargs)

        injector.apply = failing_at_the_250th
        refused = await client.post("/faults", {"modems": "m-*", "fault": "deregister"})
        self.assertEqual(refused.status, 409, refused.body)
        self.assertIn("no modem of the request keeps it", refused.json()["error"])
        self.assertEqual(injector.counts["deregister", "start"], 249)
        self.assertEqual(injector.counts["deregister", "end"], 249)
        self.assertEqual((await client.get("/faults")).json(), {"faults": []})
        await self.registered(*names)

        injector.apply = real_apply
        applied = await client.post("/faults", {"modems": ["m-{1..250}", "m-{251..500}"],
                                                "fault": {"deregister": "denied"}})
        self.assertEqual(applied.status, 201)
        self.assertEqual(len(set(applied.json()["ids"])), 500)
        self.assertFalse(any(self.api_state(n) for n in names))

    async def test_a_share_is_drawn_and_an_event_fault_is_not_listed(self):
        client = self.start(lab_scenario([]))
        applied = await client.post("/faults", {"modems": "50% of lab-*",
                                                "fault": {"urc": "+CREG: 0"}})
        self.assertEqual(applied.status, 201, applied.body)
        self.assertEqual(len(applied.json()["ids"]), 1)
        self.assertFalse(applied.json()["faults"][0]["active"])
        self.assertEqual((await client.get("/faults")).json(), {"faults": []})

    async def test_a_short_message_is_delivered_to_one_modem(self):
        ports = free_tcp_ports(1)
        client = self.start(lab_scenario(ports))
        host = await open_host(ports[0])
        self.addCleanup(host.close)
        sent = await client.post("/modems/lab-1/sms", {"text": "hi " * 60, "from": "+3370"})
        self.assertEqual(sent.status, 201, sent.body)
        self.assertEqual(sent.json(), {"modem": "lab-1", "parts": 2})
        host.transport.write(b'AT+CMGF=1;+CMGL="ALL"\r')
        await host.until(b"OK\r\n")
        self.assertEqual(host.received.count(b'"REC UNREAD","+3370",,'), 2)
        shown = (await client.get("/modems/lab-1")).json()["sms"]
        self.assertEqual(shown["storage"]["ME"], {"used": 2, "total": 23})
        self.assertEqual(shown["waiting_at_centre"], 0)
        for path, body, status, words in [
                ("/modems/lab-9/sms", {"text": "x"}, 404, "no modem 'lab-9'"),
                ("/modems/lab-1/sms", {"line": "x"}, 400, "expected a JSON object"),
                ("/modems/lab-1/sms", {"text": 3}, 400, "text"),
                ("/modems/lab-1/sms", {"text": "x", "from": "a name far too long"}, 400,
                 "too long")]:
            answer = await client.post(path, body)
            self.assertEqual(answer.status, status, (path, body, answer.body))
            self.assertIn(words, answer.json()["error"])

    async def test_a_cell_broadcast_reaches_the_channels_whose_cscb_accepts_its_id(self):
        ports = free_tcp_ports(2)
        client = self.start(lab_scenario(ports))
        hosts = [await open_host(port) for port in ports]
        for host in hosts:
            self.addCleanup(host.close)
        for host, mids in zip(hosts, ("50", "51"), strict=True):
            host.transport.write(f'AT+CSCB=0,"{mids}";+CNMI=2,1,2;+CMGF=1\r'.encode())
            await host.until(b"OK\r\n")
            host.received = b""
        sent = await client.post("/network/broadcast", {"text": "Storm warning", "id": 50})
        self.assertEqual(sent.status, 201, sent.body)
        self.assertEqual(sent.json(), {"id": 50, "pages": 1})
        await hosts[0].until(b"\r\n+CBM: 0,50,15,1,1\r\nStorm warning\r\n")
        hosts[1].transport.write(b"AT\r")
        await hosts[1].until(b"OK\r\n")
        self.assertEqual(hosts[1].received, b"AT\r\r\nOK\r\n")
        for body, words in [({"text": "x"}, "expected a JSON object"),
                            ({"text": "x", "id": 70000}, "id:"),
                            ({"text": "x", "id": True}, "id:"),
                            ({"text": "", "id": 1}, "text:")]:
            answer = await client.post("/network/broadcast", body)
            self.assertEqual(answer.status, 400, (body, answer.body))
            self.assertIn(words, answer.json()["error"])

    async def test_a_urc_line_is_injected_once_into_one_modem(self):
        ports = free_tcp_ports(2)
        client = self.start(lab_scenario(ports))
        hosts = [await open_host(port) for port in ports]
        for host in hosts:
            self.addCleanup(host.close)
        sent = await client.post("/modems/lab-2/urc", {"line": "+CREG: 0"})
        self.assertEqual(sent.status, 201, sent.body)
        fault = sent.json()
        self.assertEqual((fault["modem"], fault["fault"], fault["args"], fault["active"],
                          fault["cause"]),
                         ("lab-2", "urc", {"line": "+CREG: 0"}, False, "control API"))
        await hosts[1].until(b"\r\n+CREG: 0\r\n")
        hosts[0].transport.write(b"AT\r")
        await hosts[0].until(b"OK\r\n")
        self.assertNotIn(b"+CREG: 0", hosts[0].received)
        self.assertEqual(self.top.injector.counts["urc", "start"], 1)
        self.assertEqual((await client.get("/faults")).json(), {"faults": []})
        for path, body, status, words in [
                ("/modems/lab-9/urc", {"line": "+CREG: 0"}, 404, "no modem 'lab-9'"),
                ("/modems/lab-1/urc", {"line": "a\r\nOK"}, 400, "without CR or LF"),
                ("/modems/lab-1/urc", {"line": ""}, 400, "line"),
                ("/modems/lab-1/urc", {"text": "x"}, 400, "expected a JSON object"),
                ("/modems/lab-1/urc", b"{", 400, "the body is not JSON")]:
            answer = await client.post(path, body)
            self.assertEqual(answer.status, status, (path, body, answer.body))
            self.assertIn(words, answer.json()["error"])
        self.assertEqual(self.top.injector.counts["urc", "start"], 1)
        refused = await client.get("/modems/lab-1/urc")
        self.assertEqual((refused.status, refused.header("allow")), (405, "POST"))

    async def test_bad_requests_are_refused_with_a_message_and_start_nothing(self):
        client = self.start(lab_scenario([]))
        cases = [
            (b"{not json", 400, "the body is not JSON"),
            ([1, 2], 400, "expected a JSON object"),
            ({"fault": "deregister"}, 400, "modems: required key is missing"),
            ({"modems": "lab-*"}, 400, "fault: required key is missing"),
            ({"modems": "lab-*", "fault": "melt"}, 400, "unknown fault 'melt'"),
            ({"modems": "lab-*", "fault": {"deregister": "sideways"}}, 400, "sideways"),
            ({"modems": "lab-*", "fault": {"link": {"latency": "soon"}}}, 400,
             "fault.link.latency"),
            ({"modems": "nobody", "fault": "deregister"}, 400, "matches no modem"),
            ({"modems": "lab-{9..1}", "fault": "deregister"}, 400, "runs backwards"),
            ({"modems": "lab-1", "fault": "reboot", "for": "5s"}, 400, "is an event"),
            ({"modems": "lab-1", "fault": "deregister", "for": "-1s"}, 400, "expected a duration"),
            ({"modems": "lab-1", "fault": "deregister", "colour": 1}, 400, "colour"),
        ]
        for body, status, words in cases:
            answer = await client.post("/faults", body)
            self.assertEqual(answer.status, status, (body, answer.body))
            self.assertEqual(answer.header("content-type"), "application/json")
            self.assertIn(words, answer.json()["error"], body)
            self.assertNotIn("Traceback", answer.body.decode())
        self.assertEqual(sum(self.top.injector.counts.values()), 0)
        for method, path, status in [("GET", "/nowhere", 404), ("GET", "/modems/a/b", 404),
                                     ("PUT", "/modems", 405), ("DELETE", "/faults/x", 400),
                                     ("DELETE", "/faults/99", 404),
                                     ("GET", "/modems?name=50%25%20of%20lab-*", 400),
                                     ("GET", "/events?modem=%7B", 400)]:
            answer = await client.request(method, path)
            self.assertEqual(answer.status, status, (method, path, answer.body))
            self.assertIn("error", answer.json())
        refused = await client.request("PUT", "/modems")
        self.assertEqual(refused.header("allow"), "GET")

    # -- token, metrics, description ---------------------------------------------------------

    async def test_a_token_is_required_when_one_is_set(self):
        client = self.start(lab_scenario([]), token="s3cret")
        self.assertEqual((await client.get("/modems")).status, 200)
        stranger = Client(self.port)
        self.addCleanup(stranger.close)
        refused = await stranger.get("/modems")
        self.assertEqual(refused.status, 401)
        self.assertEqual(refused.header("www-authenticate"), 'Bearer realm="atsim"')
        wrong = await stranger.get("/modems", headers={"authorization": "Bearer guess"})
        self.assertEqual(wrong.status, 401)

    async def test_the_token_in_the_query_opens_the_lab_page_and_the_stream_only(self):
        self.start(lab_scenario([]), token="s3cret")
        stranger = Client(self.port)
        self.addCleanup(stranger.close)
        page = await stranger.get("/lab?view=read-only&token=s3cret")
        self.assertEqual(page.status, 200)
        self.assertIn(b'data-modem="lab-1"', page.body)
        self.assertEqual((await stranger.get("/lab?token=guess")).status, 401)
        self.assertEqual((await stranger.get("/lab?token=s3cret&token=s3cret")).status, 401)
        for path in ("/modems", "/faults", "/metrics", "/openapi.json"):
            self.assertEqual((await stranger.get(path + "?token=s3cret")).status, 401, path)
        started = await stranger.post("/faults?token=s3cret",
                                      {"modems": "lab-1", "fault": "deregister"})
        self.assertEqual(started.status, 401)
        self.assertEqual(list(self.api.book.running()), [])

    async def test_metrics_count_commands_errors_and_faults(self):
        ports = free_tcp_ports(1)
        client = self.start(lab_scenario(ports))
        host = await open_host(ports[0])
        self.addCleanup(host.close)
        host.transport.write(b"AT\rAT+NOPE\r")
        await host.until(b"ERROR\r\n")
        await client.post("/faults", {"modems": "lab-2", "fault": "link_down", "for": 30})
        metrics = await client.get("/metrics")
        self.assertEqual(metrics.status, 200)
        self.assertTrue(metrics.header("content-type").startswith("text/plain; version=0.0.4"))
        lines = set(metrics.body.decode().splitlines())
        for expected in ['atsim_modem_commands_total{modem="lab-1"} 2.0',
                         'atsim_modem_command_errors_total{modem="lab-1"} 1.0',
                         'atsim_modem_commands_total{modem="lab-2"} 0.0',
                         'atsim_modem_port_bytes_total{direction="rx",modem="lab-1"} 11.0',
                         'atsim_modem_faults_started_total{modem="lab-2"} 1.0',
                         'atsim_faults_started_total{kind="link_down"} 1.0',
                         'atsim_faults_active{kind="link_down"} 1.0',
                         'atsim_modem_hosts_attached{modem="lab-1"} 1.0',
                         'atsim_modems 3.0',
                         'atsim_commands_total{command="AT",dialect="generic"} 1.0',
                         'atsim_commands_total{command="+NOPE",dialect="generic"} 1.0',
                         'atsim_command_errors_total{command="+NOPE",dialect="generic"} 1.0',
                         'atsim_results_total{dialect="generic",result="OK"} 1.0',
                         'atsim_results_total{dialect="generic",result="ERROR"} 1.0',
                         'atsim_port_bytes_total{dialect="generic",direction="rx",'
                         'port_kind="tcp"} 11.0',
                         'atsim_modems_by_state{dialect="generic",state="home"} 3.0',
                         'atsim_command_latency_seconds_count{dialect="generic"} 2.0',
                         "# TYPE atsim_modem_commands_total counter",
                         "# TYPE atsim_command_latency_seconds histogram"]:
            self.assertIn(expected, lines)

    async def test_the_openapi_description_is_served_and_is_the_one_in_the_docs(self):
        client = self.start(lab_scenario([]))
        served = await client.get("/openapi.json")
        self.assertEqual(served.json(), openapi.DESCRIPTION)
        docs = (REPO / "docs" / "control.md").read_text()
        block = docs.split("<!-- openapi -->\n```json\n", 1)[1].split("```", 1)[0]
        self.assertEqual(json.loads(block), openapi.DESCRIPTION)
        for path in openapi.DESCRIPTION["paths"]:
            self.assertIn(f"`{path}`", docs.replace("`GET ", "`").replace("`POST ", "`")
                          .replace("`DELETE ", "`"))
