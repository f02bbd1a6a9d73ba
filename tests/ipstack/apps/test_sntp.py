"""SNTP: the packet codec against the lab server's own answers, and a query through a
modem's bearer to the lab NTP host."""

import dataclasses

import pytest

from simulator.ipstack.apps import AppError, AppFailure, sntp_query
from simulator.ipstack.apps.sntp import (
    MODE_SERVER,
    check_reply,
    decode,
    encode_request,
    from_timestamp,
    result_of,
    to_timestamp,
)
from simulator.network.lab import ntp as lab_ntp
from tests.ipstack.apps.helpers import LabTestCase, time_host


def test_timestamps_round_trip_to_the_microsecond():
    for seconds in (1_000_000_000.0, 1_700_000_000.25, 4_000_000_000.999999):
        assert from_timestamp(to_timestamp(seconds)) == pytest.approx(seconds, abs=1e-6)


def test_a_request_answered_by_the_lab_server():
    sent = to_timestamp(1_700_000_000.0)
    request = encode_request(sent)
    assert len(request) == 48 and request[0] == 0x23  # LI 0, version 4, mode 3 (client)
    answer = decode(lab_ntp.answer(request, 1_700_000_100.0))
    assert (answer.mode, answer.stratum, answer.originate) == (MODE_SERVER, 1, sent)
    assert check_reply(answer, sent) is None
    result = result_of(answer, 1_700_000_000.0, 1_700_000_000.2, "198.18.0.1")
    assert result.offset == pytest.approx(100.0 - 0.1, abs=1e-6)
    assert result.time == pytest.approx(1_700_000_100.1, abs=1e-6)
    assert result.round_trip == pytest.approx(0.2, abs=1e-6)


def test_unusable_replies():
    sent = to_timestamp(1_700_000_000.0)
    answer = decode(lab_ntp.answer(encode_request(sent), 1_700_000_000.0))
    assert check_reply(answer, sent + 1) == "not an answer to this request"
    assert "kiss" in check_reply(dataclasses.replace(answer, stratum=0), sent)
    assert check_reply(dataclasses.replace(answer, leap=3), sent) is not None
    assert check_reply(dataclasses.replace(answer, mode=3), sent) is not None
    with pytest.raises(ValueError):
        decode(b"\x24" * 47)


class SntpTests(LabTestCase):
    async def test_time_from_the_lab_ntp_server(self):
        endpoints = await self.start(time_host(), link="edge")
        result = await sntp_query(endpoints, "time.lab")
        self.assertEqual(result.stratum, 1)
        self.assertEqual(result.server, self.network.resolve("time.lab"))
        self.assertLess(abs(result.time - self.clock.seconds()), 0.5)
        self.assertLess(abs(result.offset), 0.2)  # the server answers from the same clock
        self.assertGreater(result.round_trip, 0.2)  # two EDGE latencies of 140 ms

    async def test_no_server_times_out(self):
        endpoints = await self.start(time_host())
        with self.assertRaises(AppError) as caught:
            await sntp_query(endpoints, "203.0.113.9", timeout=0.3, attempts=2)
        self.assertIs(caught.exception.reason, AppFailure.TIMEOUT)
