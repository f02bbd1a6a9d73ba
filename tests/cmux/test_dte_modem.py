"""The independent test DTE (``tests.cmux.dte``) against a real modem with ``MuxService``:
exact frames on the wire, AT on several DLCs, data mode per DLC, V.24 signals by MSC, the
control channel, and leaving and re-entering the multiplexer."""

import pytest

from simulator.at.interpreter import Mode
from simulator.cmux.config import CmuxSettings
from tests.cmux import dte
from tests.cmux.bench import MuxBench
from tests.cmux.dte import (
    CLD,
    DISC,
    DM,
    FCOFF,
    FCON,
    MSC,
    NSC,
    PF,
    PN,
    PSC,
    RLS,
    RPN,
    SABM,
    TEST,
    UA,
    UIH,
)

MODES = [dte.BASIC, dte.ADVANCED]


@pytest.fixture(params=MODES)
def bench(request):
    bench = MuxBench()
    bench.start(request.param)
    return bench


def test_captured_gsm0710muxd_exchange_byte_for_byte():
    """The exact octets gsm0710muxd needs, basic and advanced.  The MSC
    signals octet is 0x0D, not the 0x8D of the capture: DV (DCD) is off with &C1 and no
    call, where the throwaway fake always set it; gsm0710muxd only looks at FC."""
    for mode, wire in [
        ("0", [("f9033f011cf9", "f9037301d7f9"),
               ("f9073f01def9", "f907730115f9f901ef09e305070d9af9")]),
        ("1", [("7e033ffc7e", "7e0373857e"),
               ("7e073f897e", "7e0773f07e7e01efe305070daa7e")]),
    ]:
        bench = MuxBench()
        bench.at("ATE0")
        assert bench.at(f"AT+CMUX={mode},0,5,64") == b"\r\nOK\r\n"
        for sent, answer in wire:
            bench.channel.receive(bytes.fromhex(sent))
            assert bench.host.take().hex() == answer


def test_at_on_two_dlcs(bench):
    bench.open_dlc(1)
    bench.open_dlc(2)
    assert bench.at_dlc(1, "ATE0") == b"ATE0\r\r\nOK\r\n"
    assert bench.at_dlc(1, "AT") == b"\r\nOK\r\n"
    # DLC 2 has its own echo and profile.
    assert bench.at_dlc(2, "AT") == b"AT\r\r\nOK\r\n"
    assert bench.at_dlc(2, "ATV0") == b"ATV0\r0\r"
    assert bench.at_dlc(1, "AT") == b"\r\nOK\r\n"
    assert [i.port for i in bench.modem.interpreters] == ["phys", "phys/dlc1", "phys/dlc2"]


def test_interleaved_commands_split_across_frames(bench):
    bench.open_dlc(1)
    bench.open_dlc(2)
    bench.write(1, b"AT+CMUX")
    bench.write(2, b"AT")
    bench.write(1, b"?\r")
    bench.write(2, b"\r")
    values = "0,0,5,31" if bench.mode == dte.BASIC else "1,0,5,64"
    expected = f"AT+CMUX?\r\r\n+CMUX: {values},10,3,30,10,2\r\n\r\nOK\r\n"
    assert bench.read(1) == expected.encode()
    assert bench.read(2) == b"AT\r\r\nOK\r\n"


def test_read_form_inside_a_dlc_shows_the_running_session():
    bench = MuxBench()
    bench.start(dte.ADVANCED, ",0,5,100,20,4,40,12,3")
    bench.open_dlc(1)
    assert bench.at_dlc(1, "AT+CMUX?") == (
        b"AT+CMUX?\r\r\n+CMUX: 1,0,5,100,20,4,40,12,3\r\n\r\nOK\r\n")
    assert bench.at_dlc(1, "AT+CMUX=0") == b"AT+CMUX=0\r\r\nERROR\r\n"


