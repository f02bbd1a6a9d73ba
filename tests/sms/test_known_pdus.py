"""Published PDUs, decoded and encoded byte for byte."""

from datetime import datetime, timedelta, timezone

import pytest

from simulator.sms import PduError, gsm7
from simulator.sms.address import Address, Ton
from simulator.sms.timestamp import (
    AbsoluteValidity,
    RelativeValidity,
    decode_timestamp,
    encode_timestamp,
)
from simulator.sms.tpdu import Deliver, Pdu, StatusReport, Submit
from simulator.sms.userdata import Alphabet, Concatenation, UserData, dcs_alphabet


def zone(hours):
    return timezone(timedelta(hours=hours))


def round_trip(hex_pdu, length):
    pdu = Pdu.decode(hex_pdu, length)
    assert pdu.encode() == (hex_pdu, length)
    return pdu


def test_hellohello_submit():
    pdu = round_trip("0011000B916407281553F80000AA0AE8329BFD4697D9EC37", 23)
    assert pdu.smsc is None
    submit = pdu.tpdu
    assert isinstance(submit, Submit)
    assert submit.destination == Address("46708251358", Ton.INTERNATIONAL, 1)
    assert submit.destination.text == "+46708251358"
    assert submit.reference == 0
    assert submit.validity == RelativeValidity(0xAA)
    assert submit.validity.duration == timedelta(days=4)
    assert submit.user_data == UserData("hellohello")


def test_submit_built_from_values_is_the_published_pdu():
    submit = Submit(Address.parse("+27820001111"), UserData("Hello World!"))
    assert Pdu(submit).encode() == ("0001000B917228001011F100000CC8329BFD065DDF72363904", 24)


