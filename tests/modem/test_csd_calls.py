"""CSD data calls between two generic modems through the simulated network, on task.Clock:
RING, +CRING/+CLIP, RI, ATA, CONNECT on both sides, bytes both ways, hang-ups."""

import random

import pytest
from twisted.internet.task import Clock

import simulator.dialects
from simulator.modem.csd import RING_INTERVAL
from simulator.modem.modem import Modem
from simulator.modem.storage import NVStore
from simulator.network import Network
from simulator.network.calls import NO_ANSWER_TIMEOUT, SETUP_DELAY
from simulator.scenario.model import ModemSpec, NetworkSpec, NumberSpec
from tests.modem.bench import Host, Port

A_NUMBER, B_NUMBER = "+33600000001", "+33600000002"


class TwoModems:
    def __init__(self, numbers=()):
        self.clock = Clock()
        spec = NetworkSpec(numbers=tuple(numbers))
        self.network = Network(spec, clock=self.clock, lab_listen=False)
        self.network.startService()
        self.a = self._modem("a", A_NUMBER, spec)
        self.b = self._modem("b", B_NUMBER, spec)
        self.clock.advance(spec.registration.delay)
        self.pa, self.pb = self.a.port, self.b.port
        self.pa.take()
        self.pb.take()

    def _modem(self, name, msisdn, spec):
        modem_spec = ModemSpec(name=name, n=1, msisdn=msisdn)
        self.network.attach(modem_spec, random.Random(name))
        modem = Modem(modem_spec, simulator.dialects.get("generic"), spec, self.clock,
                      random.Random(1), NVStore(None), ip_network=self.network)
        modem.port = Port(modem, "uart1")
        modem.port.send(b"ATE0\r")
        modem.power_on()
        return modem

    def advance(self, seconds):
        self.clock.advance(seconds)

    def ring_b(self):
        assert self.pa.send(f"ATD{B_NUMBER}\r".encode()) == ""
        self.advance(SETUP_DELAY)


@pytest.fixture
def two():
    return TwoModems()


def test_call_rings_connects_and_carries_bytes(two):
    two.pb.send(b"AT+CLIP=1;+CRC=1\r")
    two.pb.take()
    two.ring_b()
    assert two.pb.take() == f'\r\n+CRING: REL ASYNC\r\n\r\n+CLIP: "{A_NUMBER}",145\r\n'
    assert two.pb.channel.modem_signals.ri is True
    assert two.pb.send(b"ATS1?\r") == "\r\n001\r\n\r\nOK\r\n"
    assert two.pb.send(b"ATA\r") == "\r\nCONNECT 9600\r\n"
    assert two.pb.channel.modem_signals.ri is False
    assert two.pa.take() == "\r\nCONNECT 9600\r\n"
    assert two.pa.channel.modem_signals.dcd and two.pb.channel.modem_signals.dcd
    two.pa.send(b"hello over CSD")
    two.advance(1)
    assert two.pb.take() == "hello over CSD"
    two.pb.send(b"\x00\x10\x03\xff back")
    two.advance(1)
    assert two.pa.take() == "\x00\x10\x03\xff back"


def test_rings_repeat_and_plain_ring_without_crc(two):
    two.ring_b()
    assert two.pb.take() == "\r\nRING\r\n"
    two.advance(RING_INTERVAL)
    assert two.pb.take() == "\r\nRING\r\n"
    assert two.pb.send(b"ATS1?\r") == "\r\n002\r\n\r\nOK\r\n"


def test_hang_up_from_online_command_state_reaches_the_caller(two):
    two.ring_b()
    two.pb.send(b"ATA\r")
    two.pa.take()
    two.advance(2)
    two.pb.send(b"+++")
    two.advance(1.1)
    assert two.pb.take() == "\r\nOK\r\n"
    assert two.pb.send(b"ATH\r") == "\r\nOK\r\n"
    two.advance(1)
    assert two.pa.take() == "\r\nNO CARRIER\r\n"
    assert two.pa.send(b"AT\r") == "\r\nOK\r\n"