def test_long_output_is_cut_to_n1(bench):
    bench.open_dlc(1)
    bench.at_dlc(1, "ATE0")
    bench.write(1, b"AT+CMUX=?\r")
    frames = bench.data_frames(1)
    n1 = 31 if bench.mode == dte.BASIC else 64
    assert max(len(f.info) for f in frames) == n1
    assert b"".join(f.info for f in frames) == (
        b"\r\n+CMUX: (0-1),(0),(1-6),(1-127),(1-255),(0-100),(2-255),(1-255),(1-7)\r\n"
        b"\r\nOK\r\n")


def test_data_mode_on_one_dlc_while_the_other_answers(bench):
    bench.open_dlc(1)
    bench.open_dlc(2)
    assert bench.at_dlc(1, "ATD123") == b"ATD123\r\r\nCONNECT 9600\r\n"
    bench.write(1, b"hello")
    assert bench.read(1) == b"HELLO"
    # DLC 2 is still in command mode meanwhile.
    assert bench.at_dlc(2, "AT") == b"AT\r\r\nOK\r\n"
    # +++ with guard times on DLC 1 only.
    bench.clock.advance(1.1)
    bench.write(1, b"+++")
    bench.clock.advance(1.1)
    assert bench.read(1) == b"\r\nOK\r\n"
    assert bench.at_dlc(2, "AT") == b"AT\r\r\nOK\r\n"
    assert bench.at_dlc(1, "ATO") == b"ATO\r\r\nCONNECT\r\n"
    bench.write(1, b"again")
    assert bench.read(1) == b"AGAIN"
    [sink] = bench.modem.sinks
    assert sink.received == b"helloagain"
    assert sink.events == ["attach", "escaped", "resumed"]


def test_dcd_follows_the_call_by_msc(bench):
    """&C1: DCD (DV) on while a call is up, sent as MSC on DLC 0."""
    signals = bench.open_dlc(1)
    assert signals == {"fc": False, "dsr": True, "cts": True, "ri": False, "dcd": False}
    bench.at_dlc(1, "ATE0")
    assert bench.at_dlc(1, "ATD1") == b"\r\nCONNECT 9600\r\n"
    [(kind, is_command, values)] = bench.control_messages()
    assert (kind, is_command, values[0]) == (MSC, True, 0x07)
    assert dte.modem_signals(values[1])["dcd"] is True
    # &C0 on DLC 2: DCD always on, announced in the MSC after its UA.
    bench.open_dlc(2)
    bench.at_dlc(2, "ATE0")
    bench.at_dlc(2, "AT&C0")
    [(kind, _, values)] = bench.control_messages()
    assert (kind, values[0], dte.modem_signals(values[1])["dcd"]) == (MSC, 0x0B, True)


def test_dtr_drop_by_msc_hangs_up_that_dlc_only(bench):
    bench.open_dlc(1)
    bench.open_dlc(2)
    bench.at_dlc(1, "ATE0")
    bench.at_dlc(2, "ATE0")
    bench.at_dlc(1, "ATD1")
    bench.at_dlc(2, "ATD2")
    bench.control_messages()
    # &D2 (factory): DTR off on DLC 1 clears its call: the MSC is acknowledged, then the
    # modem reports DCD off on DLC 1, then NO CARRIER.
    answer = bench.control(dte.message(MSC, dte.msc_values(1, dtr=False)))
    assert answer[0] == (MSC, False, dte.msc_values(1, dtr=False))
    assert [(kind, is_command, values[0], dte.modem_signals(values[1])["dcd"])
            for kind, is_command, values in answer[1:]] == [(MSC, True, 0x07, False)]
    assert bench.read(1) == b"\r\nNO CARRIER\r\n"
    assert bench.modem.sinks[0].events[-1] == "hangup"
    assert bench.modem.sinks[1].events == ["attach"]
    assert bench.service.multiplexers[0].dlc_channels[1].host_signals.dtr is False


