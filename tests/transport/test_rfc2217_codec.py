"""The sans-IO RFC 2217 server: exact bytes, every request answered, properties."""

from __future__ import annotations

import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.transport.rfc2217 import events as ev
from simulator.transport.rfc2217.parser import MAX_SUBNEGOTIATION, Data, TelnetParser
from simulator.transport.rfc2217.server import MAX_HELD_OUTPUT, NEED_DATA, ComPortServer

IAC, SB, SE, WILL, WONT, DO, DONT = 0xFF, 0xFA, 0xF0, 0xFB, 0xFC, 0xFD, 0xFE
BINARY, ECHO, SGA, COM_PORT = 0, 1, 3, 44

OPENING_OFFERS = bytes([IAC, WILL, BINARY, IAC, WILL, SGA, IAC, DO, BINARY, IAC, DO, SGA])


def sb(*payload: int | bytes) -> bytes:
    body = b"".join(bytes([p]) if isinstance(p, int) else p for p in payload)
    return bytes([IAC, SB, COM_PORT]) + body.replace(b"\xff", b"\xff\xff") + bytes([IAC, SE])


def drain(conn: ComPortServer) -> list[ev.Event]:
    events = []
    while (event := conn.next_event()) is not NEED_DATA:
        events.append(event)
    return events


def feed(conn: ComPortServer, data: bytes) -> tuple[list[ev.Event], bytes]:
    conn.receive_data(data)
    return drain(conn), conn.data_to_send()


def negotiated() -> ComPortServer:
    """A server after pyserial's opening negotiation, with all output taken."""
    conn = ComPortServer()
    conn.data_to_send()
    feed(
        conn,
        bytes(
            [
                IAC,
                DO,
                ECHO,
                IAC,
                WILL,
                SGA,
                IAC,
                DO,
                SGA,
                IAC,
                DO,
                COM_PORT,
                IAC,
                WILL,
                COM_PORT,
                IAC,
                WILL,
                BINARY,
                IAC,
                DO,
                BINARY,
            ]
        ),
    )
    return conn


# -- the exchange pyserial 3.5 performs on open -----------------------------------------------


def test_server_opens_with_binary_and_sga_both_ways():
    assert ComPortServer().data_to_send() == OPENING_OFFERS


def test_pyserial_open_sequence_gets_every_answer_it_waits_for():
    conn = ComPortServer()
    conn.data_to_send()
    events, out = feed(conn, bytes.fromhex("fffd01 fffb03 fffd03 fffd2c fffb2c"))
    assert out == bytes.fromhex(
        "fffc01"  # WONT ECHO: the modem echoes itself
        # WILL SGA / DO SGA get nothing: they answer our own offers
        "fffb2c"  # WILL COM-PORT, the answer to DO COM-PORT ...
        "fffa2c6b00fff0"  # ... and at once the modem lines (none known yet)
        "fffd2c"  # DO COM-PORT, the answer to WILL COM-PORT
    )
    assert conn.com_port_active
    assert ev.OptionChanged(COM_PORT, local=False, enabled=True) in events

    events, out = feed(conn, bytes.fromhex("fffb00 fffd00"))  # WILL BINARY, DO BINARY
    assert out == b"", "answers to our own offers need no answer"
    assert conn.binary(local=True) and conn.binary(local=False)

    requests = bytes.fromhex(
        "fffa2c010001c200fff0 fffa2c0208fff0 fffa2c0301fff0 fffa2c0401fff0"
        "fffa2c0501fff0 fffa2c0508fff0 fffa2c050bfff0 fffa2c0c01fff0 fffa2c0c02fff0"
    )
    events, out = feed(conn, requests)
    assert out == bytes.fromhex(
        "fffa2c650001c200fff0 fffa2c6608fff0 fffa2c6701fff0 fffa2c6801fff0"
        "fffa2c6901fff0 fffa2c6908fff0 fffa2c690bfff0 fffa2c7001fff0 fffa2c7002fff0"
    )
    assert events == [
        ev.BaudrateSet(115200),
        ev.DataSizeSet(8),
        ev.ParitySet("N"),
        ev.StopSizeSet(1),
        ev.FlowControlSet("outbound", "none"),
        ev.DtrSet(True),
        ev.RtsSet(True),
        ev.PurgeRequested(to_host=True, to_modem=False),
        ev.PurgeRequested(to_host=False, to_modem=True),
    ]

    events, out = feed(conn, bytes.fromhex("fffa2c01 00002580 fff0 fffa2c0509fff0"))
    assert events == [ev.BaudrateSet(9600), ev.DtrSet(False)]
    assert out == bytes.fromhex("fffa2c6500002580fff0 fffa2c6909fff0")


