"""Each dialect's own socket numbers as ``GET /modems/{name}`` shows them
(``dialect_sockets``), read through the one ``socket_views()`` every service has: MIP's
sockets 1-6 and the AT# sockets 1/2, opened by their commands on a task.Clock."""

from simulator.control.state import details
from tests.dialects.edsoft.bench import OK
from tests.dialects.edsoft.sockets_lab import ECHO_ADDRESS, modem_address, online, settle, setup
from tests.dialects.mip.bench import MipBench


def test_mip_sockets_are_shown_by_their_mipopen_numbers():
    bench = MipBench()
    bench.online()
    assert details(bench.modem, [])["dialect_sockets"] == []
    bench.at('+MIPOPEN=1,,"111.231.250.105",3000,0')
    bench.at('+MIPOPEN=4,,"111.231.250.105",5000,1')
    bench.settle()
    shown = details(bench.modem, [])["dialect_sockets"]
    assert [(s["id"], s["protocol"], s["remote"], s["state"]) for s in shown] == [
        (1, "tcp", "111.231.250.105:3000", "connected"),
        (4, "udp", "111.231.250.105:5000", "open")]
    assert shown[0]["local"].startswith("10.34.7.211:")
    bench.at("+MIPCLOSE=1")
    bench.settle()
    assert [s["id"] for s in details(bench.modem, [])["dialect_sockets"]] == [4]


def test_atsharp_sockets_1_and_2_listening_then_connected():
    bench = online()
    setup(bench, '#TCPSERV=2,"255.255.255.255"', "#TCPPORT=2,23")
    assert bench.at("#LTCPSTART=2") == OK
    address = modem_address(bench)
    assert details(bench.modem, [])["dialect_sockets"] == [
        {"id": 2, "protocol": "tcp-server", "local": f"{address}:23", "remote": None,
         "state": "listening"}]
    setup(bench, f'#TCPSERV=1,"{ECHO_ADDRESS}"', '#TCPPORT=1,"7"')
    bench.at("#otcp=1")
    settle(bench)
    shown = details(bench.modem, [])["dialect_sockets"]
    assert [(s["id"], s["protocol"], s["remote"], s["state"]) for s in shown] == [
        (1, "tcp", f"{ECHO_ADDRESS}:7", "connected"),
        (2, "tcp-server", None, "listening")]


def test_a_multiplexers_dlcs_with_flow_control_and_convergence_layer():
    from tests.cmux import dte
    from tests.cmux.bench import MuxBench

    bench = MuxBench()
    assert "cmux" not in details(bench.modem, [])
    bench.start()
    # PN for DLC 2: convergence layer 2, priority 7, N1 64; the modem answers type 1
    values = bytes([2, 0x10, 7, 10]) + (64).to_bytes(2, "little") + bytes([3, 2])
    bench.control(dte.message(dte.PN, values))
    bench.open_dlc(1)
    bench.open_dlc(2)
    bench.control(dte.message(dte.MSC, dte.msc_values(2, fc=True)))
    [mux] = details(bench.modem, [])["cmux"]
    assert (mux["port"], mux["state"], mux["option"], mux["flow_stopped"]) == (
        "phys", "open", "basic", False)
    assert mux["dlcs"] == [
        {"dlci": 1, "state": "open", "frame_type": "UIH", "convergence_layer": 1,
         "priority": 0, "n1": 31, "host_fc": False, "modem_fc": False, "queued": 0},
        {"dlci": 2, "state": "open", "frame_type": "UIH", "convergence_layer": 1,
         "priority": 7, "n1": 64, "host_fc": True, "modem_fc": False, "queued": 0}]
    bench.write(2, b"AT\r")  # the answer waits: the host said FC on DLC 2
    assert details(bench.modem, [])["cmux"][0]["dlcs"][1]["queued"] == len(b"AT\r\r\nOK\r\n")
    bench.control(dte.message(dte.CLD))
    assert "cmux" not in details(bench.modem, [])


def test_the_edsoft_udp_session_is_shown_as_1():
    bench = online()
    setup(bench, f'#UDPSERV="{ECHO_ADDRESS}"', '#UDPPORT="7"')
    bench.at("#oudp")
    settle(bench)
    [shown] = details(bench.modem, [])["dialect_sockets"]
    assert (shown["id"], shown["protocol"], shown["remote"], shown["state"]) == (
        1, "udp", f"{ECHO_ADDRESS}:7", "open")
