"""The ``timeline:`` key: what it builds, and file:line:key for each mistake."""

import pytest

from simulator.faults.timeline import END, START, After, At, Every, When

HEAD = """\
modems:
  - name: lab-{n}
    count: 4
timeline:
"""


def test_entries_are_built_with_their_triggers_faults_and_selectors(scenario):
    loaded = scenario.load(HEAD + """\
  - name: outage
    at: 30s
    modems: lab-*
    do: deregister
    for: 20s
  - at: 1m
    modems: lab-3
    do: {link: {latency: 2s, jitter: 500ms, loss: 30%, bandwidth: 40kbit/s}}
    until: 2m
  - every: 5m
    at: 10s
    jitter: 1m
    times: 4
    probability: 0.2
    modems: ["50% of lab-*", "lab-{1..2}"]
    do: {reboot: 3s}
  - after: {start: outage, delay: 5s}
    do: {urc: "+CIEV: 2,0"}
  - after: outage
    do: {deregister: denied}
""")
    outage, link, reboot, urc, denied = loaded.timeline
    assert (outage.name, outage.trigger, outage.duration) == ("outage", At(30.0), 20.0)
    assert [s.text for s in outage.modems] == ["lab-*"]
    assert outage.fault.arguments == {"stat": "searching"}
    assert outage.source.line == 5 and outage.source.key == "timeline[0]"
    assert link.until == 120.0
    assert {k: v for k, v in link.fault.arguments.items() if v is not None} == {
        "latency": 2.0, "jitter": 0.5, "loss": 0.3, "bandwidth": 40_000.0}
    assert reboot.trigger == Every(300.0, first=10.0, jitter=60.0, times=4)
    assert reboot.probability == 0.2 and reboot.fault.arguments == {"down": 3.0}
    assert [s.share for s in reboot.modems] == [0.5, 1.0]
    assert urc.trigger == After("outage", START, 5.0) and urc.modems == ()
    assert urc.fault.arguments == {"line": "+CIEV: 2,0"}
    assert denied.trigger == After("outage", END, 0.0)


def test_when_entries_name_an_event_and_what_it_must_be(scenario):
    loaded = scenario.load(HEAD + """\
  - when: {command: "AT+CGACT=1,1", count: 3}
    modems: lab-*
    do: {reply: "+CME ERROR: 148"}
  - when: {bytes: 10KiB, host: www.example.com, port: 80}
    do: reset_peer
  - when: {registration: searching}
    times: 5
    do: {delay_reply: {delay: 2s, match: "AT+COPS*"}}
    for: 10s
  - when: {socket: opened, host: echo.lab}
    do: {limit_data: 2KB}
""")
    reply, reset, slow, limit = loaded.timeline
    assert reply.trigger == When("command", "AT+CGACT=1,1", count=3, times=1)
    assert reply.fault.arguments["text"] == "+CME ERROR: 148"
    assert reset.trigger == When("bytes", 10240, host="www.example.com", port=80)
    assert slow.trigger == When("registration", "searching", times=5)
    assert slow.duration == 10.0 and slow.fault.arguments["delay"] == 2.0
    assert limit.fault.arguments["bytes"] == 2000


def test_no_timeline_is_an_empty_one(scenario):
    assert scenario.load("modems:\n  - name: a\n").timeline == ()


