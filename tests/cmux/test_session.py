"""The DCE multiplexer state machine on its own (no modem, no channels), on task.Clock:
what it tells its listener, in which order, and what it puts on the line."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from twisted.internet.task import Clock

from simulator.cmux.config import CmuxSettings, MuxParameters
from simulator.cmux.frames import FrameKind, Option
from simulator.cmux.messages import V24Signals
from simulator.cmux.session import MAX_HELD_OUTPUT, DceMultiplexer, MuxState
from simulator.cmux.states import TRANSITIONS, DlcState
from tests.cmux import dte
from tests.cmux.dte import CLD, DISC, DM, FCOFF, MSC, PF, PN, PSC, SABM, TEST, UA, UIH


class Recorder:
    """A MuxListener that writes down every call."""

    def __init__(self):
        self.calls = []
        self.notes = []
        self.on_open = None

    def dlc_opened(self, dlci):
        self.calls.append(("opened", dlci))
        if self.on_open:
            self.on_open(dlci)

    def dlc_closed(self, dlci):
        self.calls.append(("closed", dlci))

    def dlc_data(self, dlci, data):
        self.calls.append(("data", dlci, data))

    def dlc_signals(self, dlci, signals):
        self.calls.append(("signals", dlci, signals))

    def mux_closed(self, reason, trailing):
        self.calls.append(("mux closed", reason, trailing))

    def trace(self, direction, text, bulk):
        self.notes.append((direction, text))


class Line:
    """The session with a DTE at the other end of the line."""

    def __init__(self, mode=dte.BASIC, settings=None, **parameters):
        self.clock = Clock()
        self.listener = Recorder()
        self.sent = bytearray()
        self.mode = mode
        option = Option.BASIC if mode == dte.BASIC else Option.ADVANCED
        self.session = DceMultiplexer(MuxParameters(option=option, **parameters),
                                      settings or CmuxSettings(), self.clock,
                                      self.sent.extend, self.listener)
        self.parser = dte.Parser(mode)

    def send(self, dlci, control, info=b"", **kw):
        self.session.receive_data(dte.frame(self.mode, dlci, control, info, **kw))
        return self.take()

    def take(self):
        data, self.sent[:] = bytes(self.sent), b""
        return self.parser.feed(data)

    def control(self, *messages):
        frames = self.send(0, UIH, b"".join(messages))
        return [m for f in frames for m in dte.parse_messages(f.info)]

    def opened(self, *dlcis):
        self.send(0, SABM | PF)
        for dlci in dlcis:
            ua, msc = self.send(dlci, SABM | PF)
            [(_, _, values)] = dte.parse_messages(msc.info)
            self.control(dte.message(MSC, values, command=False))
        self.listener.calls.clear()
        return self


def kinds(frames):
    return [(f.dlci, f.kind) for f in frames]


def test_every_state_and_frame_type_has_an_action():
    assert set(TRANSITIONS) == {(s, k) for s in DlcState for k in FrameKind}


def test_opening_dlc0_then_a_dlc():
    line = Line()
    assert line.session.state is MuxState.STARTING
    assert kinds(line.send(0, SABM | PF)) == [(0, UA)]
    assert line.session.state is MuxState.OPEN
    ua, msc = line.send(1, SABM | PF)
    assert (ua.dlci, ua.kind, ua.cr, ua.pf) == (1, UA, 1, True)
    assert (msc.dlci, msc.cr) == (0, 0)
    assert dte.parse_messages(msc.info) == [(MSC, True, bytes([0x07, 0x0D]))]
    assert line.listener.calls == [("opened", 1)]


def test_signals_set_while_opening_go_into_the_first_msc():
    line = Line()
    line.send(0, SABM | PF)
    line.listener.on_open = lambda dlci: line.session.set_modem_signals(
        dlci, V24Signals(dv=True))
    ua, msc = line.send(2, SABM | PF)
    assert dte.parse_messages(msc.info) == [(MSC, True, bytes([0x0B, 0x8D]))]
    # Unchanged signals send nothing; a change sends a new MSC.
    line.session.set_modem_signals(2, V24Signals(dv=True))
    assert line.take() == []
    line.session.set_modem_signals(2, V24Signals(dv=True, ic=True))
    [msc] = line.take()
    assert dte.parse_messages(msc.info) == [(MSC, True, bytes([0x0B, 0xCD]))]


def test_output_written_while_opening_follows_the_msc():
    line = Line()
    line.send(0, SABM | PF)
    line.listener.on_open = lambda dlci: line.session.send_data(dlci, b"hello")
    assert kinds(line.send(1, SABM | PF)) == [(1, UA), (0, UIH), (1, UIH)]


def test_listener_closing_during_open_is_respected():
    line = Line()
    line.send(0, SABM | PF)
    line.listener.on_open = lambda dlci: line.session.close_down("gone")
    assert kinds(line.send(1, SABM | PF)) == [(1, UA)]
    assert line.listener.calls == [("opened", 1), ("closed", 1), ("mux closed", "gone", b"")]


def test_information_and_disc():
    line = Line().opened(1)
    assert line.send(1, UIH, b"AT\r") == []
    assert line.send(1, UIH, b"") == []  # empty information is no data
    assert kinds(line.send(1, DISC | PF)) == [(1, UA)]
    assert line.listener.calls == [("data", 1, b"AT\r"), ("closed", 1)]
    assert kinds(line.send(1, DISC | PF)) == [(1, DM)]
    assert line.send(1, UIH, b"late") == []
    assert line.listener.calls == [("data", 1, b"AT\r"), ("closed", 1)]


def test_ui_frames_are_information_too():
    line = Line().opened(1)
    line.send(1, dte.UI, b"ui data")
    assert line.listener.calls == [("data", 1, b"ui data")]


def test_output_is_cut_to_n1_and_sent_as_commands():
    line = Line(n1=10).opened(1)
    line.session.send_data(1, b"x" * 25)
    frames = line.take()
    assert [len(f.info) for f in frames] == [10, 10, 5]
    assert {(f.dlci, f.cr, f.kind) for f in frames} == {(1, 0, UIH)}


def test_subset_1_uses_ui_frames():
    line = Line(subset=1, settings=CmuxSettings(subsets=(0, 1)))
    line.send(0, SABM | PF)
    ua, msc = line.send(1, SABM | PF)
    assert msc.kind == dte.UI
    line.session.send_data(1, b"x")
    [data] = line.take()
    assert data.kind == dte.UI


def test_output_for_a_closed_dlc_is_dropped_and_counted():
    line = Line().opened(1)
    line.session.send_data(3, b"nobody")
    assert line.take() == [] and line.session.dropped_output == 6


def test_held_output_is_bounded():
    line = Line().opened(1)
    line.control(dte.message(FCOFF))
    line.session.send_data(1, b"x" * (MAX_HELD_OUTPUT + 10))
    assert line.session.dropped_output == 10


def test_msc_from_the_host_reaches_the_listener_and_is_acknowledged():
    line = Line().opened(1)
    answer = line.control(dte.message(MSC, dte.msc_values(1, dtr=False, rts=True)))
    assert answer == [(MSC, False, dte.msc_values(1, dtr=False, rts=True))]
    assert line.listener.calls == [
        ("signals", 1, V24Signals(fc=False, rtc=False, rtr=True, ic=False, dv=False))]
    # For a DLC that is not open: acknowledged, nothing else.
    line.listener.calls.clear()
    assert line.control(dte.message(MSC, dte.msc_values(3))) == [
        (MSC, False, dte.msc_values(3))]
    assert line.listener.calls == []


def test_several_messages_in_one_frame_and_a_truncated_one():
    line = Line().opened()
    answer = line.control(dte.message(TEST, b"a"), dte.message(TEST, b"b"), b"\x23")
    assert answer == [(TEST, False, b"a"), (TEST, False, b"b")]
    assert any("truncated" in text for _, text in line.listener.notes)


def test_msc_retransmission_uses_t2_and_n2():
    line = Line(t2=20, n2=3)  # 200 ms, three retransmissions
    line.send(0, SABM | PF)
    ua, first = line.send(1, SABM | PF)
    sent = []
    for _ in range(6):
        line.clock.advance(0.2)
        sent += line.take()
    assert [f.info for f in sent] == [first.info] * 3
    assert not line.clock.getDelayedCalls()


def test_a_new_msc_supersedes_the_unanswered_one():
    line = Line(t2=20, n2=3)
    line.send(0, SABM | PF)
    line.send(1, SABM | PF)
    line.session.set_modem_signals(1, V24Signals(dv=True))
    [newer] = line.take()
    line.clock.advance(0.2)
    [again] = line.take()
    assert again.info == newer.info
    assert len(line.clock.getDelayedCalls()) == 1


def test_nsc_from_the_host_stops_retransmission():
    line = Line()
    line.send(0, SABM | PF)
    line.send(1, SABM | PF)
    line.control(dte.message(dte.NSC, bytes([MSC | 2]), command=False))
    assert not line.clock.getDelayedCalls()


def test_closing_a_dlc_cancels_its_outstanding_msc():
    line = Line()
    line.send(0, SABM | PF)
    line.send(1, SABM | PF)
    line.send(1, DISC | PF)
    assert not line.clock.getDelayedCalls()


def test_pn_before_sabm_sets_the_dlc_frame_size():
    line = Line().opened()
    pn = bytes([2, 0, 0, 10]) + (20).to_bytes(2, "little") + bytes([3, 2])
    [(kind, _, reply)] = line.control(dte.message(PN, pn))
    assert (kind, reply) == (PN, pn)
    line.send(2, SABM | PF)
    line.session.send_data(2, b"y" * 45)
    assert [len(f.info) for f in line.take()] == [20, 20, 5]


def test_pn_with_n1_zero_or_k_out_of_range_gets_the_session_values():
    line = Line(n1=50, k=3).opened()
    pn = bytes([1, 0, 0, 10, 0, 0, 3, 0])
    [(_, _, reply)] = line.control(dte.message(PN, pn))
    assert reply[4:6] == (50).to_bytes(2, "little") and reply[7] == 3


def test_fcoff_stops_every_dlc_but_not_the_control_channel():
    line = Line().opened(1, 2)
    assert line.control(dte.message(FCOFF)) == [(FCOFF, False, b"")]
    line.session.send_data(1, b"one")
    line.session.send_data(2, b"two")
    assert line.take() == []
    assert line.control(dte.message(TEST, b"t")) == [(TEST, False, b"t")]
    frames = line.send(0, UIH, dte.message(dte.FCON))
    assert [(f.dlci, f.info) for f in frames] == [
        (0, dte.message(dte.FCON, command=False)), (1, b"one"), (2, b"two")]


def test_power_saving_holds_control_frames_too():
    line = Line().opened(1)
    line.control(dte.message(PSC, b"\x01"))
    line.session.set_modem_signals(1, V24Signals(dv=True))
    assert line.sent == b"\xf9" * 4  # wake-up flags, the MSC is held
    line.sent.clear()
    line.session.receive_data(b"\xf9")
    frames = line.take()
    assert [f.dlci for f in frames] == [0]  # the MSC, without flags in answer


def test_cld_closes_every_dlc_then_the_multiplexer_with_trailing_octets():
    line = Line().opened(1, 2)
    data = dte.frame(dte.BASIC, 0, UIH, dte.message(CLD)) + b"AT\r"
    line.session.receive_data(data)
    assert [m for f in line.take() for m in dte.parse_messages(f.info)] == [
        (CLD, False, b"")]
    assert line.listener.calls == [("closed", 1), ("closed", 2),
                                   ("mux closed", "CLD", b"AT\r")]
    assert line.session.state is MuxState.CLOSED
    # Closed means deaf.
    line.session.receive_data(dte.frame(dte.BASIC, 0, SABM | PF))
    line.session.send_data(1, b"x")
    assert line.take() == []


def test_disc_of_dlc0():
    line = Line(mode=dte.ADVANCED).opened(3)
    assert kinds(line.send(0, DISC | PF)) == [(0, UA)]
    assert line.listener.calls == [("closed", 3), ("mux closed", "DISC on DLC 0", b"")]


def test_close_down_by_the_modem_is_silent_and_idempotent():
    line = Line().opened(1)
    line.session.close_down("DTR dropped")
    line.session.close_down("again")
    assert line.take() == []
    assert line.listener.calls == [("closed", 1), ("mux closed", "DTR dropped", b"")]


def test_before_dlc0_only_sabm_on_dlc0_opens_anything():
    line = Line()
    assert kinds(line.send(2, SABM | PF)) == [(2, DM)]
    assert kinds(line.send(0, DISC | PF)) == [(0, DM)]
    assert line.send(0, UIH, dte.message(TEST, b"x")) == []
    assert line.session.state is MuxState.STARTING


@pytest.mark.parametrize("delay", [0.0, 1.0])
def test_first_frame_delay(delay):
    line = Line(settings=CmuxSettings(first_frame_delay=delay))
    answer = line.send(0, SABM | PF)
    assert bool(answer) == (delay == 0.0)
    line.clock.advance(delay)
    if delay:
        assert kinds(line.send(0, SABM | PF)) == [(0, UA)]
        assert line.session.ignored_octets == 6


def test_counters():
    line = Line().opened(1)
    line.send(1, UIH, b"x", bad_fcs=True)
    line.session.receive_data(b"noise")
    assert line.session.bad_fcs == 1
    # The bad frame, and its closing flag followed by noise (address octet with EA = 0).
    assert line.session.discarded == 2
    assert line.session.frames_received == 3  # SABM, SABM, MSC response


def _run_untraced_or_traced(ops, trace_bulk, mode):
    line = Line(mode).opened(1, 2)
    line.session.trace_bulk = trace_bulk
    out = []
    for op, dlci, data in ops:
        if op == "host":
            out.append(line.send(dlci, UIH | (PF if data[:1] == b"P" else 0), data))
        elif op == "modem":
            line.session.send_data(dlci, data)
            out.append(line.take())
        else:
            out.append(line.control(dte.message(FCOFF if data else dte.FCON, b"")))
    return out, line.listener.calls, line.session.dropped_output


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["host", "modem", "flow"]),
                          st.sampled_from([0, 1, 2, 3]), st.binary(max_size=200)),
                max_size=12),
       st.sampled_from([dte.BASIC, dte.ADVANCED]))
def test_the_untraced_information_paths_do_what_the_traced_ones_do(ops, mode):
    """Without bulk traces UIH frames skip the transition table and the modem's own are
    encoded from cached ends: the same frames either way."""
    assert (_run_untraced_or_traced(ops, False, mode)
            == _run_untraced_or_traced(ops, True, mode))