def test_initial_modem_state_reflects_lines_set_before_negotiation():
    conn = ComPortServer()
    conn.notify_modemstate(dcd=False, ri=False, dsr=True, cts=True)
    assert conn.data_to_send() == OPENING_OFFERS, "nothing about lines before COM-PORT"
    _, out = feed(conn, bytes([IAC, WILL, COM_PORT]))
    assert out == bytes.fromhex("fffd2c fffa2c6b30fff0")


# -- option negotiation --------------------------------------------------------------------


@pytest.mark.parametrize(
    "request_, answer",
    [
        (bytes([IAC, DO, ECHO]), bytes([IAC, WONT, ECHO])),
        (bytes([IAC, WILL, ECHO]), bytes([IAC, DONT, ECHO])),
        (bytes([IAC, DO, 24]), bytes([IAC, WONT, 24])),  # terminal type: not ours
        (bytes([IAC, WILL, 31]), bytes([IAC, DONT, 31])),  # window size
        (bytes([IAC, DONT, ECHO]), b""),  # already off
        (bytes([IAC, WONT, 99]), b""),
    ],
)
def test_unsupported_options_are_refused_once(request_, answer):
    conn = ComPortServer()
    conn.data_to_send()
    assert feed(conn, request_)[1] == answer
    assert feed(conn, request_)[1] == answer


def test_switching_an_option_off_and_on_again():
    conn = negotiated()
    events, out = feed(conn, bytes([IAC, DONT, BINARY]))
    assert out == bytes([IAC, WONT, BINARY])
    assert events == [ev.OptionChanged(BINARY, local=True, enabled=False)]
    events, out = feed(conn, bytes([IAC, DO, BINARY]))
    assert out == bytes([IAC, WILL, BINARY])
    assert events == [ev.OptionChanged(BINARY, local=True, enabled=True)]


def test_refused_offer_is_not_offered_again():
    conn = ComPortServer()
    conn.data_to_send()
    _, out = feed(conn, bytes([IAC, DONT, BINARY, IAC, WONT, BINARY]))
    assert out == b""
    assert not conn.binary(local=True) and not conn.binary(local=False)


# -- RFC 2217 requests -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "code, value, event",
    [
        (2, 7, ev.DataSizeSet(7)),
        (3, 3, ev.ParitySet("E")),
        (3, 2, ev.ParitySet("O")),
        (3, 4, ev.ParitySet("M")),
        (3, 5, ev.ParitySet("S")),
        (4, 2, ev.StopSizeSet(2)),
        (4, 3, ev.StopSizeSet(1.5)),
        (5, 1, ev.FlowControlSet("outbound", "none")),
        (5, 2, ev.FlowControlSet("outbound", "xonxoff")),
        (5, 3, ev.FlowControlSet("outbound", "hardware")),
        (5, 17, ev.FlowControlSet("outbound", "dcd")),
        (5, 19, ev.FlowControlSet("outbound", "dsr")),
        (5, 14, ev.FlowControlSet("inbound", "none")),
        (5, 15, ev.FlowControlSet("inbound", "xonxoff")),
        (5, 16, ev.FlowControlSet("inbound", "hardware")),
        (5, 18, ev.FlowControlSet("inbound", "dtr")),
        (5, 5, ev.BreakSet(True)),
        (5, 6, ev.BreakSet(False)),
        (5, 8, ev.DtrSet(True)),
        (5, 9, ev.DtrSet(False)),
        (5, 11, ev.RtsSet(True)),
        (5, 12, ev.RtsSet(False)),
        (10, 0x60, ev.MaskSet("linestate", 0x60)),
        (11, 0x88, ev.MaskSet("modemstate", 0x88)),
        (12, 3, ev.PurgeRequested(to_host=True, to_modem=True)),
    ],
)
def test_each_setting_is_applied_and_echoed_with_code_plus_100(code, value, event):
    conn = negotiated()
    events, out = feed(conn, sb(code, value))
    assert events == [event]
    assert out == sb(code + 100, value)