def test_deliver_with_service_centre():
    hex_pdu = ("07915892000000F0040B915892214365F700007040213252242331493A283D0795C3F33C88FE"
               "06C9CB6132885EC6D341EDF27C1E3E97E7207B3A0C0A5241E377BB1D7693E72E")
    pdu = round_trip(hex_pdu, len(hex_pdu) // 2 - 8)
    assert pdu.smsc == Address("85290000000", Ton.INTERNATIONAL, 1)
    deliver = pdu.tpdu
    assert isinstance(deliver, Deliver)
    assert deliver.originator.text == "+85291234567"
    assert deliver.timestamp == datetime(2007, 4, 12, 23, 25, 42, tzinfo=zone(8))
    assert deliver.user_data.payload == "It is easy to read text messages via AT commands."
    assert not deliver.more_messages


def test_deliver_with_extension_characters():
    pdu = round_trip("06917228195339040B917228214365F70000313062315352800A800D8A5E98D337A910",
                     28)
    assert pdu.smsc.text == "+2782913593"
    assert pdu.tpdu.user_data.payload == "@{tést}!"


def test_submit_with_smsc_and_relative_validity():
    pdu = round_trip("07911326040000F0310D0B911326880736F40000A90FF7FBDD454E87CDE1B0DB357EB701",
                     28)
    assert pdu.tpdu.destination.text == "+31628870634"
    assert pdu.tpdu.validity.duration == timedelta(days=3)
    assert pdu.tpdu.reference == 0x0D
    assert pdu.tpdu.user_data.payload == "www.diafaan.com"


def test_submit_with_absolute_validity():
    pdu = round_trip("0019000B917228001011F100003170013193008017D474BB3CA787DB70903DCC4E93D3F4"
                     "3C885E9ED301", 41)
    assert pdu.tpdu.validity == AbsoluteValidity(datetime(2013, 7, 10, 13, 39, tzinfo=zone(2)))
    assert pdu.tpdu.user_data.payload == "Timestamp validity test"


def test_status_report():
    pdu = round_trip("0006D60B911326880736F4111011719551401110117195714000", 25)
    report = pdu.tpdu
    assert isinstance(report, StatusReport)
    assert report.reference == 214
    assert report.recipient.text == "+31628870634"
    assert report.timestamp == datetime(2011, 1, 11, 17, 59, 15, tzinfo=zone(1))
    assert report.discharge == datetime(2011, 1, 11, 17, 59, 17, tzinfo=zone(1))
    assert report.status == 0


def test_concatenated_part_with_fill_bit():
    hex_pdu = ("0591721891F1400781721881F800003160526104848059050003C30101916536FB1DCABEEB2074"
               "D85E064941B19CAB060319A5C522289C96D3D3ED32286C0FA7D96131BBEC024941B19CAB0603"
               "DDD36C36A88C87A7E565D0DB0D82C55EB0DB4B068BCD5C20")
    pdu = Pdu.decode(hex_pdu, len(hex_pdu) // 2 - 6)
    # The sender set its fill bit; this codec writes fill bits as zero (their value
    # is not significant), so only that bit differs.
    assert pdu.encode()[0] == hex_pdu.replace("0101916536", "0101906536")
    deliver = pdu.tpdu
    assert deliver.originator == Address("2781188", Ton.UNKNOWN, 1)
    assert deliver.user_data.concatenation == Concatenation(0xC3, 1, 1)
    assert deliver.user_data.payload == (
        "Hello!You have R 19.50 FREE airtime available. R 19.50 will expire on 01/07/2013. ")


def test_ucs2_submit():
    pdu = round_trip("07914346466554F601000B914316565811F9000806304253F68449", 19)
    assert dcs_alphabet(pdu.tpdu.dcs) is Alphabet.UCS2
    assert pdu.tpdu.user_data.payload == "あ叶葉"


def test_8bit_submit():
    pdu = round_trip("0591721891F101000B917228214365F700040C48656C6C6F20776F726C6421", 25)
    assert pdu.tpdu.user_data.payload == b"Hello world!"


def test_a_udl_longer_than_the_data_is_refused():
    with pytest.raises(PduError):
        Pdu.decode("0041010C910661345542F60008A0050003000301306F3044")


def test_a_wrong_length_is_refused():
    with pytest.raises(PduError, match="<length>"):
        Pdu.decode("0011000B916407281553F80000AA0AE8329BFD4697D9EC37", 24)


@pytest.mark.parametrize("moment, octets", [
    (datetime(2015, 11, 27, tzinfo=zone(0)), "51117200000000"),
    (datetime(2015, 11, 27, tzinfo=zone(2)), "51117200000080"),
    (datetime(2007, 4, 12, 23, 25, 42, tzinfo=zone(8)), "70402132522423"),
    (datetime(2007, 4, 12, 23, 25, 42, tzinfo=zone(-8)), "7040213252242B"),
])
def test_timestamps(moment, octets):
    assert encode_timestamp(moment).hex().upper() == octets
    assert decode_timestamp(bytes.fromhex(octets)) == moment


@pytest.mark.parametrize("duration, code", [
    (timedelta(minutes=30), 5), (timedelta(hours=16), 151),
    (timedelta(days=3), 169), (timedelta(weeks=5), 197)])
def test_relative_validity(duration, code):
    assert RelativeValidity.at_least(duration).code == code
    assert RelativeValidity(code).duration == duration


def test_concatenation_elements():
    assert Concatenation(23, 3, 1).element().data == bytes.fromhex("170301")
    wide = Concatenation(384, 4, 2, wide=True).element()
    assert (wide.iei, wide.data) == (0x08, bytes.fromhex("01800402"))


def test_extension_characters_take_two_septets():
    assert gsm7.to_septets("€[") == [0x1B, 0x65, 0x1B, 0x3C]
    assert gsm7.from_septets([0x1B, 0x65, 0x41]) == "€A"


def test_escape_fallbacks():
    assert gsm7.from_septets([0x1B, 0x41]) == "A"
    assert gsm7.from_septets([0x1B, 0x1B, 0x41]) == " A"
    assert gsm7.from_septets([0x41, 0x1B]) == "A "


def test_alphanumeric_originator():
    # 7 characters: 49 bits, 13 useful semi-octets in 7 octets.
    address = Address.parse("Atsim 1")
    assert address.ton == Ton.ALPHANUMERIC
    encoded = address.encode_tp()
    assert encoded[:2] == bytes((13, 0xD0))
    assert encoded[2:] == gsm7.pack(gsm7.to_septets("Atsim 1"))
    assert len(encoded) == 9


@pytest.mark.parametrize("build", [
    lambda: Submit(Address("1"), UserData("x"), reference=256),
    lambda: Submit(Address("1"), UserData("x"), pid=-1),
    lambda: Submit(Address("1"), UserData("x"), dcs=0x0C),
    lambda: Submit(Address("1"), UserData("ж")),
    lambda: Submit(Address("1"), UserData("x" * 161)),
    lambda: Submit(Address("1"), UserData("x"), dcs=0x04),
    lambda: Submit(Address("1" * 21), UserData("x")),
    lambda: Submit(Address("1", ton=8), UserData("x")),
])
def test_values_a_pdu_cannot_carry_raise_pdu_error(build):
    with pytest.raises(PduError):
        build().encode()
