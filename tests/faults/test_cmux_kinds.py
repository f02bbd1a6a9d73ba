"""Faults of the 27.010 multiplexer on task.Clock, as the host's side of the physical port
sees them (the independent test DTE of ``tests.cmux.dte``): frames with a wrong FCS, SABM
and DISC left unanswered, DISC and CLD from the modem, flow control by MSC, a restarted
multiplexer; and the multiplexer as before once a fault is undone."""

import pytest

from simulator.faults import FaultError, Injector, make_fault
from simulator.faults.player import TimelinePlayer
from simulator.faults.timeline import Entry, When
from tests.cmux import dte
from tests.cmux.bench import MuxBench
from tests.cmux.dte import CLD, DISC, DM, MSC, PF, SABM, UA, UIH

MODES = [dte.BASIC, dte.ADVANCED]
OK = b"\r\nOK\r\n"


@pytest.fixture(params=MODES)
def bench(request):
    bench = MuxBench()
    bench.start(request.param)
    bench.open_dlc(1)
    assert bench.at_dlc(1, "ATE0") == b"ATE0\r" + OK
    return bench


def start(bench, name, args=None, injector=None):
    return (injector or Injector()).apply(make_fault(name, args), bench.modem)


def lenient(bench):
    """From here on the DTE hands over frames that fail their FCS (marked), as a host's
    receiver sees them before it discards them."""
    bench.parser = dte.Parser(bench.mode, strict=False)


def test_bad_fcs_spoils_the_next_frames_then_ends(bench):
    lenient(bench)
    injector = Injector()
    fault = start(bench, "bad_fcs", {"count": 1}, injector)
    frames = bench.data_frames(1) + (bench.write(1, b"AT\r") or bench.data_frames(1))
    assert [(f.info, f.fcs_ok) for f in frames] == [(OK, False)]  # a host discards it
    assert fault.ended and injector.counts[("bad_fcs", "end")] == 1
    frames = (bench.write(1, b"AT\r") or bench.data_frames(1))
    assert [(f.info, f.fcs_ok) for f in frames] == [(OK, True)]


def test_bad_fcs_while_it_lasts_and_only_on_its_dlc(bench):
    lenient(bench)
    bench.open_dlc(2)
    fault = start(bench, "bad_fcs", {"dlc": 1})
    for _ in range(3):
        bench.write(1, b"AT\r")
        assert [f.fcs_ok for f in bench.data_frames(1)] == [False]
    bench.write(2, b"AT\r")
    assert [f.fcs_ok for f in bench.data_frames(2)] == [True, True]  # echo, OK
    fault.undo()
    assert bench.at_dlc(1, "AT") == OK


def test_lose_ua_once_the_host_retries_and_opens(bench):
    injector = Injector()
    fault = start(bench, "lose_ua", {"count": 1}, injector)
    assert bench.frame(2, SABM | PF) == []  # the host's T1 runs out
    assert "phys/dlc2" not in [i.port for i in bench.modem.interpreters]
    assert fault.ended
    bench.open_dlc(2)  # the retransmission is answered
    assert bench.at_dlc(2, "AT") == b"AT\r" + OK


def test_lose_ua_on_disc_keeps_the_dlc_open_until_undone(bench):
    fault = start(bench, "lose_ua")
    assert bench.frame(1, DISC | PF) == []
    assert bench.at_dlc(1, "AT") == OK  # still open
    fault.undo()
    [ua] = bench.frame(1, DISC | PF)
    assert (ua.dlci, ua.kind, ua.pf) == (1, UA, True)


def test_lose_dm_leaves_a_disc_on_a_closed_dlc_unanswered(bench):
    fault = start(bench, "lose_dm")
    assert bench.frame(5, DISC | PF) == []
    assert bench.frame(1, DISC | PF)[0].kind == UA  # UA is not DM: answered
    fault.undo()
    [dm] = bench.frame(5, DISC | PF)
    assert (dm.dlci, dm.kind) == (5, DM)


def test_lose_ua_acts_on_a_multiplexer_started_later():
    bench = MuxBench()
    fault = Injector().apply(make_fault("lose_ua", {"count": 1}), bench.modem)
    bench.at("ATE0")
    assert bench.at("AT+CMUX=0") == OK
    assert bench.frame(0, SABM | PF) == []
    [ua] = bench.frame(0, SABM | PF)
    assert (ua.dlci, ua.kind) == (0, UA) and fault.ended