@pytest.mark.parametrize(
    "setup, query, answer",
    [
        (sb(5, 9), 7, 9),  # request DTR state -> DTR OFF
        (sb(5, 8), 7, 8),
        (sb(5, 12), 10, 12),  # request RTS state -> RTS OFF
        (sb(5, 5), 4, 5),  # request BREAK state -> ON
        (b"", 4, 6),
        (sb(5, 3), 0, 3),  # request outbound flow -> hardware
        (sb(5, 16), 13, 16),  # request inbound flow -> hardware
        (b"", 13, 14),
    ],
)
def test_control_requests_answer_the_current_state(setup, query, answer):
    conn = negotiated()
    feed(conn, setup)
    events, out = feed(conn, sb(5, query))
    assert events == []
    assert out == sb(105, answer)


@pytest.mark.parametrize(
    "request_, answer",
    [
        (sb(1, b"\0\0\0\0"), sb(101, struct.pack("!I", 115200))),
        (sb(2, 0), sb(102, 8)),
        (sb(3, 0), sb(103, 1)),
        (sb(4, 0), sb(104, 1)),
        (sb(2, 9), sb(102, 8)),  # impossible size: "no" is the size in force
        (sb(3, 6), sb(103, 1)),
        (sb(4, 7), sb(104, 1)),
    ],
)
def test_queries_and_impossible_values_answer_the_value_in_force(request_, answer):
    conn = negotiated()
    events, out = feed(conn, request_)
    assert events == []
    assert out == answer


def test_baudrate_with_an_iac_byte_is_escaped_both_ways():
    conn = negotiated()
    events, out = feed(conn, sb(1, struct.pack("!I", 0xFF)))
    assert events == [ev.BaudrateSet(255)]
    assert out == bytes.fromhex("fffa2c65000000ffff fff0")


def test_signature_request_and_client_signature():
    conn = negotiated()
    events, out = feed(conn, sb(0))
    assert (events, out) == ([], sb(100, b"atsim"))
    events, out = feed(conn, sb(0, b"pySerial"))
    assert (events, out) == ([ev.SignatureReceived(b"pySerial")], b"")


def test_polls_of_modem_and_line_state():
    conn = negotiated()
    conn.notify_modemstate(dcd=True, ri=False, dsr=True, cts=True)
    conn.data_to_send()
    assert feed(conn, sb(7)) == ([], sb(107, 0xB0))
    assert feed(conn, sb(6)) == ([], sb(106, 0))  # line-state mask starts at 0
    feed(conn, sb(10, 0xFF))
    assert feed(conn, sb(6)) == ([], sb(106, 0x60))


@pytest.mark.parametrize(
    "garbage, reason",
    [
        (sb(5, 99), "unknown SET-CONTROL value"),
        (sb(12, 7), "unknown PURGE-DATA value"),
        (sb(1, b"\0\1"), "SET-BAUDRATE needs 4 bytes"),
        (sb(2), "SET-DATASIZE needs 1 byte"),
        (sb(42, 1), "unknown COM-PORT command"),
        (sb(105, 8), "unknown COM-PORT command"),  # a server answer sent to the server
        (bytes([IAC, SB, COM_PORT, IAC, SE]), "COM-PORT subnegotiation without a command"),
        (bytes([IAC, SB, 24, 1, IAC, SE]), "subnegotiation of an unsupported option"),
        (bytes([IAC, SB, IAC, SE]), "empty subnegotiation"),
    ],
)
def test_invalid_requests_are_reported_and_not_answered(garbage, reason):
    conn = negotiated()
    events, out = feed(conn, garbage)
    assert out == b""
    assert [type(e) for e in events] == [ev.Ignored]
    assert events[0].reason == reason


def test_unterminated_subnegotiation_recovers_at_the_next_command():
    conn = negotiated()
    events, out = feed(conn, bytes([IAC, SB, COM_PORT, 5, 9, IAC, DO, ECHO]) + b"AT\r")
    assert [type(e) for e in events] == [ev.Ignored, ev.DataReceived]
    assert events[1].data == b"AT\r"
    assert out == bytes([IAC, WONT, ECHO])


def test_overlong_subnegotiation_is_capped_and_dropped():
    conn = negotiated()
    events, out = feed(conn, bytes([IAC, SB, COM_PORT, 0]) + b"x" * 100_000 + bytes([IAC, SE]))
    assert [e.reason for e in events] == [f"subnegotiation longer than {MAX_SUBNEGOTIATION} bytes"]
    assert out == b""
    assert feed(conn, b"AT\r")[0] == [ev.DataReceived(b"AT\r")]