@pytest.mark.parametrize("entry, error", [
    # unknown fault
    ("  - at: 1s\n    do: flood\n",
     "6: timeline[0].do: unknown fault 'flood'; faults: busy, call_drop, cell_change"),
    ("  - at: 1s\n    do: {flood: {x: 1}}\n", "6: timeline[0].do.flood: unknown fault 'flood'"),
    ("  - at: 1s\n    do: {link: {}, urc: x}\n", "6: timeline[0].do: expected a fault"),
    # arguments of the wrong type, unknown, missing
    ("  - at: 1s\n    do: {link: {latency: fast}}\n",
     '6: timeline[0].do.link.latency: expected a duration like "250ms"'),
    ("  - at: 1s\n    do: {link: {loss: 2}}\n",
     "6: timeline[0].do.link.loss: a probability must be from 0 to 1"),
    ("  - at: 1s\n    do: {link: {mtu: big}}\n",
     "6: timeline[0].do.link.mtu: expected a whole number"),
    ("  - at: 1s\n    do: {link: {latncy: 1s}}\n",
     "6: timeline[0].do.link.latncy: unknown key; allowed keys here: bandwidth, down, "
     "host, jitter, latency, loss, mtu, port, up (did you mean latency?)"),
    ("  - at: 1s\n    do: link\n", "6: timeline[0].do: link needs at least one of"),
    ("  - at: 1s\n    do: {link: 2s}\n", "6: timeline[0].do.link: link takes arguments as a "
     "mapping"),
    ("  - at: 1s\n    do: {urc: 5}\n",
     '6: timeline[0].do.urc: expected a string, got the integer 5; write it in quotes: "5"'),
    ("  - at: 1s\n    do: urc\n", "6: timeline[0].do: urc needs the argument 'line'"),
    ("  - at: 1s\n    do: {deregister: gone}\n",
     "6: timeline[0].do.deregister: 'gone' is not one of denied, searching"),
    # selectors
    ("  - at: 1s\n    modems: lab-{3..1}\n    do: reboot\n",
     "6: timeline[0].modems: bad selector: {3..1}: the range runs backwards"),
    ("  - at: 1s\n    modems: [lab-1, 200% of lab-*]\n    do: reboot\n",
     "6: timeline[0].modems[1]: bad selector: a share is more than 0% and at most 100%"),
    ("  - at: 1s\n    modems: gw-*\n    do: reboot\n",
     "6: timeline[0].modems: 'gw-*' matches no modem; modems: lab-1, lab-2, lab-3, lab-4"),
    ("  - at: 1s\n    modems: []\n    do: reboot\n", "6: timeline[0].modems: an empty list"),
    # durations and triggers
    ("  - at: soon\n    do: reboot\n",
     '5: timeline[0].at: expected a duration like "250ms"'),
    ("  - at: -1s\n    do: reboot\n", "5: timeline[0].at: expected a duration"),
    ("  - at: 1s\n    do: deregister\n    for: 1h\n",
     '7: timeline[0].for: expected a duration like "250ms"'),
    ("  - at: 1s\n    do: reboot\n    for: 1s\n",
     "7: timeline[0].for: reboot is an event: it has no duration to end"),
    ("  - at: 1s\n    do: deregister\n    for: 1s\n    until: 2s\n",
     "8: timeline[0].until: give for or until, not both"),
    ("  - at: 10s\n    do: deregister\n    until: 5s\n",
     "7: timeline[0].until: is not after the entry starts (10s)"),
    ("  - every: 0s\n    do: reboot\n", "5: timeline[0].every: the period must be more than 0"),
    ("  - at: 1s\n    jitter: 1s\n    do: reboot\n", "6: timeline[0].jitter: jitter goes with "
     "every"),
    ("  - every: 1m\n    times: 0\n    do: reboot\n", "6: timeline[0].times: must be from 1"),
    ("  - do: reboot\n", "5: timeline[0]: needs a trigger: at, after, every or when"),
    # when
    ("  - when: {command: AT, urc: X}\n    do: reboot\n",
     "5: timeline[0].when: name one event: command, result, urc"),
    ("  - when: {commnd: AT}\n    do: reboot\n",
     "5: timeline[0].when.commnd: unknown key"),
    ("  - when: {registration: lost}\n    do: reboot\n",
     "5: timeline[0].when.registration: 'lost' is not one of denied, home, not_registered"),
    ("  - when: {bytes: lots, host: www}\n    do: reset_peer\n",
     "5: timeline[0].when.bytes: expected a number of bytes such as 512, 10KiB"),
    ("  - when: {bytes: 0}\n    do: reset_peer\n",
     "5: timeline[0].when.bytes: must be more than 0 bytes"),
    ("  - when: {command: AT, host: www}\n    do: reboot\n",
     "5: timeline[0].when.host: host narrows socket and bytes events only"),
    ("  - when: {command: AT, count: 0}\n    do: reboot\n",
     "5: timeline[0].when.count: must be from 1"),
    ("  - when: {command: AT}\n    at: 1s\n    do: reboot\n",
     "6: timeline[0].at: when cannot be combined with at"),
    ("  - at: 1s\n    times: 2\n    do: reboot\n",
     "6: timeline[0].times: times goes with every or when"),
    ("  - when: {command: AT}\n    do: {reply: {txt: OK}}\n",
     "6: timeline[0].do.reply.txt: unknown key"),
    ("  - when: {socket: opened}\n    do: {limit_data: 1e3}\n",
     "6: timeline[0].do.limit_data: expected a number of bytes"),
    ("  - at: 1s\n", "5: timeline[0].do: required key is missing"),
    ("  - at: 1s\n    on: lab-1\n    do: reboot\n",
     "6: timeline[0].on: the modems of an entry are given with modems:, not on:"),
    ("  - at: 1s\n    probability: 120%\n    do: reboot\n",
     "6: timeline[0].probability: a probability must be from 0 to 1"),
    # after
    ("  - after: nothing\n    do: reboot\n",
     "5: timeline[0].after: no entry named 'nothing'; names: none"),
    ("  - after: {start: a, end: a}\n    do: reboot\n",
     "5: timeline[0].after: name the entry once"),
    ("  - name: a\n    after: b\n    do: reboot\n  - name: b\n    after: a\n    do: reboot\n",
     "5: timeline[0].after: after: entries form a loop"),
    ("  - name: a\n    at: 1s\n    after: a\n    do: reboot\n",
     "6: timeline[0].at: after cannot be combined with at"),
    ("  - name: a\n    at: 1s\n    do: reboot\n  - name: a\n    at: 2s\n    do: reboot\n",
     "8: timeline[1]: the name 'a' is already used by timeline[0] (line 5)"),
])
def test_mistakes_stop_loading_with_file_line_and_key(scenario, entry, error):
    assert scenario.error(HEAD + entry).startswith(error)
