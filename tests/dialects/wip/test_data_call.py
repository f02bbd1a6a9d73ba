"""A GSM data call between two WIP modems (ATD / RING / ATA, CONNECT on both sides), as
Wavecom modules make them with the standard commands."""

import random

from twisted.internet.task import Clock

import simulator.dialects
from simulator.modem.modem import Modem
from simulator.modem.storage import NVStore
from simulator.network import Network
from simulator.network.calls import SETUP_DELAY
from simulator.scenario.model import ModemSpec, NetworkSpec
from tests.modem.bench import Port


def wip_modem(network, clock, spec, name, msisdn):
    modem_spec = ModemSpec(name=name, n=1, dialect="wip", msisdn=msisdn)
    network.attach(modem_spec, random.Random(name))
    modem = Modem(modem_spec, simulator.dialects.get("wip"), spec, clock, random.Random(1),
                  NVStore(None), ip_network=network)
    port = Port(modem, "uart1")
    port.send(b"ATE0\r")
    modem.power_on()
    return port


def test_two_wip_modems_make_a_data_call():
    clock = Clock()
    spec = NetworkSpec()
    network = Network(spec, clock=clock, lab_listen=False)
    network.startService()
    caller = wip_modem(network, clock, spec, "wip-a", "+33611111111")
    callee = wip_modem(network, clock, spec, "wip-b", "+33622222222")
    clock.advance(spec.registration.delay)
    caller.take(), callee.take()

    assert callee.send(b"AT+CLIP=1\r") == "\r\nOK\r\n"
    assert caller.send(b"ATD+33622222222\r") == ""
    clock.advance(SETUP_DELAY)
    assert callee.take() == '\r\nRING\r\n\r\n+CLIP: "+33611111111",145\r\n'
    assert callee.send(b"ATA\r") == "\r\nCONNECT 9600\r\n"
    assert caller.take() == "\r\nCONNECT 9600\r\n"
    payload = bytes(range(256))
    caller.send(payload)
    clock.advance(1)
    assert callee.take().encode("latin-1") == payload
    clock.advance(2)
    callee.send(b"+++")
    clock.advance(1.1)
    assert callee.take() == "\r\nOK\r\n"
    assert callee.send(b"ATH\r") == "\r\nOK\r\n"
    clock.advance(1)
    assert caller.take() == "\r\nNO CARRIER\r\n"