def test_bare_telnet_commands_are_events_not_data():
    conn = negotiated()
    events, _ = feed(conn, bytes([IAC, 0xF1]) + b"A" + bytes([IAC, 0xF3]) + b"T")
    assert events == [
        ev.CommandReceived(0xF1),
        ev.DataReceived(b"A"),
        ev.CommandReceived(0xF3),
        ev.DataReceived(b"T"),
    ]


# -- modem state notifications ---------------------------------------------------------------


def test_modem_state_changes_carry_levels_and_delta_bits():
    conn = negotiated()
    conn.notify_modemstate(dcd=False, ri=False, dsr=True, cts=True)
    assert conn.data_to_send() == sb(107, 0x30 | 0x02 | 0x01)
    conn.notify_modemstate(dcd=False, ri=False, dsr=True, cts=True)
    assert conn.data_to_send() == b"", "no change, no notification"
    conn.notify_modemstate(dcd=True, ri=False, dsr=True, cts=True)
    assert conn.data_to_send() == sb(107, 0x80 | 0x30 | 0x08)
    conn.notify_modemstate(dcd=True, ri=True, dsr=True, cts=True)
    assert conn.data_to_send() == sb(107, 0xF0), "RI rising has no delta bit"
    conn.notify_modemstate(dcd=True, ri=False, dsr=True, cts=True)
    assert conn.data_to_send() == sb(107, 0xB0 | 0x04), "RI trailing edge"
    conn.notify_modemstate(dcd=True, ri=False, dsr=False, cts=False)
    assert conn.data_to_send() == sb(107, 0x80 | 0x02 | 0x01)


def test_modem_state_mask_filters_notifications():
    conn = negotiated()
    conn.notify_modemstate(dcd=False, ri=False, dsr=True, cts=True)
    conn.data_to_send()
    feed(conn, sb(11, 0x88))  # DCD level and DCD delta only
    conn.notify_modemstate(dcd=False, ri=True, dsr=False, cts=True)
    assert conn.data_to_send() == b"", "RI and DSR are masked out"
    conn.notify_modemstate(dcd=True, ri=True, dsr=False, cts=True)
    assert conn.data_to_send() == sb(107, 0x88)
    feed(conn, sb(11, 0))
    conn.notify_modemstate(dcd=False, ri=False, dsr=True, cts=True)
    assert conn.data_to_send() == b""


# -- payload -------------------------------------------------------------------------------


def test_binary_mode_payload_is_untranslated_apart_from_iac():
    conn = negotiated()
    events, _ = feed(conn, b"A\r\x00B\xff\xffC\r\n")
    assert events == [ev.DataReceived(b"A\r\x00B\xffC\r\n")]
    conn.send_data(b"\r\nOK\r\n\xff\r")
    assert conn.data_to_send() == b"\r\nOK\r\n\xff\xff\r"


def test_nvt_mode_cr_nul_means_cr_even_split_across_reads():
    conn = ComPortServer()
    conn.data_to_send()
    events = feed(conn, b"AT\r")[0] + feed(conn, b"\x00ATI\r\x00\x00")[0]
    assert b"".join(e.data for e in events) == b"AT\rATI\r\x00"
    conn.send_data(b"\r\nOK\r\nX\r")
    assert conn.data_to_send() == b"\r\nOK\r\nX\r\x00"
    conn.send_data(b"A\rB\r\n")
    assert conn.data_to_send() == b"A\r\x00B\r\n"


def test_suspend_holds_everything_and_resume_releases_it_in_order():
    conn = negotiated()
    events, out = feed(conn, sb(8))
    assert events == [ev.FlowSuspended()]
    assert out == b"", "no 108: that would ask the host to stop sending"
    conn.send_data(b"RING")
    feed(conn, sb(5, 9))
    conn.send_data(b"!")
    assert conn.data_to_send() == b""
    events, out = feed(conn, sb(9))
    assert events == [ev.FlowResumed()]
    assert out == b"RING" + sb(105, 9) + b"!"