def test_dtr_drop_with_d1_goes_to_online_command_state(bench):
    bench.open_dlc(1)
    bench.at_dlc(1, "ATE0")
    bench.at_dlc(1, "AT&D1")
    bench.at_dlc(1, "ATD1")
    bench.control(dte.message(MSC, dte.msc_values(1, dtr=False)))
    assert bench.read(1) == b"\r\nOK\r\n"
    assert bench.modem.sinks[0].events == ["attach", "escaped"]
    assert bench.at_dlc(1, "ATO") == b"\r\nCONNECT\r\n"


def test_urcs_go_to_every_dlc_not_the_physical_port(bench):
    bench.open_dlc(1)
    bench.open_dlc(2)
    bench.at_dlc(2, "ATE0V0")
    # The URC follows the final result on the channel that caused it, goes at once to
    # the other, each formatted by its own channel's settings.
    assert bench.at_dlc(1, "AT+TURC=1") == b"AT+TURC=1\r\r\nOK\r\n\r\n+TURC: 1\r\n"
    assert bench.read(2) == b"+TURC: 1\r\n"
    assert bench.host.take() == b""
    # Back in AT mode the physical port does not replay what the DLCs already showed.
    bench.channel.receive(dte.frame(bench.mode, 0, UIH, dte.message(CLD)))
    assert b"+TURC" not in bench.host.take()


@pytest.mark.parametrize("mode", MODES)
def test_urcs_setting_keeps_urcs_to_the_named_dlcs(mode):
    bench = MuxBench(cmux=CmuxSettings(urc_dlcs=(2,)))
    bench.start(mode)
    bench.open_dlc(1)
    bench.open_dlc(2)
    assert bench.at_dlc(1, "AT+TURC=1") == b"AT+TURC=1\r\r\nOK\r\n"
    assert bench.read(2) == b"\r\n+TURC: 1\r\n"


def test_flow_control_fcoff_holds_output_until_fcon(bench):
    bench.open_dlc(1)
    assert bench.control(dte.message(FCOFF)) == [(FCOFF, False, b"")]
    bench.write(1, b"AT\r")
    assert bench.read(1) == b""
    assert bench.control(dte.message(FCON)) == [(FCON, False, b"")]
    assert bench.read(1) == b"AT\r\r\nOK\r\n"


def test_msc_flow_control_bit_stops_one_dlc(bench):
    bench.open_dlc(1)
    bench.open_dlc(2)
    bench.control(dte.message(MSC, dte.msc_values(1, fc=True)))
    bench.write(1, b"AT\r")
    assert bench.at_dlc(2, "AT") == b"AT\r\r\nOK\r\n"
    assert bench.read(1) == b""
    bench.control(dte.message(MSC, dte.msc_values(1, fc=False)))
    assert bench.read(1) == b"AT\r\r\nOK\r\n"


def test_test_command_is_echoed(bench):
    assert bench.control(dte.message(TEST, b"PING\r\n")) == [(TEST, False, b"PING\r\n")]


def test_pn_answers_what_the_modem_accepts(bench):
    # DLC 1, UIH, convergence layer 1, priority 7, T1 10, N1 300 (over the modem's 127),
    # N2 3, k 2.
    values = bytes([1, 0x00, 7, 10]) + (300).to_bytes(2, "little") + bytes([3, 2])
    [(kind, is_command, reply)] = bench.control(dte.message(PN, values))
    assert (kind, is_command) == (PN, False)
    assert reply == bytes([1, 0x00, 7, 10]) + (127).to_bytes(2, "little") + bytes([3, 2])
    bench.open_dlc(1)
    bench.at_dlc(1, "ATE0")
    bench.write(1, b"AT+CMUX=?\r")
    frames = bench.data_frames(1)
    answer = b"".join(frame.info for frame in frames)
    assert len(answer) == 72 + 6 and answer.endswith(b"\r\nOK\r\n")
    assert all(len(frame.info) <= 127 for frame in frames)


