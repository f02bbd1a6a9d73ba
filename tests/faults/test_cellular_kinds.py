"""The cellular faults as the host sees them, on task.Clock, per dialect where the dialects
differ, and back to normal once undone: roaming, signal, detach, pdp_deactivate."""

import ipaddress

import pytest

from simulator.faults import Injector, make_fault
from simulator.faults.model import FaultError
from simulator.scenario.model import ApnSpec, NetworkSpec, SimSpec
from tests.dialects.edsoft.bench import edsoft_error
from tests.dialects.edsoft.connection_lab import GPRS, configure
from tests.dialects.edsoft.connection_lab import modem as edsoft_modem
from tests.dialects.mip.bench import MipBench
from tests.modem.bench import DELAY, OK, Bench, cme, info, urc

ATTACH_TIME = 0.5  # network.registration.attach_time's default


def start(bench, name, args=None):
    return Injector().apply(make_fault(name, args), bench.modem)


def online() -> Bench:
    """A generic modem with context 1 active on a simulated network."""
    apn = ApnSpec("internet", ipaddress.IPv4Network("10.70.0.0/24"))
    bench = Bench(network=NetworkSpec(apns=(apn,)), registered=True, ip_network=True)
    assert bench.at('+CGDCONT=1,"IP","internet";+CGEREP=2;+CGREG=1') == OK
    bench.port.send(b"AT+CGACT=1,1\r")
    bench.advance(0)
    assert bench.port.take() == OK + urc("+CGEV: ME PDN ACT 1")
    return bench


# -- roaming ------------------------------------------------------------------------------------

def test_roaming_shows_stat_5_with_the_operator_then_home_again():
    bench = Bench(registered=True)
    assert bench.at("+CREG=2;+CGREG=1") == OK
    fault = start(bench, "roaming")
    assert bench.port.take() == urc('+CREG: 5,"1A2B","01C3D4E",0', "+CGREG: 5")
    assert bench.at("+CREG?") == info('+CREG: 2,5,"1A2B","01C3D4E",0')
    assert bench.at("+COPS?") == info('+COPS: 0,0,"Test Network",0')
    fault.undo()
    assert bench.port.take() == urc('+CREG: 1,"1A2B","01C3D4E",0', "+CGREG: 1")


# -- signal -------------------------------------------------------------------------------------

def test_signal_changes_csq_at_once_and_undone_gives_the_scenarios_figures():
    bench = Bench(registered=True)
    assert bench.at("+CSQ") == info("+CSQ: 20,99")
    fault = start(bench, "signal", {"rssi": 5, "ber": 3})
    assert bench.at("+CSQ") == info("+CSQ: 5,3")
    fault.undo()
    assert bench.at("+CSQ") == info("+CSQ: 20,99")


def test_signal_fades_a_step_a_second():
    bench = Bench(registered=True)
    fault = start(bench, "signal", {"rssi": 0, "over": 4.0})
    shown = []
    for _ in range(5):
        shown.append(bench.at("+CSQ"))
        bench.advance(1)
    assert shown == [info(f"+CSQ: {rssi},99") for rssi in (20, 15, 10, 5, 0)]
    bench.advance(10)
    assert bench.at("+CSQ") == info("+CSQ: 0,99")
    fault.undo()
    bench.advance(10)
    assert bench.at("+CSQ") == info("+CSQ: 20,99")


def test_signal_refuses_figures_csq_cannot_show():
    with pytest.raises(FaultError):
        make_fault("signal", {"rssi": 32})


# -- detach -------------------------------------------------------------------------------------

def test_detach_loses_the_contexts_refuses_attaching_and_attaches_again_when_undone():
    bench = online()
    fault = start(bench, "detach")
    assert bench.port.take() == urc("+CGEV: NW DETACH", "+CGREG: 0")
    assert bench.at("+CGACT?") == info("+CGACT: 1,0")
    assert bench.at("+CGATT?") == info("+CGATT: 0")
    assert bench.ip_network.bearers("m1") == []
    assert bench.at("+CGATT=1") == cme(30)
    assert bench.at("+CGACT=1,1") == cme(30)
    assert bench.at("+CREG?") == info("+CREG: 0,1")  # circuit-switched service goes on
    fault.undo()
    assert bench.port.take() == urc("+CGREG: 2")
    bench.advance(ATTACH_TIME)
    assert bench.port.take() == urc("+CGREG: 1")
    assert bench.at("+CGATT?") == info("+CGATT: 1")


