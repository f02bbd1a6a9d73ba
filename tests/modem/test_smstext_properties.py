"""Text mode as a codec, property-tested: what a host types is what a reader sees, in every
+CSCS; and a +CMGS/+CMGW split anywhere on the wire gives the same answer."""

import random
import re

from hypothesis import given, settings
from hypothesis import strategies as st
from twisted.internet.task import Clock

import simulator.dialects
from simulator.modem import smstext
from simulator.modem.charset import encode
from simulator.modem.modem import Modem
from simulator.modem.storage import NVStore
from simulator.scenario.model import ModemSpec, NetworkSpec
from simulator.sms.address import Address
from simulator.sms.gsm7 import ALPHABET, ESCAPE
from simulator.sms.tpdu import Pdu, Submit
from tests.modem.bench import Port

GSM_BASIC = [ch for code, ch in enumerate(ALPHABET) if code != ESCAPE]
gsm_text = st.text(alphabet=st.sampled_from(GSM_BASIC), max_size=160)
ascii_text = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E),
                     max_size=160).filter(lambda t: all(c in GSM_BASIC for c in t))
ucs2_text = st.text(alphabet=st.characters(max_codepoint=0xFFFF, exclude_categories=("Cs",)),
                    max_size=70)


def round_trip(typed: str, dcs: int, charset: str) -> tuple[str, int]:
    """Typed after the prompt, through a PDU and back to what +CMGR shows."""
    user_data = smstext.user_data(typed.encode("latin-1"), dcs, charset)
    hex_pdu, _ = Pdu(Submit(Address.parse("+331"), user_data, dcs=dcs)).encode()
    return smstext.data(Pdu.decode(hex_pdu).tpdu, charset)


@given(gsm_text)
def test_gsm_charset_round_trip(text):
    typed = encode(text, "GSM")
    assert round_trip(typed, 0, "GSM") == (typed, len(text))


@given(gsm_text)
def test_ucs2_charset_for_7_bit_text_round_trip(text):
    typed = encode(text, "UCS2")
    assert round_trip(typed, 0, "UCS2") == (typed, len(text))


@given(ascii_text)
def test_ira_round_trip(text):
    assert round_trip(text, 0, "IRA") == (text, len(text))


@given(ucs2_text, st.sampled_from(["IRA", "GSM", "UCS2"]))
def test_ucs2_data_is_hex_in_every_charset(text, charset):
    typed = text.encode("utf-16-be").hex().upper()
    assert round_trip(typed, 8, charset) == (typed, 2 * len(text))


@given(st.binary(max_size=140))
def test_8_bit_data_is_hex(data):
    typed = data.hex().upper()
    assert round_trip(typed, 4, "IRA") == (typed, len(data))


def fresh_port() -> Port:
    modem = Modem(ModemSpec(name="m", n=1), simulator.dialects.get("generic"), NetworkSpec(),
                  Clock(), random.Random(1), NVStore(None))
    port = Port(modem, "p")
    port.send(b"ATE0+CMEE=1\r")
    modem.power_on()
    port.take()
    return port


WRITES = [
    b'AT+CMGF=1;+CMGW="+33612"\rhello\r\nworld\x1a',
    b"AT+CMGW=14\r0001000B913306000000F200000178\x1a",
    b"AT+CMGW=14\r00\x1b",
]


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(WRITES), st.lists(st.integers(1, 60), max_size=8))
def test_any_split_gives_the_same_answer(line, cuts):
    whole = fresh_port().send(line)
    port = fresh_port()
    got, start = "", 0
    for cut in sorted(cuts):
        got += port.send(line[start:cut])
        start = max(start, cut)
    got += port.send(line[start:])
    assert got == whole
    assert got.endswith("\r\nOK\r\n")


@settings(max_examples=60, deadline=None)
@given(st.sampled_from([b"AT+CMGS=", b"AT+CMGW="]), st.integers(1, 166),
       st.binary(max_size=400).map(lambda b: b.replace(b"\x1a", b"").replace(b"\x1b", b"")))
def test_garbage_after_the_prompt_is_a_27005_error_and_the_port_answers(command, length,
                                                                          garbage):
    port = fresh_port()
    assert port.send(command + str(length).encode() + b"\r") == "\r\n> "
    answer = port.send(garbage + b"\x1a")
    # A PDU that happens to decode is stored (+CMGW) or refused for want of a network (331).
    assert re.fullmatch(r"\r\n(\+CMS ERROR: (304|331)|\+CMGW: 1\r\n\r\nOK)\r\n", answer), answer
    assert port.send(b"AT\r") == "\r\nOK\r\n"