def test_held_output_is_bounded_and_purgeable():
    conn = negotiated()
    feed(conn, sb(8))
    chunk = b"x" * 1024
    for _ in range(MAX_HELD_OUTPUT // 1024 + 10):
        conn.send_data(chunk)
    assert conn.dropped == 10 * 1024
    feed(conn, sb(12, 1))  # purge what is waiting for the host
    _, out = feed(conn, sb(9))
    assert out == sb(112, 1), "purged payload is gone, protocol answers are kept"


# -- properties ------------------------------------------------------------------------------

_subnegotiations = st.builds(
    lambda code, value: sb(code, value),
    st.integers(0, 14),
    st.binary(max_size=6),
)
_negotiations = st.builds(
    lambda verb, option: bytes([IAC, verb, option]),
    st.sampled_from([WILL, WONT, DO, DONT]),
    st.sampled_from([BINARY, ECHO, SGA, COM_PORT, 24, 31, 255]),
)
_pieces = st.one_of(
    st.binary(max_size=20),
    st.just(b"\xff\xff"),
    st.just(b"\r\x00"),
    st.just(b"\r\n"),
    _negotiations,
    _subnegotiations,
    st.builds(lambda b: bytes([IAC, b]), st.integers(0xF0, 0xFF)),  # stray commands
)
_streams = st.lists(_pieces, max_size=40).map(b"".join)


def _split(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts})
    edges = [0, *points, len(data)]
    return [data[a:b] for a, b in zip(edges[:-1], edges[1:], strict=True)]


def _run(chunks: list[bytes]):
    conn = ComPortServer()
    out = bytearray(conn.data_to_send())
    events: list = []
    for chunk in chunks:
        conn.receive_data(chunk)
        events += drain(conn)
        out += conn.data_to_send()
    return _merge_data(events), bytes(out), _settings(conn)


def _merge_data(events):
    merged = []
    for event in events:
        if (
            isinstance(event, ev.DataReceived)
            and merged
            and isinstance(merged[-1], ev.DataReceived)
        ):
            merged[-1] = ev.DataReceived(merged[-1].data + event.data)
        else:
            merged.append(event)
    return merged


def _settings(conn: ComPortServer):
    return (
        conn.baudrate,
        conn.bytesize,
        conn.parity_code,
        conn.stopsize_code,
        conn.dtr,
        conn.rts,
        conn.suspended,
        conn.com_port_active,
        conn.modemstate_mask,
    )


@settings(max_examples=300, deadline=None)
@given(_streams, st.lists(st.integers(0, 10_000), max_size=30))
def test_any_fragmentation_gives_the_same_events_answers_and_state(stream, cuts):
    whole = _run([stream])
    assert _run(_split(stream, cuts)) == whole
    assert _run([bytes([b]) for b in stream]) == whole


@settings(max_examples=300, deadline=None)
@given(st.lists(st.binary(max_size=64), max_size=20))
def test_garbage_never_raises(chunks):
    conn = ComPortServer()
    for chunk in chunks:
        conn.receive_data(chunk)
        for event in drain(conn):
            assert isinstance(event, ev.Event)
        assert isinstance(conn.data_to_send(), bytes)
        conn.send_data(chunk)
        conn.notify_modemstate(dcd=bool(chunk), ri=False, dsr=True, cts=True)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200), st.lists(st.integers(0, 1000), max_size=10))
def test_payload_round_trips_in_binary_mode(payload, cuts):
    sender = negotiated()
    sender.send_data(payload)
    wire = sender.data_to_send()
    assert wire.count(b"\xff") == 2 * payload.count(b"\xff")
    parser = TelnetParser()
    tokens = [t for chunk in _split(wire, cuts) for t in parser.feed(chunk)]
    assert all(isinstance(t, Data) for t in tokens)
    assert b"".join(t.data for t in tokens) == payload


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200), st.lists(st.integers(0, 1000), max_size=10))
def test_payload_round_trips_in_nvt_mode(payload, cuts):
    sender = ComPortServer()  # nothing negotiated: NVT rules both ways
    sender.data_to_send()
    sender.send_data(payload)
    wire = sender.data_to_send()
    receiver = ComPortServer()
    received = bytearray()
    for chunk in _split(wire, cuts):
        receiver.receive_data(chunk)
        received += b"".join(e.data for e in drain(receiver) if isinstance(e, ev.DataReceived))
    assert bytes(received) == payload


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 12), st.binary(max_size=5))
def test_every_request_is_answered_or_reported(code, value):
    conn = negotiated()
    events, out = feed(conn, sb(code, value))
    answered = out.startswith(bytes([IAC, SB, COM_PORT, code + 100]))
    silent_by_design = code in (8, 9) or (code == 0 and value)  # suspend/resume, signature
    ignored = any(isinstance(e, ev.Ignored) for e in events)
    assert answered or silent_by_design or ignored
    if answered:
        assert out.endswith(bytes([IAC, SE]))