def test_detach_shows_mip_its_call_ended():
    bench = MipBench()
    bench.online()
    fault = start(bench, "detach")
    assert bench.settle() == urc("+MIPCALL: 0")
    fault.undo()
    bench.settle()
    bench.online()


def test_detach_shows_edsoft_its_gprs_session_lost():
    bench = edsoft_modem()
    configure(bench, *GPRS)
    assert bench.at("#CONNECTIONSTART").endswith("Ok_Info_GprsActivation\r\n")
    start(bench, "detach")
    assert bench.port.take() == edsoft_error(35841)
    assert bench.at("#VSTATE") == info('#STATE: "IDLE"')


# -- pdp_deactivate -----------------------------------------------------------------------------

def test_pdp_deactivate_is_reported_per_context_and_the_modem_stays_attached():
    bench = online()
    handle = start(bench, "pdp_deactivate")
    assert handle.ended  # an event
    assert bench.port.take() == urc("+CGEV: NW PDN DEACT 1")
    assert bench.at("+CGACT?") == info("+CGACT: 1,0")
    assert bench.at("+CGATT?") == info("+CGATT: 1")
    bench.port.send(b"AT+CGACT=1,1\r")
    bench.advance(0)
    assert bench.port.take() == OK + urc("+CGEV: ME PDN ACT 1")


def test_pdp_deactivate_without_a_simulated_network():
    bench = Bench(registered=True)
    assert bench.at('+CGDCONT=1,"IP","internet";+CGEREP=2;+CGACT=1,1') == OK + urc(
        "+CGEV: ME PDN ACT 1")
    start(bench, "pdp_deactivate")
    assert bench.port.take() == urc("+CGEV: NW PDN DEACT 1")


def test_pdp_deactivate_shows_mip_its_call_ended():
    bench = MipBench()
    bench.online()
    start(bench, "pdp_deactivate")
    assert bench.settle() == urc("+MIPCALL: 0")
    bench.online()


def test_pdp_deactivate_shows_edsoft_its_gprs_session_lost():
    bench = edsoft_modem()
    configure(bench, *GPRS)
    assert bench.at("#CONNECTIONSTART").endswith("Ok_Info_GprsActivation\r\n")
    start(bench, "pdp_deactivate")
    assert bench.port.take() == edsoft_error(35841)


# -- cell_change --------------------------------------------------------------------------------

def test_cell_change_is_shown_where_n_is_2_and_undone_goes_back():
    bench = Bench(registered=True, ports=2)
    first, second = bench.ports
    assert first.at("+CREG=2") == OK
    assert second.at("+CREG=1") == OK
    fault = start(bench, "cell_change", {"lac": 0x2B3C, "ci": 0x1234})
    assert first.take() == urc('+CREG: 1,"2B3C","1234",0')
    assert second.take() == ""  # <n> 1: the <stat> did not change
    assert first.at("+CREG?") == info('+CREG: 2,1,"2B3C","1234",0')
    fault.undo()
    assert first.take() == urc('+CREG: 1,"1A2B","01C3D4E",0')


def test_cell_change_without_figures_moves_to_the_next_cell():
    bench = Bench(registered=True)
    assert bench.at("+CREG=2") == OK
    start(bench, "cell_change")
    assert bench.port.take() == urc('+CREG: 1,"1A2C","01C3D4F",0')


# -- sim_removed --------------------------------------------------------------------------------

def test_sim_removed_refuses_sim_commands_and_deregisters_until_put_back():
    bench = Bench(registered=True)
    assert bench.at("+CREG=1;+CMEE=1") == OK
    fault = start(bench, "sim_removed")
    assert bench.port.take() == urc("+CREG: 0")
    assert bench.at("+CPIN?") == cme(10)
    assert bench.at("+CIMI") == cme(10)
    assert bench.at("+COPS?") == info("+COPS: 0")
    fault.undo()
    assert bench.port.take() == urc("+CREG: 2")
    assert bench.at("+CPIN?") == info("+CPIN: READY")
    bench.advance(DELAY)
    assert bench.port.take() == urc("+CREG: 1")


def test_sim_removed_asks_the_pin_again_when_the_card_comes_back():
    bench = Bench(sim=SimSpec(pin="1234"))
    assert bench.at('+CPIN="1234"') == OK
    fault = start(bench, "sim_removed")
    assert bench.at("+CPIN?") == cme(10)
    fault.undo()
    assert bench.at("+CPIN?") == info("+CPIN: SIM PIN")


