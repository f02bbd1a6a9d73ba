"""The manual's chapter 3 replayed byte for byte on a task.Clock, for what the dialect
offers: each example's command lines typed as printed, the answers compared with the
printed lines in their V.250 framing (003 §3.1, §3.2, §3.3 basic mode, §3.5, §3.11)."""

from tests.dialects.mip.bench import OK, MipBench, info, urc


def online() -> MipBench:
    bench = MipBench()
    bench.online()
    return bench


def test_3_1_mipcall_activates_and_reports_the_address_after_ok():
    bench = MipBench()
    assert bench.at('+MIPCALL=1,"CTNET"') + bench.settle() == OK + urc("+MIPCALL: 10.34.7.211")
    assert bench.at("+MIPCALL?") == info("+MIPCALL: 1,10.34.7.211")


def test_3_2_tcp_and_udp_connect():
    bench = online()
    assert bench.at('+MIPOPEN=1,,"111.231.250.105",3000,0') + bench.settle() == (
        OK + urc("+MIPOPEN: 1,1"))
    assert bench.at('+MIPOPEN=2,,"111.231.250.105",5000,1') + bench.settle() == (
        OK + urc("+MIPOPEN: 2,1"))


def test_3_3_basic_mode_buffers_then_pushes():
    bench = online()
    bench.at('+MIPOPEN=1,,"111.231.250.105",3000,0')
    bench.settle()
    assert bench.at('+MIPSEND=1,"313233343536"') == info("+MIPSEND: 1,0,2042")
    assert bench.settle() == ""  # nothing leaves before the push
    assert bench.at("+MIPPUSH=1") + bench.settle() == (
        info("+MIPPUSH: 1,0,6") + urc("+MIPRTCP: 1,0,313233343536"))


def test_3_5_udp_data_comes_back_with_its_source():
    bench = online()
    assert bench.at('+MIPOPEN=1,,"111.231.250.105",5092,1') + bench.settle() == (
        OK + urc("+MIPOPEN: 1,1"))
    assert bench.at('+MIPSEND=1,"31323334353637383930"') == info("+MIPSEND: 1,0,2038")
    assert bench.at("+MIPPUSH=1") + bench.settle() == (
        info("+MIPPUSH: 1,0,10")
        + urc("+MIPRUDP: 111.231.250.105,5092,1,0,31323334353637383930"))


def test_3_11_close():
    bench = online()
    bench.at('+MIPOPEN=1,,"111.231.250.105",3000,0')
    bench.settle()
    assert bench.at("+MIPCLOSE=1") + bench.settle() == OK + urc("+MIPCLOSE: 1,0")
    assert bench.at("+MIPCLOSE?") == info("+MIPCLOSE: 0")


def test_the_commands_are_read_in_lower_case_as_3_4_types_them():
    bench = online()
    assert bench.at('+mipopen=1,,"111.231.250.105",3000,0') + bench.settle() == (
        OK + urc("+MIPOPEN: 1,1"))


def test_3_3_hex_mode_with_a_length_and_with_ctrl_z():
    bench = online()
    bench.at('+MIPOPEN=1,,"111.231.250.105",3000,0')
    bench.settle()
    bench.at("E1")
    assert bench.port.send(b"AT+MIPSEND=1,10\r") == "AT+MIPSEND=1,10\r>"
    assert bench.port.send(b"1234567890") + bench.settle() == (
        "1234567890" + OK + urc("+MIPPUSH: 1,0") + info("+MIPSEND: 1,0,2048")
        + urc("+MIPRTCP: 1,0,31323334353637383930"))
    assert bench.port.send(b"AT+MIPSEND=1\r") == "AT+MIPSEND=1\r>"
    assert bench.port.send(b"12345678901234567890\x1a") + bench.settle() == (
        "12345678901234567890" + OK + urc("+MIPPUSH: 1,0") + info("+MIPSEND: 1,0,2048")
        + urc("+MIPRTCP: 1,0,3132333435363738393031323334353637383930"))