def test_dce_disc_closes_the_dlc_from_the_modem(bench):
    bench.open_dlc(2)
    start(bench, "dce_disc", {"dlc": 1})
    [disc] = bench.pending()
    # A command from the responding station: C/R 0, P set.
    assert (disc.dlci, disc.kind, disc.cr, disc.pf) == (1, DISC, 0, True)
    assert [i.port for i in bench.modem.interpreters] == ["phys", "phys/dlc2"]
    assert bench.frame(1, UA | PF, cr=0) == []  # the host's UA: nothing more to do
    assert bench.frame(1, UIH | PF, b"AT\r")[0].kind == DM  # no longer open
    assert bench.at_dlc(2, "AT") == b"AT\r" + OK  # the other DLC goes on
    bench.open_dlc(1)  # the host can open it again: a fresh AT channel
    assert bench.at_dlc(1, "AT") == b"AT\r" + OK


def test_dce_disc_needs_an_open_dlc(bench):
    with pytest.raises(FaultError, match="DLC 3 is not open"):
        start(bench, "dce_disc", {"dlc": 3})
    other = MuxBench()
    with pytest.raises(FaultError, match="no running multiplexer"):
        Injector().apply(make_fault("dce_disc"), other.modem)


def test_close_down_sends_cld_and_gives_the_port_back_when_answered(bench):
    start(bench, "close_down")
    [(kind, is_command, values)] = [m for f in bench.pending()
                                    for m in dte.parse_messages(f.info)]
    assert (kind, is_command, values) == (CLD, True, b"")
    assert bench.service.multiplexers  # waiting for the host's answer
    assert bench.control(dte.message(CLD, command=False)) == []
    assert bench.service.multiplexers == []
    assert bench.at("AT") == OK  # AT command mode on the port


def test_close_down_unanswered_ends_after_t2_and_n2(bench):
    start(bench, "close_down")
    bench.pending()
    for _ in range(3):  # T2 0.3 s, N2 3: three retransmissions
        bench.clock.advance(0.3)
    cld = [m for f in bench.pending() for m in dte.parse_messages(f.info)]
    assert cld == [(CLD, True, b"")] * 3
    assert bench.service.multiplexers
    bench.clock.advance(0.3)
    assert bench.service.multiplexers == []
    assert bench.at("AT") == OK


def msc_sent(bench):
    return [(values[0] >> 2, dte.modem_signals(values[1])["fc"])
            for f in bench.pending() if f.dlci == 0
            for kind, is_command, values in dte.parse_messages(f.info)
            if kind == MSC and is_command]


def test_flow_off_sets_fc_by_msc_and_clears_it_when_undone(bench):
    bench.open_dlc(2)
    fault = start(bench, "flow_off", {"dlc": 2})
    assert msc_sent(bench) == [(2, True)]
    bench.control(dte.message(MSC, dte.msc_values(2), command=False))
    assert bench.at_dlc(1, "AT") == OK  # other DLCs are not stopped
    fault.undo()
    assert msc_sent(bench) == [(2, False)]


def test_flow_off_on_every_dlc_covers_a_dlc_opened_meanwhile(bench):
    fault = start(bench, "flow_off")
    assert msc_sent(bench) == [(1, True)]
    [ua, msc] = bench.frame(3, SABM | PF)
    [(kind, _, values)] = dte.parse_messages(msc.info)
    assert kind == MSC and dte.modem_signals(values[1])["fc"]
    fault.undo()
    assert sorted(msc_sent(bench)) == [(1, False), (3, False)]


def test_mux_restart_forgets_every_dlc(bench):
    bench.open_dlc(2)
    start(bench, "mux_restart")
    assert bench.pending() == []  # nothing said
    assert [i.port for i in bench.modem.interpreters] == ["phys"]
    assert bench.frame(1, UIH | PF, b"AT\r")[0].kind == DM
    assert bench.frame(1, SABM | PF)[0].kind == DM  # DLC 0 first
    [ua] = bench.frame(0, SABM | PF)
    assert (ua.dlci, ua.kind) == (0, UA)
    bench.open_dlc(1)
    assert bench.at_dlc(1, "AT") == b"AT\r" + OK  # a fresh channel: echo on again



def test_a_timeline_entry_on_the_cmux_command_spoils_the_multiplexer_it_starts():
    """``when: {command: "AT+CMUX=*"}`` starts the fault before the command runs; the
    multiplexer the command starts takes it: the host's first SABM on DLC 0 is lost."""
    bench = MuxBench()
    entries = [Entry(make_fault("lose_ua", {"count": 1, "dlc": 0}),
                     When("command", "AT+CMUX=*"))]
    injector = Injector()
    player = TimelinePlayer(entries, {"bench": bench.modem}, clock=bench.clock, seed=1,
                            injector=injector)
    player.startService()
    bench.at("ATE0")
    assert bench.at("AT+CMUX=1") == OK
    bench.mode, bench.parser = dte.ADVANCED, dte.Parser(dte.ADVANCED)
    assert bench.frame(0, SABM | PF) == []
    [ua] = bench.frame(0, SABM | PF)
    assert (ua.dlci, ua.kind) == (0, UA)
    assert injector.counts == {("lose_ua", "start"): 1, ("lose_ua", "end"): 1}
    player.stopService()