def test_ath_while_ringing_rejects_and_the_caller_sees_busy(two):
    two.ring_b()
    two.pb.take()
    assert two.pb.send(b"ATH\r") == "\r\nOK\r\n"
    two.advance(0)
    assert two.pa.take() == "\r\nBUSY\r\n"
    two.advance(RING_INTERVAL * 2)
    assert two.pb.take() == ""  # no more RINGs


def test_no_answer(two):
    two.ring_b()
    two.advance(NO_ANSWER_TIMEOUT)
    assert two.pa.take() == "\r\nNO ANSWER\r\n"
    two.pb.take()
    two.advance(RING_INTERVAL * 2)
    assert two.pb.take() == ""


def test_automatic_answer_after_s0_rings(two):
    two.pb.send(b"ATS0=2\r")
    two.pb.take()
    two.ring_b()
    assert two.pb.take() == "\r\nRING\r\n"
    two.advance(RING_INTERVAL)
    assert two.pb.take() == "\r\nRING\r\n\r\nCONNECT 9600\r\n"
    assert two.pa.take() == "\r\nCONNECT 9600\r\n"


def test_unknown_number_and_voice_and_bad_dial_strings(two):
    two.pa.send(b"AT+CMEE=1\r")
    two.pa.take()
    assert two.pa.send(b"ATD+99999\r") == ""
    two.advance(SETUP_DELAY)
    assert two.pa.take() == "\r\nNO CARRIER\r\n"
    assert two.pa.send(f"ATD{B_NUMBER};\r".encode()) == "\r\nNO CARRIER\r\n"
    assert two.pa.send(b"ATDXYZ\r") == "\r\n+CME ERROR: 27\r\n"


def test_numbers_table_maps_a_number_to_a_modem():
    two = TwoModems(numbers=[NumberSpec("555", modem="b")])
    assert two.pa.send(b"ATDT 555\r") == ""
    two.advance(SETUP_DELAY)
    assert two.pb.take() == "\r\nRING\r\n"


def test_caller_dtr_drop_hangs_up(two):
    two.ring_b()
    two.pb.send(b"ATA\r")
    two.pa.take()
    two.pa.channel.set_host_signals(dtr=False)
    assert two.pa.take() == "\r\nNO CARRIER\r\n"
    two.advance(1)
    assert two.pb.take() == "\r\nNO CARRIER\r\n"


def test_automatic_answer_waits_for_a_host_on_the_port(two):
    two.pb.send(b"ATS0=1\r")
    two.pb.take()
    two.pb.channel.detach_host()  # the host closes the port; S0 stays set
    two.ring_b()
    two.advance(RING_INTERVAL * 2)
    assert two.pa.take() == ""  # not answered: no CONNECT for the caller
    assert not two.b.interpreters[0].online
    host = Host()
    two.pb.channel.attach_host(host)  # the next host finds the modem in command mode
    two.pb.channel.receive(b"AT\r")
    assert host.take() == "\r\nOK\r\n"
    two.advance(RING_INTERVAL)  # and the call, still ringing, is answered for it now
    assert host.take() == "\r\nRING\r\n\r\nCONNECT 9600\r\n"
    assert two.pa.take() == "\r\nCONNECT 9600\r\n"


def test_automatic_answer_waits_while_the_channel_is_busy(two):
    two.pb.send(b"ATS0=1\r")
    two.pb.take()
    two.pb.send(b"AT+CSQ")  # a line half typed when the call comes
    two.ring_b()
    assert two.pb.take() == "\r\nRING\r\n"
    assert two.pa.take() == ""  # the call was not answered behind the channel's back
    assert two.pb.send(b"\r").startswith("\r\n+CSQ: ")
    two.advance(RING_INTERVAL)
    assert two.pb.take() == "\r\nRING\r\n\r\nCONNECT 9600\r\n"
    assert two.pa.take() == "\r\nCONNECT 9600\r\n"


def test_clip_shows_the_phone_book_name(two):
    two.pb.send(f'AT+CPBW=,"{A_NUMBER}",145,"Alice";+CLIP=1\r'.encode())
    two.pb.take()
    two.ring_b()
    assert two.pb.take() == f'\r\nRING\r\n\r\n+CLIP: "{A_NUMBER}",145,,,"Alice"\r\n'