def test_3_4_and_3_5_typed_in_lower_case_with_a_udp_push_line():
    bench = online()
    bench.at("E1")
    assert bench.port.send(b'at+mipopen=1,,"111.231.250.105",5092,1\r') + bench.settle() == (
        'at+mipopen=1,,"111.231.250.105",5092,1\r' + OK + urc("+MIPOPEN: 1,1"))
    assert bench.port.send(b"at+mipsend=1,10\r") == "at+mipsend=1,10\r>"
    assert bench.port.send(b"1234567890") + bench.settle() == (
        "1234567890" + OK + urc("+MIPPUSH: 1,0") + info("+MIPSEND: 1,0,2048")
        + urc("+MIPRUDP: 111.231.250.105,5092,1,0,31323334353637383930"))


def test_the_lab_scenario_loads_as_an_lte_lab(tmp_path):
    from pathlib import Path

    from simulator.scenario.loader import load

    path = tmp_path / "mip-lab.yaml"
    path.write_text((Path(__file__).parents[3] / "scenarios" / "mip-lab.yaml").read_text())
    loaded = load(path)
    assert {m.dialect for m in loaded.modems} == {"mip"}
    assert {m.link for m in loaded.modems} == {"lte"}
    assert [op.tech for op in loaded.network.operators] == ["lte"]
    (server,) = [h for h in loaded.network.hosts if h.name == "111.231.250.105"]
    assert server.services[0].ports == (3000, 5000, 5092)


def test_3_10_data_kept_for_mipread():
    bench = online()
    bench.at("E1")
    assert bench.at('+GTSET="IPRFMT",5') == 'AT+GTSET="IPRFMT",5\r' + OK
    assert bench.at('+MIPOPEN=1,,"111.231.250.105",3000,0') + bench.settle() == (
        'AT+MIPOPEN=1,,"111.231.250.105",3000,0\r' + OK + urc("+MIPOPEN: 1,1"))
    assert bench.port.send(b"AT+MIPSEND=1,10\r") == "AT+MIPSEND=1,10\r>"
    assert bench.port.send(b"1234567890") + bench.settle() == (
        "1234567890" + OK + urc("+MIPPUSH: 1,0") + info("+MIPSEND: 1,0,2048")
        + urc("+MIPREAD: 1,10"))
    assert bench.at("+MIPREAD?") == "AT+MIPREAD?\r" + info("+MIPREAD: 1,10")
    assert bench.at("+MIPREAD=1,10") == (
        "AT+MIPREAD=1,10\r\r\n+MIPDATA: 1,10\r\n1234567890\r\n" + OK)


def test_3_2_ssl_connect_to_a_verified_https_host(tmp_path):
    """§3.2's third line, "TCPS": the lab's HTTPS at the name it opens, its certificate from
    the lab CA checked by a modem that verifies (M2)."""
    import ipaddress

    from simulator.network.spec import HostSpec, IpNetworkSpec, ServiceSpec, TlsSpec
    from tests.dialects.mip.bench import LAB

    www = tmp_path / "www"
    www.mkdir()
    baidu = HostSpec("www.baidu.com", address=ipaddress.IPv4Address("180.97.33.107"),
                     services=(ServiceSpec("https", root=www),))
    ip = IpNetworkSpec(apns=LAB.apns, hosts=LAB.hosts + (baidu,), links=LAB.links)
    bench = MipBench(ip=ip, tls=TlsSpec(verify=True), state_dir=tmp_path / "state")
    bench.online()
    assert bench.at('+MIPOPEN=1,,"111.231.250.105",3000,0') + bench.settle() == (
        OK + urc("+MIPOPEN: 1,1"))
    assert bench.at('+MIPOPEN=2,,"111.231.250.105",5000,1') + bench.settle() == (
        OK + urc("+MIPOPEN: 2,1"))
    assert bench.at('+MIPOPEN=3,,"www.baidu.com",443,2') + bench.settle() == (
        OK + urc("+MIPOPEN: 3,1"))
