"""The pure helpers: character sets, signal scales, dial strings, the dialect registry."""

import pytest

import simulator.dialects
from simulator.modem import charset, signal
from simulator.modem.dialstring import BadPacketDial, PacketDial, packet_dial
from simulator.modem.services import GENERIC_SERVICES
from simulator.modem.simaccess import SimAccessService
from simulator.modem.tables import GENERIC_TABLES


@pytest.mark.parametrize(("text", "chset", "shown"), [
    ("Test Network", "IRA", "Test Network"),
    ("Test Network", "GSM", "Test Network"),
    ("@$", "GSM", "\x00\x02"),
    ("Test", "UCS2", "0054006500730074"),
    ("Café", "IRA", "Caf?"),
    ("Café", "UCS2", "00430061006600E9"),
])
def test_charset_round_trip(text, chset, shown):
    assert charset.encode(text, chset) == shown
    if "?" not in shown:
        assert charset.decode(shown, chset) == text


@pytest.mark.parametrize(("text", "chset"), [("123", "UCS2"), ("00ZZ", "UCS2"), ("é", "IRA"),
                                             ("\x80", "GSM")])
def test_charset_rejects(text, chset):
    with pytest.raises(ValueError):
        charset.decode(text, chset)


def test_signal_scales():
    assert signal.rssi_dbm(0) == -113 and signal.rssi_dbm(31) == -51
    assert signal.cesq(99, 99, "lte") == (99, 99, 255, 255, 255, 255)
    assert signal.cesq(31, 0, "gsm") == (60, 0, 255, 255, 255, 255)
    assert signal.cesq(0, 7, "edge") == (0, 7, 255, 255, 255, 255)
    # stronger signal never reports lower on any scale
    for tech in ("gsm", "umts", "lte"):
        values = [signal.cesq(rssi, 0, tech) for rssi in range(32)]
        assert values == sorted(values)


@pytest.mark.parametrize(("dial", "expected"), [
    ("*99#", PacketDial(None, "PPP")),
    ("*99***1#", PacketDial(1, "PPP")),
    ("*99*123*PPP*3#", PacketDial(3, "PPP")),
    ("*99**1*2#", PacketDial(2, "PPP")),
    ("*98#", PacketDial(None, "")),
    ("*98*4#", PacketDial(4, "")),
    ("+15551230000", None),
    ("*100#", None),
    ("5551234;", None),
])
def test_packet_dial(dial, expected):
    assert packet_dial(dial) == expected


@pytest.mark.parametrize("dial", ["*99**X25*1#", "*99***A#"])
def test_bad_packet_dial(dial):
    with pytest.raises(BadPacketDial):
        packet_dial(dial)


def test_dialect_registry():
    assert "generic" in simulator.dialects.names()
    generic = simulator.dialects.get("generic")
    assert generic.name == "generic"
    # +CRSM is the generic module's alone (no vendor manual atsim follows has it).
    assert generic.service_classes() == [*GENERIC_SERVICES, SimAccessService]
    assert generic.identity_defaults() == {
        "manufacturer": "ATSIM", "model": "GENERIC-GSM", "revision": "ATSIM-1.0",
        "imei": "350000010000012"}
    assert generic.tables is GENERIC_TABLES
    with pytest.raises(LookupError):
        simulator.dialects.get("nonesuch")
    with pytest.raises(LookupError):
        simulator.dialects.get("base")
