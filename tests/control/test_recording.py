"""What a run leaves behind, against a scripted session on a real TCP port: the event file
(``--events``) and the transcripts (``--transcripts``); the transcript's line logic alone on
fragmented input."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from twisted.internet import reactor
from twisted.trial import unittest

from simulator.control.transcripts import PortTranscript
from simulator.scenario.loader import loads
from simulator.service import make_service
from tests.control.client import open_host
from tests.integration.harness import free_tcp_ports

#: Each line, and what the host has received once the modem answered it.
SESSION = ((b"AT\r", b"OK\r\n"), (b'AT+CPIN="1234"\r', b"ERROR\r\n"),
           (b"AT+NOPE\r", b"NOPE\r\r\nERROR\r\n"))


class RecordingTests(unittest.TestCase):
    timeout = 60

    async def run_session(self, events_bytes: bool = False, **options):
        directory = Path(self.mktemp())
        port = free_tcp_ports(1)[0]
        text = ("network:\n  registration:\n    delay: 0s\nmodems:\n  - name: lab-1\n"
                f'    ports:\n      - tcp: "tcp:{port}:interface=127.0.0.1"\n')
        scenario = loads(text, directory / "lab.yaml")
        top = make_service(scenario, reactor=reactor, seed=7, state_dir=directory / "state",
                           events_bytes=events_bytes,
                           **{k: directory / v for k, v in options.items()})
        top.startService()
        host = await open_host(port)
        for line, answer in SESSION:
            host.transport.write(line)
            await host.until(answer)
        await host.close()
        await top.stopService()
        return directory

    async def test_the_event_file_has_every_event_as_json_lines_with_secrets_redacted(self):
        directory = await self.run_session(events_file="run/events.jsonl")
        events = [json.loads(line) for line in
                  (directory / "run" / "events.jsonl").read_text().splitlines()]
        kinds = [e["kind"] for e in events]
        self.assertIn("power", kinds)
        self.assertIn("registration", kinds)
        commands = [e["data"]["line"] for e in events if e["kind"] == "command"]
        self.assertEqual(commands, ["AT", "AT+CPIN=<redacted>", "AT+NOPE"])
        results = [e["data"] for e in events if e["kind"] == "result"]
        self.assertEqual([r["error"] for r in results], [False, True, True])
        first = events[0]
        self.assertEqual(first["v"], 1)
        self.assertEqual(set(first), {"v", "seq", "time", "mono", "modem", "port", "kind",
                                      "data"})
        self.assertEqual([e["seq"] for e in events], list(range(1, len(events) + 1)))
        monos = [e["mono"] for e in events]
        self.assertEqual(monos, sorted(monos))
        # (not just "1234": a time stamp may hold those digits)
        self.assertNotIn('CPIN=\\"1234', (directory / "run" / "events.jsonl").read_text())

    async def test_with_bytes_the_event_file_has_the_ports_bytes_too(self):
        directory = await self.run_session(events_file="events.jsonl", events_bytes=True)
        events = [json.loads(line) for line in
                  (directory / "events.jsonl").read_text().splitlines()]
        sent = "".join(e["data"]["text"] for e in events
                       if e["kind"] == "bytes" and e["data"]["direction"] == "rx")
        self.assertTrue(sent.startswith("AT\r"), sent)
        self.assertTrue(sent.endswith("AT+NOPE\r"), sent)
        self.assertIn("<redacted>", sent)
        self.assertNotIn("1234", sent)
        self.assertIn("command", {e["kind"] for e in events})

    async def test_the_transcript_shows_both_directions_line_by_line(self):
        directory = await self.run_session(transcripts="transcripts")
        files = list((directory / "transcripts" / "lab-1").iterdir())
        self.assertEqual(len(files), 1)
        self.assertTrue(files[0].name.startswith("tcp_tcp_"))
        lines = files[0].read_text().splitlines()
        self.assertTrue(lines[0].startswith("# atsim transcript of lab-1, port tcp tcp:"))
        body = [line.split(" ", 2)[2] for line in lines[2:]]
        # Echo is on (E1): the modem repeats each command line before answering.
        self.assertEqual(body, ["--> AT", "<-- AT", "<-- OK",
                                "--> AT+CPIN=<redacted>", "<-- AT+CPIN=<redacted>",
                                "<-- ERROR",
                                "--> AT+NOPE", "<-- AT+NOPE", "<-- ERROR"])
        self.assertNotIn('"1234"', files[0].read_text())


def test_a_prompt_is_written_when_the_host_answers_it():
    transcript = PortTranscript()
    assert transcript.feed("rx", b"AT+CMGS=5\r", 1.0) == [
        "1970-01-01 00:00:01.000 --> AT+CMGS=5"]
    assert transcript.feed("tx", b"\r\n> ", 2.0) == []
    assert transcript.feed("rx", b"hi\x1a", 3.5) == [
        "1970-01-01 00:00:02.000 <-- > "]
    assert transcript.flush() == ["1970-01-01 00:00:03.500 --> hi\\x1a"]


@given(st.lists(st.sampled_from([b"AT", b"+CSQ", b"\r", b"\n", b"\r\n", b"OK", b"\x00"]),
                max_size=30), st.data())
def test_any_split_of_one_direction_gives_the_same_lines(pieces, data):
    stream = b"".join(pieces)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(stream)), max_size=5)))
    whole, split = PortTranscript(), PortTranscript()
    expected = whole.feed("tx", stream, 0.0) + whole.flush()
    got = []
    for start, end in zip([0, *cuts], [*cuts, len(stream)], strict=True):
        got += split.feed("tx", stream[start:end], 0.0)
    assert got + split.flush() == expected
