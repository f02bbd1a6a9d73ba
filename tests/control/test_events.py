"""The event log without a network: events built only for subscribers that want them, a
bounded queue per subscriber that drops its oldest and counts, secrets left out."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from simulator.control.events import EventFilter, EventLog, redact
from tests.modem.bench import Bench


def test_secrets_of_sim_commands_are_left_out_and_other_lines_kept():
    assert redact('AT+CPIN="1234"') == "AT+CPIN=<redacted>"
    assert redact('at+clck="SC",0,"1234"') == "at+clck=<redacted>"
    assert redact('AT+CPWD="SC","1234","4321"') == "AT+CPWD=<redacted>"
    assert redact("AT+CPIN?") == "AT+CPIN?"
    assert redact('AT+CGDCONT=1,"IP","internet"') == 'AT+CGDCONT=1,"IP","internet"'


@given(st.text(alphabet="AT+CGDONEFSQ?=,0123456789\"", max_size=40))
def test_a_line_that_is_not_a_sim_secret_is_kept_as_it_is(line):
    if "CPIN" in line.upper() or "CLCK" in line.upper() or "CPWD" in line.upper():
        return
    assert redact(line) == line


def test_a_full_queue_drops_its_oldest_and_counts_and_wakes_once():
    bench = Bench(registered=True)
    log = EventLog([bench.modem], bench.clock)
    wakes = []
    wanted = log.subscribe(EventFilter(kinds=frozenset({"command"})), limit=3,
                           wake=lambda: wakes.append(1))
    unwanted = log.subscribe(EventFilter(modems=("other-*",)), wake=lambda: None)
    for n in range(5):
        bench.at(f"S0={n}")
    assert [e.data["line"] for e in wanted.queue] == ["ATS0=2", "ATS0=3", "ATS0=4"]
    assert (wanted.dropped, log.dropped, len(wakes)) == (2, 2, 1)
    assert not unwanted.queue
    taken = wanted.take()
    assert [e.seq for e in taken] == sorted(e.seq for e in taken)
    bench.at("S0=0")
    assert len(wakes) == 2  # the queue was empty again
    wanted.close()
    unwanted.close()
    assert bench.modem.observers == ()


def test_events_carry_the_time_of_the_modems_clock():
    bench = Bench(registered=True)
    log = EventLog([bench.modem], bench.clock)
    subscription = log.subscribe(wake=lambda: None)
    bench.advance(12.5)
    bench.at("+CSQ")
    event = subscription.queue[0]
    assert (event.time, event.modem, event.port, event.kind) == (
        bench.clock.seconds(), "m1", "p0", "command")
    assert event.to_json()["data"] == {"line": "AT+CSQ"}


def test_bytes_events_only_for_those_who_ask_with_secrets_redacted_in_any_pieces():
    from simulator.control.events import BYTES

    bench = Bench(registered=True)
    log = EventLog([bench.modem], bench.clock)
    everything = log.subscribe(wake=lambda: None)
    asking = log.subscribe(EventFilter(kinds=frozenset({BYTES})), wake=lambda: None)
    bench.at("E0")
    kinds = {e.kind for e in everything.take()}
    assert BYTES not in kinds and "command" in kinds
    shown = [(e.port, e.data["direction"], e.data["text"], e.data.get("hex"))
             for e in asking.take()]
    assert shown[0] == ("p0", "rx", "ATE0\r", b"ATE0\r".hex())
    assert shown[-1] == ("p0", "tx", "\r\nOK\r\n", b"\r\nOK\r\n".hex())
    # A PIN, in pieces: the piece that shows the secret is redacted, and the rest of its line.
    for piece in (b"AT+CP", b'IN="12', b'34"', b"\r"):
        bench.port.channel.receive(piece)
    texts = [e.data["text"] for e in asking.take() if e.data["direction"] == "rx"]
    assert texts == ["AT+CP", "<redacted>", "<redacted>", "<redacted>"]
    bench.at("+CSQ")
    assert [e.data["text"] for e in asking.take()][0] == "AT+CSQ\r"
    asking.close()
    bench.at("+CSQ")
    assert all(e.kind != BYTES for e in everything.take())
    with_bytes = log.subscribe(EventFilter(with_bytes=True), wake=lambda: None)
    bench.at("+CSQ")
    kinds = [e.kind for e in with_bytes.take()]
    assert BYTES in kinds and "command" in kinds