def test_pn_for_convergence_layer_2_is_answered_with_type_1(bench):
    values = bytes([2, 0x10, 0, 10, 31, 0, 3, 2])
    [(_, _, reply)] = bench.control(dte.message(PN, values))
    assert reply[1] == 0x00


def test_unknown_message_gets_nsc_and_unknown_frames_are_ignored(bench):
    # type 0x27 command, no values
    assert bench.control(bytes([0x9F, 0x01])) == [(NSC, False, bytes([0x9F]))]
    # gsm0710muxd's "close" in advanced mode: control octet 0xC3 on DLC 0.
    assert bench.frame(0, 0xC3) == []
    bench.open_dlc(1)
    assert bench.at_dlc(1, "AT") == b"AT\r\r\nOK\r\n"


def test_rpn_and_rls(bench):
    bench.open_dlc(1)
    # A request (DLCI only) gets the DLC's settings: 9600 bit/s, 8N1, no flow control,
    # XON 0x11, XOFF 0x13, every mask bit.
    [(kind, _, reply)] = bench.control(dte.message(RPN, bytes([0x07])))
    assert (kind, reply) == (RPN, bytes([0x07, 3, 0x03, 0, 0x11, 0x13, 0x7F, 0x3F]))
    asked = bytes([0x07, 7, 0x03, 0, 0x11, 0x13, 0x01, 0x00])  # 115200 bit/s
    [(kind, _, reply)] = bench.control(dte.message(RPN, asked))
    assert reply[:2] == bytes([0x07, 7])
    [(kind, _, reply)] = bench.control(dte.message(RPN, bytes([0x07])))
    assert reply[1] == 7
    assert bench.control(dte.message(RLS, bytes([0x07, 0x03]))) == [
        (RLS, False, bytes([0x07, 0x03]))]


def test_sabm_refusals_and_duplicates():
    bench = MuxBench()
    bench.at("ATE0")
    bench.at("AT+CMUX=0")
    # DLC 1 before DLC 0: refused.
    [dm] = bench.frame(1, SABM | PF)
    assert (dm.dlci, dm.kind, dm.pf) == (1, DM, True)
    [ua] = bench.frame(0, SABM | PF)
    assert ua.kind == UA
    # A second SABM on an open DLC gets no second UA.
    assert bench.frame(0, SABM | PF) == []
    bench.open_dlc(4)
    assert bench.frame(4, SABM | PF) == []
    [dm] = bench.frame(5, SABM | PF)  # the modem offers DLC 1..4
    assert (dm.dlci, dm.kind) == (5, DM)
    # DISC of a closed DLC: DM; information on a closed DLC: DM only when polled.
    [dm] = bench.frame(3, DISC | PF)
    assert (dm.dlci, dm.kind) == (3, DM)
    assert bench.frame(3, UIH, b"AT\r") == []
    [dm] = bench.frame(3, UIH | PF, b"AT\r")
    assert dm.kind == DM


def test_disc_closes_one_dlc(bench):
    bench.open_dlc(1)
    bench.at_dlc(1, "ATD1")
    [ua] = bench.frame(1, DISC | PF)
    assert (ua.dlci, ua.kind, ua.pf) == (1, UA, True)
    assert bench.modem.sinks[0].events[-1] == "hangup"
    assert [i.port for i in bench.modem.interpreters] == ["phys"]
    # Reopened: a fresh interpreter with the power-on profile.
    bench.open_dlc(1)
    assert bench.at_dlc(1, "AT") == b"AT\r\r\nOK\r\n"


def test_bad_fcs_frames_are_dropped_and_counted(bench):
    bench.open_dlc(1)
    assert bench.frame(1, UIH, b"ATI\r", bad_fcs=True) == []
    assert bench.frame(1, SABM | PF, bad_fcs=True) == []
    assert bench.at_dlc(1, "AT") == b"AT\r\r\nOK\r\n"
    assert bench.service.multiplexers[0].session.bad_fcs == 2


