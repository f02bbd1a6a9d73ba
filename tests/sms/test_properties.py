"""Property tests: whatever goes in comes out, and garbage raises only PduError."""

from datetime import datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.sms import PduError, gsm7
from simulator.sms.address import Address, Npi, Ton
from simulator.sms.concat import PART, SINGLE, Reassembler, alphabet_for, join, split
from simulator.sms.timestamp import (
    AbsoluteValidity,
    EnhancedValidity,
    RelativeValidity,
    decode_timestamp,
    encode_timestamp,
)
from simulator.sms.tpdu import Deliver, Pdu, StatusReport, Submit
from simulator.sms.userdata import Alphabet, UserData, dcs_alphabet

GSM_CHARS = [ch for code, ch in enumerate(gsm7.ALPHABET) if code != gsm7.ESCAPE]
GSM_TEXT = st.text(alphabet=st.sampled_from(GSM_CHARS + list(gsm7.EXTENSION.values())))
ANY_TEXT = st.text()
DIGITS = st.text(alphabet="0123456789*#abc", min_size=1, max_size=20)

numbers = st.one_of(
    st.builds(Address, DIGITS, st.sampled_from([Ton.INTERNATIONAL, Ton.NATIONAL,
                                                Ton.UNKNOWN, Ton.SUBSCRIBER]),
              st.sampled_from([Npi.ISDN, Npi.UNKNOWN, Npi.NATIONAL, Npi.PRIVATE])),
    st.builds(Address, st.text(alphabet=st.sampled_from(GSM_CHARS), min_size=1, max_size=11),
              st.just(Ton.ALPHANUMERIC), st.just(Npi.UNKNOWN)),
)
smsc_numbers = st.none() | st.builds(Address, DIGITS.filter(lambda d: len(d) <= 20),
                                     st.just(Ton.INTERNATIONAL), st.just(Npi.ISDN))
moments = st.builds(
    lambda naive, quarters: naive.replace(tzinfo=timezone(timedelta(minutes=15 * quarters))),
    st.datetimes(datetime(2000, 1, 1), datetime(2099, 12, 31, 23, 59, 59)).map(
        lambda moment: moment.replace(microsecond=0)),
    st.integers(-79, 79))
validities = st.one_of(
    st.none(), st.builds(RelativeValidity, st.integers(0, 255)),
    st.builds(AbsoluteValidity, moments),
    st.builds(EnhancedValidity, st.just(0), st.just(0), st.booleans()),
    st.builds(EnhancedValidity, st.sampled_from([1, 2]), st.integers(0, 255), st.booleans()),
    st.builds(EnhancedValidity, st.just(3), st.integers(0, 99 * 3600 + 59 * 60 + 59),
              st.booleans()),
)


def part_text(alphabet):
    if alphabet is Alphabet.GSM7:
        return GSM_TEXT.filter(lambda t: len(gsm7.to_septets(t)) <= 153)
    return ANY_TEXT.filter(lambda t: len(t.encode("utf-16-be")) <= 134)


@st.composite
def user_data(draw):
    alphabet = draw(st.sampled_from(list(Alphabet)))
    concat = draw(st.booleans())
    if alphabet is Alphabet.DATA8:
        payload = draw(st.binary(max_size=134 if concat else 140))
    elif concat:
        payload = draw(part_text(alphabet))
    else:
        payload = draw(GSM_TEXT.filter(lambda t: len(gsm7.to_septets(t)) <= 160)
                       if alphabet is Alphabet.GSM7
                       else ANY_TEXT.filter(lambda t: len(t.encode("utf-16-be")) <= 140))
    header = ()
    if concat:
        _, parts = split("x" * 400, draw(st.integers(0, 255)))
        header = parts[0].header
    return alphabet.value << 2, UserData(payload, header)


@given(numbers)
def test_addresses_round_trip(address):
    from simulator.sms.address import decode_tp
    encoded = address.encode_tp()
    assert decode_tp(encoded, 0) == (address, len(encoded))


@given(moments)
def test_timestamps_round_trip(moment):
    decoded = decode_timestamp(encode_timestamp(moment))
    assert decoded == moment and decoded.utcoffset() == moment.utcoffset()


@given(numbers, user_data(), st.integers(0, 255), validities, smsc_numbers, st.booleans(),
       st.booleans())
def test_submits_round_trip(address, coded, reference, validity, smsc, srr, rd):
    dcs, data = coded
    submit = Submit(address, data, reference, dcs, validity=validity,
                    status_report_request=srr, reject_duplicates=rd)
    text, length = Pdu(submit, smsc).encode()
    assert Pdu.decode(text, length) == Pdu(submit, smsc)


@given(numbers, user_data(), moments, smsc_numbers, st.booleans(), st.booleans())
def test_delivers_round_trip(address, coded, moment, smsc, more, sri):
    dcs, data = coded
    deliver = Deliver(address, data, moment, dcs, more_messages=more,
                      status_report_indication=sri)
    text, length = Pdu(deliver, smsc).encode()
    assert Pdu.decode(text, length) == Pdu(deliver, smsc)