def test_sim_removed_on_a_wavecom_modem_shows_wind_0_then_1_and_4():
    from tests.dialects.wavecom.bench import REGISTRATION, elapse, flashed
    from tests.dialects.wip.bench import WipBench

    bench = WipBench(store=flashed(255), registered=False)
    elapse(bench.clock, REGISTRATION)
    bench.port.take()
    fault = start(bench, "sim_removed")
    assert bench.port.take() == urc("+WIND: 0", "+WIND: 8")  # SIM removed, network lost
    fault.undo()
    elapse(bench.clock, REGISTRATION)
    assert bench.port.take() == urc("+WIND: 1", "+WIND: 4", "+WIND: 7")


def test_detach_stops_a_wip_gprs_bearer_and_refuses_it_until_undone():
    from tests.dialects.wip.test_wipbr import started

    bench = started()
    bench.at("+WIPBR=1,6")
    assert bench.at("+WIPBR=4,6,0") == OK
    assert bench.at("+WIPBR?") == info("6,1")
    fault = start(bench, "detach")
    assert bench.at("+WIPBR?") == info("6,0")
    assert bench.at("+WIPBR=4,6,0") == "\r\n+CME ERROR: 812\r\n"  # GPRS network failure
    fault.undo()
    bench.clock.advance(ATTACH_TIME)
    assert bench.at("+WIPBR=4,6,0") == OK


# -- busy, call_drop, incoming_call --------------------------------------------------------------

def test_busy_answers_calls_to_the_modem_with_busy_until_undone():
    from tests.modem.test_csd_calls import TwoModems

    two = TwoModems()
    fault = Injector().apply(make_fault("busy"), two.b)
    two.ring_b()
    assert two.pa.take() == "\r\nBUSY\r\n"
    assert two.pb.take() == ""  # the called modem never rings
    fault.undo()
    two.ring_b()
    assert two.pb.take() == "\r\nRING\r\n"


def test_call_drop_ends_a_connected_call_with_no_carrier_on_both_sides():
    from tests.modem.test_csd_calls import TwoModems

    two = TwoModems()
    two.ring_b()
    assert two.pb.take() == "\r\nRING\r\n"
    assert two.pb.send(b"ATA\r") == "\r\nCONNECT 9600\r\n"
    assert two.pa.take() == "\r\nCONNECT 9600\r\n"
    handle = Injector().apply(make_fault("call_drop"), two.a)
    assert handle.ended  # an event
    two.advance(1)
    assert two.pa.take() == "\r\nNO CARRIER\r\n"
    assert two.pb.take() == "\r\nNO CARRIER\r\n"
    assert not two.pa.channel.modem_signals.dcd
    two.ring_b()  # the line is free again
    assert two.pb.take() == "\r\nRING\r\n"


def test_incoming_call_rings_with_the_callers_number_and_stops_when_undone():
    from tests.modem.test_csd_calls import TwoModems

    two = TwoModems()
    assert two.pb.send(b"AT+CLIP=1;+CRC=1\r") == "\r\nOK\r\n"
    fault = Injector().apply(make_fault("incoming_call", {"from": "+33123456789"}), two.b)
    assert two.pb.take() == '\r\n+CRING: REL ASYNC\r\n\r\n+CLIP: "+33123456789",145\r\n'
    fault.undo()
    two.advance(10)
    assert "RING" not in two.pb.take()
    assert not two.pb.channel.modem_signals.ri


def test_incoming_call_answered_is_connected_until_the_caller_hangs_up():
    from tests.modem.test_csd_calls import TwoModems

    two = TwoModems()
    fault = Injector().apply(make_fault("incoming_call", {"from": "0123456789"}),
                                two.b)
    assert two.pb.take() == "\r\nRING\r\n"
    assert two.pb.send(b"ATA\r") == "\r\nCONNECT 9600\r\n"
    assert two.pb.channel.modem_signals.dcd
    fault.undo()
    two.advance(1)
    assert two.pb.take() == "\r\nNO CARRIER\r\n"


def test_call_faults_need_a_simulated_network():
    with pytest.raises(FaultError, match="not attached to an IP network"):
        start(Bench(), "busy")