def test_garbage_between_frames(bench):
    bench.open_dlc(1)
    noise = b"\x00garbage\x7d\xf9\x7e\xff"
    bench.channel.receive(noise)
    bench.write(1, b"AT\r")
    bench.channel.receive(noise + b"\xf9" * 40 + b"\x7e" * 2)
    bench.write(1, b"AT\r")
    assert bench.read(1) == b"AT\r\r\nOK\r\nAT\r\r\nOK\r\n"


def test_power_saving_and_wake_up_by_the_host(bench):
    bench.open_dlc(1)
    assert bench.control(dte.message(PSC)) == [(PSC, False, b"")]
    # A URC while asleep: the modem sends wake-up flags, no frame.
    bench.modem.emit_urc(lambda session: "+TURC: sleepy")
    flag = bytes([dte.FLAG[bench.mode]])
    assert bench.host.take() == flag * 4
    bench.clock.advance(0.1)
    assert bench.host.take() == flag * 4
    # The host answers with flags: the held frame follows.
    bench.channel.receive(flag * 3)
    assert bench.read(1) == b"\r\n+TURC: sleepy\r\n"


def test_host_wakes_the_modem_with_flags(bench):
    bench.open_dlc(1)
    bench.control(dte.message(PSC))
    flag = bytes([dte.FLAG[bench.mode]])
    bench.channel.receive(flag * 2)
    assert bench.host.take() == flag * 4
    assert bench.at_dlc(1, "AT") == b"AT\r\r\nOK\r\n"


def test_wake_up_gives_up_after_t3():
    bench = MuxBench()
    bench.start(dte.BASIC, ",0,5,31,10,3,30,2")  # T3 = 2 s
    bench.open_dlc(1)
    bench.control(dte.message(PSC))
    bench.modem.emit_urc(lambda session: "+TURC: x")
    bench.clock.pump([0.1] * 30)
    flags = bench.host.take()
    assert flags == b"\xf9" * 4 * 20
    bench.channel.receive(b"\xf9")
    assert bench.read(1) == b"\r\n+TURC: x\r\n"


def test_msc_is_retransmitted_until_acknowledged():
    bench = MuxBench()
    bench.start(dte.BASIC, ",0,5,31,10,2,50")  # N2 = 2, T2 = 500 ms
    ua, msc = bench.frame(1, SABM | PF)
    bench.clock.advance(0.5)
    [again] = bench.pending()
    assert again.info == msc.info
    bench.clock.advance(0.5)
    [again] = bench.pending()
    bench.clock.advance(0.5)
    assert bench.pending() == []  # two retransmissions, then given up
    # An acknowledged MSC is not repeated.
    ua, msc = bench.frame(2, SABM | PF)
    [(_, _, values)] = dte.parse_messages(msc.info)
    bench.control(dte.message(MSC, values, command=False))
    bench.clock.advance(5)
    assert bench.pending() == []


def test_cld_returns_the_port_to_at_command_mode(bench):
    bench.open_dlc(1)
    bench.open_dlc(2)
    bench.at_dlc(1, "ATD1")
    bench.modem.emit_urc(lambda session: "+TURC: queued")
    bench.read(2)
    bench.channel.receive(dte.frame(bench.mode, 0, UIH, dte.message(CLD)))
    # The CLD response, and nothing else: the URC went to the DLCs, not to the port
    # the multiplexer owned.
    cld = dte.frame(bench.mode, 0, UIH, dte.message(CLD, command=False), cr=0)
    assert bench.host.take() == cld
    assert bench.modem.sinks[0].events[-1] == "hangup"
    assert [i.port for i in bench.modem.interpreters] == ["phys"]
    assert bench.interpreter.mode is Mode.COMMAND
    assert bench.service.multiplexers == []
    assert bench.at("AT") == b"\r\nOK\r\n"