@given(numbers, st.integers(0, 255), moments, moments, st.integers(0, 255),
       st.none() | st.integers(0, 255), st.none() | user_data())
def test_status_reports_round_trip(address, reference, sent, done, status, pid, coded):
    dcs, data = coded if coded else (None, None)
    report = StatusReport(reference, address, sent, done, status, pid=pid, dcs=dcs,
                          user_data=data)
    text, length = Pdu(report).encode()
    assert Pdu.decode(text, length) == Pdu(report)


@given(GSM_TEXT)
def test_gsm_text_packs_and_unpacks(text):
    septets = gsm7.to_septets(text)
    for fill in range(7):
        assert gsm7.from_septets(gsm7.unpack(gsm7.pack(septets, fill), len(septets), fill)) \
            == text


@given(ANY_TEXT)
def test_the_smallest_alphabet_is_chosen(text):
    alphabet = alphabet_for(text)
    assert (alphabet is Alphabet.GSM7) == all(ch in GSM_CHARS or ch in gsm7.EXTENSION.values()
                                              for ch in text)


@settings(max_examples=60)
@given(st.one_of(ANY_TEXT, GSM_TEXT, st.binary()).map(lambda p: p * 3),
       st.integers(0, 255), numbers, st.randoms(use_true_random=False))
def test_any_text_splits_into_parts_that_rejoin(payload, reference, sender, rng):
    dcs, parts = split(payload, reference)
    alphabet = dcs_alphabet(dcs)
    if not isinstance(payload, bytes):
        assert alphabet is alphabet_for(payload)
    assert join(parts) == payload
    for part in parts:
        udl, body = part.encode(alphabet)
        if len(parts) > 1:
            assert part.concatenation.reference == reference
            assert len(body) <= 140
        # every part travels as a DELIVER and comes back the same
        deliver = Deliver(sender, part, datetime(2026, 1, 1, tzinfo=timezone.utc), dcs)
        assert Pdu.decode(*Pdu(deliver).encode()).tpdu.user_data == part
    shuffled = list(parts)
    rng.shuffle(shuffled)
    assembler = Reassembler()
    results = [assembler.add(sender.text, part) for part in shuffled]
    assert results[-1] == payload and not any(r is not None for r in results[:-1])
    assert assembler.incomplete == 0


def test_part_sizes_are_the_standard_ones():
    for alphabet, unit in ((Alphabet.GSM7, "a"), (Alphabet.UCS2, "ж")):
        _, single = split(unit * SINGLE[alphabet], 1)
        assert len(single) == 1 and not single[0].header
        _, parts = split(unit * (SINGLE[alphabet] + 1), 1)
        assert [len(p.payload) for p in parts] == [PART[alphabet], SINGLE[alphabet] + 1
                                                   - PART[alphabet]]
    _, parts = split(b"\x00" * 141, 7)
    assert [len(p.payload) for p in parts] == [134, 7]


def test_a_split_never_cuts_an_escape_or_a_surrogate_pair():
    _, parts = split("a" * 152 + "€" + "b" * 10, 1)
    assert parts[0].payload == "a" * 152 and parts[1].payload.startswith("€")
    _, parts = split("ж" * 66 + "😀" + "ж" * 10, 1)
    assert parts[0].payload == "ж" * 66 and parts[1].payload.startswith("😀")


@given(st.binary(max_size=200), st.none() | st.integers(0, 200))
def test_garbage_raises_only_pdu_error(data, length):
    try:
        Pdu.decode(data.hex(), length)
    except PduError:
        pass


@given(numbers, user_data(), moments, st.data())
def test_truncated_pdus_raise_only_pdu_error(address, coded, moment, data):
    dcs, ud = coded
    text, _ = Pdu(Deliver(address, ud, moment, dcs)).encode()
    cut = data.draw(st.integers(0, len(text) // 2 - 1)) * 2
    try:
        Pdu.decode(text[:cut])
    except PduError:
        return
    raise AssertionError("a truncated PDU decoded")


@given(st.text(max_size=60))
def test_non_hex_text_raises_pdu_error(text):
    try:
        Pdu.decode(text)
    except PduError:
        pass


@given(numbers, user_data(), validities, st.data())
def test_mutated_pdus_raise_only_pdu_error(address, coded, validity, data):
    dcs, ud = coded
    raw = bytearray(bytes.fromhex(Pdu(Submit(address, ud, dcs=dcs, validity=validity))
                                  .encode()[0]))
    for _ in range(data.draw(st.integers(1, 4))):
        raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    try:
        Pdu.decode(raw.hex())
    except PduError:
        pass


@given(st.lists(st.integers(0, 127), max_size=40))
def test_any_septets_decode_to_encodable_text(septets):
    assert gsm7.encodable(gsm7.from_septets(septets))