def test_call_drop_on_wavecom_modems_shows_wind_6_on_both_sides():
    """The network ended the call: "released by network or other party" (+WIND event 6) for
    both modems, unlike a release by ATH, which the releasing side does not show."""
    from simulator.network.calls import SETUP_DELAY
    from tests.dialects.wavecom.bench import TwoModems

    two = TwoModems()
    assert two.pa.send(f"ATD{two.B_NUMBER}\r".encode()) == urc("+WIND: 5,1")
    two.advance(SETUP_DELAY)
    assert two.pb.take() == urc("+WIND: 5,1", "RING")
    assert two.pb.send(b"ATA\r") == "\r\nCONNECT 9600\r\n"
    assert two.pa.take() == "\r\nCONNECT 9600\r\n"
    Injector().apply(make_fault("call_drop"), two.a)
    two.advance(1)
    assert two.pa.take() == "\r\nNO CARRIER\r\n" + urc("+WIND: 6,1")
    assert two.pb.take() == "\r\nNO CARRIER\r\n" + urc("+WIND: 6,1")


def test_cell_change_on_an_lte_modem_shows_the_tac_and_ci_in_cereg():
    """27.007 §7.24: +CEREG: <stat>[,<tac>,<ci>,<AcT>] with <n> 2; <AcT> 7, E-UTRAN."""
    bench = MipBench()
    assert bench.at("+CEREG=2") == OK
    fault = start(bench, "cell_change", {"lac": 0x2B3C, "ci": 0x1234567})
    assert bench.port.take() == urc('+CEREG: 1,"2B3C","1234567",7')
    assert bench.at("+CEREG?") == info('+CEREG: 2,1,"2B3C","1234567",7')
    fault.undo()
    assert bench.port.take() == urc('+CEREG: 1,"1A2B","01C3D4E",7')


# The caller of incoming_call is outside the simulated network: answered, it sends nothing.
EDSOFT_PPP_SERVER = ('#PPPMODE=1', '#PPPMYIP="192.168.1.1"', '#PPPPEERIP="192.168.1.2"',
                     '#PPPSERVUN="user"', '#PPPSERVPW="secret"')


def test_incoming_call_answered_by_edsoft_accept_until_the_caller_hangs_up():
    """eDsoft ANSWERMODE 0: RING, the host answers with #ACCEPT (002 §2.2.1); the PPP server
    then waits for the caller's login; the caller hanging up ends the call."""
    from tests.dialects.edsoft.bench import info as edsoft_info
    from tests.dialects.edsoft.connection_lab import settle

    modem = edsoft_modem()
    configure(modem, *EDSOFT_PPP_SERVER)
    fault = start(modem, "incoming_call", {"from": "+33123456789"})
    assert settle(modem, 3) == "\r\nRING\r\n"
    assert modem.at("#ACCEPT") == OK + "\r\nCONNECT 9600\r\n"
    settle(modem, 5)
    assert modem.at("#VSTATE") == edsoft_info('#STATE: "AUTHENTICATING"')
    fault.undo()
    assert settle(modem, 5) == "\r\nNO CARRIER\r\n"
    assert modem.at("#VSTATE") == edsoft_info('#STATE: "IDLE"')


def test_incoming_call_answered_by_wip_with_ata_until_the_caller_hangs_up():
    from tests.dialects.wip.test_gsm_bearer import Lab

    lab = Lab()
    assert lab.b.at("+CLIP=1") == OK
    fault = start(lab.b, "incoming_call", {"from": "+33123456789"})
    lab.settle(1)
    assert lab.b.take() == '\r\nRING\r\n\r\n+CLIP: "+33123456789",145\r\n'
    assert lab.b.at("A") == "\r\nCONNECT 9600\r\n"
    fault.undo()
    lab.settle(2)
    assert lab.b.take() == "\r\nNO CARRIER\r\n"


def test_incoming_call_taken_by_a_wip_gsm_server_fails_lcp_with_a_silent_caller():
    """+WIPBR=4,5,1 answers the call itself (no RING); a caller that never speaks PPP ends
    in 813, LCP negotiation failed (001 §10), and the bearer is stopped."""
    from tests.dialects.wip.test_gsm_bearer import Lab, serve

    lab = Lab()
    serve(lab, "wip", "pw")
    start(lab.b, "incoming_call", {"from": "+33123456789"})
    lab.settle(3)
    assert lab.b.take() == ""
    assert lab.b.at("+WIPBR?") == info("5,1")
    lab.settle(40)
    assert lab.b.take() == urc("+WIPBR: 5,813,0.0.0.0,0.0.0.0,0.0.0.0,0.0.0.0")
    assert lab.b.at("+WIPBR?") == info("5,0")