def test_disc_of_dlc0_ends_the_multiplexer(bench):
    bench.open_dlc(1)
    [ua] = bench.frame(0, DISC | PF)
    assert (ua.dlci, ua.kind) == (0, UA)
    assert bench.modem.interpreters == [bench.interpreter]
    assert bench.at("AT") == b"\r\nOK\r\n"


def test_bytes_after_cld_in_the_same_write_reach_at_command_mode(bench):
    close = dte.frame(bench.mode, 0, UIH, dte.message(CLD))
    bench.channel.receive(close + b"AT\r")
    assert bench.host.take().endswith(b"\r\nOK\r\n")


def test_dtr_drop_on_the_physical_port_ends_the_multiplexer(bench):
    bench.open_dlc(1)
    bench.at_dlc(1, "ATD1")
    bench.host.take()
    bench.channel.set_host_signals(dtr=False)
    assert bench.host.take() == b""
    assert bench.modem.sinks[0].events[-1] == "hangup"
    bench.channel.set_host_signals(dtr=True)
    assert bench.at("AT") == b"\r\nOK\r\n"


def test_host_closing_the_port_ends_the_multiplexer(bench):
    bench.open_dlc(1)
    bench.channel.detach_host()
    assert bench.modem.interpreters == [bench.interpreter]
    bench.channel.attach_host(bench.host)
    assert bench.at("AT") == b"\r\nOK\r\n"


def test_power_off_ends_the_multiplexer(bench):
    bench.open_dlc(1)
    bench.modem.powered = True
    bench.modem.power_off()
    assert bench.modem.interpreters == [bench.interpreter]
    assert bench.interpreter.mode is Mode.COMMAND


def test_reentering_many_times():
    bench = MuxBench()
    for round_ in range(5):
        mode = MODES[round_ % 2]
        bench.start(mode)
        bench.open_dlc(1)
        bench.open_dlc(2)
        assert bench.at_dlc(2, "AT") == b"AT\r\r\nOK\r\n"
        assert bench.control(dte.message(CLD)) == [(CLD, False, b"")]
        assert len(bench.modem.interpreters) == 1
    assert bench.at("AT") == b"\r\nOK\r\n"


def test_first_frame_delay_loses_early_frames():
    bench = MuxBench(cmux={"first_frame_delay": "500ms"})
    bench.at("ATE0")
    bench.at("AT+CMUX=0")
    bench.parser = dte.Parser(dte.BASIC)
    assert bench.frame(0, SABM | PF) == []
    bench.clock.advance(0.5)
    [ua] = bench.frame(0, SABM | PF)
    assert ua.kind == UA


def test_msc_on_open_can_be_switched_off():
    bench = MuxBench(cmux={"msc_on_open": False})
    bench.start()
    [ua] = bench.frame(1, SABM | PF)
    assert ua.kind == UA


def test_refuse_pn_answers_nsc():
    bench = MuxBench(cmux={"refuse_pn": True})
    bench.start()
    assert bench.control(dte.message(PN, bytes([1, 0, 0, 10, 31, 0, 3, 2]))) == [
        (NSC, False, bytes([PN | 2]))]


def test_basic_frames_use_a_two_octet_length_only_above_127():
    bench = MuxBench(cmux={"max_n1": 300})
    bench.start(dte.BASIC, ",0,5,300")
    bench.open_dlc(1)
    bench.at_dlc(1, "ATE0")
    bench.channel.receive(dte.frame(dte.BASIC, 1, UIH, b"AT+CMUX=?\r"))
    raw = bench.host.take()
    assert raw[3] & 1 == 1  # 80 octets: one-octet length
    long_line = b"AT" + b"E0" * 100 + b"\r"
    bench.channel.receive(dte.frame(dte.BASIC, 1, UIH, long_line, long_length=True))
    assert bench.parser.feed(raw + bench.host.take())[-1].info == b"\r\nOK\r\n"
